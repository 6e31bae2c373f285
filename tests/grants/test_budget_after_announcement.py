"""The grant budget after the announcement (issue 15, point 12): organisers and grant officers
change it until the contest is archived, never below what the grants commit; every other field
stays locked once the contest is announced. The `world` contest is announced (conftest)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from contests import services as contest_services
from contests.models import Contest

pytestmark = pytest.mark.django_db

FLOOR = "The grant budget cannot be lower than the grants already committed."
FINISHED = "This contest is finished and can no longer be changed."


def budget(contest: Contest) -> Decimal:
    return Contest.objects.get(pk=contest.pk).grant_budget


def action(contest: Contest) -> str:
    return f"/api/v1/contests/{contest.pk}/grant-budget/"


def test_grant_officer_raises_the_budget_after_the_announcement_by_api(api, world):
    world.offer("40000.00")
    response = api(world.officer).post(action(world.contest), {"grant_budget": "150000.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["grant_budget"] == "150000.00"
    assert budget(world.contest) == Decimal("150000.00")


def test_lowering_below_the_committed_grants_is_a_field_error(api, world):
    world.offer("40000.00")
    response = api(world.officer).post(action(world.contest), {"grant_budget": "39999.99"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"grant_budget": [FLOOR]}
    assert budget(world.contest) == Decimal("100000.00")
    response = api(world.officer).post(action(world.contest), {"grant_budget": "40000.00"}, format="json")
    assert response.status_code == 200
    assert budget(world.contest) == Decimal("40000.00")


def test_organiser_patches_only_the_budget_of_an_announced_contest(api, world):
    url = f"/api/v1/contests/{world.contest.pk}/"
    response = api(world.organiser).patch(url, {"grant_budget": "120000.00"}, format="json")
    assert response.status_code == 200, response.json()
    assert budget(world.contest) == Decimal("120000.00")
    # Any other change stays refused, alone or together with the budget, and changes nothing.
    for body in ({"title": "Інша назва"}, {"title": "Інша назва", "grant_budget": "130000.00"}):
        response = api(world.organiser).patch(url, body, format="json")
        assert response.status_code == 400
        assert FINISHED in str(response.json())
    row = Contest.objects.get(pk=world.contest.pk)
    assert (row.title, row.grant_budget) == (world.contest.title, Decimal("120000.00"))
    # The organiser may use the dedicated action too.
    response = api(world.organiser).post(action(world.contest), {"grant_budget": "125000.00"}, format="json")
    assert response.status_code == 200
    assert budget(world.contest) == Decimal("125000.00")


def test_others_may_not_change_the_budget(api, world):
    for user in (world.juror, world.member, world.outsider):
        response = api(user).post(action(world.contest), {"grant_budget": "1.00"}, format="json")
        assert response.status_code in (403, 404), user
    assert api().post(action(world.contest), {"grant_budget": "1.00"}, format="json").status_code in (
        401,
        403,
    )
    assert budget(world.contest) == Decimal("100000.00")


def test_bad_input_and_unknown_fields_are_refused(api, world):
    for body in ({"grant_budget": "-1"}, {"grant_budget": "много"}, {}, {"grant_budget": "1", "title": "x"}):
        response = api(world.officer).post(action(world.contest), body, format="json")
        assert response.status_code == 400, body
    assert budget(world.contest) == Decimal("100000.00")


def test_an_archived_contest_keeps_its_budget(api, world):
    contest_services.archive_contest(world.contest, by=world.organiser)
    response = api(world.officer).post(action(world.contest), {"grant_budget": "1.00"}, format="json")
    assert response.status_code == 400
    assert "archived" in response.json()["errors"]["grant_budget"][0]
    response = api(world.organiser).patch(
        f"/api/v1/contests/{world.contest.pk}/", {"grant_budget": "1.00"}, format="json"
    )
    assert response.status_code == 400
    assert budget(world.contest) == Decimal("100000.00")


def test_the_grants_dashboard_has_the_form_and_the_page_shows_the_field_error(world):
    web = Client()
    web.force_login(world.officer)
    dashboard = reverse("grants:dashboard", args=[world.contest.pk])
    html = web.get(dashboard).content.decode()
    assert 'id="grant-budget"' in html
    world.offer("40000.00")
    url = reverse("contests:grant_budget", args=[world.contest.pk])
    response = web.post(url, {"grant_budget": "30000.00", "next": dashboard})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_grant_budget_errors"' in html and FLOOR in html
    assert budget(world.contest) == Decimal("100000.00")
    response = web.post(url, {"grant_budget": "180000.00", "next": dashboard})
    assert response.status_code == 302 and response["Location"] == dashboard
    assert budget(world.contest) == Decimal("180000.00")
    # An outside address in `next` is not followed.
    response = web.post(url, {"grant_budget": "180000.00", "next": "https://example.org/"})
    assert response["Location"] == reverse("contests:detail", args=[world.contest.pk])


def test_the_organiser_page_has_the_form_and_others_get_403(world):
    web = Client()
    web.force_login(world.organiser)
    html = web.get(reverse("contests:manage", args=[world.contest.pk])).content.decode()
    assert 'id="grant-budget"' in html
    web.force_login(world.juror)
    url = reverse("contests:grant_budget", args=[world.contest.pk])
    assert web.post(url, {"grant_budget": "1.00"}).status_code == 403
    assert budget(world.contest) == Decimal("100000.00")
