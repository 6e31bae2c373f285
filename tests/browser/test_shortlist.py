"""The organiser makes the second round's shortlist: from the first round's ranking (the top of
each nomination), then on the shortlist page takes one off with a reason (and is told when the
reason is missing) and confirms it; axe-core checks the ranking and the shortlist pages."""

import pytest
from playwright.sync_api import expect

from notifications.models import Message
from review import services
from review.models import Round
from tests.browser.conftest import pass_second_factor
from tests.factories import PASSWORD, UserFactory
from tests.review.conftest import Jury
from tests.review.test_shortlist import VALUES, score_all

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ranked(organiser) -> Jury:
    jury = Jury(organiser)
    Round.objects.filter(pk=jury.round.pk).update(method=Round.Method.MEAN)
    jury.round.refresh_from_db()
    for i, value in VALUES.items():
        score_all(jury, jury.assign(jury.jurors[3], jury.applications[i]), value)
    services.close_round(jury.round, by=organiser)
    jury.second = services.create_round(jury.contest, by=organiser, title="Фінальний тур")
    jury.librarian = UserFactory(full_name="Бібліотекарка Вигадана", language="uk")
    jury.applications[3].organisation.memberships.create(user=jury.librarian)
    return jury


def test_organiser_shortlists_from_the_ranking_and_confirms(page, live_server, ranked, axe_check):
    jury = ranked
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(jury.organiser.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    pass_second_factor(page, jury.organiser)

    page.goto(f"/jury/rounds/{jury.round.pk}/ranking/")
    page.get_by_role("heading", name="Shortlist for the next round").wait_for()
    axe_check(page)
    page.locator("#id_top-target").select_option(str(jury.second.pk))
    page.locator("#id_top-top_per_nomination").fill("2")
    page.get_by_role("button", name="Shortlist the top of each nomination").click()
    page.get_by_role("heading", name="Shortlist of “Фінальний тур”").wait_for()
    expect(page.get_by_role("heading", name="4 applications on the shortlist")).to_be_visible()
    axe_check(page)

    # Taking one off without a reason: the page says why, nothing changes.
    number = jury.applications[1].number
    page.get_by_role("button", name=f"Take off {number}").click()
    page.wait_for_load_state()
    # The browser's own check (required) stops the empty form; the server would refuse it too.
    assert jury.second.shortlist.count() == 4
    page.get_by_label(f"Why take {number} off").fill("Дублює інший проєкт")
    page.get_by_role("button", name=f"Take off {number}").click()
    expect(page.get_by_text(f"Application {number} was taken off the shortlist.")).to_be_visible()
    expect(page.get_by_role("heading", name="Taken off the shortlist")).to_be_visible()
    expect(page.get_by_text("Дублює інший проєкт")).to_be_visible()
    axe_check(page)

    page.get_by_role("button", name="Confirm and tell the applicants").click()
    expect(page.get_by_text("The shortlist is confirmed")).to_be_visible()
    expect(page.get_by_role("button", name="Put on the shortlist")).to_have_count(0)
    axe_check(page)
    assert Message.objects.filter(event="review.not_shortlisted", user=jury.librarian).exists()
