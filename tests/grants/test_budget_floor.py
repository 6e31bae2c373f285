"""A contest's grant budget never drops below what its grants committed: the database refuses
(grants migration 0003, PostgreSQL and SQLite), and the contests' service, API and edit form
answer with a field error on grant_budget, changing nothing. Lowering it to exactly the
committed sum works.

The contests here are decided, not yet announced: a finished contest is not edited at all.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from contests import services as contest_services
from contests.forms import ContestForm
from contests.models import Contest
from grants import selectors, services
from grants.models import Disbursement

pytestmark = pytest.mark.django_db

MESSAGE = "The grant budget cannot be lower than the grants already committed."


def decided(contest: Contest) -> Contest:
    Contest.objects.filter(pk=contest.pk).update(state=Contest.State.DECIDED)
    return Contest.objects.get(pk=contest.pk)


def stored(contest: Contest) -> tuple:
    row = Contest.objects.get(pk=contest.pk)
    return row.title, row.grant_budget


@pytest.fixture
def committed(world) -> Contest:
    """40 000 + 25 000 committed to two grants of a 100 000 budget."""
    world.offer("40000.00")
    world.offer("25000.00", application=world.awarded())
    contest = decided(world.contest)
    assert selectors.budget_of(contest).committed == Decimal("65000.00")
    return contest


def test_the_database_refuses_a_budget_below_the_committed_grants(committed):
    with pytest.raises(IntegrityError, match=contest_services.BUDGET_BELOW_COMMITTED), transaction.atomic():
        Contest.objects.filter(pk=committed.pk).update(grant_budget=Decimal("64999.99"))
    assert stored(committed)[1] == Decimal("100000.00")
    Contest.objects.filter(pk=committed.pk).update(grant_budget=Decimal("65000.00"))
    assert stored(committed)[1] == Decimal("65000.00")
    # Other changes, and raising the budget, go through.
    Contest.objects.filter(pk=committed.pk).update(title="Інша назва", grant_budget=Decimal("70000.00"))
    assert stored(committed) == ("Інша назва", Decimal("70000.00"))


def test_terminated_grants_count_with_what_they_paid(world):
    grant = world.active("40000.00")
    tranche = services.schedule_tranche(
        grant, by=world.officer, planned_on=date(2025, 2, 1), amount="15000.10"
    )
    tranche = services.approve_tranche(tranche, by=world.officer)
    services.pay_tranche(
        tranche, by=world.officer, idempotency_key="k-1", payment_reference="ПД-1", paid_on=date(2025, 2, 3)
    )
    services.terminate_grant(grant, by=world.officer, note="Бібліотеку закрито на ремонт")
    assert Disbursement.objects.get(pk=tranche.pk).state == Disbursement.State.PAID
    contest = decided(world.contest)
    assert selectors.budget_of(contest).committed == Decimal("15000.10")
    with pytest.raises(ValidationError) as refused:
        contest_services.update_contest(contest, grant_budget=Decimal("15000.09"))
    assert refused.value.message_dict == {"grant_budget": [MESSAGE]}
    assert stored(contest)[1] == Decimal("100000.00")
    contest_services.update_contest(Contest.objects.get(pk=contest.pk), grant_budget=Decimal("15000.10"))
    assert stored(contest)[1] == Decimal("15000.10")


def test_a_contest_without_grants_lowers_its_budget_freely(world):
    contest = decided(world.contest)
    contest_services.update_contest(contest, grant_budget=Decimal("0.00"))
    assert stored(contest)[1] == Decimal("0.00")


def test_the_api_answers_400_on_the_field_and_changes_nothing(world, committed):
    api = APIClient()
    api.force_authenticate(world.organiser)
    url = f"/api/v1/contests/{committed.pk}/"
    before = stored(committed)
    response = api.patch(url, {"title": "Нова назва", "grant_budget": "64999.99"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"grant_budget": [MESSAGE]}
    assert stored(committed) == before

    response = api.patch(url, {"grant_budget": "65000.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert stored(committed)[1] == Decimal("65000.00")


def edit_data(contest: Contest, **overrides) -> dict:
    """What the edit form posts when nothing is changed, plus `overrides`."""
    form = ContestForm(instance=contest)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value in (None, "", False) or name == "regulations_document":
            continue
        if isinstance(value, datetime):
            value = value.strftime("%Y-%m-%dT%H:%M")
        data[name] = "on" if value is True else value
    return {**data, **overrides}


def test_the_edit_form_shows_the_error_next_to_the_budget_and_changes_nothing(world, committed):
    web = Client()
    web.force_login(world.organiser)
    url = reverse("contests:edit", args=[committed.pk])
    before = stored(committed)
    response = web.post(url, edit_data(committed, title="Нова назва", grant_budget="60000.00"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_grant_budget_errors"' in html and MESSAGE in html
    assert 'value="Нова назва"' in html  # what was typed is kept
    assert stored(committed) == before

    response = web.post(url, edit_data(committed, title="Нова назва", grant_budget="65000.00"))
    assert response.status_code == 302, response.content.decode()
    assert stored(committed) == ("Нова назва", Decimal("65000.00"))
