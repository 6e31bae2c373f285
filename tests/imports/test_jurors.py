"""A contest's jurors from a table: accounts seated at once, unknown e-mails invited and seated on
acceptance; the same preview and all-or-nothing rules as organisations."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import TestCase
from django.urls import reverse

from accounts import imports
from accounts.models import ImportJob, Invitation
from accounts.services import accept_invitation
from notifications.models import Message
from review.imports import JURORS, scope_of
from review.models import Juror
from tests.factories import CategoryFactory, ClassifierFactory, NominationFactory, UserFactory
from tests.imports.conftest import csv_bytes, upload

pytestmark = pytest.mark.django_db
HEADER = ["E-mail", "ПІБ", "Область", "Номінації", "Експертиза", "Max load"]


@pytest.fixture
def contest(draft_contest):
    NominationFactory(contest=draft_contest, title="Цифрові послуги")
    NominationFactory(contest=draft_contest, title="Читання")
    classifier = ClassifierFactory()
    draft_contest.classifiers.add(classifier)
    CategoryFactory(classifier=classifier, code="1.1")
    CategoryFactory(classifier=classifier, code="2")
    return draft_contest


def row(n, **overrides):
    values = {
        "E-mail": f"juror{n}@example.org",
        "ПІБ": f"Вигаданий Юрій {n}",
        "Область": "Київська область",
        "Номінації": "Цифрові послуги; читання",
        "Експертиза": "1.1; 2",
        "Max load": "12",
    }
    return values | overrides


def job_of(contest, rows, by=None):
    return imports.create_job(
        ImportJob.Kind.JURORS, upload(csv_bytes(rows, header=HEADER)), by=by, scope=scope_of(contest)
    )


def confirm(job, by=None):
    with TestCase.captureOnCommitCallbacks(execute=True):
        imports.confirm_job(job, by=by)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize(
    "key, overrides, message",
    [
        ("email", {"E-mail": "juror@"}, "Not a valid e-mail"),
        ("region", {"Область": "Нарнія"}, "Unknown region"),
        ("nominations", {"Номінації": "Космос"}, "No nomination “Космос”"),
        ("expertise", {"Експертиза": "9.9"}, "No category with the code 9.9"),
        ("max_load", {"Max load": "-3"}, "whole number"),
        ("full_name", {"ПІБ": ""}, "without an account"),
        ("email", {"E-mail": "JUROR1@example.org"}, "row 2"),
    ],
)
def test_preview_catches_each_bad_row_and_writes_nothing(contest, key, overrides, message):
    _job, results = job_of(contest, [row(1), row(2, **overrides)])
    assert results[0].ok and not results[1].ok
    assert any(message in error for error in results[1].errors[key])
    assert not Juror.objects.exists() and not Invitation.objects.exists() and not Message.objects.exists()


def test_accounts_seated_unknown_invited_then_seated_on_acceptance(contest, organiser):
    known = UserFactory(email="juror1@example.org")
    job, results = job_of(contest, [row(1), row(2, **{"Max load": ""})], organiser)
    assert all(r.ok for r in results)
    job = confirm(job, organiser)
    assert job.state == ImportJob.State.DONE, job.errors
    assert (job.created, job.invited) == (1, 1)
    seat = Juror.objects.get(user=known)
    assert (seat.region, seat.max_load, seat.nominations.count(), seat.expertise.count()) == (
        "kyiv-oblast",
        12,
        2,
        2,
    )
    invitation = Invitation.objects.get()
    assert invitation.purpose == Invitation.Purpose.JURY and invitation.organisation is None
    assert Message.objects.filter(email="juror2@example.org", event="accounts.jury_invitation").count() == 1
    person = UserFactory(email="juror2@example.org")
    assert accept_invitation(invitation, user=person) is None
    seat = Juror.objects.get(user=person)
    assert seat.max_load is None and seat.nominations.count() == 2
    assert contest.roles.filter(user=person, role="juror").exists()
    # Again: the seated and the invited are skipped; nothing new is sent.
    _again, results = job_of(contest, [row(1), row(2), row(3)], organiser)
    assert [bool(r.skip) for r in results] == [True, True, False]


def test_import_is_all_or_nothing(contest, monkeypatch):
    UserFactory(email="juror1@example.org")
    calls = []

    def failing_add_juror(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("boom")

    monkeypatch.setattr("review.imports.add_juror", failing_add_juror)
    job, _results = job_of(contest, [row(2), row(1)])
    job = confirm(job)
    assert job.state == ImportJob.State.FAILED and calls
    assert not Juror.objects.exists() and not Invitation.objects.exists() and not Message.objects.exists()


def test_preview_query_count_does_not_grow_with_rows(contest, count_queries):
    UserFactory(email="juror3@example.org")
    from core.tables import read_table

    def table(n):
        t = read_table(upload(csv_bytes([row(k) for k in range(n)], header=HEADER)), JURORS.columns())
        return t.rows, t.numbers

    ten, hundred = table(10), table(100)
    scope = scope_of(contest)
    assert count_queries(lambda: JURORS.preview(*ten, scope=scope)) == count_queries(
        lambda: JURORS.preview(*hundred, scope=scope)
    )


def test_organiser_page_and_templates(client, contest, organiser):
    client.force_login(organiser)
    url = reverse("review_imports:jurors_import", args=[contest.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": upload(csv_bytes([row(1)], header=HEADER))})
    job = ImportJob.objects.get()
    assert (
        response.url == reverse("accounts:import_job", args=[job.pk]) and job.scope == f"contest:{contest.pk}"
    )
    template = client.get(reverse("review_imports:jurors_template_xlsx", args=[contest.pk]))
    assert b"".join(template.streaming_content).startswith(b"PK")


def test_a_stranger_may_not_import_jurors(client, contest):
    client.force_login(UserFactory())
    assert client.get(reverse("review_imports:jurors_import", args=[contest.pk])).status_code == 404


def test_command(contest, tmp_path, capsys):
    path = tmp_path / "jury.csv"
    path.write_bytes(csv_bytes([row(1, Номінації="Космос")], header=HEADER, delimiter=";", encoding="cp1251"))
    with pytest.raises(CommandError):
        call_command("import_jurors", str(contest.pk), str(path), "--dry-run")
    assert "Космос" in capsys.readouterr().out
    path.write_bytes(csv_bytes([row(1)], header=HEADER))
    call_command("import_jurors", str(contest.pk), str(path))
    assert Invitation.objects.filter(purpose="jury").count() == 1
