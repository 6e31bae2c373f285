"""What the public sees: the catalogue, a case, its files, search and filters."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from applications.models import Application
from depository import services
from depository.selectors import catalogue, search

pytestmark = pytest.mark.django_db


def test_a_published_case_reads_in_the_fixed_structure(client, cases):
    practice = cases.published(categories=(cases.subcategory,))
    page = client.get(reverse("depository:detail", args=[practice.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for heading in ("Problem", "Target group", "People served", "Solution", "E-services involved"):
        assert f">{heading}</h" in html
    assert "Results with numbers" in html and "Sustainability" in html and "Contacts" in html
    assert "центр електронних послуг" in html
    assert "practice@example.org" in html
    assert "Внутрішня нотатка" not in html
    assert "Poltava Oblast" in html and cases.contest.title in html and "Пенсії" in html


def test_the_case_page_is_in_ukrainian_too(client, cases):
    practice = cases.published()
    client.cookies["django_language"] = "uk"  # pages follow the chosen language, not Accept-Language
    page = client.get(reverse("depository:detail", args=[practice.pk]))
    assert page.status_code == 200
    assert 'lang="uk"' in page.content.decode()


@pytest.mark.parametrize("how", ["draft", "withdrawn"])
def test_unpublished_cases_are_404_to_the_public(client, cases, how):
    application = cases.application(Application.State.AWARDED)
    practice = services.select_case(application, by=cases.organiser)
    if how == "withdrawn":
        services.publish(practice, by=cases.organiser)
        services.withdraw(practice, by=cases.organiser, note="Прохання заявника")
    assert client.get(reverse("depository:detail", args=[practice.pk])).status_code == 404
    listing = client.get(reverse("depository:catalogue"))
    assert application.title not in listing.content.decode()


def test_only_files_marked_public_are_listed_and_downloadable(client, cases):
    application = cases.application(Application.State.AWARDED)
    public = cases.attach(application, "case_presentation", public=True, name="slides.pdf")
    private = cases.attach(application, "budget", public=False, name="budget.pdf")
    practice = cases.published(application)
    page = client.get(reverse("depository:detail", args=[practice.pk])).content.decode()
    assert "slides.pdf" in page and "budget.pdf" not in page

    response = client.get(reverse("depository:download", args=[practice.pk, public.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(reverse("depository:download", args=[practice.pk, private.pk])).status_code == 404


def test_a_file_is_not_downloadable_once_unmarked_or_the_case_withdrawn(client, cases):
    application = cases.application(Application.State.AWARDED)
    attachment = cases.attach(application, "case_presentation", public=True)
    practice = cases.published(application)
    url = reverse("depository:download", args=[practice.pk, attachment.pk])
    type(attachment).objects.filter(pk=attachment.pk).update(public=False)
    assert client.get(url).status_code == 404
    type(attachment).objects.filter(pk=attachment.pk).update(public=True)
    services.withdraw(practice, by=cases.organiser)
    assert client.get(url).status_code == 404


def test_another_applications_file_is_not_served_through_a_case(client, cases):
    practice = cases.published()
    stranger = cases.attach(cases.application(Application.State.AWARDED), "case_presentation", public=True)
    assert client.get(reverse("depository:download", args=[practice.pk, stranger.pk])).status_code == 404


def test_a_file_on_s3_is_a_presigned_redirect(client, cases, settings, monkeypatch):
    application = cases.application(Application.State.AWARDED)
    attachment = cases.attach(application, "case_presentation", public=True)
    practice = cases.published(application)
    from applications import downloads

    monkeypatch.setattr(downloads, "_is_s3", lambda storage: True)
    monkeypatch.setattr(
        type(attachment.file.storage),
        "url",
        lambda self, name, **kw: "https://s3.example.org/signed",
        raising=False,
    )
    response = client.get(reverse("depository:download", args=[practice.pk, attachment.pk]))
    assert (response.status_code, response["Location"]) == (302, "https://s3.example.org/signed")


# --- search --------------------------------------------------------------------------------------


def test_search_finds_a_case_by_a_word_of_its_solution(client, cases):
    wanted = cases.published(solution="Бібліотека навчила ВОЛОНТЕРІВ допомагати з декларацією.")
    cases.published(title="Інша практика", solution="Курси комп'ютерної грамотності.")
    found = list(search(catalogue(), "волонтерів"))
    assert found == [wanted]
    page = client.get(reverse("depository:catalogue"), {"q": "Волонтерів"}).content.decode()
    assert wanted.title in page and "Інша практика" not in page
    assert "1 case" in page


def test_search_needs_every_word(cases):
    cases.published(solution="Консультації щодо субсидій.")
    assert list(search(catalogue(), "субсидій консультації"))
    assert not list(search(catalogue(), "субсидій податки"))


def test_a_query_of_punctuation_only_finds_everything(cases):
    cases.published()
    assert search(catalogue(), " ?! ").count() == 1


@pytest.mark.postgres
def test_postgres_ranks_and_finds_other_word_forms(cases):
    if connection.vendor != "postgresql":
        pytest.fail("This test needs PostgreSQL: run it with DATABASE_URL set.")
    in_title = cases.published(title="Декларація онлайн", solution="Допомога мешканцям.")
    in_text = cases.published(title="Сільська практика", solution="Мешканці подали декларації про доходи.")
    cases.published(title="Курси", solution="Навчання пенсіонерів.")
    # "декларація" (nominative) also finds "декларації" (plural) by trigram word similarity;
    # the title match ranks first.
    assert list(search(catalogue(), "декларація")) == [in_title, in_text]
    # A prefix is enough for the full-text part; every word must match.
    assert list(search(catalogue(), "доход мешканці")) == [in_text]
    assert list(search(catalogue(), "декларація космодром")) == []
    assert not list(search(catalogue(), "космодром"))


# --- filters and pagination -------------------------------------------------------------------------


def test_filters_by_category_including_subcategories_region_year_and_contest(client, cases):
    pension = cases.published(title="Пенсійна", categories=(cases.subcategory,), region="lviv")
    training = cases.published(title="Навчальна", categories=(cases.other_category,), region="odesa")
    url = reverse("depository:catalogue")

    def titles(**params) -> set[str]:
        html = client.get(url, params).content.decode()
        return {title for title in ("Пенсійна", "Навчальна") if title in html}

    assert titles(category=cases.category.pk) == {"Пенсійна"}
    assert titles(category=cases.other_category.pk) == {"Навчальна"}
    assert titles(region="odesa") == {"Навчальна"}
    assert titles(year=pension.year) == {"Пенсійна", "Навчальна"}
    assert titles(year=pension.year + 1) == {"Пенсійна", "Навчальна"}  # not a choice: ignored
    assert titles(contest=training.contest_id, region="lviv") == {"Пенсійна"}
    assert titles(region="lviv", q="курси") == set()


def test_the_catalogue_is_paginated_and_keeps_the_filter(client, cases, settings):
    for i in range(22):
        cases.published(title=f"Практика {i:02d}", region="lviv")
    cases.published(title="Поза фільтром", region="odesa")
    first = client.get(reverse("depository:catalogue"), {"region": "lviv"}).content.decode()
    assert "22 cases" in first and "Page 1 of 2" in first
    assert "region=lviv&amp;page=2" in first
    second = client.get(reverse("depository:catalogue"), {"region": "lviv", "page": 2}).content.decode()
    assert second.count('class="card"') == 2
    assert "Поза фільтром" not in first + second


def test_catalogue_query_count_is_flat(cases, count_queries):
    client = Client()
    url = reverse("depository:catalogue")
    cases.published(categories=(cases.category,))
    one = count_queries(lambda: client.get(url, {"q": "пенсіонерів"}))
    for _ in range(29):
        cases.published(categories=(cases.category, cases.other_category))
    assert count_queries(lambda: client.get(url, {"q": "пенсіонерів"})) == one
    assert count_queries(lambda: client.get(url)) == one


def test_the_case_page_query_count_does_not_grow_with_categories_or_files(cases, count_queries):
    client = Client()
    small = cases.published(categories=(cases.category,))
    application = cases.application(
        Application.State.AWARDED, categories=(cases.category, cases.subcategory, cases.other_category)
    )
    cases.attach(application, "case_presentation", public=True)
    cases.attach(application, "photos", public=True, name="photos.pdf")
    large = cases.published(application)
    assert count_queries(lambda: client.get(reverse("depository:detail", args=[small.pk]))) == count_queries(
        lambda: client.get(reverse("depository:detail", args=[large.pk]))
    )
