"""No field is silently ignored (issue 15, point 9).

1. The regulations document goes through the API: a multipart PATCH stores it (its type read
   from the content, as on the edit page) or answers 400.
2. A walk over every view set of the router: each writable field of each serializer they write
   with is sent on its own, and is either stored (read back) or refused with 400 — never 200 and
   dropped. The walk knows a sample value per field; a new writable field without one fails here,
   so nobody adds a field the walk does not try.
3. Unknown fields, and read-only fields with a new value, answer 400 naming each
   (core.api.RefuseUnknownFieldsMixin).
"""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework import serializers

from config.api_urls import router
from contests.models import Contest, Criterion, FormField, Nomination
from core.api import RefuseUnknownFieldsMixin
from tests.factories import ClassifierFactory, CriterionFactory, FormFieldFactory, NominationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% invented regulations\n"
WRITE_ACTIONS = ("create", "update", "partial_update")


def pdf(name: str = "положення.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --- 1. the regulations document ------------------------------------------------------------------


def test_multipart_patch_stores_the_regulations_document(api, organiser, draft_contest):
    url = f"/api/v1/contests/{draft_contest.pk}/"
    response = api(organiser).patch(url, {"regulations_document": pdf()}, format="multipart")
    assert response.status_code == 200, response.json()
    stored = Contest.objects.get(pk=draft_contest.pk).regulations_document
    assert stored and stored.name.endswith(".pdf") and "положення" not in stored.name
    assert stored.read() == PDF
    link = response.json()["regulations_url"]
    assert link.endswith(f"/contests/{draft_contest.pk}/regulations/")
    assert "regulations_document" not in response.json()  # written here, read at regulations_url
    # The page's download serves it (a draft: to its organiser).
    web = Client()
    web.force_login(organiser)
    download = web.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_file_of_another_type_is_refused_and_nothing_is_stored(api, organiser, draft_contest):
    url = f"/api/v1/contests/{draft_contest.pk}/"
    fake = pdf("regulations.pdf", b"MZ\x90\x00 not a pdf at all")
    response = api(organiser).patch(url, {"regulations_document": fake, "title": "Нова"}, format="multipart")
    assert response.status_code == 400
    assert "not accepted" in response.json()["errors"]["regulations_document"][0]
    contest = Contest.objects.get(pk=draft_contest.pk)
    assert not contest.regulations_document and contest.title == draft_contest.title


def test_null_removes_the_regulations_document(api, organiser, draft_contest):
    url = f"/api/v1/contests/{draft_contest.pk}/"
    api(organiser).patch(url, {"regulations_document": pdf()}, format="multipart")
    response = api(organiser).patch(url, {"regulations_document": None}, format="json")
    assert response.status_code == 200
    assert response.json()["regulations_url"] is None
    assert not Contest.objects.get(pk=draft_contest.pk).regulations_document


def test_a_finished_contest_refuses_a_new_document(api, organiser, contest_in):
    contest = contest_in(Contest.State.ANNOUNCED)
    url = f"/api/v1/contests/{contest.pk}/"
    response = api(organiser).patch(url, {"regulations_document": pdf()}, format="multipart")
    assert response.status_code == 400
    assert not Contest.objects.get(pk=contest.pk).regulations_document


# --- 2. every writable field of every serializer ------------------------------------------------


def write_serializers() -> dict[tuple[str, str], type[serializers.Serializer]]:
    """(route prefix, action) -> the serializer class the router's view set writes with."""
    found = {}
    for prefix, viewset, _basename in router.registry:
        for name in WRITE_ACTIONS:
            if not hasattr(viewset, name):
                continue
            view = viewset()
            view.action, view.request, view.format_kwarg, view.kwargs = name, None, None, {}
            found[(prefix, name)] = view.get_serializer_class()
    return found


def writable_fields(serializer_class) -> list[str]:
    return [name for name, field in serializer_class().fields.items() if not field.read_only]


def dotted(cls) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def test_every_write_serializer_refuses_unknown_fields():
    # Every one, of every app (the bodies of the actions: tests/api/test_every_field.py).
    lax = {
        dotted(cls) for cls in write_serializers().values() if not issubclass(cls, RefuseUnknownFieldsMixin)
    }
    assert not lax, f"write serializers must take core.strict.RefuseUnknownFieldsMixin: {sorted(lax)}"


class Target:
    """The object a resource's PATCH changes, and what each writable field is set to."""

    def __init__(self, contest: Contest) -> None:
        self.contest = contest
        self.nomination = contest.nominations.first()
        self.criterion = CriterionFactory(contest=contest)
        self.form_field = FormFieldFactory(contest=contest, key="walk-question")
        self.other_nomination = NominationFactory(contest=contest)
        self.classifier = ClassifierFactory()

    def objects(self) -> dict[str, object]:
        return {
            "contests": self.contest,
            "nominations": self.nomination,
            "criteria": self.criterion,
            "form-fields": self.form_field,
            "classifiers": self.classifier,
        }

    def samples(self, prefix: str) -> dict[str, object]:
        closes = self.contest.closes_at
        return {
            "contests": {
                "title": "Обхід полів",
                "summary": "Інший підсумок",
                "opens_at": (closes - timedelta(days=3)).isoformat(),
                "closes_at": (closes + timedelta(days=1)).isoformat(),
                "grace_minutes": 15,
                "review_ends_at": (closes + timedelta(days=20)).isoformat(),
                "announce_at": (closes + timedelta(days=40)).isoformat(),
                "time_zone": "Europe/Warsaw",
                "max_winners": 7,
                "grant_budget": "123456.78",
                "currency": "EUR",
                "max_upload_mb": 77,
                "blind_review": True,
                "conflict_same_region": True,
                "tie_break_criterion": self.criterion.pk,
                "regulations": "Інше положення",
                "conditions": "Інші умови",
                "classifiers": [self.classifier.pk],
                "regulations_document": pdf(),
                "edition_year": 2031,
                "deadline_change_reason": "Обхід полів",
                "deadline_change_force": True,
            },
            "nominations": {
                # Moving a part to another contest is refused (400); its own contest is kept.
                "contest": self.contest.pk,
                "title": "Інша номінація",
                "description": "Опис",
                "max_winners": 3,
                "order": 9,
            },
            "criteria": {
                "contest": self.contest.pk,
                "nomination": self.nomination.pk,
                "title": "Інший критерій",
                "description": "Опис",
                "weight": "2.50",
                "scale_min": 1,
                "scale_max": 5,
                "order": 9,
            },
            "form-fields": {
                "contest": self.contest.pk,
                "nomination": self.other_nomination.pk,
                "key": "walk-renamed",
                "label": "Інше питання",
                "help_text": "Підказка",
                "field_type": FormField.Type.LONG_TEXT,
                "required": True,
                "max_length": 500,
                "choices": [],
                "identifying": True,
                "file_types": [],
                "max_file_mb": 5,
                "case_section": "results",
                "order": 9,
            },
            "classifiers": {
                "title": "Інший класифікатор",
                "description": "Опис",
                "categories": [
                    {"code": "1", "title": "Корінь", "children": [{"code": "1.1", "title": "Гілка"}]}
                ],
            },
        }[prefix]


def read_back(prefix: str, obj, name: str) -> object:
    """The stored value of `name`, in the shape the sample was given."""
    obj = type(obj).objects.get(pk=obj.pk)
    if name == "categories":
        return [(c.code, c.parent.code if c.parent else None) for c in obj.categories.order_by("code")]
    if name == "classifiers":
        return list(obj.classifiers.values_list("pk", flat=True))
    if name == "regulations_document":
        return bool(obj.regulations_document)
    value = getattr(obj, name)
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def expected(name: str, sample: object) -> object:
    if name == "categories":
        return [("1", None), ("1.1", "1")]
    if name == "regulations_document":
        return True
    if isinstance(sample, str) and sample[:4].isdigit() and "T" in sample:
        return datetime.fromisoformat(sample).isoformat()
    return sample


# Inputs that come with another field's change and are not stored themselves (the reason and
# the force of a deadline move go to the contest's history): each sent alone answers 200 or 400.
INPUTS = {"contests": {"deadline_change_reason", "deadline_change_force"}}

WALKED = ("contests", "nominations", "criteria", "form-fields", "classifiers")


def test_every_writable_field_of_the_contests_resources_is_stored_when_sent_alone(
    api, organiser, draft_contest
):
    target = Target(draft_contest)
    client = api(organiser)
    serializers_by_route = write_serializers()
    for prefix in WALKED:
        names = writable_fields(serializers_by_route[(prefix, "partial_update")])
        samples = target.samples(prefix)
        assert not set(names) - set(samples), f"{prefix}: no sample value for {set(names) - set(samples)}"
        for name in names:
            obj = target.objects()[prefix]
            sample = samples[name]
            multipart = isinstance(sample, SimpleUploadedFile)
            response = client.patch(
                f"/api/v1/{prefix}/{obj.pk}/",
                {name: sample},
                format="multipart" if multipart else "json",
            )
            assert response.status_code in (200, 400), (prefix, name, response.status_code)
            if name in INPUTS.get(prefix, ()):
                continue
            if response.status_code == 200:
                assert read_back(prefix, obj, name) == expected(name, sample), (prefix, name, response.json())
            else:
                assert name in response.json(), (prefix, name, response.json())


def test_moving_a_part_to_another_contest_is_refused_not_ignored(api, organiser, draft_contest, contest_in):
    other = contest_in(Contest.State.DRAFT)
    for prefix, model in (("nominations", Nomination), ("criteria", Criterion), ("form-fields", FormField)):
        part = model.objects.filter(contest=draft_contest).first()
        response = api(organiser).patch(f"/api/v1/{prefix}/{part.pk}/", {"contest": other.pk}, format="json")
        assert response.status_code == 400 and "contest" in response.json()["errors"], prefix
        assert model.objects.get(pk=part.pk).contest_id == draft_contest.pk


# --- 3. unknown and read-only fields ---------------------------------------------------------------


def test_unknown_and_read_only_fields_answer_400_naming_each(api, organiser, draft_contest):
    url = f"/api/v1/contests/{draft_contest.pk}/"
    response = api(organiser).patch(
        url, {"title": "Нова", "colour": "red", "state": "archived"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()["errors"]
    assert set(body) == {"colour", "state"}
    assert "Unknown field" in body["colour"][0] and "read-only" in body["state"][0]
    contest = Contest.objects.get(pk=draft_contest.pk)
    assert (contest.title, contest.state) == (draft_contest.title, Contest.State.DRAFT)
    # The same in multipart, and on creation.
    response = api(organiser).patch(url, {"colour": "red"}, format="multipart")
    assert response.status_code == 400 and "colour" in response.json()["errors"]
    response = api(organiser).post(
        "/api/v1/nominations/", {"contest": draft_contest.pk, "title": "Т", "prize": 1}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["prize"]
    assert not draft_contest.nominations.filter(title="Т").exists()


def test_a_representation_read_by_get_can_be_sent_back_whole(api, organiser, draft_contest):
    url = f"/api/v1/nominations/{draft_contest.nominations.first().pk}/"
    body = api(organiser).get(url).json()
    body["title"] = "Повернена ціла"
    response = api(organiser).put(url, body, format="json")
    assert response.status_code == 200, response.json()
    assert draft_contest.nominations.filter(title="Повернена ціла").exists()
