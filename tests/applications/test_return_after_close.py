"""Issue 15, point 2: screening after the deadline may return an application for correction,
with a note and a correction deadline of its own (in the contest's time zone); the applicant
corrects and resubmits that application, and only it, until then; afterwards the organisers
screen it as it is. A 409 never lists the step it just refused."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from applications import services
from applications.models import Application, IneligibilityReason
from contests import services as contest_services
from core.fsm import apply_transition
from notifications import reminders
from notifications.models import Message
from tests.applications.conftest import REQUIRED_ANSWERS, pdf_upload
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Application.State
KYIV = ZoneInfo("Europe/Kyiv")


def url(app_id: int, tail: str = "") -> str:
    return f"/api/v1/applications/{app_id}/{tail}"


def local_input(moment) -> str:
    """A moment as a person types it: a wall-clock time in Kyiv, without an offset."""
    return moment.astimezone(KYIV).replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M")


def other_draft(contest) -> Application:
    """Another organisation's complete draft, never submitted."""
    user = UserFactory()
    organisation = OrganisationFactory()
    organisation.memberships.create(user=user, is_admin=True)
    draft = services.start_application(
        organisation=organisation,
        contest=contest,
        nomination=contest.nominations.get(),
        title="Чернетка іншої бібліотеки",
        by=user,
    )
    services.save_answers(draft, answers=REQUIRED_ANSWERS, by=user)
    services.add_attachment(draft, field_key="plan", upload=pdf_upload(), by=user)
    draft.user = user
    return draft


@pytest.fixture
def after_close(form_contest, organiser):
    """The clock a day after the deadline, the call closed (screening time)."""
    with time_machine.travel(form_contest.accepts_until + timedelta(days=1), tick=False) as traveller:
        contest_services.close_contest(form_contest, by=organiser)
        yield traveller


def test_organiser_returns_after_close_and_applicant_resubmits_before_correct_by(
    api, organiser, applicant, form_contest, submitted_application, django_capture_on_commit_callbacks
):
    late_draft = other_draft(form_contest)
    with time_machine.travel(form_contest.accepts_until + timedelta(days=1), tick=False) as clock:
        contest_services.close_contest(form_contest, by=organiser)
        app_id = submitted_application.pk
        organiser_client, applicant_client = api(organiser), api(applicant)

        detail = organiser_client.get(url(app_id)).json()
        assert "return_for_correction" in detail["allowed_transitions"]

        # Bad input changes nothing: the deadline is needed once the call closed, and in the future.
        r = organiser_client.post(url(app_id, "return/"), {"note": "Додайте кошторис"}, format="json")
        assert r.status_code == 400, r.content
        assert r.json()["errors"]["correct_by"] == [
            "The call has closed: set a correction deadline by which the applicant must resubmit."
        ]
        past = local_input(timezone.now() - timedelta(hours=2))
        r = organiser_client.post(
            url(app_id, "return-for-correction/"),
            {"note": "Додайте кошторис", "correct_by": past},
            format="json",
        )
        assert r.status_code == 400
        assert r.json()["errors"]["correct_by"] == ["The correction deadline must be in the future."]
        r = organiser_client.post(
            url(app_id, "return/"), {"note": "Додайте кошторис", "correct_by": "завтра"}, format="json"
        )
        assert r.status_code == 400
        assert "correct_by" in r.json()["errors"]
        submitted_application.refresh_from_db()
        assert (submitted_application.state, submitted_application.correct_by) == (S.SUBMITTED, None)

        # A wall-clock time without an offset is meant in the contest's zone (Kyiv).
        deadline = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
        with django_capture_on_commit_callbacks(execute=True):
            r = organiser_client.post(
                url(app_id, "return/"),
                {"note": "Додайте кошторис", "correct_by": local_input(deadline)},
                format="json",
            )
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["state"] == S.RETURNED
        assert body["screening_note"] == "Додайте кошторис"
        submitted_application.refresh_from_db()
        assert submitted_application.correct_by == deadline
        assert body["allowed_transitions"] == []  # nothing to screen until the deadline passes

        # The applicant is told, with the note and the deadline in the contest's zone.
        told = Message.objects.get(
            user=applicant, event="applications.returned", channel=Message.Channel.INAPP
        )
        assert told.context["note"] == "Додайте кошторис"
        assert told.context["deadline"] == form_contest.moment_label(deadline)
        assert "(Europe/Kyiv)" in told.context["deadline"]

        mine = applicant_client.get(url(app_id)).json()
        assert mine["allowed_transitions"] == ["submit"]
        assert mine["screening_note"] == "Додайте кошторис"
        assert mine["correct_by"] is not None

        # Not another application of the contest: a draft stays late, its 409 lists no submit.
        r = api(late_draft.user).post(url(late_draft.pk, "submit/"), {}, format="json")
        assert r.status_code == 409, r.content
        assert "submit" not in r.json()["allowed"]
        assert r.json()["reasons"] == ["This contest is not accepting applications."]
        assert r.json()["allowed"] == ["withdraw"]
        late_draft.refresh_from_db()
        assert late_draft.state == S.DRAFT

        # The returned one is corrected and resubmitted before its own deadline.
        clock.shift(timedelta(days=4))
        r = applicant_client.patch(url(app_id), {"answers": {"long": "Кошторис додано"}}, format="json")
        assert r.status_code == 200, r.content
        r = applicant_client.post(url(app_id, "submit/"), {"note": "Виправлено"}, format="json")
        assert r.status_code == 200, r.content
        assert r.json()["state"] == S.SUBMITTED

        revisions = applicant_client.get(url(app_id, "revisions/")).json()
        assert [rev["number"] for rev in revisions] == [1, 2]
        r = organiser_client.get(url(app_id, "diff/"), {"from": 1, "to": 2})
        assert r.status_code == 200
        assert [c["key"] for c in r.json()["changes"]] == ["long"]

        detail = organiser_client.get(url(app_id)).json()
        assert set(detail["allowed_transitions"]) == {
            "mark_eligible",
            "return_for_correction",
            "mark_ineligible",
        }
        r = organiser_client.post(url(app_id, "mark-eligible/"), {}, format="json")
        assert r.status_code == 200, r.content
        history = organiser_client.get(url(app_id, "history/")).json()
        assert [h["transition"] for h in history] == [
            "submit",
            "return_for_correction",
            "submit",
            "mark_eligible",
        ]


