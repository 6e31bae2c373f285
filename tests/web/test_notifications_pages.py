import uuid

import pytest
from django.urls import reverse

from contests import services as contest_services
from contests.events import CANCELLED, PUBLISHED
from notifications.models import EmailOptOut, Message, TemplateOverride
from tests.factories import UserFactory, grant, ready_contest

pytestmark = pytest.mark.django_db


def inapp(user, *, subject_contest="Конкурс", read=False, event=PUBLISHED.key, language="en"):
    """An in-app message for `user`, as notify() would write it."""
    return Message.objects.create(
        batch=uuid.uuid4(),
        event=event,
        channel=Message.Channel.INAPP,
        user=user,
        recipient_key=f"user:{user.pk}",
        language=language,
        dedupe_key=str(uuid.uuid4()),
        context={"contest": subject_contest, "link": "https://example.org/c/1", "deadline": "01.04.2030"},
        state=Message.State.SENT,
        read_at="2030-01-01T00:00:00Z" if read else None,
    )


def email_message(contest, *, state=Message.State.PENDING, email="someone@example.org", **fields):
    return Message.objects.create(
        batch=uuid.uuid4(),
        event=PUBLISHED.key,
        channel=Message.Channel.EMAIL,
        email=email,
        recipient_key=f"email:{email}",
        language="en",
        scope=contest_services.scope_of(contest),
        dedupe_key=str(uuid.uuid4()),
        context={"contest": contest.title, "link": "https://example.org", "deadline": "x"},
        state=state,
        **fields,
    )


# --- inbox ---------------------------------------------------------------------------------


def test_inbox_requires_login(web):
    response = web().get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_inbox_shows_only_my_messages_rendered_in_their_language(web):
    me, someone = UserFactory(), UserFactory()
    inapp(me, subject_contest="Мій конкурс")
    inapp(me, subject_contest="Читаний конкурс", read=True)
    inapp(someone, subject_contest="Чужий конкурс")
    html = web(me).get(reverse("notifications:inbox")).content.decode()
    assert "The call “Мій конкурс” is published" in html
    assert "The call “Читаний конкурс” is published" in html
    assert "Чужий конкурс" not in html
    assert html.count(">Unread</span>") == 1
    assert "You have 1 unread message." in html
    assert "<h1>" in html and html.count("<h1") == 1


