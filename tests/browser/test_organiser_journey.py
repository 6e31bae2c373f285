"""A visitor reads the home page in Ukrainian, switches to English, logs in as the demo
organiser and publishes the demo draft contest; axe-core checks each page on the way."""

import re

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from contests.management import demo_data
from contests.models import Contest
from tests.browser.conftest import pass_second_factor

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.LANGUAGE_CODE = "uk"  # the product default; conftest sets "en" for other tests
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return Contest.objects.get(title=demo_data.DRAFT_CONTEST["title"])


def test_home_in_ukrainian_then_english_then_organiser_publishes(page, demo, axe_check):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "uk"
    open_call = Contest.objects.get(state=Contest.State.PUBLISHED)
    page.get_by_role("link", name=open_call.title).first.wait_for()
    with translation.override("uk"):
        open_calls_uk = gettext("Open calls")
    assert open_calls_uk != "Open calls", "the Ukrainian catalogue is not compiled"
    assert page.get_by_role("link", name=open_calls_uk).count() > 0
    axe_check(page)

    page.locator("#language-select").select_option("en")
    page.locator("#language-select").locator("xpath=ancestor::form").locator("button").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Open calls").count() > 0

    page.get_by_role("link", name=re.compile("^Log in$")).first.click()
    # Logging in applies the profile's language: the demo organiser reads English here.
    User.objects.filter(email=demo_data.ORGANISER["email"]).update(language="en")
    page.locator("#id_username").fill(demo_data.ORGANISER["email"])
    page.locator("#id_password").fill(demo_data.DEMO_PASSWORD)
    axe_check(page)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    pass_second_factor(page, User.objects.get(email=demo_data.ORGANISER["email"]))

    page.get_by_role("link", name="Organise").first.click()
    page.get_by_role("link", name=demo.title).first.click()
    page.get_by_role("heading", name="Run a step").wait_for()
    axe_check(page)

    page.locator("#id_publish-note").fill("Опубліковано з браузерного тесту")
    page.get_by_role("button", name="Publish the call").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Close the call").count() == 1
    demo.refresh_from_db()
    assert demo.state == Contest.State.PUBLISHED
    axe_check(page)

    page.get_by_role("link", name="Edit contest").first.click()
    page.get_by_role("button", name="Save the contest").wait_for()
    axe_check(page)


def test_publish_refusal_is_shown_in_the_page(page, demo, axe_check):
    demo.form_fields.all().delete()
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(demo_data.ORGANISER["email"])
    page.locator("#id_password").fill(demo_data.DEMO_PASSWORD)
    page.locator("form").filter(has=page.locator("#id_username")).locator("button[type=submit]").click()
    page.wait_for_load_state()
    pass_second_factor(page, User.objects.get(email=demo_data.ORGANISER["email"]))
    page.goto(f"/organise/contests/{demo.pk}/")
    # A draft that cannot be published offers no button (the catalogue's rule, as the API's
    # `allowed`); the page says what is missing instead.
    assert page.locator("button", has_text=re.compile("Оприлюднити|Publish")).count() == 0
    missing = page.locator("section", has=page.get_by_role("heading", name=re.compile("перед оприлюдненням")))
    assert "Додайте щонайменше одне поле до форми заявки." in missing.inner_text()
    # Posting the step anyway (a stale page) is refused with the reason, and changes nothing.
    with page.expect_navigation():
        page.evaluate(
            """(url) => { const f = document.createElement('form'); f.method = 'post'; f.action = url;
            const t = document.createElement('input'); t.type = 'hidden'; t.name = 'csrfmiddlewaretoken';
            t.value = document.querySelector('[name=csrfmiddlewaretoken]').value; f.appendChild(t);
            document.body.appendChild(f); f.submit(); }""",
            f"/organise/contests/{demo.pk}/steps/publish/",
        )
    page.wait_for_load_state()
    alert = page.locator("[role=alert]")
    assert alert.count() > 0
    assert "Додайте щонайменше одне поле до форми заявки." in alert.first.inner_text()
    demo.refresh_from_db()
    assert demo.state == Contest.State.DRAFT
    axe_check(page)
