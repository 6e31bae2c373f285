"""No write body loses a field (issue 15, point 9): the resources the API only creates, and two
updates the walk of tests/api/test_every_field.py had not reached yet.

- Late-submission codes, jurors and grant indicators take POST only: one complete body, every
  writable field with a distinctive value, is stored as sent (in the database and as a GET of
  the list shows it); then each field alone given a value of the wrong type answers 400 naming
  it and creates nothing. The fields come from the serializer, so a new one without a sample
  fails here.
- `PATCH /api/v1/award-decisions/{id}/` and `PUT /api/v1/depository-consents/{application}/`
  are walked field by field as the person who may change them, with their refusals.

Every person, library and text here is invented.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from applications.api.serializers import LateCodeSerializer
from applications.models import Application, LateSubmissionCode
from awards import services as award_services
from awards.api.serializers import DecisionSerializer
from awards.models import Decision
from core import clock
from depository.api.manage import DepositoryConsentInput, DepositoryConsentSerializer
from depository.models import Consent
from grants.api.serializers import GrantIndicatorSerializer
from grants.models import Indicator
from review.api.serializers import JurorSerializer
from review.models import Juror
from tests.api.test_every_field import walk_fields, writable_fields
from tests.awards.conftest import Finished
from tests.depository.conftest import Cases
from tests.factories import CategoryFactory, ClassifierFactory, UserFactory
from tests.grants.conftest import World

pytestmark = pytest.mark.django_db


# --- the walker for resources that are only created ------------------------------------------------


def walk_create(
    client,
    url: str,
    serializer_class,
    samples: dict[str, tuple[object, object]],
    wrong: dict[str, object],
    read_back: Callable[[int, str], object],
    count: Callable[[], int],
    *,
    listed: Callable[[dict], str] | None = None,
) -> dict:
    """POST one body holding every writable field of `serializer_class` (`samples`: name ->
    (value sent, value `read_back(id, name)` then gives)); then, for each field, the same body
    with that field set to `wrong[name]`: 400 naming it, nothing created. `listed(created)` is
    the list URL whose GET must show the created row as the 201 did. Returns the 201's body."""
    names = writable_fields(serializer_class)
    assert set(names) == set(samples), f"{url}: samples for {set(samples) ^ set(names)} do not match"
    assert set(names) <= set(wrong), f"{url}: no wrong value for {set(names) - set(wrong)}"

    body = {name: sent for name, (sent, _stored) in samples.items()}
    for name in names:  # every refusal first, so none of them can hide behind a stored row
        before = count()
        response = client.post(url, {**body, name: wrong[name]}, format="json")
        assert response.status_code == 400, (url, name, response.status_code, response.content[:300])
        assert name in response.json()["errors"], (url, name, response.json())
        assert count() == before, (url, name, "a refused body created a row")

    before = count()
    response = client.post(url, body, format="json")
    assert response.status_code == 201, (url, response.content[:500])
    assert count() == before + 1
    created = response.json()
    for name in names:
        assert read_back(created["id"], name) == samples[name][1], (url, name, created)
    if listed is not None:
        rows = client.get(listed(created)).json()
        rows = rows["results"] if isinstance(rows, dict) else rows
        row = next(r for r in rows if r["id"] == created["id"])
        assert {n: row[n] for n in names} == {n: created[n] for n in names}, (url, row, created)
    return created


# --- late-submission codes (organiser) ------------------------------------------------------------


def test_every_field_of_a_late_code_is_stored_or_refused(api, organiser, published_contest):
    contest = published_contest
    expires = (clock.now() + timedelta(days=9)).replace(microsecond=0)
    samples = {
        "contest": (contest.pk, contest.pk),
        "expires_at": (expires.isoformat(), expires),
        "max_uses": (7, 7),
        "note": (
            "Для бібліотеки з Вигаданого, що втратила світло",
            "Для бібліотеки з Вигаданого, що втратила світло",
        ),
    }
    wrong = {
        "contest": "перший",
        "expires_at": "завтра вранці",
        "max_uses": "багато",
        "note": {"text": "не рядок"},
    }

    def read_back(pk: int, name: str) -> object:
        code = LateSubmissionCode.objects.get(pk=pk)
        return code.contest_id if name == "contest" else getattr(code, name)

    created = walk_create(
        api(organiser),
        "/api/v1/late-codes/",
        LateCodeSerializer,
        samples,
        wrong,
        read_back,
        LateSubmissionCode.objects.count,
        listed=lambda row: f"/api/v1/late-codes/?contest={row['contest']}",
    )
    assert datetime.fromisoformat(created["expires_at"]) == expires
    assert created["uses"] == 0 and created["code"]


