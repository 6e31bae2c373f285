"""The card, the activities and their steps, through the services (issue 13, point 2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from core.versioning import StaleVersion
from grants.models import FundingSource, PlanActivity, ProjectCard
from grants.services import work_plan
from grants.workplan_steps import ACTIVITY
from tests.workplan.conftest import activity, pdf

pytestmark = pytest.mark.django_db


def test_card_is_saved_with_funding_sources_and_versioned(world, active):
    card = work_plan.save_card(
        active,
        by=world.member,
        organiser="Бібліотека Вигадана",
        manager_name="Оксана Вигадана",
        funding_sources=[{"name": "Місцевий бюджет", "amount": "5000.00", "currency": "UAH"}],
    )
    assert card.organiser == "Бібліотека Вигадана" and card.version == 1
    assert list(active.funding_sources.values_list("name", "amount")) == [
        ("Місцевий бюджет", Decimal("5000.00"))
    ]
    card = work_plan.save_card(active, by=world.officer, version=1, manager_position="Директорка")
    assert card.version == 2 and card.manager_name == "Оксана Вигадана"  # the others stay
    # A writer who loaded version 1 is refused: nothing overwritten.
    with pytest.raises(StaleVersion) as stale:
        work_plan.save_card(active, by=world.member, version=1, manager_position="Інша")
    assert "manager_position" in stale.value.changed
    assert ProjectCard.objects.get(grant=active).manager_position == "Директорка"


def test_bad_funding_source_changes_nothing(world, active):
    work_plan.save_card(active, by=world.member, funding_sources=[{"name": "Спонсор", "amount": "100"}])
    with pytest.raises(ValidationError):
        work_plan.save_card(active, by=world.member, funding_sources=[{"name": "Спонсор", "amount": "-5"}])
    assert list(FundingSource.objects.values_list("amount", flat=True)) == [Decimal("100.00")]


def test_activity_months_must_lie_within_the_grant(world, active):
    with pytest.raises(ValidationError) as error:
        activity(active, world.member, start_month=date(2024, 12, 1))
    assert "start_month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        activity(active, world.member, start_month=date(2025, 6, 1), end_month=date(2025, 5, 1))
    assert "end_month" in error.value.message_dict
    assert not PlanActivity.objects.exists()
    made = activity(active, world.member, start_month=date(2025, 3, 17), end_month=date(2025, 4, 30))
    assert (made.start_month, made.end_month) == (date(2025, 3, 1), date(2025, 4, 1))
    assert made.months() == [date(2025, 3, 1), date(2025, 4, 1)]


def test_complete_without_evidence_is_refused_and_nothing_changes(world, active):
    a = activity(active, world.member)
    with pytest.raises(ValidationError):
        work_plan.complete_activity(a, by=world.member, note="  ")
    a.refresh_from_db()
    assert a.state == PlanActivity.State.PLANNED and a.done_on is None


def test_steps_through_the_catalogue(world, active, mid_2025):
    a = activity(active, world.member)
    assert ACTIVITY.allowed_names(a, world.member) == ["start", "complete", "cancel"]
    assert ACTIVITY.allowed_names(a, world.outsider) == []
    assert ACTIVITY.allowed_names(a, world.organiser) == []
    a = ACTIVITY.run(a, "start", user=world.member, data={})
    assert a.state == PlanActivity.State.IN_PROGRESS
    a = ACTIVITY.run(a, "complete", user=world.member, data={"evidence": pdf("akt.pdf")})
    assert a.state == PlanActivity.State.DONE and a.evidence_kind == "pdf" and a.evidence_name == "akt.pdf"
    assert a.done_on == date(2025, 6, 15)
    assert ACTIVITY.allowed_names(a, world.member) == []


def test_only_a_planned_activity_is_removed(world, active):
    a = activity(active, world.member)
    work_plan.start_activity(a, by=world.member)
    with pytest.raises(ValidationError):
        work_plan.delete_activity(a, by=world.member)
    assert PlanActivity.objects.filter(pk=a.pk).exists()
    b = activity(active, world.member, title="Інше")
    work_plan.delete_activity(b, by=world.member)
    assert not PlanActivity.objects.filter(pk=b.pk).exists()


def test_plan_is_closed_once_the_grant_ends(world, active):
    from grants import services

    a = activity(active, world.member)
    work_plan.cancel_activity(a, by=world.member)
    assert world.member.has_perm("grants.edit_work_plan", active)
    services.terminate_grant(active, by=world.officer, note="Порушення умов")
    active.refresh_from_db()
    assert not world.member.has_perm("grants.edit_work_plan", active)
    assert not world.officer.has_perm("grants.edit_work_plan", active)
