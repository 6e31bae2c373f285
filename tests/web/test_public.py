from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from contests import services
from tests.factories import ContestFactory, UserFactory, grant, ready_contest


def publish(contest, **kwargs):
    organiser = UserFactory()
    grant(contest, organiser)
    return services.publish_contest(contest, by=organiser)


@pytest.mark.django_db
def test_home_lists_open_call_with_deadline_in_contest_zone(web):
    closes = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)
    closes = closes.replace(hour=15, minute=0, second=0)
    contest = publish(ready_contest(title="Best e-service", closes_at=closes, time_zone="Asia/Tokyo"))
    html = web().get(reverse("home")).content.decode()
    assert contest.title in html
    local = closes.astimezone(contest.local(closes).tzinfo)
    assert local.hour == 0  # 15:00 UTC is midnight in Tokyo
    assert f"{local.day} {local.strftime('%B')} {local.year}, 00:00" in html
    assert "(Asia/Tokyo)" in html
    assert reverse("contests:detail", args=[contest.pk]) in html


@pytest.mark.django_db
def test_home_hides_drafts_and_shows_other_public_contests(web):
    draft = ContestFactory(title="Secret draft")
    closed = ready_contest(title="Last year call")
    organiser = UserFactory()
    grant(closed, organiser)
    services.publish_contest(closed, by=organiser)
    services.close_contest(closed, by=organiser, force=True, note="Early")
    html = web().get(reverse("home")).content.decode()
    assert draft.title not in html
    assert closed.title in html
    assert "Closed" in html


@pytest.mark.django_db
def test_home_query_count_is_flat(web, count_queries):
    publish(ready_contest())
    client = web()
    client.get(reverse("home"))  # warm up sessions, etc.
    one = count_queries(lambda: client.get(reverse("home")))
    for _ in range(29):
        publish(ready_contest())
    response = client.get(reverse("home"))
    assert response.content.decode().count('class="card"') == 20  # the first page
    assert client.get(reverse("home") + "?open=2").content.decode().count('class="card"') == 10
    assert count_queries(lambda: client.get(reverse("home"))) == one


@pytest.mark.django_db
def test_contest_page_shows_structure(web, published_contest):
    nomination = published_contest.nominations.get()
    criterion = published_contest.criteria.get()
    html = web().get(reverse("contests:detail", args=[published_contest.pk])).content.decode()
    assert published_contest.title in html
    assert nomination.title in html
    assert criterion.title in html
    assert "Published" in html
    assert "100,000.00\xa0UAH" in html  # core.formats: English groups with commas
    assert "<time datetime=" in html and "(Europe/Kyiv)" not in html  # the viewer's own zone: unnamed


@pytest.mark.django_db
def test_draft_is_404_for_anonymous_and_other_organiser(web, draft_contest, other_organiser, organiser):
    url = reverse("contests:detail", args=[draft_contest.pk])
    assert web().get(url).status_code == 404
    assert web(other_organiser).get(url).status_code == 404
    assert web(organiser).get(url).status_code == 200


@pytest.mark.django_db
def test_language_switch_changes_lang_attribute(web):
    client = web()
    response = client.post(reverse("set_language"), {"language": "uk", "next": "/"}, follow=True)
    assert '<html lang="uk">' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Change language" in html


@pytest.mark.django_db
def test_base_layout_landmarks(web):
    html = web().get(reverse("home")).content.decode()
    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert 'role="status"' in html
    assert "/api/docs/" in html
    assert "vendor/htmx/htmx.min.js" in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_nav_shows_organise_only_to_organisers(web, organiser, draft_contest):
    organise = reverse("contests:organise")
    assert f'href="{organise}"' in web(organiser).get(reverse("home")).content.decode()
    assert f'href="{organise}"' not in web(UserFactory()).get(reverse("home")).content.decode()
    assert f'href="{organise}"' not in web().get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_contest_page_query_count_does_not_grow_with_parts(web, published_contest, count_queries):
    from tests.factories import CriterionFactory, FormFieldFactory, NominationFactory

    client = web()
    url = reverse("contests:detail", args=[published_contest.pk])
    client.get(url)
    one = count_queries(lambda: client.get(url))
    nomination = NominationFactory(contest=published_contest)
    for _ in range(5):
        CriterionFactory(contest=published_contest, nomination=nomination)
        FormFieldFactory(contest=published_contest, nomination=nomination, required=False)
    assert count_queries(lambda: client.get(url)) == one


def test_public_pages_answer_head_as_get_without_a_body(web, published_contest):
    """Uptime monitors and link checkers ask with HEAD: the same status as GET, no body."""
    for path in ("/", published_contest.get_absolute_url()):
        head = web().head(path)
        assert head.status_code == 200 and head.content == b""
        assert web().post(path).status_code == 405