def test_a_late_code_refuses_a_past_expiry_a_read_only_field_and_a_stranger(
    api, organiser, other_organiser, published_contest
):
    url, before = "/api/v1/late-codes/", LateSubmissionCode.objects.count()
    past = (clock.now() - timedelta(hours=1)).isoformat()
    response = api(organiser).post(url, {"contest": published_contest.pk, "expires_at": past}, format="json")
    assert response.status_code == 400 and "expires_at" in response.json()["errors"]
    body = {"contest": published_contest.pk, "uses": 5, "code": "MYOWNCODE"}
    response = api(organiser).post(url, body, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"code", "uses"}
    response = api(organiser).post(url, {"contest": published_contest.pk, "max_uses": 0}, format="json")
    assert response.status_code == 400 and "max_uses" in response.json()["errors"]
    response = api(other_organiser).post(url, {"contest": published_contest.pk}, format="json")
    assert response.status_code == 403
    assert LateSubmissionCode.objects.count() == before


# --- jurors (organiser) ---------------------------------------------------------------------------


def test_every_field_of_a_juror_is_stored_or_refused(api, organiser, published_contest):
    contest = published_contest
    nomination = contest.nominations.get()
    classifier = ClassifierFactory(title="Цифрові послуги для громади")
    contest.classifiers.add(classifier)
    expertise = CategoryFactory(classifier=classifier, code="7", title="Е-урядування")
    person = UserFactory(full_name="Експертка Вигадана", email="juror.walk@example.org")
    samples = {
        "contest": (contest.pk, contest.pk),
        "email": ("Juror.Walk@example.org", person.email),
        "nominations": ([nomination.pk], [nomination.pk]),
        "expertise": ([expertise.pk], [expertise.pk]),
        "region": ("volyn", "volyn"),
        "max_load": (11, 11),
        "chair": (True, True),
    }
    wrong = {
        "contest": "перший",
        "email": "не адреса",
        "nominations": "усі",
        "expertise": "різне",
        "region": ["lviv"],
        "max_load": "скільки треба",
        "chair": "можливо",
    }

    def read_back(pk: int, name: str) -> object:
        juror = Juror.objects.get(pk=pk)
        match name:
            case "contest":
                return juror.contest_id
            case "email":
                return juror.user.email
            case "nominations" | "expertise":
                return sorted(getattr(juror, name).values_list("pk", flat=True))
        return getattr(juror, name)

    created = walk_create(
        api(organiser),
        "/api/v1/jurors/",
        JurorSerializer,
        samples,
        wrong,
        read_back,
        Juror.objects.count,
        listed=lambda row: f"/api/v1/jurors/?contest={row['contest']}",
    )
    assert created["full_name"] == "Експертка Вигадана"


