"""Personal data (issue 16, point 8): a person downloads their data (nothing of anyone else's,
never a token's key) and asks for erasure; erasure makes them anonymous everywhere they show,
keeps the records the law makes us keep, and they can no longer log in."""

import json

import pytest
from django.urls import reverse

from accounts import privacy, security_log
from accounts.models import ErasureRequest, SecurityEvent, User
from applications import services as application_services
from applications.models import Application
from notifications.models import Message
from notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


@pytest.fixture
def draft(published_contest, applicant) -> Application:
    return application_services.start_application(
        organisation=applicant.organisations.get(),
        contest=published_contest,
        nomination=published_contest.nominations.first(),
        title="Е-черга до читальної зали",
        by=applicant,
    )


@pytest.fixture
def other(published_contest) -> User:
    """Another applicant, with an application and a message of their own."""
    from tests.factories import OrganisationFactory

    person = UserFactory(full_name="Інша Особа", phone="+380 44 000 00 00")
    organisation = OrganisationFactory()
    organisation.memberships.create(user=person, is_admin=True)
    application_services.start_application(
        organisation=organisation,
        contest=published_contest,
        nomination=published_contest.nominations.first(),
        title="Чужий проєкт",
        by=person,
    )
    return person


def download(web, user) -> dict:
    r = web(user).post(reverse("accounts:my_data"))
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment;")
    return json.loads(r.content)


# --- download my data ---------------------------------------------------------------------------


def test_my_data_holds_mine_and_nothing_of_anyone_elses(web, applicant, draft, other):
    notify("accounts.erasure_requested", [applicant], {"person": "x", "link": "y"}, dedupe_key="t")
    page = web(applicant).get(reverse("accounts:my_data"))
    assert page.status_code == 200 and reverse("accounts:erase_me") in page.text
    data = download(web, applicant)
    assert data["profile"]["email"] == applicant.email
    assert [m["organisation"] for m in data["memberships"]] == [applicant.organisations.get().pk]
    assert [a["id"] for a in data["applications"]] == [draft.pk]
    assert {m["event"] for m in data["messages"]} == {"accounts.erasure_requested"}
    text = json.dumps(data, ensure_ascii=False)
    assert other.email not in text and "Чужий проєкт" not in text and "Інша Особа" not in text
    assert SecurityEvent.objects.filter(user=applicant, kind=Kind.DATA_EXPORTED).count() == 1


def test_my_data_lists_tokens_by_name_never_their_key(api, applicant):
    from accounts import tokens

    _token, key = tokens.issue(applicant, name="Звітний скрипт")
    r = api(applicant).get("/api/v1/me/data/")
    assert r.status_code == 200, r.content
    assert [t["name"] for t in r.json()["api_tokens"]] == ["Звітний скрипт"]
    assert key not in r.content.decode() and key[:12] not in r.content.decode()


def test_my_data_needs_a_login(web, api):
    assert web().post(reverse("accounts:my_data")).status_code == 302
    assert api().get("/api/v1/me/data/").status_code in (401, 403)


# --- erasure ------------------------------------------------------------------------------------


def test_a_person_without_records_is_erased_at_once_and_cannot_log_in(web, password):
    person = UserFactory(full_name="Ніна Вільна", phone="+380 67 111 22 33")
    email = person.email
    client = web(person)
    r = client.post(reverse("accounts:erase_me"), {"password": password})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.full_name == f"Erased person #{person.pk}"  # tests run in English
    assert person.email.endswith("@erased.invalid") and person.phone == "" and not person.is_active
    assert not person.has_usable_password()
    assert not person.check_password(password)
    for address in (email, person.email):
        visitor = web()
        visitor.post(reverse("accounts:login"), {"username": address, "password": password})
        assert "_auth_user_id" not in visitor.session
    assert client.get(reverse("accounts:profile")).status_code == 302  # the session ended
    assert ErasureRequest.objects.get(user=person).state == ErasureRequest.State.DONE
    assert list(SecurityEvent.objects.filter(user=person).values_list("kind", flat=True).order_by("id"))[
        :2
    ] == [
        Kind.ERASURE_REQUESTED,
        Kind.PERSON_ERASED,
    ]


