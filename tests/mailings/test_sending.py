"""Sending: the outbox gets every message in one go, in each person's language, with an
unsubscribe link unless essential; twice is refused; unsubscribing is respected next time."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_fsm import TransitionNotAllowed

from applications.models import Application
from core.exceptions import TransitionRefused
from mailings import services
from mailings.models import Mailing, MailingRecipient
from mailings.selectors import progress_of
from notifications.models import EmailOptOut, Message
from tests.factories import OrganisationFactory
from tests.mailings.conftest import apply, draft, member, subscriber

pytestmark = pytest.mark.django_db

APPLICANTS = "applicants"


def send(mailing, by, capture):
    with capture(execute=True):
        return services.send_mailing(mailing, by=by)


def test_each_person_gets_it_in_their_language_with_an_unsubscribe_link(
    world, organiser, django_capture_on_commit_callbacks
):
    mailing = draft(world.contest, organiser, {"kind": APPLICANTS, "contest": world.contest.pk})
    sent = send(mailing, organiser, django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    assert sent.state == Mailing.State.SENT  # eager delivery, then the state follows the outbox
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {world.ann.email, world.bohdan.email}
    assert by_address[world.ann.email].subject == "Тема українською"
    # Bohdan reads Russian; no Russian text was written, so he gets the Ukrainian one.
    assert by_address[world.bohdan.email].subject == "Тема українською"
    body = by_address[world.ann.email].body
    assert "{{ not a tag }}" in body  # the organiser's text is never run as a template
    html = by_address[world.ann.email].alternatives[0][0]
    assert "&lt;b&gt;жирний&lt;/b&gt;" in html
    links = re.findall(r"https?://\S+/mailings/unsubscribe/\S+/", body)
    assert len(links) == 1
    assert links[0] not in by_address[world.bohdan.email].body  # a link of one's own
    recipients = MailingRecipient.objects.filter(mailing=sent)
    assert recipients.count() == 2 and all(r.message_id for r in recipients)
    assert progress_of(sent).sent == 2


def test_english_readers_get_the_english_text(world, organiser, django_capture_on_commit_callbacks):
    english = member(world.poltava, "Emma Reader", "en")
    mailing = draft(world.contest, organiser, {"kind": APPLICANTS, "contest": world.contest.pk})
    send(mailing, organiser, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [english.email]]
    assert message.subject == "Subject in English"
    assert "Text in English" in message.body


def test_essential_mailing_has_no_unsubscribe_link_and_reaches_opted_out(
    world, organiser, django_capture_on_commit_callbacks
):
    EmailOptOut.objects.create(user=world.bohdan, event="mailings.message")
    mailing = draft(
        world.contest, organiser, {"kind": APPLICANTS, "contest": world.contest.pk}, essential=True
    )
    send(mailing, organiser, django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == {world.ann.email, world.bohdan.email}
    assert all("/mailings/unsubscribe/" not in m.body for m in mail.outbox)


def test_unsubscribe_link_stops_the_next_non_essential_mailing(
    world, organiser, web, django_capture_on_commit_callbacks
):
    audience = {"kind": APPLICANTS, "contest": world.contest.pk}
    send(draft(world.contest, organiser, audience), organiser, django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [world.bohdan.email]]
    path = re.search(
        r"https?://[^/]+(/\S+/mailings/unsubscribe/\S+/|/mailings/unsubscribe/\S+/)", message.body
    )[1]
    page = web().get(path)
    assert page.status_code == 200
    assert not EmailOptOut.objects.filter(user=world.bohdan).exists()  # GET only asks
    assert web().post(path).status_code == 200
    assert EmailOptOut.objects.filter(user=world.bohdan, event="mailings.message").exists()
    mail.outbox.clear()
    second = send(draft(world.contest, organiser, audience), organiser, django_capture_on_commit_callbacks)
    assert [m.to[0] for m in mail.outbox] == [world.ann.email]
    assert second.unsubscribed_count == 1
    skipped = MailingRecipient.objects.get(mailing=second, email=world.bohdan.email)
    assert skipped.state == MailingRecipient.State.UNSUBSCRIBED and skipped.message_id is None
    mail.outbox.clear()
    send(
        draft(world.contest, organiser, audience, essential=True),
        organiser,
        django_capture_on_commit_callbacks,
    )
    assert {m.to[0] for m in mail.outbox} == {world.ann.email, world.bohdan.email}


def test_sending_twice_is_refused(world, organiser, django_capture_on_commit_callbacks):
    mailing = draft(world.contest, organiser, {"kind": "jurors", "contest": world.contest.pk})
    send(mailing, organiser, django_capture_on_commit_callbacks)
    with pytest.raises(TransitionNotAllowed):
        services.send_mailing(mailing, by=organiser)
    assert Message.objects.filter(scope=mailing.scope, channel="email").count() == 1


def test_nobody_to_send_to_is_refused_and_stays_a_draft(world, organiser):
    mailing = draft(
        world.contest, organiser, {"kind": APPLICANTS, "contest": world.contest.pk, "regions": ["crimea"]}
    )
    with pytest.raises(TransitionRefused):
        services.send_mailing(mailing, by=organiser)
    mailing.refresh_from_db()
    assert mailing.state == Mailing.State.DRAFT
    assert not Message.objects.filter(scope=mailing.scope).exists()


def test_subscribers_get_their_language_and_their_own_unsubscribe(
    db, staff, web, django_capture_on_commit_callbacks
):
    subscriber("uk.reader@example.org", "uk")
    english = subscriber("en.reader@example.org", "en")
    mailing = draft(None, staff, {"kind": "subscribers"})
    send(mailing, staff, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert by_address["en.reader@example.org"].subject == "Subject in English"
    assert by_address["uk.reader@example.org"].subject == "Тема українською"
    path = re.search(
        r"https?://[^/]+(/\S*mailings/unsubscribe/\S+/)", by_address["en.reader@example.org"].body
    )[1]
    assert web().post(path).status_code == 200
    english.refresh_from_db()
    assert english.unsubscribed_at is not None


def test_failed_deliveries_fail_the_mailing(world, organiser, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "tests.mailings.conftest.BrokenBackend"
    settings.EMAIL_MAX_ATTEMPTS = 1
    mailing = draft(world.contest, organiser, {"kind": "jurors", "contest": world.contest.pk})
    sent = send(mailing, organiser, django_capture_on_commit_callbacks)
    sent.refresh_from_db()
    assert sent.state == Mailing.State.FAILED
    assert progress_of(sent).failed == 1


def _people(contest, nomination, n: int) -> None:
    organisation = OrganisationFactory()
    for i in range(n):
        member(organisation, f"Особа {i}")
    apply(organisation, contest, nomination, Application.State.ELIGIBLE)


@pytest.mark.parametrize("essential", [False, True])
def test_sending_is_set_based(world, organiser, essential):
    """The queries of a send do not grow with its recipients (notify_many and insert_rows)."""

    def queries(extra: int) -> int:
        _people(world.contest, world.nomination_a, extra)
        mailing = draft(
            world.contest, organiser, {"kind": APPLICANTS, "contest": world.contest.pk}, essential=essential
        )
        with CaptureQueriesContext(connection) as captured:
            services.send_mailing(mailing, by=organiser)
        return len(captured.captured_queries)

    few = queries(3)
    many = queries(200)
    assert Message.objects.filter(channel="email", scope__startswith="mailing:").count() == (2 + 3) + (
        2 + 203
    )
    assert many == few
