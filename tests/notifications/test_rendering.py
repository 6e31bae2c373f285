"""Templates: each event renders subject, text and HTML in the recipient's language; overrides."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from notifications import services
from notifications.models import Message, TemplateOverride
from notifications.rendering import render
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CONTEXTS = {
    "accounts.invitation": {
        "organisation": "Бібліотека Вигадана",
        "inviter": "Олена Тестова",
        "link": "https://konkurs.example.org/accounts/invitation/abc/",
        "expires": "01.02.2030",
    },
    "contests.published": {
        "contest": "Е-послуги 2030",
        "link": "https://konkurs.example.org/contests/1/",
        "deadline": "01.02.2030 18:00 (Europe/Kyiv)",
    },
}


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues():
    """Compile the .po files, if the project has any, so Ukrainian is really Ukrainian."""
    root = Path(settings.BASE_DIR)
    if any((root / app / "locale").is_dir() for app in ("", "accounts", "contests", "notifications")):
        call_command("compilemessages", ignore=[".venv"], verbosity=0)


def _translated(phrase: str, language: str) -> str:
    with translation.override(language):
        return gettext(phrase)


@pytest.mark.parametrize("event", CONTEXTS)
@pytest.mark.parametrize("language", ["uk", "en"])
def test_real_events_render_in_both_languages(event, language):
    context = CONTEXTS[event]
    rendered = render(event, language, context)
    assert rendered.subject and "\n" not in rendered.subject
    assert rendered.subject.startswith(rendered.subject.strip())
    for part in (rendered.text, rendered.html):
        assert context["link"] in part
    assert context["organisation" if event == "accounts.invitation" else "contest"] in rendered.subject
    assert f'<html lang="{language}">' in rendered.html
    assert "<p>" in rendered.html and "<p>" not in rendered.text
    # The language's own wording (the English msgid until the Ukrainian catalogue translates it).
    if event == "accounts.invitation":
        assert _translated("Accept the invitation", language) in rendered.html
    assert (
        _translated("This message was sent by Konkurs, the contest and grant system.", language)
        in rendered.html
    )


@pytest.mark.parametrize("event", CONTEXTS)
def test_ukrainian_and_english_differ(event):
    uk, en = (render(event, lang, CONTEXTS[event]) for lang in ("uk", "en"))
    assert uk.html != en.html
    # Words of each language (the Ukrainian catalogue, compiled above, translates the e-mails).
    assert "Це повідомлення надіслала Konkurs" in uk.html
    assert "This message was sent by Konkurs" in en.html
    if event == "accounts.invitation":
        assert "Прийняти запрошення" in uk.html and "Accept the invitation" in en.html
        assert "Запрошення" in uk.subject or "запрошення" in uk.subject.lower()
    assert uk.subject != en.subject and uk.text != en.text
    assert "Invitation" not in uk.subject and "published" not in uk.subject


@pytest.mark.parametrize(("language", "lang"), [("uk", "uk"), ("en", "en")])
def test_the_recipients_language_decides(language, lang, django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory(language=language)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        services.notify("contests.published", [user], CONTEXTS["contests.published"], dedupe_key="k")
    [email] = mailoutbox
    assert f'<html lang="{lang}">' in email.alternatives[0][0]
    assert Message.objects.filter(language=language).count() == 2


def test_context_values_are_escaped_in_html_only():
    context = {**CONTEXTS["contests.published"], "contest": "<script>alert('x')</script> & Co"}
    rendered = render("contests.published", "en", context)
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in rendered.html
    assert "<script>alert('x')</script> & Co" in rendered.text
    assert "<script>alert('x')</script> & Co" in rendered.subject


def test_an_override_for_the_scope_is_used(committed, mailoutbox):
    services.save_template_override(
        scope="contest:7",
        event="contests.published",
        language="en",
        subject="Our call {{ contest }} is open",
        body_text="Apply before {{ deadline }}.\n\nSee {{ link }}",
    )
    context = {**CONTEXTS["contests.published"], "contest": "<b>Bold</b>"}
    with committed():
        services.notify("contests.published", ["a@example.org"], context, dedupe_key="1", scope="contest:7")
        services.notify("contests.published", ["a@example.org"], context, dedupe_key="2", scope="contest:8")
        services.notify("contests.published", ["a@example.org"], context, dedupe_key="3")
    ours, others, unscoped = mailoutbox
    assert ours.subject == "Our call <b>Bold</b> is open"
    assert (
        ours.body
        == "Apply before 01.02.2030 18:00 (Europe/Kyiv).\n\nSee https://konkurs.example.org/contests/1/\n"
    )
    # No HTML given: the plain text, escaped, in paragraphs.
    assert ours.alternatives[0][0].startswith("<p>Apply before 01.02.2030")
    assert "&lt;b&gt;" not in ours.alternatives[0][0]  # the subject is not in the body
    for default in (others, unscoped):
        assert default.subject == "The call “<b>Bold</b>” is published"


def test_an_override_with_html_escapes_context_values():
    override = services.save_template_override(
        scope="s",
        event="contests.published",
        language="uk",
        subject="{{ contest }}",
        body_text="{{ contest }}",
        body_html="<h1>{{ contest }}</h1>",
    )
    rendered = render("contests.published", "uk", {"contest": "<script>"}, override)
    assert rendered.html == "<h1>&lt;script&gt;</h1>"
    assert rendered.text == "<script>\n"
    # Saving again replaces the override rather than adding one.
    services.save_template_override(
        scope="s", event="contests.published", language="uk", subject="x", body_text="y"
    )
    assert TemplateOverride.objects.get().subject == "x"


@pytest.mark.parametrize(
    "broken",
    [
        {"subject": "{% if contest %}no end"},
        {"body_text": "{{ contest|nosuchfilter }}"},
        {"body_html": "{% nosuchtag %}"},
    ],
)
def test_saving_an_override_with_a_syntax_error_is_refused(broken):
    fields = {"subject": "s", "body_text": "t", "body_html": "", **broken}
    with pytest.raises(ValidationError) as error:
        services.save_template_override(scope="s", event="contests.published", language="en", **fields)
    assert "error" in str(error.value)
    assert not TemplateOverride.objects.exists()


def test_an_override_for_an_unknown_event_is_refused():
    with pytest.raises(LookupError):
        services.save_template_override(scope="s", event="nope", language="en", subject="s", body_text="t")
