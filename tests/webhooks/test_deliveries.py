"""Webhooks end to end against a real local HTTP receiver: signed deliveries of real events,
retries with backoff, a dead endpoint disabled and its owners told, the test button."""

import hashlib
import hmac
import json
import time
from datetime import timedelta

import time_machine
from django.core import mail
from django.urls import reverse

from applications import services as application_services
from core import clock
from notifications.models import Message
from webhooks import services, signing
from webhooks.models import Delivery, Endpoint


def test_a_submitted_application_delivers_a_signed_request(
    receiver, committed, organisation, applicant, organiser, ready_application
):
    endpoint, secret = services.create_endpoint(
        organisation, url=receiver.url, events=["application.submitted"], by=applicant
    )
    contest_endpoint, contest_secret = services.create_endpoint(
        ready_application.contest,
        url=receiver.url + "/contest",
        events=["application.submitted"],
        by=organiser,
    )
    with committed():
        application_services.submit_application(ready_application, by=applicant)

    assert len(receiver.requests) == 2
    by_path = {r.path: r for r in receiver.requests}
    mine = by_path["/hooks/konkurs"]
    assert signing.verify(secret, mine.headers["Konkurs-Signature"], mine.body, now=int(time.time()))
    # Signed with another endpoint's secret, or with the body changed, it does not verify.
    assert not signing.verify(
        contest_secret, mine.headers["Konkurs-Signature"], mine.body, now=int(time.time())
    )
    assert not signing.verify(
        secret, mine.headers["Konkurs-Signature"], mine.body + b" ", now=int(time.time())
    )
    # Checked as the README tells a receiver to, independently of webhooks.signing.
    parts = dict(item.split("=", 1) for item in mine.headers["Konkurs-Signature"].split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + mine.body, hashlib.sha256).hexdigest()
    assert parts["v1"] == expected and abs(time.time() - int(parts["t"])) < 60
    assert mine.headers["Konkurs-Event"] == "application.submitted"
    assert mine.headers["Content-Type"] == "application/json"
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert mine.headers["Konkurs-Delivery"] == str(delivery.uuid)
    body = json.loads(mine.body)
    assert body["type"] == "application.submitted"
    assert body["data"]["id"] == ready_application.pk
    assert body["data"]["state"] == "submitted"
    assert body["data"]["url"].endswith(f"/api/v1/applications/{ready_application.pk}/")
    assert body["data"]["organisation"]["id"] == organisation.pk
    assert body["occurred_at"] and body["id"]
    # The contest's organisers hear of the same occurrence, signed with their own secret.
    theirs = by_path["/hooks/konkurs/contest"]
    assert signing.verify(
        contest_secret, theirs.headers["Konkurs-Signature"], theirs.body, now=int(time.time())
    )
    assert json.loads(theirs.body)["id"] == body["id"]
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.DELIVERED
    [attempt] = delivery.log.all()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")
    assert contest_endpoint.deliveries.get().state == Delivery.State.DELIVERED


def test_an_event_nobody_subscribed_to_sends_nothing(
    receiver, committed, organisation, applicant, ready_application
):
    services.create_endpoint(organisation, url=receiver.url, events=["grant.offered"], by=applicant)
    with committed():
        application_services.submit_application(ready_application, by=applicant)
    assert receiver.requests == []
    assert not Delivery.objects.exists()


def test_a_failing_receiver_gets_retries_with_backoff_then_is_disabled_and_its_owner_told(
    receiver, committed, organisation, applicant, ready_application, settings
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 1
    receiver.status = 500
    endpoint, _secret = services.create_endpoint(
        organisation, url=receiver.url, events=["application.submitted"], by=applicant
    )
    with time_machine.travel(clock.now(), tick=False) as traveller:
        start = clock.now()
        with committed():
            application_services.submit_application(ready_application, by=applicant)
        delivery = Delivery.objects.get()
        assert (delivery.state, delivery.attempts, delivery.status_code) == ("pending", 1, 500)
        assert delivery.next_attempt_at == start + timedelta(seconds=30)
        # Not yet due: the sweeper leaves it alone.
        with committed():
            services.sweep()
        assert len(receiver.requests) == 1
        traveller.shift(timedelta(seconds=31))
        with committed():
            services.sweep()
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts) == ("pending", 2)
        assert delivery.next_attempt_at == clock.now() + timedelta(seconds=60)  # twice as long
        traveller.shift(timedelta(seconds=61))
        with committed():
            services.sweep()

    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.FAILED
    assert [(a.number, a.status_code) for a in delivery.log.all()] == [(1, 500), (2, 500), (3, 500)]
    endpoint.refresh_from_db()
    assert (
        not endpoint.is_active
        and endpoint.disabled_at
        and "1 deliveries in a row" in endpoint.disabled_reason
    )
    told = Message.objects.filter(event="webhooks.endpoint_disabled", user=applicant, channel="email")
    assert told.get().state == Message.State.SENT
    assert any(receiver.url in m.body and applicant.email in m.to for m in mail.outbox)

    # Disabled: new events write no deliveries until it is enabled again.
    receiver.status = 200
    services.enable_endpoint(endpoint)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 0


