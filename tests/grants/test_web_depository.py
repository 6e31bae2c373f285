"""Accepted grant results appear on the grantee's public case in the depository."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from depository import services as depository_services
from depository.indicators import indicator_results
from grants import services
from tests.grants.test_web import Funded

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(world) -> Funded:
    return Funded(world)


def publish(funded: Funded):
    world = funded.world
    practice = depository_services.select_case(world.application, by=world.organiser)
    return depository_services.publish(practice, by=world.organiser)


def test_results_show_on_the_case_once_a_report_is_accepted(funded):
    practice = publish(funded)
    url = reverse("depository:detail", args=[practice.pk])
    funded.submit()
    assert "Results of the grant" not in Client().get(url).content.decode()

    services.accept_report(funded.report, by=funded.world.officer)

    page = Client().get(url).content.decode()
    assert "Results of the grant" in page
    assert "Відвідувачі навчені" in page and "Заходи" in page
    results = {r.title: r for r in indicator_results([practice])[practice.pk]}
    assert (results["Відвідувачі навчені"].target, results["Відвідувачі навчені"].achieved) == (100, 120)
    assert (results["Заходи"].target, results["Заходи"].achieved) == (4, 5)
    assert results["Заходи"].period == "01.01.2025 – 31.12.2025"


def test_a_case_without_a_grant_has_no_results(funded):
    other = funded.world.awarded()
    practice = depository_services.publish(
        depository_services.select_case(other, by=funded.world.organiser), by=funded.world.organiser
    )
    assert indicator_results([practice]) == {}
    assert (
        "Results of the grant"
        not in Client().get(reverse("depository:detail", args=[practice.pk])).content.decode()
    )


def test_results_of_many_cases_cost_the_same_queries(funded, django_assert_num_queries):
    funded.submit()
    services.accept_report(funded.report, by=funded.world.officer)
    first = publish(funded)
    many = [first]
    for _ in range(4):
        application = funded.world.awarded()
        many.append(
            depository_services.publish(
                depository_services.select_case(application, by=funded.world.organiser),
                by=funded.world.organiser,
            )
        )
    with CaptureQueriesContext(connection) as one:
        indicator_results([first])
    with django_assert_num_queries(len(one.captured_queries)):
        found = indicator_results(many)
    assert list(found) == [first.pk]
