"""A librarian signs up, registers the library, starts an application to the demo open call,
answers the required questions, uploads a PDF, submits and sees the receipt; axe-core checks
the dashboard, the form and the receipt."""

import re

import pytest
from django.core.management import call_command, get_commands

from applications.models import Application
from applications.selectors import questions_for
from contests.models import Contest, FormField
from tests.sign_up import confirmation_link

pytestmark = pytest.mark.django_db(transaction=True)

T = FormField.Type
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def open_call():
    # The demo seed is being split per app; take whichever command this tree has.
    command = "seed_demo" if "seed_demo" in get_commands() else "seed_demo_contests"
    call_command(command, force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Contest.objects.filter(state=Contest.State.PUBLISHED).order_by("closes_at").first()


def _answer(page, question: FormField) -> None:
    name = f"answer_{question.key}"
    kind = question.field_type
    if kind in (T.SINGLE_CHOICE, T.MULTIPLE_CHOICE):
        page.locator(f"input[name='{name}']").first.check()
    elif kind == T.YES_NO:
        page.locator(f"input[name='{name}'][value='yes']").check()
    else:
        value = {
            T.SHORT_TEXT: "Бібліотечний кейс",
            T.LONG_TEXT: "Ми допомагаємо людям старшого віку користуватися електронними послугами.",
            T.NUMBER: "120",
            T.DATE: "2025-03-01",
            T.URL: "https://example.org/case",
            T.EMAIL: "library@example.org",
        }[kind]
        page.locator(f"#id_{name}").fill(value)


def test_librarian_applies_to_the_open_call(page, live_server, open_call, axe_check):
    assert open_call is not None and open_call.is_accepting_applications
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    page.goto("/accounts/signup/")
    page.locator("#id_email").fill("librarian@example.org")
    page.locator("#id_full_name").fill("Ганна Вигадана")
    page.locator("#id_password1").fill("a-long-enough-pass-2025")
    page.locator("#id_password2").fill("a-long-enough-pass-2025")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    # The account works once the e-mailed link is followed (issue 16).
    page.get_by_role("heading", name="Check your e-mail").wait_for()
    page.goto(confirmation_link())
    page.get_by_role("button", name="Confirm the address").click()
    page.wait_for_load_state()

    page.locator("#id_name").fill("Публічна бібліотека с. Тестове")
    page.locator("#id_kind").select_option(index=1)
    page.locator("#id_region").select_option(index=1)
    page.locator("#id_settlement").fill("Тестове")
    page.locator("#id_email").fill("testove@example.org")
    page.get_by_role("button", name="Register the organisation").click()
    page.wait_for_load_state()

    page.get_by_role("link", name="My applications").first.click()
    page.get_by_role("heading", name="My applications").wait_for()
    axe_check(page)

    page.get_by_role("link", name=re.compile(f"^Start an application.*{re.escape(open_call.title)}")).click()
    page.get_by_role("heading", name="Start an application").wait_for()
    page.locator("input[name='nomination']").first.check()
    page.locator("#id_title").fill("Цифровий помічник у бібліотеці")
    page.get_by_role("button", name="Start the application").click()
    page.wait_for_load_state()

    application = Application.objects.get(title="Цифровий помічник у бібліотеці")
    assert page.url.endswith(f"/applications/{application.pk}/edit/")
    questions = questions_for(application)
    for question in questions:
        if question.required and question.field_type != T.FILE:
            _answer(page, question)
    page.locator("#id_title").click()  # leave the last field: its change autosaves
    page.locator("#save-status").filter(has_text="Saved at").wait_for()
    axe_check(page)

    file_question = next(q for q in questions if q.field_type == T.FILE)
    block = page.locator(f"#question-{file_question.key}")
    block.locator("input[type=file]").set_input_files(
        files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    block.get_by_role("button", name="Upload the file").click()
    page.locator(f"#question-{file_question.key} a", has_text="plan.pdf").wait_for()
    assert application.attachments.get().original_name == "plan.pdf"

    page.get_by_role("button", name="Submit the application").click()
    page.wait_for_load_state()
    page.get_by_role("heading", name="Receipt").wait_for()
    application.refresh_from_db()
    assert application.state == Application.State.SUBMITTED
    assert re.search(re.escape(application.number), page.content())
    assert application.revisions.get().checksum in page.content()
    axe_check(page)