def test_an_endpoint_failing_for_a_day_is_disabled(receiver, committed, organisation, applicant, settings):
    receiver.status = 503
    endpoint, _secret = services.create_endpoint(
        organisation, url=receiver.url, events=["application.submitted"], by=applicant
    )
    with time_machine.travel(clock.now(), tick=False) as traveller:
        Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=clock.now())
        traveller.shift(timedelta(hours=24, seconds=1))
        with committed():
            services.send_test(endpoint)  # a test delivery never disables: it is the owner's check
        endpoint.refresh_from_db()
        assert endpoint.is_active
        delivery = Delivery.objects.create(
            endpoint=endpoint, event="application.submitted", payload={}, created_at=clock.now()
        )
        with committed():
            services.deliver(delivery.pk)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "24 hours" in endpoint.disabled_reason


def test_redirects_are_not_followed(receiver, committed, organisation, applicant):
    receiver.status = 302
    endpoint, _secret = services.create_endpoint(
        organisation, url=receiver.url, events=["application.submitted"], by=applicant
    )
    with committed():
        delivery = services.send_test(endpoint)
    delivery.refresh_from_db()
    assert delivery.status_code == 302 and delivery.state == "pending" and "302" in delivery.last_error
    assert len(receiver.requests) == 1


def test_the_send_test_button_sends_a_signed_test_event(receiver, committed, web, organisation, applicant):
    client = web(applicant)
    response = client.post(
        reverse("webhooks:organisation", args=[organisation.pk]),
        {"url": receiver.url, "events": ["application.submitted", "grant.offered"], "description": "CRM"},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    endpoint = Endpoint.objects.get()
    assert secret.startswith("whsec_") and endpoint.secret == secret
    with committed():
        response = client.post(reverse("webhooks:test", args=[endpoint.pk]))
    assert response.status_code == 302
    [request] = receiver.requests
    assert request.headers["Konkurs-Event"] == "webhook.test"
    assert signing.verify(secret, request.headers["Konkurs-Signature"], request.body, now=int(time.time()))
    page = client.get(reverse("webhooks:detail", args=[endpoint.pk]))
    assert page.status_code == 200
    assert "HTTP 200" in page.content.decode()
    assert secret not in page.content.decode()  # shown once, when made

    # A new secret signs from now on; the old one no longer verifies.
    rotated = client.post(reverse("webhooks:rotate", args=[endpoint.pk]))
    new_secret = rotated.context["secret"]
    assert new_secret != secret
    with committed():
        client.post(reverse("webhooks:test", args=[endpoint.pk]))
    latest = receiver.requests[-1]
    assert signing.verify(new_secret, latest.headers["Konkurs-Signature"], latest.body, now=int(time.time()))
    assert not signing.verify(secret, latest.headers["Konkurs-Signature"], latest.body, now=int(time.time()))


def test_the_organisation_page_links_to_its_webhooks_for_its_administrators(web, organisation, applicant):
    page = web(applicant).get(reverse("accounts:organisation", args=[organisation.pk])).content.decode()
    assert reverse("webhooks:organisation", args=[organisation.pk]) in page


def test_the_contest_organiser_page_links_to_its_webhooks(web, organiser, form_contest):
    page = web(organiser).get(reverse("contests:manage", args=[form_contest.pk])).content.decode()
    assert reverse("webhooks:contest", args=[form_contest.pk]) in page
