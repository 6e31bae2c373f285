"""`manage.py seed_demo` adds invented applications in every screening state, idempotently."""

import hashlib
import io
import json
import re
from collections import Counter

import pytest
from django.apps import apps
from django.core.management import call_command

from applications.answers import check_answers, missing_answers
from applications.management import demo_applications as demo
from applications.models import Application, Attachment, Revision
from applications.selectors import questions_for
from contests.management import demo_data
from contests.models import Contest
from core.fsm import history
from notifications.models import Message

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
URL_HOST = re.compile(r"https?://([^/\s\"]+)")
DEMO_EMAIL = re.compile(r"^[a-z0-9._-]+@(example\.org|demo\.konkurs\.localhost)$")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--force", stdout=out)
    return out.getvalue()


def main_contest() -> Contest:
    return Contest.objects.get(title=demo_data.MAIN_CONTEST["title"])


def states_passed(application: Application) -> list[str]:
    return [log.state for log in history(application)]


def test_applications_in_every_screening_state():
    output = seed()
    contest = main_contest()
    applications = Application.objects.filter(contest=contest).select_related("organisation")

    assert applications.count() >= 30
    assert applications.count() == len(demo.ENTRIES)
    states = Counter(applications.values_list("state", flat=True))
    assert set(states) >= {"draft", "submitted", "returned", "eligible", "ineligible", "withdrawn"}
    assert f"{applications.count()} (" in output
    assert applications.values("organisation").distinct().count() == len(demo_data.LIBRARIES)
    assert applications.values("nomination").distinct().count() == 3

    for application in applications.filter(state="ineligible"):
        assert application.ineligibility_reason and application.screening_note
    for application in applications.exclude(state__in=["draft", "withdrawn"]):
        assert application.number.startswith(f"K{contest.pk}-")
        assert contest.opens_at <= application.submitted_at < contest.closes_at
        assert application.revisions.exists()
    withdrawn = applications.filter(state="withdrawn")
    assert {bool(a.number) for a in withdrawn} == {True, False}  # one never submitted

    drafts = list(applications.filter(state="draft"))
    unanswered = [
        missing_answers(questions_for(a), a.answers, set(a.attachments.values_list("field_key", flat=True)))
        for a in drafts
    ]
    assert any(unanswered) and not all(unanswered)  # half-filled drafts and complete ones


def test_returned_and_resubmitted_ones_have_two_revisions():
    seed()
    applications = Application.objects.filter(contest=main_contest())
    returned_once = [a for a in applications if "returned" in states_passed(a)]
    resubmitted = [a for a in returned_once if a.state != "returned"]

    assert len(resubmitted) >= 3
    for application in resubmitted:
        first, second = application.revisions.order_by("number")
        assert (first.number, second.number) == (1, 2)
        assert first.checksum != second.checksum
        assert int(first.answers["services_provided"]) < int(second.answers["services_provided"])
        assert states_passed(application)[:3] == ["submitted", "returned", "submitted"]
    for application in applications.filter(state="returned"):
        assert application.revisions.count() == 1
    for application in applications.exclude(pk__in=[a.pk for a in returned_once]):
        assert application.revisions.count() <= 1


def test_history_is_logged_with_who_did_it():
    seed()
    organiser_email = demo_data.ORGANISER["email"]
    for application in Application.objects.filter(contest=main_contest(), state="eligible"):
        logs = list(history(application))
        assert logs[-1].state == "eligible" and logs[-1].by.email == organiser_email
        submitted = [log for log in logs if log.state == "submitted"]
        assert submitted and all(
            log.by.memberships.filter(organisation=application.organisation).exists() for log in submitted
        )
    ineligible = Application.objects.filter(contest=main_contest(), state="ineligible").first()
    assert history(ineligible).last().description == ineligible.screening_note


def test_answers_follow_the_form_and_the_case_structure():
    seed()
    for application in Application.objects.filter(contest=main_contest()).exclude(state="draft"):
        questions = questions_for(application)
        assert check_answers(questions, application.answers).ok
        if application.state == "withdrawn" and not application.number:
            continue
        attached = set(application.attachments.values_list("field_key", flat=True))
        assert missing_answers(questions, application.answers, attached) == []
        answers = application.answers
        assert answers["results"].startswith("Обслуговано ") or "Оцифровано" in answers["results"]
        assert re.search(r"\d+", answers["results"])
        for key in ("problem", "solution", "resources_partners", "sustainability"):
            assert len(answers[key]) > 40
        assert answers["contact_email"].endswith("@example.org")


def test_attachments_are_real_files_under_generated_names(_media_in_tmp):
    seed()
    attachments = list(Attachment.objects.filter(application__contest=main_contest()))

    assert len(attachments) >= 15
    assert {a.kind for a in attachments} == {"pdf", "png"}
    for attachment in attachments:
        path = _media_in_tmp / attachment.file.name
        content = path.read_bytes()
        assert len(content) == attachment.size
        assert hashlib.sha256(content).hexdigest() == attachment.sha256
        assert re.fullmatch(r"applications/\d+/[0-9a-f]{32}\.(pdf|png)", attachment.file.name)
        magic = b"%PDF-1.4\n" if attachment.kind == "pdf" else b"\x89PNG\r\n\x1a\n"
        assert content.startswith(magic)
    submitted = Revision.objects.filter(application__contest=main_contest()).exclude(attachments=[])
    assert submitted.exists()


def test_every_address_is_invented():
    seed()
    contest = main_contest()
    texts = [
        json.dumps(
            list(Application.objects.filter(contest=contest).values()), default=str, ensure_ascii=False
        ),
        json.dumps(list(Revision.objects.values()), default=str, ensure_ascii=False),
    ]
    emails = set(EMAIL.findall(" ".join(texts)))
    emails |= set(Message.objects.exclude(email="").values_list("email", flat=True))
    assert emails
    assert sorted(e for e in emails if not DEMO_EMAIL.match(e.lower())) == []
    hosts = set(URL_HOST.findall(" ".join(texts)))
    assert hosts and all(h.endswith(".example.org") for h in hosts)
    answers = [
        str(value)
        for application in Application.objects.filter(contest=contest)
        for value in application.answers.values()
    ]
    assert not [text for text in answers if re.search(r"\+?\d[\d ()-]{8,}\d", text)]  # no phones


def test_a_second_run_creates_and_changes_nothing(_media_in_tmp):
    seed()
    counts = {m._meta.label: m._default_manager.count() for m in apps.get_models()}
    values = list(Application.objects.order_by("pk").values())
    files = sorted(p for p in _media_in_tmp.rglob("*") if p.is_file())

    output = seed()

    assert {m._meta.label: m._default_manager.count() for m in apps.get_models()} == counts
    assert list(Application.objects.order_by("pk").values()) == values
    assert sorted(p for p in _media_in_tmp.rglob("*") if p.is_file()) == files
    assert "nothing created" in output


def test_tiny_files_are_well_formed():
    pdf = demo.tiny_pdf(["Konkurs (demo)", "line \\ two"])
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.endswith(b"%%EOF\n")
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    assert pdf[startxref:].startswith(b"xref\n0 6\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", pdf)
    for number, offset in enumerate(offsets, 1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj\n" % number)

    png = demo.tiny_png()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and png.endswith(b"IEND\xaeB`\x82")
