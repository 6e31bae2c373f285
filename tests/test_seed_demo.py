"""`manage.py seed_demo`: a complete, invented, idempotent demo."""

import io
import re

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from accounts.models import Organisation, User
from contests.management import demo_data
from contests.models import Contest, ContestRole, FormField

pytestmark = pytest.mark.django_db

DEMO_EMAIL = re.compile(r"^[a-z0-9._-]+@(example\.org|demo\.konkurs\.localhost)$")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The seed also adds applications with attachments: keep their files out of var/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def snapshot() -> dict:
    """Field values of what the demo creates, to prove a second run changes nothing."""
    return {
        "users": list(User.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "contests": list(Contest.objects.order_by("pk").values()),
        "fields": list(FormField.objects.order_by("pk").values()),
    }


def test_published_contest_open_now():
    seed()
    contest = Contest.objects.get(title=demo_data.MAIN_CONTEST["title"])
    assert contest.state == Contest.State.PUBLISHED
    assert contest.is_accepting_applications
    assert contest.time_zone == "Europe/Kyiv"
    assert contest.max_winners == 5
    assert contest.grant_budget > 0
    assert contest.regulations and contest.conditions
    assert contest.nominations.count() == 3
    weights = list(contest.criteria.values_list("weight", flat=True))
    assert len(weights) == 5 and all(w > 0 for w in weights) and len(set(weights)) > 1
    assert set(contest.criteria.values_list("scale_min", "scale_max")) == {(0, 10)}
    used_types = set(contest.form_fields.values_list("field_type", flat=True))
    assert {
        FormField.Type.LONG_TEXT,
        FormField.Type.SHORT_TEXT,
        FormField.Type.NUMBER,
        FormField.Type.SINGLE_CHOICE,
        FormField.Type.MULTIPLE_CHOICE,
        FormField.Type.URL,
        FormField.Type.EMAIL,
        FormField.Type.FILE,
    } <= used_types
    for field in contest.form_fields.all():
        field.full_clean()
    classifier = contest.classifiers.get()
    assert classifier.title == "Електронне врядування на регіональному рівні"
    assert classifier.categories.filter(parent__isnull=False).exists()


def test_draft_contest_is_ready_to_publish():
    seed()
    draft = Contest.objects.get(title=demo_data.DRAFT_CONTEST["title"])
    assert draft.state == Contest.State.DRAFT
    assert draft.publish_problems() == []


def test_people_and_roles():
    seed()
    main = Contest.objects.get(title=demo_data.MAIN_CONTEST["title"])
    draft = Contest.objects.get(title=demo_data.DRAFT_CONTEST["title"])
    organiser = User.objects.get(email=demo_data.ORGANISER["email"])
    for contest in (main, draft):
        assert contest.roles.filter(user=organiser, role=ContestRole.Role.ORGANISER).exists()
    assert main.roles.filter(role=ContestRole.Role.JUROR).count() == 7
    assert main.roles.filter(role=ContestRole.Role.GRANT_OFFICER).count() == 1
    group = Group.objects.get(name="Organisers")
    assert group.permissions.filter(codename="add_contest", content_type__app_label="contests").exists()
    assert organiser.groups.filter(pk=group.pk).exists()
    assert User.objects.get(email=demo_data.ADMIN["email"]).is_staff
    assert (
        authenticate(RequestFactory().post("/"), email=organiser.email, password=demo_data.DEMO_PASSWORD)
        == organiser
    )


def test_libraries_across_regions():
    seed()
    organisations = Organisation.objects.all()
    assert 25 <= organisations.count() <= 35
    assert organisations.values("region").distinct().count() >= 10
    assert organisations.values("kind").distinct().count() >= 3
    for organisation in organisations:
        assert organisation.memberships.count() == 1
        assert organisation.phone == ""  # no phone numbers in demo data at all


def test_only_invented_addresses():
    seed()
    emails = list(User.objects.values_list("email", flat=True))
    emails += list(Organisation.objects.values_list("email", flat=True))
    assert emails
    assert [e for e in emails if not DEMO_EMAIL.match(e)] == []
    assert not User.objects.exclude(phone="").exists()


def test_second_run_creates_and_changes_nothing():
    first_output = seed()
    counts, values = row_counts(), snapshot()
    second_output = seed()
    assert row_counts() == counts
    assert snapshot() == values
    assert "nothing created" in second_output
    assert demo_data.DEMO_PASSWORD in first_output and demo_data.ORGANISER["email"] in second_output


def test_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="force"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Contest.objects.exists()
