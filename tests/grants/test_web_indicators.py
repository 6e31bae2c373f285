"""Indicators on the contest's grants dashboard and targets on a grant's page: the grant
officer adds and sets them, errors come back next to their fields with the input kept, the
grantee reads the targets, and everyone else gets 404."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from contests.models import ContestRole
from grants import services
from grants.models import Indicator, IndicatorTarget
from tests.factories import ContestFactory
from tests.factories import grant as grant_role

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    web = Client()
    if user is not None:
        web.force_login(user)
    return web


NEW = {"name": "Охоплені читачі", "unit": "осіб", "direction": "higher"}


def test_the_officer_adds_an_indicator_from_the_dashboard(world):
    officer = client(world.officer)
    url = reverse("grants:indicator", args=[world.contest.pk])
    page = officer.get(reverse("grants:dashboard", args=[world.contest.pk])).content.decode()
    assert f'action="{url}"' in page

    response = officer.post(url, NEW)
    assert response.status_code == 302
    assert response["Location"] == reverse("grants:dashboard", args=[world.contest.pk])
    indicator = Indicator.objects.get(contest=world.contest)
    assert (indicator.name, indicator.unit, indicator.direction) == ("Охоплені читачі", "осіб", "higher")

    officer.post(url, {"name": "Черги на видачу", "unit": "хвилин", "direction": "lower"})
    page = officer.get(reverse("grants:dashboard", args=[world.contest.pk])).content.decode()
    assert "Охоплені читачі (осіб)" in page and "Lower is better" in page
    assert list(Indicator.objects.filter(contest=world.contest).values_list("order", flat=True)) == [0, 1]


def test_indicator_errors_come_back_next_to_their_fields_and_nothing_is_saved(world):
    officer = client(world.officer)
    url = reverse("grants:indicator", args=[world.contest.pk])
    response = officer.post(url, {"name": "Події", "unit": "", "direction": "sideways"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_unit_errors"' in html and 'id="id_direction_errors"' in html
    assert 'value="Події"' in html  # what was typed is kept
    assert not Indicator.objects.exists()

    services.add_indicator(world.contest, by=world.officer, name="Події", unit="подій", direction="higher")
    response = officer.post(url, {"name": "Події", "unit": "заходів", "direction": "higher"})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_name_errors"' in html and "already has an indicator with this name" in html
    assert 'value="заходів"' in html
    assert Indicator.objects.filter(contest=world.contest).count() == 1


def test_indicator_errors_are_in_the_users_language(world):
    services.add_indicator(world.contest, by=world.officer, name="Події", unit="подій", direction="higher")
    web = client(world.officer)
    web.cookies["django_language"] = "uk"  # pages follow the chosen language, not Accept-Language
    response = web.post(
        reverse("grants:indicator", args=[world.contest.pk]),
        {"name": "Події", "unit": "подій", "direction": "higher"},
    )
    assert response.status_code == 400
    assert "У цьому конкурсі вже є показник із такою назвою." in response.content.decode()


@pytest.mark.parametrize("who", ["organiser", "juror", "member", "outsider"])
def test_only_grant_officers_add_indicators(world, who):
    response = client(getattr(world, who)).post(reverse("grants:indicator", args=[world.contest.pk]), NEW)
    assert response.status_code == 404
    assert not Indicator.objects.exists()


def test_an_officer_of_another_contest_cannot_add_indicators_here(world):
    other = ContestFactory()
    grant_role(other, world.outsider, ContestRole.Role.GRANT_OFFICER)
    response = client(world.outsider).post(reverse("grants:indicator", args=[world.contest.pk]), NEW)
    assert response.status_code == 404
    assert not Indicator.objects.exists()


# --- targets on the grant's page ------------------------------------------------------------------


@pytest.fixture
def readers(world) -> Indicator:
    return services.add_indicator(
        world.contest, by=world.officer, name="Читачі", unit="осіб", direction="higher"
    )


def test_the_officer_sets_and_changes_a_target_per_reporting_period(world, readers):
    grant = world.offer()
    first, final = grant.reports.order_by("due_on")[0], grant.reports.order_by("due_on").last()
    officer = client(world.officer)
    url = reverse("grants:target", args=[grant.pk])
    page = officer.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert f'action="{url}"' in page
    assert f'value="{first.period_end.isoformat()}"' in page  # the periods are the reports'

    data = {"indicator": readers.pk, "period_end": first.period_end.isoformat(), "value": "120"}
    assert officer.post(url, data).status_code == 302
    officer.post(url, {**data, "period_end": final.period_end.isoformat(), "value": "300"})
    assert officer.post(url, {**data, "value": "150.50"}).status_code == 302  # a change, not a second row

    targets = dict(IndicatorTarget.objects.filter(grant=grant).values_list("period_end", "value"))
    assert targets == {first.period_end: Decimal("150.50"), final.period_end: Decimal("300.00")}
    page = officer.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert 'id="targets"' in page and "150.5" in page and "300" in page


def test_target_errors_come_back_next_to_their_fields_and_nothing_is_saved(world, readers):
    grant = world.offer()
    officer = client(world.officer)
    url = reverse("grants:target", args=[grant.pk])
    period = grant.reports.order_by("due_on")[0].period_end.isoformat()

    response = officer.post(url, {"indicator": readers.pk, "period_end": "2025-02-14", "value": "10"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_period_end_errors"' in html
    assert 'value="10"' in html

    response = officer.post(url, {"indicator": readers.pk, "period_end": period, "value": "-5"})
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_value_errors"' in html and 'value="-5"' in html

    response = officer.post(url, {"indicator": readers.pk, "period_end": period, "value": "1.555"})
    assert response.status_code == 400 and 'id="id_value_errors"' in response.content.decode()

    elsewhere = services.add_indicator(
        ContestFactory(), by=world.officer, name="Чуже", unit="шт", direction="higher"
    )
    response = officer.post(url, {"indicator": elsewhere.pk, "period_end": period, "value": "10"})
    assert response.status_code == 400 and 'id="id_indicator_errors"' in response.content.decode()
    assert not IndicatorTarget.objects.exists()


def test_the_grantee_reads_the_targets_but_cannot_set_them(world, readers):
    grant = world.offer()
    period = grant.reports.order_by("due_on")[0].period_end
    services.set_target(grant, by=world.officer, indicator=readers, period_end=period, value="75")
    member = client(world.member)
    url = reverse("grants:target", args=[grant.pk])
    page = member.get(reverse("grants:detail", args=[grant.pk])).content.decode()
    assert 'id="targets"' in page and "Читачі (осіб)" in page and "75" in page
    assert url not in page

    data = {"indicator": readers.pk, "period_end": period.isoformat(), "value": "1"}
    assert member.post(url, data).status_code == 404
    assert IndicatorTarget.objects.get().value == Decimal("75.00")


@pytest.mark.parametrize("who", ["organiser", "juror", "outsider"])
def test_people_outside_the_grant_get_404_for_targets(world, readers, who):
    grant = world.offer()
    period = grant.reports.order_by("due_on")[0].period_end.isoformat()
    web = client(getattr(world, who))
    assert web.get(reverse("grants:detail", args=[grant.pk])).status_code == 404
    data = {"indicator": readers.pk, "period_end": period, "value": "1"}
    assert web.post(reverse("grants:target", args=[grant.pk]), data).status_code == 404
    assert not IndicatorTarget.objects.exists()
