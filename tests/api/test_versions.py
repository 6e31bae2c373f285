"""No silent overwrites through the API (issue 18, point 1): every editable record answers an
ETag (its version) on GET, PUT and PATCH, honours If-Match with 412 (the current version and the
fields changed since), and a request without If-Match works as before."""

import pytest
import yaml

from applications import services as application_services
from contests import services as contest_services
from core import versioning
from grants.models import BudgetLine
from tests.applications.conftest import add_form
from tests.factories import OrganisationFactory, UserFactory
from tests.grants.conftest import World
from tests.review.conftest import Jury

pytestmark = pytest.mark.django_db


def assert_stale(response, version: int, changed: list[str]) -> None:
    assert response.status_code == 412, response.content
    body = response.json()
    assert body["version"] == version and body["changed"] == changed and body["detail"]
    assert response["ETag"] == f'"{version}"'


@pytest.fixture
def draft(draft_contest, organiser):
    add_form(draft_contest)
    contest = contest_services.publish_contest(draft_contest, by=organiser)
    organisation = OrganisationFactory()
    first, second = UserFactory(full_name="Перша Бібліотекарка"), UserFactory(full_name="Другий Бібліотекар")
    for user in (first, second):
        organisation.memberships.create(user=user)
    application = application_services.start_application(
        organisation=organisation,
        contest=contest,
        nomination=contest.nominations.get(),
        title="Е-черга",
        by=first,
    )
    return application, first, second


def test_application_answers_etag_if_match_and_412(api, draft):
    application, first, second = draft
    url = f"/api/v1/applications/{application.pk}/"
    r = api(second).get(url)
    assert r.status_code == 200 and r["ETag"] == '"1"' and r.json()["version"] == 1
    r = api(first).patch(url, {"answers": {"short": "Перша"}}, format="json", HTTP_IF_MATCH='"1"')
    assert r.status_code == 200, r.content
    assert r["ETag"] == '"2"'
    # The second one loaded version 1: their change is refused and says what changed, by whom.
    r = api(second).patch(url, {"answers": {"short": "Друга"}}, format="json", HTTP_IF_MATCH='"1"')
    assert_stale(r, 2, ["answers.short"])
    application.refresh_from_db()
    assert application.answers["short"] == "Перша"
    assert application.change_of("answers.short")[0] == "Перша Бібліотекарка"
    # Weak tags are read too; the current one passes.
    r = api(second).patch(url, {"answers": {"long": "Так"}}, format="json", HTTP_IF_MATCH='W/"2"')
    assert r.status_code == 200 and r["ETag"] == '"3"'
    # Without If-Match: as before, the last save wins.
    r = api(second).patch(url, {"answers": {"short": "Друга"}}, format="json")
    assert r.status_code == 200 and r.json()["answers"]["short"] == "Друга"
    # A malformed tag never matches.
    r = api(second).patch(url, {"title": "x"}, format="json", HTTP_IF_MATCH='"abc"')
    assert r.status_code == 412


def test_contest_etag_if_match_and_412(api, draft_contest, organiser):
    other = UserFactory()
    from tests.factories import grant

    grant(draft_contest, other)
    url = f"/api/v1/contests/{draft_contest.pk}/"
    r = api(organiser).get(url)
    assert r.status_code == 200
    loaded = r["ETag"]
    assert loaded == f'"{r.json()["version"]}"'
    r = api(other).patch(url, {"summary": "Нове"}, format="json", HTTP_IF_MATCH=loaded)
    assert r.status_code == 200, r.content
    assert r["ETag"] != loaded
    r = api(organiser).patch(url, {"summary": "Моє"}, format="json", HTTP_IF_MATCH=loaded)
    assert_stale(r, int(loaded.strip('"')) + 1, ["summary"])
    draft_contest.refresh_from_db()
    assert draft_contest.summary == "Нове"
    assert api(organiser).patch(url, {"summary": "Моє"}, format="json").status_code == 200


@pytest.mark.parametrize(
    ("resource", "related", "change"),
    [
        ("nominations", "nominations", {"title": "Інша назва"}),
        ("criteria", "criteria", {"description": "Інший опис"}),
        ("form-fields", "form_fields", {"label": "Інше питання"}),
    ],
)
def test_contest_parts_etag_if_match_and_412(api, draft_contest, organiser, resource, related, change):
    part = getattr(draft_contest, related).first()
    url = f"/api/v1/{resource}/{part.pk}/"
    r = api(organiser).get(url)
    assert r.status_code == 200 and r["ETag"] == f'"{part.version}"'
    loaded = r["ETag"]
    r = api(organiser).patch(url, change, format="json", HTTP_IF_MATCH=loaded)
    assert r.status_code == 200 and r["ETag"] == f'"{part.version + 1}"', r.content
    r = api(organiser).put(url, {**r.json(), **change}, format="json", HTTP_IF_MATCH=loaded)
    assert_stale(r, part.version + 1, list(change))