def test_inbox_escapes_context_values(web):
    me = UserFactory()
    inapp(me, subject_contest="<script>alert(1)</script>")
    html = web(me).get(reverse("notifications:inbox")).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_mark_one_and_all_as_read_change_the_count(web):
    me, someone = UserFactory(), UserFactory()
    first, _second, _third = inapp(me), inapp(me), inapp(me)
    theirs = inapp(someone)
    client = web(me)
    assert ", 3 unread</span>" in client.get(reverse("home")).content.decode()

    response = client.post(reverse("notifications:mark_read", args=[first.pk]), follow=True)
    html = response.content.decode()
    assert "The message was marked as read." in html
    assert "You have 2 unread messages." in html
    first.refresh_from_db()
    assert first.read_at is not None

    # Someone else's message cannot be marked through my session.
    client.post(reverse("notifications:mark_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None

    html = client.post(reverse("notifications:mark_all_read"), follow=True).content.decode()
    assert "2 messages were marked as read." in html
    assert "You have 0 unread messages." in html
    assert Message.objects.filter(user=me, read_at__isnull=True).count() == 0
    assert "Mark all as read" not in html
    assert " unread</span>" not in client.get(reverse("home")).content.decode()


def test_mark_read_needs_post(web):
    me = UserFactory()
    assert web(me).get(reverse("notifications:mark_all_read")).status_code == 405


def test_mark_read_next_must_be_local(web):
    me = UserFactory()
    inapp(me)
    response = web(me).post(reverse("notifications:mark_all_read"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:inbox")
    response = web(me).post(reverse("notifications:mark_all_read"), {"next": "/notifications/?page=2"})
    assert response["Location"] == "/notifications/?page=2"


def test_header_count_query_is_one_and_flat(web, count_queries):
    me = UserFactory()
    client = web(me)
    inapp(me)
    few = count_queries(lambda: client.get(reverse("home")))
    for _n in range(15):
        inapp(me)
    many = count_queries(lambda: client.get(reverse("home")))
    assert few == many
    html = client.get(reverse("home")).content.decode()
    assert ">16</span>" in html and ", 16 unread</span>" in html


def test_anonymous_header_runs_no_message_query(web):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        html = web().get(reverse("home")).content.decode()
    assert not any("notifications_message" in q["sql"] for q in ctx.captured_queries)
    assert reverse("notifications:inbox") not in html


def test_inbox_query_count_is_flat_and_paginated(web, count_queries):
    me = UserFactory()
    client = web(me)
    for _n in range(3):
        inapp(me)
    few = count_queries(lambda: client.get(reverse("notifications:inbox")))
    for _n in range(30):
        inapp(me, event=CANCELLED.key)
    many = count_queries(lambda: client.get(reverse("notifications:inbox")))
    assert few == many
    html = client.get(reverse("notifications:inbox")).content.decode()
    assert "Page 1 of 2" in html
    assert client.get(reverse("notifications:inbox") + "?page=2").status_code == 200


def test_inbox_renders_in_the_messages_language(web):
    me = UserFactory()
    inapp(me, language="uk", subject_contest="Тест")
    html = web(me).get(reverse("notifications:inbox")).content.decode()
    assert 'lang="uk"' in html
    assert "Тест" in html


# --- e-mail preferences --------------------------------------------------------------------


def field_name(event_key):
    return "send-" + event_key.replace(".", "-")


def test_profile_shows_preferences_with_mandatory_disabled(web):
    me = UserFactory()
    html = web(me).get(reverse("accounts:profile")).content.decode()
    assert "E-mail preferences" in html
    assert "Send me e-mail" in html
    assert "Always sent: this message is mandatory." in html
    mandatory = f'name="{field_name(CANCELLED.key)}"'
    tag = html[html.index(mandatory) - 200 : html.index(mandatory) + 200]
    assert "disabled" in tag and "checked" in tag


def test_opt_out_is_saved_and_undone(web):
    me = UserFactory()
    client = web(me)
    # Everything ticked but the optional "published" event.
    response = client.post(
        reverse("notifications:email_preferences"),
        {field_name(CANCELLED.key): "on", "next": reverse("accounts:profile")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:profile")
    assert EmailOptOut.objects.filter(user=me, event=PUBLISHED.key).exists()
    html = client.get(reverse("accounts:profile")).content.decode()
    optional = f'name="{field_name(PUBLISHED.key)}"'
    assert "checked" not in html[html.index(optional) - 100 : html.index(optional) + 100]

    client.post(reverse("notifications:email_preferences"), {field_name(PUBLISHED.key): "on"})
    assert not EmailOptOut.objects.filter(user=me, event=PUBLISHED.key).exists()


def test_mandatory_cannot_be_turned_off(web):
    me = UserFactory()
    # An unticked (or tampered) mandatory box changes nothing.
    response = web(me).post(reverse("notifications:email_preferences"), {})
    assert response.status_code == 302
    assert not EmailOptOut.objects.filter(user=me, event=CANCELLED.key).exists()
    from django.core.exceptions import ValidationError

    from notifications.services import set_email_opt_out

    with pytest.raises(ValidationError):
        set_email_opt_out(me, CANCELLED.key, opted_out=True)


def test_preferences_page_on_its_own(web):
    html = web(UserFactory()).get(reverse("notifications:email_preferences")).content.decode()
    assert html.count("<h1") == 1
    assert "Save my e-mail preferences" in html


# --- the contest's outbox ------------------------------------------------------------------


def test_outbox_shows_this_contests_messages_only(web, organiser, draft_contest):
    other = ready_contest()
    email_message(draft_contest, email="ours@example.org", state=Message.State.FAILED, last_error="SMTP 550")
    email_message(
        draft_contest, email="sent@example.org", state=Message.State.SENT, sent_at="2030-01-01T10:00Z"
    )
    email_message(other, email="theirs@example.org")
    html = web(organiser).get(reverse("contests:outbox", args=[draft_contest.pk])).content.decode()
    assert "ours@example.org" in html
    assert "sent@example.org" in html
    assert "theirs@example.org" not in html
    assert "SMTP 550" in html
    assert "<progress" in html
    assert "1 of 2 e-mails sent" in html
    assert "Resend failed messages" in html
    assert "<time datetime=" in html and "(Europe/Kyiv)" not in html  # the viewer's own zone: unnamed
    assert 'hx-trigger="every 3s"' not in html  # nothing pending: no polling


def test_outbox_filters_by_state(web, organiser, draft_contest):
    email_message(draft_contest, email="failed@example.org", state=Message.State.FAILED)
    email_message(draft_contest, email="pending@example.org")
    url = reverse("contests:outbox", args=[draft_contest.pk])
    html = web(organiser).get(url, {"state": "failed"}).content.decode()
    assert "failed@example.org" in html
    assert "pending@example.org" not in html


def test_outbox_polls_while_pending_and_stops_when_done(web, organiser, draft_contest):
    pending = email_message(draft_contest)
    client = web(organiser)
    html = client.get(reverse("contests:outbox", args=[draft_contest.pk])).content.decode()
    assert 'hx-trigger="every 3s"' in html
    progress_url = reverse("contests:outbox_progress", args=[draft_contest.pk])
    response = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    Message.objects.filter(pk=pending.pk).update(state=Message.State.SENT)
    response = client.get(progress_url, HTTP_HX_REQUEST="true")
    assert response.status_code == 286  # htmx stops polling
    assert "1 of 1 e-mails sent" in response.content.decode()


def test_publishing_fills_the_outbox(web, organiser, published_contest):
    html = web(organiser).get(reverse("contests:outbox", args=[published_contest.pk])).content.decode()
    assert organiser.email in html
    assert "A call is published" in html


def test_outbox_of_another_organiser_is_403_and_hidden_draft_404(
    web, other_organiser, published_contest, draft_contest
):
    client = web(other_organiser)
    assert client.get(reverse("contests:outbox", args=[published_contest.pk])).status_code == 403
    assert client.post(reverse("contests:outbox_resend", args=[published_contest.pk])).status_code == 403
    draft = ready_contest()
    grant(draft, UserFactory())
    assert client.get(reverse("contests:outbox", args=[draft.pk])).status_code == 404


def test_resend_puts_failed_back_to_pending(
    web, organiser, draft_contest, django_capture_on_commit_callbacks
):
    failed = email_message(draft_contest, state=Message.State.FAILED, attempts=6, last_error="boom")
    other_failed = email_message(ready_contest(), state=Message.State.FAILED)
    response = web(organiser).post(reverse("contests:outbox_resend", args=[draft_contest.pk]), follow=True)
    assert "1 failed message was queued to be sent again." in response.content.decode()
    failed.refresh_from_db()
    other_failed.refresh_from_db()
    assert (failed.state, failed.attempts, failed.last_error) == (Message.State.PENDING, 0, "")
    assert other_failed.state == Message.State.FAILED


def test_resend_with_nothing_failed(web, organiser, draft_contest):
    response = web(organiser).post(reverse("contests:outbox_resend", args=[draft_contest.pk]), follow=True)
    assert "There were no failed messages to send again." in response.content.decode()


# --- message wording -----------------------------------------------------------------------


def test_messages_page_lists_events_placeholders_and_overrides(web, organiser, draft_contest):
    TemplateOverride.objects.create(
        scope=contest_services.scope_of(draft_contest),
        event=PUBLISHED.key,
        language="uk",
        subject="Тема",
        body_text="Текст",
    )
    html = web(organiser).get(reverse("contests:messages", args=[draft_contest.pk])).content.decode()
    assert "A call is published" in html
    assert "A contest is cancelled" in html
    assert "Invitation to join an organisation" not in html  # not about one contest
    assert "<code>{{ deadline }}</code>" in html
    assert "the deadline in the contest&#x27;s time zone" in html
    assert html.count("your own wording") == 1


def edit_url(contest, event=PUBLISHED.key, language="en"):
    return reverse("contests:message_edit", args=[contest.pk, event, language])


def test_edit_page_starts_from_the_default_wording(web, organiser, draft_contest):
    html = web(organiser).get(edit_url(draft_contest)).content.decode()
    assert "The call “{{ contest }}” is published" in html
    assert web(organiser).get(edit_url(draft_contest, event="nope.nothing")).status_code == 404
    assert web(organiser).get(edit_url(draft_contest, language="xx")).status_code == 404


def test_template_override_saved(web, organiser, draft_contest):
    response = web(organiser).post(
        edit_url(draft_contest, language="uk"),
        {
            "subject": "Оголошено: {{ contest }}",
            "body_text": "До {{ deadline }}.",
            "body_html": "",
            "save": "1",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("contests:messages", args=[draft_contest.pk])
    override = TemplateOverride.objects.get(scope=contest_services.scope_of(draft_contest))
    assert (override.event, override.language, override.subject) == (
        PUBLISHED.key,
        "uk",
        "Оголошено: {{ contest }}",
    )
    html = web(organiser).get(edit_url(draft_contest, language="uk")).content.decode()
    assert "Use the default" in html
    assert "Оголошено: {{ contest }}" in html


def test_preview_escapes_script_and_saves_nothing(web, organiser):
    contest = ready_contest(title="<script>alert('x')</script> Конкурс")
    grant(contest, organiser)
    response = web(organiser).post(
        edit_url(contest),
        {
            "subject": "About {{ contest }}",
            "body_text": "Text {{ contest }} by {{ deadline }}",
            "body_html": "<p>Hello {{ contest }}</p><script>alert('own')</script>",
            "preview": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "About &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Конкурс" in html
    # The HTML preview sits in a sandboxed iframe; inside it the value is escaped once more.
    assert "<iframe sandbox srcdoc=" in html
    assert "&lt;p&gt;Hello &amp;lt;script&amp;gt;" in html
    assert not TemplateOverride.objects.exists()


def test_syntax_error_is_shown_and_nothing_saved(web, organiser, draft_contest):
    for action in ("save", "preview"):
        response = web(organiser).post(
            edit_url(draft_contest),
            {"subject": "Fine", "body_text": "Broken {% if contest %} never closed", action: "1"},
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "The template has an error" in html
        assert 'role="alert"' in html
        assert "Preview of the HTML e-mail" not in html
    assert not TemplateOverride.objects.exists()


def test_reset_to_default_deletes_the_override(web, organiser, draft_contest):
    TemplateOverride.objects.create(
        scope=contest_services.scope_of(draft_contest),
        event=PUBLISHED.key,
        language="en",
        subject="Mine",
        body_text="Mine",
    )
    response = web(organiser).post(
        reverse("contests:message_reset", args=[draft_contest.pk, PUBLISHED.key, "en"]), follow=True
    )
    assert "This message uses the default wording again." in response.content.decode()
    assert not TemplateOverride.objects.exists()


def test_message_pages_are_403_for_another_organiser(web, other_organiser, published_contest):
    client = web(other_organiser)
    assert client.get(reverse("contests:messages", args=[published_contest.pk])).status_code == 403
    assert client.get(edit_url(published_contest)).status_code == 403
    response = client.post(edit_url(published_contest), {"subject": "x", "body_text": "y", "save": "1"})
    assert response.status_code == 403
    assert not TemplateOverride.objects.exists()


def test_manage_page_links_to_the_new_pages(web, organiser, draft_contest):
    html = web(organiser).get(reverse("contests:manage", args=[draft_contest.pk])).content.decode()
    for name in ("outbox", "messages", "people"):
        assert reverse(f"contests:{name}", args=[draft_contest.pk]) in html


def test_outbox_query_count_is_flat(web, organiser, draft_contest, count_queries):
    client = web(organiser)
    url = reverse("contests:outbox", args=[draft_contest.pk])
    email_message(draft_contest)
    few = count_queries(lambda: client.get(url))
    for n in range(20):
        email_message(draft_contest, email=f"p{n}@example.org", state=Message.State.FAILED)
    assert count_queries(lambda: client.get(url)) == few