def test_a_juror_refuses_a_stranger_a_foreign_nomination_and_a_read_only_name(
    api, organiser, other_organiser, published_contest
):
    UserFactory(email="seat.me@example.org")
    url, body = "/api/v1/jurors/", {"contest": published_contest.pk, "email": "seat.me@example.org"}
    foreign = other_organiser.contest_roles.get().contest.nominations.get()
    response = api(organiser).post(url, {**body, "nominations": [foreign.pk]}, format="json")
    assert response.status_code == 400 and "nominations" in response.json()["errors"]
    response = api(organiser).post(url, {**body, "full_name": "Інше Ім'я"}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["full_name"]
    response = api(organiser).post(url, {**body, "email": "nobody@example.org"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]
    assert api(other_organiser).post(url, body, format="json").status_code == 403
    assert not Juror.objects.filter(contest=published_contest).exists()


# --- grant indicators (grant officer) -------------------------------------------------------------


def test_every_field_of_a_grant_indicator_is_stored_or_refused(api):
    world = World()
    samples = {
        "contest": (world.contest.pk, world.contest.pk),
        "name": ("Відвідувачі вигаданих курсів", "Відвідувачі вигаданих курсів"),
        "unit": ("осіб", "осіб"),
        "direction": ("lower", "lower"),
    }
    wrong = {"contest": "цей", "name": {"uk": "Назва"}, "unit": ["осіб"], "direction": 42}

    def read_back(pk: int, name: str) -> object:
        indicator = Indicator.objects.get(pk=pk)
        return indicator.contest_id if name == "contest" else getattr(indicator, name)

    walk_create(
        api(world.officer),
        "/api/v1/grant-indicators/",
        GrantIndicatorSerializer,
        samples,
        wrong,
        read_back,
        Indicator.objects.count,
        listed=lambda row: f"/api/v1/grant-indicators/?contest={row['contest']}",
    )


def test_a_grant_indicator_refuses_a_duplicate_a_set_order_and_a_mere_organiser(api):
    world = World()
    url, body = "/api/v1/grant-indicators/", {"contest": world.contest.pk, "name": "Читачі", "unit": "осіб"}
    response = api(world.officer).post(url, body, format="json")  # no direction: higher is better
    assert response.status_code == 201 and response.json()["direction"] == "higher", response.content[:300]
    response = api(world.officer).post(url, body, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]
    response = api(world.officer).post(url, {**body, "name": "Події", "order": 5}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["order"]
    assert api(world.organiser).post(url, {**body, "name": "Події"}, format="json").status_code == 403
    assert list(Indicator.objects.filter(contest=world.contest).values_list("name", flat=True)) == ["Читачі"]


# --- award decisions: PATCH (organiser) -----------------------------------------------------------


def test_every_field_of_an_award_decision_is_stored_or_refused(api, organiser):
    finished = Finished(organiser)
    first = finished.ranked(finished.a)[0]
    decision = award_services.propose(first, by=organiser, citation="Перша вигадана цитата")
    samples = {
        "citation": ("За бібліотеку, що стала домом для громади", "За бібліотеку, що стала домом для громади")
    }

    def read_back(name: str) -> object:
        return getattr(Decision.objects.get(pk=decision.pk), name)

    url = f"/api/v1/award-decisions/{decision.pk}/"
    outcomes = walk_fields(api(organiser), url, DecisionSerializer, samples, read_back)
    assert outcomes == {"citation": 200}

    # The GET representation goes back whole; a changed read-only field is refused by name.
    client = api(organiser)
    body = client.get(url).json()
    body["citation"] = "Повернута ціла"
    response = client.patch(url, body, format="json")
    assert response.status_code == 200 and response.json()["citation"] == "Повернута ціла"
    response = client.patch(url, {"state": "approved", "place": 1, "reason": "Бо так"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"state", "place", "reason"}
    response = client.patch(url, {"citation": ["не", "рядок"]}, format="json")
    assert response.status_code == 400 and "citation" in response.json()["errors"]
    stored = Decision.objects.get(pk=decision.pk)
    assert (stored.citation, stored.state, stored.reason) == (
        "Повернута ціла",
        decision.state,
        decision.reason,
    )


def test_an_award_decision_is_changed_by_its_organisers_only(api, organiser):
    finished = Finished(organiser)
    decision = award_services.propose(finished.ranked(finished.a)[0], by=organiser, citation="Своя")
    url = f"/api/v1/award-decisions/{decision.pk}/"
    response = api(finished.chair).patch(url, {"citation": "Голова журі пише своє"}, format="json")
    assert response.status_code == 403
    member = finished.members[decision.application_id]
    assert api(member).patch(url, {"citation": "Бібліотекарка пише своє"}, format="json").status_code == 404
    assert Decision.objects.get(pk=decision.pk).citation == "Своя"


# --- depository consent: PUT (a member of the applicant library) ----------------------------------


def test_every_field_of_a_depository_consent_is_stored_or_refused(api, organiser):
    cases = Cases(organiser)
    application = cases.application(Application.State.NOT_AWARDED)
    url = f"/api/v1/depository-consents/{application.pk}/"

    def read_back(name: str) -> object:
        return getattr(Consent.objects.get(application=application), name)

    for granted in (True, False):
        outcomes = walk_fields(
            api(cases.member),
            url,
            DepositoryConsentInput,
            {"granted": (granted, granted)},
            read_back,
            method="put",
        )
        assert outcomes == {"granted": 200}
        assert api(cases.member).get(url).json()["granted"] is granted

    # The GET representation goes back whole with PUT; a field of it changed answers 400 by
    # name, never 200 with the change dropped.
    body = api(cases.member).get(url).json()
    response = api(cases.member).put(url, {**body, "granted": True}, format="json")
    assert response.status_code == 200 and response.json()["granted"] is True, response.json()
    shown = set(DepositoryConsentSerializer().fields) - {"granted"}
    assert {"number", "title", "application", "changed_at", "case_state"} <= shown
    body = api(cases.member).get(url).json()  # as it is now, with the new moment of change
    for name in shown:
        response = api(cases.member).put(url, {**body, "granted": False, name: "Інше"}, format="json")
        assert response.status_code == 400 and list(response.json()["errors"]) == [name], (
            name,
            response.json(),
        )
    response = api(cases.member).put(url, {"granted": False, "publish_now": True}, format="json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["publish_now"]
    assert Consent.objects.get(application=application).granted is True
    api(cases.member).put(url, {"granted": False}, format="json")
    response = api(cases.member).put(url, {"granted": "можливо"}, format="json")
    assert response.status_code == 400 and "granted" in response.json()["errors"]
    response = api(cases.member).put(url, {}, format="json")
    assert response.status_code == 400 and "granted" in response.json()["errors"]
    assert Consent.objects.get(application=application).granted is False


def test_a_depository_consent_is_given_by_the_library_only(api, organiser):
    cases = Cases(organiser)
    application = cases.application(Application.State.NOT_AWARDED)
    url = f"/api/v1/depository-consents/{application.pk}/"
    assert api(organiser).put(url, {"granted": True}, format="json").status_code == 403
    stranger = UserFactory(full_name="Стороння Бібліотекарка")
    assert api(stranger).put(url, {"granted": True}, format="json").status_code == 404
    assert not Consent.objects.filter(application=application, granted=True).exists()