def test_review_scores_etag_if_match_and_412(api, organiser):
    jury = Jury(organiser)
    review = jury.assign(jury.jurors[1], jury.applications[1])
    client = api(review.juror.user)
    url = f"/api/v1/reviews/{review.pk}/"
    r = client.get(url)
    loaded = r["ETag"]
    assert r.status_code == 200 and loaded == f'"{r.json()["version"]}"'
    body = {"scores": [{"criterion": jury.impact.pk, "value": 8}]}
    r = client.put(url + "scores/", body, format="json", HTTP_IF_MATCH=loaded)
    assert r.status_code == 200 and r["ETag"] != loaded, r.content
    now = r["ETag"]
    r = client.patch(
        url + "scores/",
        {"scores": [{"criterion": jury.impact.pk, "value": 2}]},
        format="json",
        HTTP_IF_MATCH=loaded,
    )
    assert r.status_code == 412 and f"scores.{jury.impact.pk}" in r.json()["changed"]
    assert r["ETag"] == now
    assert review.scores.get().value == 8
    r = client.patch(url + "scores/", {"overall_comment": "Добре"}, format="json", HTTP_IF_MATCH=now)
    assert r.status_code == 200


def test_grant_report_etag_if_match_and_412(api, db):
    world = World()
    grant = world.active("1000.00")
    report = grant.reports.order_by("due_on").first()
    url = f"/api/v1/grant-reports/{report.pk}/"
    r = api(world.member).get(url)
    loaded = r["ETag"]
    assert r.status_code == 200 and loaded == f'"{report.version}"'
    r = api(world.member).patch(url, {"narrative": "Провели курси"}, format="json", HTTP_IF_MATCH=loaded)
    assert r.status_code == 200 and r["ETag"] == f'"{report.version + 1}"'
    r = api(world.member).patch(url, {"narrative": "Інше"}, format="json", HTTP_IF_MATCH=loaded)
    assert_stale(r, report.version + 1, ["narrative"])
    report.refresh_from_db()
    assert report.narrative == "Провели курси"


def test_budget_lines_carry_a_version_raised_by_every_save(api, db):
    world = World()
    grant = world.offer("1000.00")
    r = api(world.officer).post(
        f"/api/v1/grants/{grant.pk}/budget-lines/", {"title": "Ноутбуки", "planned": "500.00"}, format="json"
    )
    assert r.status_code == 201 and r.json()["version"] == 1
    line = BudgetLine.objects.get(pk=r.json()["id"])
    line.planned = "400.00"
    with versioning.editing_as(world.officer):
        line.save()
    line.refresh_from_db()
    assert line.version == 2 and line.changed_since(1) == ["planned"]
    assert line.change_of("planned")[0] == "Грантова Офіцерка"
    with pytest.raises(versioning.StaleVersion) as stale:
        versioning.check(line, 1)
    assert stale.value.current == 2 and stale.value.changed == ["planned"]


def test_schema_documents_if_match_and_412(api):
    schema = yaml.safe_load(api().get("/api/schema/").content)
    operations = [
        ("/api/v1/applications/{id}/", "patch"),
        ("/api/v1/contests/{id}/", "patch"),
        ("/api/v1/contests/{id}/", "put"),
        ("/api/v1/nominations/{id}/", "patch"),
        ("/api/v1/criteria/{id}/", "put"),
        ("/api/v1/form-fields/{id}/", "patch"),
        ("/api/v1/reviews/{id}/scores/", "put"),
        ("/api/v1/grant-reports/{id}/", "patch"),
    ]
    for path, method in operations:
        operation = schema["paths"][path][method]
        assert "412" in operation["responses"] and "200" in operation["responses"], (path, method)
        assert any(p["name"] == "If-Match" and p["in"] == "header" for p in operation["parameters"]), path
    assert "412" not in schema["paths"]["/api/v1/contests/{id}/publish/"]["post"]["responses"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_saves_from_one_version_one_wins_the_other_gets_412(api, draft):
    """Real threads on PostgreSQL: the check and the write hold the row's lock together."""
    from tests.races import run_together

    application, first, second = draft
    url = f"/api/v1/applications/{application.pk}/"

    def save(user, text):
        return lambda: api(user).patch(url, {"answers": {"short": text}}, format="json", HTTP_IF_MATCH='"1"')

    results = run_together(*(save(user, f"Відповідь {n}") for n in range(4) for user in (first, second)))
    codes = sorted(r.status_code for r in results)
    assert codes == [200] + [412] * 7, codes
    application.refresh_from_db()
    assert application.version == 2
