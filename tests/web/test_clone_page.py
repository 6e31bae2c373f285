"""The organiser's "Clone for next year" page."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from contests.models import Contest, ContestRole
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db

KYIV = ZoneInfo("Europe/Kyiv")


def clone_url(contest: Contest) -> str:
    return reverse("contests:clone", args=[contest.pk])


def test_manage_page_links_to_the_clone_form(web, organiser, draft_contest):
    html = web(organiser).get(reverse("contests:manage", args=[draft_contest.pk])).content.decode()
    assert "Clone for next year" in html
    assert clone_url(draft_contest) in html


def test_form_is_prefilled_with_the_suggested_title(web, organiser, contest_in):
    contest = contest_in(Contest.State.PUBLISHED, title="Конкурс е-послуг 2026")
    response = web(organiser).get(clone_url(contest))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'value="Конкурс е-послуг 2027"' in html
    for text in ("Years to shift", "Copy the jury", "Create the new draft"):
        assert text in html


def test_cloning_makes_a_draft_and_opens_its_page(web, organiser, contest_in):
    source = contest_in(Contest.State.PUBLISHED, title="Конкурс е-послуг 2026")
    juror = UserFactory()
    grant(source, juror, ContestRole.Role.JUROR)
    response = web(organiser).post(
        clone_url(source),
        {"title": "Конкурс е-послуг 2027", "shift_years": "1", "include_jury": "on"},
        follow=True,
    )
    clone = Contest.objects.exclude(pk=source.pk).get()
    assert response.redirect_chain[-1][0] == reverse("contests:manage", args=[clone.pk])
    html = response.content.decode()
    assert "“Конкурс е-послуг 2027” was created as a draft from “Конкурс е-послуг 2026”." in html
    assert clone.state == Contest.State.DRAFT
    assert clone.closes_at == source.closes_at.replace(year=source.closes_at.year + 1)
    assert clone.roles.filter(user=juror, role=ContestRole.Role.JUROR).exists()
    assert clone.nominations.count() == source.nominations.count()


def test_kept_suggestion_follows_the_years_chosen(web, organiser, contest_in):
    source = contest_in(Contest.State.DRAFT, title="Конкурс 2026")
    web(organiser).post(clone_url(source), {"title": "Конкурс 2027", "shift_years": "2"})
    clone = Contest.objects.exclude(pk=source.pk).get()
    assert clone.title == "Конкурс 2028"
    assert clone.opens_at - source.opens_at > timedelta(days=2 * 365 - 1)
    assert not clone.roles.exclude(role=ContestRole.Role.ORGANISER).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"shift_years": "-1"}, "shift_years", "Ensure this value is greater than or equal to 0."),
        ({"shift_years": "6"}, "shift_years", "Ensure this value is less than or equal to 5."),
        ({"shift_years": ""}, "shift_years", "This field is required."),
        ({"shift_years": "1", "title": "Я" * 301}, "title", "Ensure this value has at most 300 characters"),
    ],
)
def test_bad_input_is_a_form_error_and_creates_nothing(web, organiser, draft_contest, data, field, message):
    before = Contest.objects.count()
    response = web(organiser).post(clone_url(draft_contest), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert field in response.context["form"].errors
    assert Contest.objects.count() == before


def test_a_service_refusal_is_shown_on_the_form(web, organiser, contest_in):
    # 29 February becomes 28 February, which puts this deadline before the opening.
    source = contest_in(
        Contest.State.DRAFT,
        opens_at=datetime(2028, 2, 28, 11, 0, tzinfo=KYIV),
        closes_at=datetime(2028, 2, 29, 10, 0, tzinfo=KYIV),
    )
    before = Contest.objects.count()
    response = web(organiser).post(clone_url(source), {"shift_years": "1"})
    assert response.status_code == 200
    assert "The deadline must come after the opening." in response.content.decode()
    assert Contest.objects.count() == before


def test_others_may_not_clone(web, organiser, other_organiser, contest_in):
    published = contest_in(Contest.State.PUBLISHED)
    juror = UserFactory()
    grant(published, juror, ContestRole.Role.JUROR)
    draft = contest_in(Contest.State.DRAFT)
    before = Contest.objects.count()
    for user in (juror, other_organiser):
        assert web(user).get(clone_url(published)).status_code == 403
        assert web(user).post(clone_url(published), {"shift_years": "1"}).status_code == 403
    assert web(other_organiser).post(clone_url(draft), {"shift_years": "1"}).status_code == 404
    anonymous = web().post(clone_url(published), {"shift_years": "1"})
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    assert Contest.objects.count() == before
