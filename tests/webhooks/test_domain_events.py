"""Each event the brief names writes its deliveries in the transaction of the step that made it:
grants (offered, tranche paid, report submitted and accepted), screening, announced results.
What an endpoint is told is what its owner may see: a contest's organisers get no amounts."""

import json
from datetime import date

from applications import services as application_services
from applications.models import Application
from awards import services as award_services
from contests.models import Contest
from grants import services as grant_services
from grants.models import Disbursement
from tests.awards.conftest import finished  # noqa: F401  (fixture)
from tests.factories import OrganisationFactory, UserFactory
from tests.grants.conftest import world  # noqa: F401  (fixture)
from webhooks import services
from webhooks.models import SUBSCRIBABLE, Delivery

EVERYTHING = [event for event, _label in SUBSCRIBABLE]
URL = "https://hooks.example.org/"


def _events(endpoint) -> list[str]:
    return list(Delivery.objects.filter(endpoint=endpoint).order_by("pk").values_list("event", flat=True))


def test_grant_steps_tell_the_grantee_and_the_contest_but_not_the_amounts_to_organisers(world):  # noqa: F811
    organisation = world.application.organisation
    grantee, _s = services.create_endpoint(organisation, url=URL, events=EVERYTHING, by=world.member)
    organisers, _s = services.create_endpoint(world.contest, url=URL, events=EVERYTHING, by=world.organiser)
    stranger, _s = services.create_endpoint(
        OrganisationFactory(), url=URL, events=EVERYTHING, by=UserFactory()
    )

    g = world.active("1000.00")
    tranche = grant_services.schedule_tranche(
        g, by=world.officer, planned_on=date(2025, 2, 1), amount="400.00"
    )
    tranche = grant_services.approve_tranche(tranche, by=world.officer)
    grant_services.pay_tranche(
        tranche, by=world.officer, idempotency_key="p-1", payment_reference="p-1", paid_on=date(2025, 2, 3)
    )
    report = g.reports.order_by("due_on").first()
    report = grant_services.save_report(report, by=world.member, narrative="Провели 12 вигаданих занять")
    grant_services.submit_report(report, by=world.member)
    grant_services.accept_report(report, by=world.officer)

    expected = ["grant.offered", "tranche.paid", "report.submitted", "report.accepted"]
    assert _events(grantee) == expected
    assert _events(organisers) == expected
    assert _events(stranger) == []
    paid = Delivery.objects.get(endpoint=grantee, event="tranche.paid").payload
    assert paid["data"]["id"] == tranche.pk and paid["data"]["amount"] == "400.00"
    assert paid["data"]["paid_on"] == "2025-02-03"
    assert Disbursement.objects.get(pk=tranche.pk).state == Disbursement.State.PAID
    for delivery in Delivery.objects.filter(endpoint=organisers):
        assert "amount" not in json.dumps(delivery.payload), delivery.event
    offered = Delivery.objects.get(endpoint=organisers, event="grant.offered").payload["data"]
    assert offered["id"] == g.pk and offered["url"].endswith(f"/api/v1/grants/{g.pk}/")


def test_bulk_screening_tells_each_application_once(finished):  # noqa: F811
    contest = finished.contest
    organisers, _s = services.create_endpoint(
        contest, url=URL, events=["application.screened"], by=finished.organiser
    )
    pks = [a.pk for a in finished.applications]
    # Back to waiting for screening (the jury's contest is past it): screened all at once.
    Application.objects.filter(pk__in=pks).update(state=Application.State.SUBMITTED)
    done, refused = application_services.screen_many(contest, pks, "mark_eligible", by=finished.organiser)
    assert sorted(done) == sorted(pks) and not refused
    told = sorted(d.payload["data"]["id"] for d in Delivery.objects.filter(endpoint=organisers))
    assert told == sorted(pks)
    assert {d.payload["data"]["state"] for d in Delivery.objects.filter(endpoint=organisers)} == {"eligible"}


def test_announced_results_tell_the_contest_and_the_organisations_that_applied(finished):  # noqa: F811
    contest = finished.contest
    applicant_org = finished.applications[0].organisation
    organisers, _s = services.create_endpoint(
        contest, url=URL, events=["results.announced"], by=finished.organiser
    )
    theirs, _s = services.create_endpoint(
        applicant_org, url=URL, events=["results.announced"], by=UserFactory()
    )
    stranger, _s = services.create_endpoint(
        OrganisationFactory(), url=URL, events=EVERYTHING, by=UserFactory()
    )
    a1, _a2, _ = finished.ranked(finished.a)
    finished.winner(a1)
    award_services.decide(contest, by=finished.organiser)
    award_services.announce(Contest.objects.get(pk=contest.pk), by=finished.second)
    [told] = Delivery.objects.filter(endpoint=organisers)
    assert told.payload["type"] == "results.announced"
    assert told.payload["data"]["id"] == contest.pk and told.payload["data"]["state"] == "announced"
    assert _events(theirs) == ["results.announced"]
    assert _events(stranger) == []
