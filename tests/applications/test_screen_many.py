"""Bulk screening, set-based (services.screen_many): the same guards as one by one, each
application's history row, its applicants told, and queries that do not grow with the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from applications import services
from applications.models import Application, IneligibilityReason
from contests import services as contest_services
from core.fsm import history
from notifications.models import Message
from tests.applications.screening_data import submitted

pytestmark = pytest.mark.django_db


def test_each_screened_application_has_its_history_row_and_message(organiser, published_contest):
    apps = [submitted(published_contest) for _ in range(3)]
    done, refused = services.screen_many(
        published_contest,
        [a.pk for a in apps],
        "mark_ineligible",
        by=organiser,
        note="Немає кошторису",
        reason=IneligibilityReason.INCOMPLETE,
    )
    assert sorted(done) == sorted(a.pk for a in apps) and refused == {}
    for application in Application.objects.filter(pk__in=done):
        assert application.state == Application.State.INELIGIBLE
        assert application.ineligibility_reason == IneligibilityReason.INCOMPLETE
        assert application.screening_note == "Немає кошторису"
        last = list(history(application))[-1]
        assert (last.transition, last.source_state, last.state, last.by, last.description) == (
            "mark_ineligible",
            Application.State.SUBMITTED,
            Application.State.INELIGIBLE,
            organiser,
            "Немає кошторису",
        )
        member = application.organisation.memberships.get().user
        message = Message.objects.get(
            user=member, channel=Message.Channel.INAPP, event="applications.screened"
        )
        assert message.context["number"] == application.number
        assert message.context["state"] == "Ineligible"


def test_guards_refuse_each_on_its_own(organiser, published_contest):
    waiting, screened = submitted(published_contest), submitted(published_contest)
    services.mark_eligible(screened, by=organiser)
    done, refused = services.screen_many(
        published_contest, [waiting.pk, screened.pk], "mark_ineligible", by=organiser, reason="nonsense"
    )
    assert done == []
    assert refused == {
        waiting.pk: ["Choose the reason why the application is ineligible."],
        screened.pk: ["It is no longer waiting for screening (now: Eligible)."],
    }
    contest_services.close_contest(published_contest, by=organiser, force=True, note="Достроково")
    done, refused = services.screen_many(
        published_contest, [waiting.pk], "return_for_correction", by=organiser, note="Додайте кошторис"
    )
    assert refused == {
        waiting.pk: ["The call has closed: set a correction deadline by which the applicant must resubmit."]
    }
    waiting.refresh_from_db()
    assert waiting.state == Application.State.SUBMITTED
    assert [log.transition for log in history(waiting)] == ["submit"]


def test_query_count_does_not_grow_with_applications(organiser, published_contest):
    def queries(count: int) -> int:
        pks = [submitted(published_contest).pk for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            done, _refused = services.screen_many(published_contest, pks, "mark_eligible", by=organiser)
        assert len(done) == count
        return len(captured.captured_queries)

    assert queries(3) == queries(12)
