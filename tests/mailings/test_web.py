"""The organiser's pages and the public ones: compose with three language fieldsets, preview,
send with confirmation, progress, recipients and CSV; subscribe, confirm, unsubscribe."""

import re

import pytest
from django.core import mail

from mailings.models import Mailing, Subscriber
from notifications.models import Message
from tests.mailings.conftest import draft

pytestmark = pytest.mark.django_db

FORM = {
    "subject_uk": "Запрошення на вебінар",
    "body_uk": "Приходьте!",
    "subject_en": "",
    "body_en": "",
    "subject_ru": "",
    "body_ru": "",
    "kind": "applicants",
}


def test_compose_preview_send_progress_and_recipients(
    world, organiser, web, django_capture_on_commit_callbacks
):
    client = web(organiser)
    page = client.get(f"/mailings/new/?contest={world.contest.pk}")
    assert page.status_code == 200
    assert page.content.decode().count("<fieldset") >= 4  # three languages and the audience
    r = client.post("/mailings/new/", {**FORM, "owner": world.contest.pk})
    mailing = Mailing.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/mailings/{mailing.pk}/"
    detail = client.get(r["Location"]).content.decode()
    assert "It would reach 2 people now." in detail
    assert world.ann.full_name in detail
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(f"/mailings/{mailing.pk}/steps/send/", {})
    assert r.status_code == 302
    mailing.refresh_from_db()
    assert mailing.state == "sent" and len(mail.outbox) == 2
    progress = client.get(f"/mailings/{mailing.pk}/progress/").content.decode()
    assert "hx-get" not in progress and "100%" in progress
    recipients = client.get(f"/mailings/{mailing.pk}/recipients/").content.decode()
    assert world.bohdan.email in recipients
    csv = b"".join(client.get(f"/mailings/{mailing.pk}/recipients.csv").streaming_content).decode()
    assert world.ann.email in csv and world.bohdan.email in csv
    assert client.get(f"/mailings/{mailing.pk}/edit/").status_code == 302  # sent: no editing


def test_sending_polls_while_messages_wait(world, organiser, web):
    mailing = draft(world.contest, organiser, {"kind": "jurors", "contest": world.contest.pk})
    client = web(organiser)
    client.post(f"/mailings/{mailing.pk}/steps/send/", {})  # delivery waits for a commit never made
    mailing.refresh_from_db()
    assert mailing.state == "sending"
    # The messages wait in the outbox whatever else the suite's process has delivered meanwhile.
    Message.objects.filter(scope=mailing.scope, channel=Message.Channel.EMAIL).update(
        state=Message.State.PENDING
    )
    assert 'hx-trigger="every 2s"' in client.get(f"/mailings/{mailing.pk}/").content.decode()


def test_bad_input_keeps_what_was_typed(world, organiser, web):
    client = web(organiser)
    r = client.post(
        "/mailings/new/", {**FORM, "subject_uk": "", "body_uk": "Мій довгий текст", "owner": world.contest.pk}
    )
    assert r.status_code == 400
    assert "Мій довгий текст" in r.content.decode()
    assert not Mailing.objects.exists()


def test_strangers_are_kept_out(world, organiser, other_organiser, applicant, web):
    mailing = draft(world.contest, organiser, {"kind": "jurors", "contest": world.contest.pk})
    for user in (other_organiser, applicant):
        client = web(user)
        assert client.get(f"/mailings/{mailing.pk}/").status_code == 404
        assert client.post(f"/mailings/{mailing.pk}/steps/send/", {}).status_code == 404
        assert client.get(f"/mailings/{mailing.pk}/recipients.csv").status_code == 404
        assert client.get(f"/mailings/contests/{world.contest.pk}/").status_code == 403
    assert web(applicant).get("/mailings/new/").status_code == 403
    assert web(applicant).get("/mailings/").status_code == 403
    mailing.refresh_from_db()
    assert mailing.state == "draft"


def test_edit_and_delete_a_draft(world, organiser, web):
    mailing = draft(world.contest, organiser, {"kind": "jurors", "contest": world.contest.pk})
    client = web(organiser)
    assert "Тема українською" in client.get(f"/mailings/{mailing.pk}/edit/").content.decode()
    r = client.post(f"/mailings/{mailing.pk}/edit/", {**FORM, "kind": "jurors", "subject_uk": "Нова тема"})
    assert r.status_code == 302
    mailing.refresh_from_db()
    assert mailing.subject_uk == "Нова тема"
    assert client.post(f"/mailings/{mailing.pk}/delete/").status_code == 302
    assert not Mailing.objects.exists()


def test_public_subscribe_and_confirm(db, web, django_capture_on_commit_callbacks):
    client = web()
    assert client.get("/mailings/subscribe/").status_code == 200
    assert (
        client.post("/mailings/subscribe/", {"email": "not an address", "language": "uk"}).status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post("/mailings/subscribe/", {"email": "reader@example.org", "language": "uk"})
    assert r.status_code == 200
    path = re.search(r"https?://[^/]+(/\S*mailings/subscribe/confirm/\S+/)", mail.outbox[0].body)[1]
    assert client.get("/mailings/subscribe/confirm/forged/").status_code == 400
    assert client.get(path).status_code == 200
    assert Subscriber.objects.get().is_active
    assert client.get("/mailings/unsubscribe/forged/").status_code == 400


def test_staff_compose_a_site_wide_mailing_to_subscribers(db, staff, web):
    client = web(staff)
    assert client.get("/mailings/").status_code == 200
    page = client.get("/mailings/new/")
    assert page.status_code == 200 and "Campaign number" in page.content.decode()
    r = client.post("/mailings/new/", {**FORM, "kind": "subscribers"})
    assert r.status_code == 302
    mailing = Mailing.objects.get()
    assert mailing.contest is None and mailing.audience == {"kind": "subscribers"}
    detail = client.get(r["Location"]).content.decode()
    assert "It would reach 0 people now." in detail
    r = client.post(f"/mailings/{mailing.pk}/steps/send/", {}, follow=True)
    assert "Nobody would receive this mailing" in r.content.decode()
    mailing.refresh_from_db()
    assert mailing.state == "draft"


def test_recipients_page_is_flat(world, organiser, web, count_queries, django_capture_on_commit_callbacks):
    from applications.models import Application
    from tests.factories import OrganisationFactory
    from tests.mailings.conftest import apply, member

    client = web(organiser)

    def sent_to(extra: int) -> Mailing:
        organisation = OrganisationFactory()
        for i in range(extra):
            member(organisation, f"Особа {i}")
        apply(organisation, world.contest, world.nomination_a, Application.State.ELIGIBLE)
        mailing = draft(world.contest, organiser, {"kind": "applicants", "contest": world.contest.pk})
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/mailings/{mailing.pk}/steps/send/", {})
        return mailing

    small, big = sent_to(1), sent_to(25)
    client.get(f"/mailings/{small.pk}/recipients/")  # warm the caches
    few = count_queries(lambda: client.get(f"/mailings/{small.pk}/recipients/"))
    assert count_queries(lambda: client.get(f"/mailings/{big.pk}/recipients/")) == few
