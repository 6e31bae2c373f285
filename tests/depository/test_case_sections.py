"""Issue 15, points 10 and 16 (a, b): the case structure is data (each question's case section, set
on the form-field editor and through the API), a costs section, the standard structure by API,
the existing template keys migrated; the case's edition year; invalid filter values answered in
our own words."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from applications.models import Application
from contests import services as contest_services
from contests.form_templates import CASE_STRUCTURE
from contests.models import CaseSection, Contest, FormField
from depository.models import Practice
from tests.factories import FormFieldFactory

pytestmark = pytest.mark.django_db


def _question(contest: Contest, key: str, label: str, section: str = "", **kwargs) -> FormField:
    return FormField.objects.create(
        contest=contest,
        key=key,
        label=label,
        field_type=kwargs.pop("field_type", FormField.Type.LONG_TEXT),
        case_section=section,
        order=kwargs.pop("order", 10),
        **kwargs,
    )


# --- the mapping, through the API and the form-field editor ------------------------------------------


def test_api_maps_a_question_to_a_case_section(api, organiser, draft_contest):
    field = draft_contest.form_fields.get()
    response = api(organiser).patch(
        f"/api/v1/form-fields/{field.pk}/", {"case_section": CaseSection.COSTS}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["case_section"] == "costs"
    field.refresh_from_db()
    assert field.case_section == CaseSection.COSTS


def test_api_refuses_an_unknown_section_and_a_file_question(api, organiser, draft_contest):
    field = draft_contest.form_fields.get()
    response = api(organiser).patch(
        f"/api/v1/form-fields/{field.pk}/", {"case_section": "gossip"}, format="json"
    )
    assert response.status_code == 400
    assert "case_section" in response.json()["errors"]
    upload = _question(draft_contest, "scan", "Скан", field_type=FormField.Type.FILE)
    response = api(organiser).patch(
        f"/api/v1/form-fields/{upload.pk}/", {"case_section": CaseSection.RESULTS}, format="json"
    )
    assert response.status_code == 400
    assert "case_section" in response.json()["errors"]
    upload.refresh_from_db()
    assert upload.case_section == ""


def test_api_mapping_by_another_organiser_is_403(api, other_organiser, published_contest):
    field = published_contest.form_fields.get()
    response = api(other_organiser).patch(
        f"/api/v1/form-fields/{field.pk}/", {"case_section": CaseSection.PROBLEM}, format="json"
    )
    assert response.status_code == 403
    field.refresh_from_db()
    assert field.case_section == ""


def test_mapping_may_change_after_publication(api, organiser, published_contest):
    field = published_contest.form_fields.get()
    response = api(organiser).patch(
        f"/api/v1/form-fields/{field.pk}/", {"case_section": CaseSection.SOLUTION}, format="json"
    )
    assert response.status_code == 200, response.content


def test_schema_documents_the_case_sections(api):
    schema = api().get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert "case_section" in components["FormField"]["properties"]
    enum_names = [
        name for name, body in components.items() if set(body.get("enum", [])) >= {"problem", "costs"}
    ]
    assert enum_names, "the case sections are an enum in the schema"
    assert "/api/v1/contests/{id}/add-case-structure/" in schema["paths"]
    responses = schema["paths"]["/api/v1/contests/{id}/add-case-structure/"]["post"]["responses"]
    assert {"200", "400", "403", "404"} <= set(responses)


def test_form_field_editor_sets_the_section(web, organiser, draft_contest):
    field = draft_contest.form_fields.get()
    url = reverse("contests:part_edit", args=[draft_contest.pk, "form-fields", field.pk])
    page = web(organiser).get(url).content.decode()
    assert 'name="part-case_section"' in page
    assert "Costs and budget" in page
    response = web(organiser).post(
        url,
        {
            "part-label": field.label,
            "part-key": field.key,
            "part-field_type": field.field_type,
            "part-order": "0",
            "part-case_section": "costs",
        },
    )
    assert response.status_code == 302, response.content.decode()
    field.refresh_from_db()
    assert field.case_section == "costs"
    manage = web(organiser).get(reverse("contests:manage", args=[draft_contest.pk])).content.decode()
    assert "in the case: Costs and budget" in manage


def test_form_field_editor_refuses_a_file_in_the_case(web, organiser, draft_contest):
    upload = _question(draft_contest, "scan", "Скан", field_type=FormField.Type.FILE)
    url = reverse("contests:part_edit", args=[draft_contest.pk, "form-fields", upload.pk])
    response = web(organiser).post(
        url,
        {
            "part-label": upload.label,
            "part-key": upload.key,
            "part-field_type": upload.field_type,
            "part-order": "0",
            "part-case_section": "results",
        },
    )
    assert response.status_code == 200
    assert "A file is not copied into the case" in response.content.decode()
    upload.refresh_from_db()
    assert upload.case_section == ""


# --- the standard structure by API ---------------------------------------------------------------------


def test_api_adds_the_standard_structure_with_its_sections(api, organiser, draft_contest):
    response = api(organiser).post(f"/api/v1/contests/{draft_contest.pk}/add-case-structure/")
    assert response.status_code == 200, response.content
    added = {row["key"]: row for row in response.json()}
    assert list(added) == [question.key for question in CASE_STRUCTURE]
    assert added["case_problem"]["case_section"] == "problem"
    assert added["case_people_served"]["case_section"] == "target_group"
    assert added["case_costs"]["case_section"] == "costs"
    assert added["case_presentation"]["case_section"] == ""
    again = api(organiser).post(f"/api/v1/contests/{draft_contest.pk}/add-case-structure/")
    assert again.status_code == 200 and again.json() == []


def test_api_add_structure_refusals(api, organiser, other_organiser, draft_contest, contest_in):
    url = f"/api/v1/contests/{draft_contest.pk}/add-case-structure/"
    assert api().post(url).status_code in (401, 403, 404)
    assert api(other_organiser).post(url).status_code == 404  # someone else's draft: not visible
    finished = contest_in(Contest.State.CANCELLED)
    response = api(organiser).post(f"/api/v1/contests/{finished.pk}/add-case-structure/")
    assert response.status_code == 400
    assert "finished" in str(response.json())
    assert draft_contest.form_fields.count() == 1


def test_api_add_structure_by_a_juror_is_403(api, published_contest):
    from tests.factories import UserFactory, grant

    juror = UserFactory()
    grant(published_contest, juror, role="juror")
    response = api(juror).post(f"/api/v1/contests/{published_contest.pk}/add-case-structure/")
    assert response.status_code == 403
    assert published_contest.form_fields.count() == 1


# --- the depository builds the case from the mapping --------------------------------------------------


def test_case_follows_the_mapping_with_a_costs_section(api, client, cases):
    contest = cases.contest
    _question(contest, "budget_story", "Кошторис проєкту", CaseSection.COSTS, order=1)
    _question(contest, "case_problem", "Проблема громади", CaseSection.PROBLEM, order=0)
    _question(contest, "case_solution", "Рішення (не для публікації)", "", order=2)  # unmapped: private
    application = cases.application(Application.State.AWARDED)
    application.answers = {
        **application.answers,
        "budget_story": "45 000 грн: 30 000 грн грант, 15 000 грн громада.",
    }
    application.save()
    practice = cases.published(application)

    body = api().get(f"/api/v1/practices/{practice.pk}/").json()
    sections = {section["key"]: section for section in body["sections"]}
    assert "costs" in sections
    assert sections["costs"]["title"] == "Costs and budget"
    assert sections["costs"]["items"] == [
        {
            "key": "budget_story",
            "label": "Кошторис проєкту",
            "value": "45 000 грн: 30 000 грн грант, 15 000 грн громада.",
        }
    ]
    assert "solution" not in sections  # its question is in the form, mapped to nothing
    assert list(sections).index("costs") > list(sections).index("resources")

    page = client.get(reverse("depository:detail", args=[practice.pk])).content.decode()
    assert "Costs and budget" in page and "15 000 грн громада" in page
    assert "центр електронних послуг" not in page  # the unmapped solution


def test_costs_heading_reads_in_ukrainian(client, cases):
    _question(cases.contest, "budget_story", "Кошторис", CaseSection.COSTS, order=1)
    application = cases.application(Application.State.AWARDED)
    application.answers = {**application.answers, "budget_story": "10 000 грн"}
    application.save()
    practice = cases.published(application)
    with translation.override("uk"):
        expected = str(CaseSection.COSTS.label)
    client.cookies["django_language"] = "uk"  # pages follow the chosen language, not Accept-Language
    page = client.get(reverse("depository:detail", args=[practice.pk]))
    assert expected in page.content.decode()


def test_question_of_another_nomination_is_not_in_the_case(cases):
    from tests.factories import NominationFactory

    other = NominationFactory(contest=cases.contest)
    _question(cases.contest, "budget_story", "Кошторис", CaseSection.COSTS, nomination=other)
    application = cases.application(Application.State.AWARDED)
    application.answers = {**application.answers, "budget_story": "10 000 грн"}
    application.save()
    practice = cases.published(application)
    assert "budget_story" not in practice.sections


def test_data_migration_maps_the_template_keys(draft_contest):
    migration = importlib.import_module("contests.migrations.0006_case_section_edition_year")
    problem = FormFieldFactory(contest=draft_contest, key="case_problem", case_section="")
    served = FormFieldFactory(
        contest=draft_contest, key="case_people_served", field_type="number", case_section=""
    )
    mine = FormFieldFactory(contest=draft_contest, key="my_question", case_section="")
    migration.map_standard_keys(apps, None)
    for field in (problem, served, mine):
        field.refresh_from_db()
    assert (problem.case_section, served.case_section, mine.case_section) == ("problem", "target_group", "")


def test_data_migration_sets_edition_years(draft_contest):
    migration = importlib.import_module("contests.migrations.0006_case_section_edition_year")
    migration.set_edition_years(apps, None)
    draft_contest.refresh_from_db()
    assert draft_contest.edition_year == draft_contest.local(draft_contest.closes_at).year


# --- 16 (a): the edition year -------------------------------------------------------------------------


def test_case_carries_the_contests_edition_year_and_filters_by_it(api, client, cases):
    Contest.objects.filter(pk=cases.contest.pk).update(edition_year=2027)
    cases.contest.refresh_from_db()
    practice = cases.published()
    assert practice.year == 2027
    assert [row["number"] for row in api().get("/api/v1/practices/", {"year": 2027}).json()["results"]] == [
        practice.pk
    ]
    page = client.get(reverse("depository:catalogue"), {"year": "2027"}).content.decode()
    assert practice.title in page
    assert "Edition year" in page


def test_without_an_edition_year_the_deadline_year_counts(cases):
    practice = cases.published()
    assert practice.year == cases.contest.local(cases.contest.closes_at).year


def test_organiser_sets_the_edition_year_by_api_and_page(api, web, organiser, draft_contest):
    response = api(organiser).patch(
        f"/api/v1/contests/{draft_contest.pk}/", {"edition_year": 2028}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["edition_year"] == 2028
    response = api(organiser).patch(
        f"/api/v1/contests/{draft_contest.pk}/", {"edition_year": 1900}, format="json"
    )
    assert response.status_code == 400
    draft_contest.refresh_from_db()
    assert draft_contest.edition_year == 2028
    page = web(organiser).get(reverse("contests:edit", args=[draft_contest.pk])).content.decode()
    assert 'name="edition_year"' in page and 'value="2028"' in page


def test_clone_moves_the_edition_year_on(organiser, draft_contest):
    Contest.objects.filter(pk=draft_contest.pk).update(edition_year=2027)
    draft_contest.refresh_from_db()
    clone = contest_services.clone_contest(draft_contest, by=organiser)
    assert clone.edition_year == 2028


# --- 16 (b): invalid filter values ---------------------------------------------------------------------


def test_api_invalid_filter_value_gets_our_message(api, cases):
    cases.published()
    response = api().get("/api/v1/practices/", {"year": "1999"})
    assert response.status_code == 400
    assert response.json()["errors"]["year"] == [
        "“1999” is not one of the available choices. Choose one from the list."
    ]
    response = api().get("/api/v1/practices/", {"category": "abc"})
    assert response.status_code == 400
    assert "Choose one from the list" in response.json()["errors"]["category"][0]


def test_api_invalid_filter_value_never_says_zrobyt_in_ukrainian(api, cases):
    cases.published()
    for params in ({"year": "1999"}, {"region": "atlantis"}, {"category": "999999"}):
        response = api().get("/api/v1/practices/", params, HTTP_ACCEPT_LANGUAGE="uk")
        assert response.status_code == 400
        assert "Зробить" not in response.content.decode()
    # Filters generated from filterset_fields answer the same way.
    response = api().get("/api/v1/contests/", {"state": "nonsense"}, HTTP_ACCEPT_LANGUAGE="uk")
    assert response.status_code == 400
    assert "Зробить" not in response.content.decode()


def test_catalogue_page_invalid_filter_value_gets_our_message(client, cases):
    cases.published()
    page = client.get(reverse("depository:catalogue"), {"year": "1999"}).content.decode()
    assert "“1999” is not one of the available choices" in page
    client.cookies["django_language"] = "uk"  # pages follow the chosen language, not Accept-Language
    page = client.get(reverse("depository:catalogue"), {"year": "1999"}).content.decode()
    assert "Зробить" not in page


def test_published_practice_keeps_its_layout(cases):
    practice = cases.published()
    assert Practice.objects.get(pk=practice.pk).sections["case_problem"].startswith("Мешканці")