def test_wrong_password_erases_nothing(web, applicant):
    r = web(applicant).post(reverse("accounts:erase_me"), {"password": "not-it"})
    assert r.status_code == 400
    applicant.refresh_from_db()
    assert applicant.is_active and not ErasureRequest.objects.exists()


def test_a_person_with_records_waits_for_staff_who_are_told(web, applicant, staff, password, draft):
    r = web(applicant).post(reverse("accounts:erase_me"), {"password": password})
    assert r.status_code == 302
    asked = ErasureRequest.objects.get(user=applicant)
    assert asked.state == ErasureRequest.State.REQUESTED
    applicant.refresh_from_db()
    assert applicant.is_active  # not yet
    assert Message.objects.filter(user=staff, event="accounts.erasure_requested").exists()
    # Asking twice is refused.
    with pytest.raises(Exception):  # noqa: B017 - ValidationError, told on the page
        privacy.request_erasure(applicant, password=password)


def test_staff_erase_keeping_the_contests_record(web, applicant, staff, password, draft):
    applicant_pk, email = applicant.pk, applicant.email
    security_log.record(Kind.LOGIN_SUCCEEDED, user=applicant)
    notify("accounts.erasure_requested", [applicant], {"person": "Особисте", "link": "y"}, dedupe_key="p")
    privacy.request_erasure(applicant, password=password)
    asked = ErasureRequest.objects.get(user=applicant)
    assert web(applicant).post(reverse("accounts:erasure_erase", args=[asked.pk])).status_code == 403
    r = web(staff).post(reverse("accounts:erasure_erase", args=[asked.pk]))
    assert r.status_code == 302
    person = User.objects.get(pk=applicant_pk)
    assert person.email != email and not person.is_active and str(applicant_pk) in person.full_name
    # Kept: the application (its author shows as the erased person), the membership's
    # organisation, and the security log about them.
    draft.refresh_from_db()
    assert draft.created_by_id == applicant_pk and str(draft.created_by) == person.full_name
    assert SecurityEvent.objects.filter(user=person, kind=Kind.LOGIN_SUCCEEDED).exists()
    erased = SecurityEvent.objects.get(user=person, kind=Kind.PERSON_ERASED)
    assert erased.actor == staff
    # The messages' personal wording is gone.
    assert not Message.objects.filter(user=person).exclude(context={}).exists()
    asked.refresh_from_db()
    assert (asked.state, asked.handled_by) == (ErasureRequest.State.DONE, staff)
    # The person's pages show the placeholder.
    page = web(staff).get(reverse("accounts:erasure_requests"))
    assert person.full_name in page.text and email not in page.text


def test_staff_refuse_with_a_reason_and_others_may_not_handle(
    web, applicant, staff, organiser, password, draft
):
    privacy.request_erasure(applicant, password=password)
    asked = ErasureRequest.objects.get(user=applicant)
    url = reverse("accounts:erasure_refuse", args=[asked.pk])
    assert web(organiser).post(url, {"reason": "ні"}).status_code == 403
    assert web(organiser).get(reverse("accounts:erasure_requests")).status_code == 403
    web(staff).post(url, {"reason": ""})
    asked.refresh_from_db()
    assert asked.state == ErasureRequest.State.REQUESTED  # a refusal needs a reason
    web(staff).post(url, {"reason": "Договір про грант ще діє."})
    asked.refresh_from_db()
    assert (asked.state, asked.reason) == (ErasureRequest.State.REFUSED, "Договір про грант ще діє.")
    applicant.refresh_from_db()
    assert applicant.is_active


def test_nobody_but_staff_erases_another_person(applicant, organiser):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        privacy.erase_person(applicant, by=organiser)
    applicant.refresh_from_db()
    assert applicant.is_active