def test_after_correct_by_submit_is_409_and_the_organiser_screens_it_as_it_is(
    api, organiser, applicant, form_contest, submitted_application, after_close
):
    app_id = submitted_application.pk
    deadline = timezone.now() + timedelta(days=2)
    services.return_application(submitted_application, by=organiser, note="Додайте фото", correct_by=deadline)
    organiser_client, applicant_client = api(organiser), api(applicant)

    # Before the deadline the organiser cannot screen it yet: the 409 says why.
    r = organiser_client.post(url(app_id, "mark-eligible/"), {}, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["reasons"] == [
        f"The applicant may still correct it until {form_contest.moment_label(deadline)}."
    ]
    assert "mark_eligible" not in r.json()["allowed"]

    after_close.shift(timedelta(days=2, minutes=1))
    r = applicant_client.patch(url(app_id), {"answers": {"long": "Запізно"}}, format="json")
    assert r.status_code == 400  # no longer editable: it is screened as it is
    r = applicant_client.post(url(app_id, "submit/"), {}, format="json")
    assert r.status_code == 409, r.content
    body = r.json()
    assert body["state"] == S.RETURNED
    assert "submit" not in body["allowed"]
    assert body["allowed"] == []
    assert body["reasons"] == [
        f"The correction deadline passed on {form_contest.moment_label(deadline)}; "
        "the organisers will screen the application as it is."
    ]
    assert applicant_client.get(url(app_id)).json()["allowed_transitions"] == []
    submitted_application.refresh_from_db()
    assert submitted_application.state == S.RETURNED
    assert submitted_application.answers["long"] == REQUIRED_ANSWERS["long"]
    assert submitted_application.revisions.count() == 1

    detail = organiser_client.get(url(app_id)).json()
    assert set(detail["allowed_transitions"]) == {"mark_eligible", "mark_ineligible"}
    r = organiser_client.post(
        url(app_id, "mark-ineligible/"),
        {"reason": IneligibilityReason.INCOMPLETE, "note": "Фото не додано"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["state"] == S.INELIGIBLE


def test_a_409_never_lists_the_step_it_refused(api, organiser, applicant, submitted_application):
    client = api(organiser)
    assert client.post(url(submitted_application.pk, "mark-eligible/"), {}, format="json").status_code == 200
    for path in ("return/", "return-for-correction/"):
        r = client.post(url(submitted_application.pk, path), {"note": "Ще раз"}, format="json")
        assert r.status_code == 409, r.content
        assert "return_for_correction" not in r.json()["allowed"]
    r = api(applicant).post(url(submitted_application.pk, "submit/"), {}, format="json")
    assert r.status_code == 409
    assert "submit" not in r.json()["allowed"]


def test_return_is_refused_once_the_review_started(
    api, organiser, form_contest, submitted_application, after_close
):
    # The contest's own transition (the review app's service would also start the eligible ones).
    apply_transition(form_contest, "start_review", by=organiser)
    detail = api(organiser).get(url(submitted_application.pk)).json()
    assert "return_for_correction" not in detail["allowed_transitions"]
    r = api(organiser).post(
        url(submitted_application.pk, "return/"),
        {"note": "Запізно", "correct_by": local_input(timezone.now() + timedelta(days=3))},
        format="json",
    )
    assert r.status_code == 409, r.content
    assert r.json()["reasons"] == ["Applications can be returned only until the review starts."]
    assert "return_for_correction" not in r.json()["allowed"]


def test_while_the_call_is_open_the_correction_deadline_is_optional(
    api, organiser, applicant, form_contest, submitted_application
):
    r = api(organiser).post(url(submitted_application.pk, "return/"), {"note": "Уточніть"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["correct_by"] is None
    submitted_application.refresh_from_db()
    assert submitted_application.correction_deadline == form_contest.accepts_until
    # An own deadline later than the call's lets it be resubmitted after the call closed.
    services.submit_application(submitted_application, by=applicant)
    later = form_contest.accepts_until + timedelta(days=3)
    services.return_application(submitted_application, by=organiser, note="Ще фото", correct_by=later)
    with time_machine.travel(form_contest.accepts_until + timedelta(days=1), tick=False):
        contest_services.close_contest(form_contest, by=organiser)
        r = api(applicant).post(url(submitted_application.pk, "submit/"), {}, format="json")
        assert r.status_code == 200, r.content


def test_bulk_return_after_close_needs_a_deadline_and_sets_it(
    organiser, form_contest, submitted_application, after_close
):
    done, refused = services.screen_many(
        form_contest, [submitted_application.pk], "return_for_correction", by=organiser, note="Фото"
    )
    assert done == []
    assert refused == {
        submitted_application.pk: [
            "The call has closed: set a correction deadline by which the applicant must resubmit."
        ]
    }
    wall_clock = (
        (timezone.now() + timedelta(days=3)).astimezone(KYIV).replace(tzinfo=None, second=0, microsecond=0)
    )
    done, refused = services.screen_many(
        form_contest,
        [submitted_application.pk],
        "return_for_correction",
        by=organiser,
        note="Фото",
        correct_by=wall_clock,
    )
    assert (done, refused) == ([submitted_application.pk], {})
    submitted_application.refresh_from_db()
    assert submitted_application.state == S.RETURNED
    assert submitted_application.correct_by == wall_clock.replace(tzinfo=KYIV)
    assert submitted_application.screening_note == "Фото"
    told = Message.objects.filter(event="applications.returned", channel=Message.Channel.INAPP).get()
    assert told.context["deadline"] == form_contest.moment_label(submitted_application.correct_by)

    # Bulk screening of a returned one waits for its deadline, then screens it as it is.
    done, refused = services.screen_many(
        form_contest, [submitted_application.pk], "mark_eligible", by=organiser
    )
    assert done == [] and "may still correct it until" in refused[submitted_application.pk][0]
    after_close.shift(timedelta(days=3, minutes=1))
    done, refused = services.screen_many(
        form_contest, [submitted_application.pk], "mark_eligible", by=organiser
    )
    assert (done, refused) == ([submitted_application.pk], {})
    submitted_application.refresh_from_db()
    assert submitted_application.state == S.ELIGIBLE


def _correction_reminders_to(user):
    return Message.objects.filter(
        event="applications.correction_due", user=user, channel=Message.Channel.EMAIL
    )


def test_a_reminder_a_day_before_the_correction_deadline_once(
    organiser, applicant, form_contest, submitted_application, after_close
):
    colleague = MembershipFactory(organisation=submitted_application.organisation).user
    deadline = timezone.now() + timedelta(days=3)
    services.return_application(submitted_application, by=organiser, note="Кошторис", correct_by=deadline)
    reminders.run_all()
    assert not _correction_reminders_to(applicant).exists()  # three days ahead: not yet
    after_close.move_to(deadline - timedelta(hours=20))
    reminders.run_all()
    reminders.run_all()  # beat fired twice
    assert _correction_reminders_to(applicant).count() == 1
    assert _correction_reminders_to(colleague).count() == 1
    reminder = _correction_reminders_to(applicant).get()
    assert reminder.context["deadline"] == form_contest.moment_label(deadline)
    assert reminder.context["note"] == "Кошторис"


def test_no_correction_reminder_once_resubmitted(
    organiser, applicant, form_contest, submitted_application, after_close
):
    deadline = timezone.now() + timedelta(days=3)
    services.return_application(submitted_application, by=organiser, note="Кошторис", correct_by=deadline)
    services.submit_application(submitted_application, by=applicant)
    after_close.move_to(deadline - timedelta(hours=20))
    reminders.run_all()
    assert not _correction_reminders_to(applicant).exists()
