"""The security log for staff (issue 16, point 7): role grants and removals and private file
downloads are recorded; staff read, filter and export it (page and API); nobody else does; and
it cannot be changed or deleted."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from accounts import security_log, services
from accounts.models import SecurityEvent
from applications import services as application_services
from applications.models import Attachment
from contests import services as contest_services
from contests.models import ContestRole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def kinds_about(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


# --- what is recorded ---------------------------------------------------------------------------


def test_contest_roles_granted_and_removed_are_logged_with_who_and_where(draft_contest, organiser):
    juror = UserFactory()
    contest_services.grant_role(draft_contest, user=juror, role=ContestRole.Role.JUROR, by=organiser)
    contest_services.grant_role(draft_contest, user=juror, role=ContestRole.Role.JUROR, by=organiser)  # no-op
    contest_services.revoke_role(draft_contest, user=juror, role=ContestRole.Role.JUROR, by=organiser)
    granted, removed = SecurityEvent.objects.filter(user=juror).order_by("id")
    assert (granted.kind, removed.kind) == (Kind.ROLE_GRANTED, Kind.ROLE_REMOVED)
    assert granted.actor == organiser and removed.actor == organiser
    assert granted.details == {"role": "juror", "scope": f"contest {draft_contest.pk}"}


def test_organiser_group_and_organisation_membership_are_logged(staff):
    person = UserFactory()
    assert services.add_organiser(person, by=staff)
    assert services.remove_organiser(person, by=staff)
    organisation = services.register_organisation(
        by=person,
        name="Бібліотека",
        kind="public_library",
        region="kyiv",
        settlement="Київ",
        email="b@example.org",
    )
    events = list(SecurityEvent.objects.filter(user=person).order_by("id"))
    assert [(e.kind, e.details["role"]) for e in events] == [
        (Kind.ROLE_GRANTED, "organiser"),
        (Kind.ROLE_REMOVED, "organiser"),
        (Kind.ROLE_GRANTED, "organisation_admin"),
    ]
    assert events[0].actor == staff and events[2].actor is None
    assert events[2].details["scope"] == f"organisation {organisation.pk}"


def test_a_private_file_download_is_logged_with_the_address(web, published_contest, applicant):
    application = application_services.start_application(
        organisation=applicant.organisations.get(),
        contest=published_contest,
        nomination=published_contest.nominations.first(),
        title="Е-черга",
        by=applicant,
    )
    body = b"%PDF-1.4\n% plan\n%%EOF\n"
    attachment = Attachment.objects.create(
        application=application,
        field_key="plan",
        file=ContentFile(body, name="plan.pdf"),
        original_name="План.pdf",
        kind="pdf",
        size=len(body),
        sha256=hashlib.sha256(body).hexdigest(),
    )
    url = reverse("applications:download", args=[application.pk, attachment.pk])
    outsider = UserFactory()
    assert web(outsider).get(url).status_code == 404  # refused: nothing logged
    assert not SecurityEvent.objects.filter(kind=Kind.FILE_DOWNLOADED).exists()
    assert web(applicant).get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    event = SecurityEvent.objects.get(kind=Kind.FILE_DOWNLOADED)
    assert (event.user, event.ip_address) == (applicant, "203.0.113.7")
    assert event.details["file"] == "План.pdf" and event.details["application"] == application.pk


# --- append-only --------------------------------------------------------------------------------


def test_the_model_refuses_update_and_delete(staff):
    event = security_log.record(Kind.LOGIN_SUCCEEDED, user=staff)
    event.details = {"rewritten": True}
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    assert SecurityEvent.objects.get().details == {}


@pytest.mark.postgres
def test_postgresql_refuses_raw_update_and_delete(staff):
    from django.db import DatabaseError, transaction

    event = security_log.record(Kind.LOGIN_SUCCEEDED, user=staff)
    for sql in (
        "UPDATE accounts_securityevent SET kind = 'x' WHERE id = %s",
        "DELETE FROM accounts_securityevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [event.pk])
    assert SecurityEvent.objects.get(pk=event.pk).kind == Kind.LOGIN_SUCCEEDED


# --- the staff page, its export and the API -------------------------------------------------------


@pytest.fixture
def logged(staff):
    anna = UserFactory(full_name="Анна Коваль", email="anna@example.org")
    bohdan = UserFactory(full_name="Богдан Мельник", email="bohdan@example.org")
    security_log.record(Kind.LOGIN_FAILED, email="anna@example.org", user=anna)
    security_log.record(Kind.ROLE_GRANTED, user=bohdan, actor=staff, role="organiser", scope="site")
    return {"anna": anna, "bohdan": bohdan}


def test_staff_read_and_filter_the_page(web, staff, logged):
    page = web(staff).get(reverse("accounts:security_log"))
    assert page.status_code == 200
    assert "Анна Коваль" in page.text and "Богдан Мельник" in page.text
    filtered = web(staff).get(reverse("accounts:security_log"), {"person": "anna", "kind": Kind.LOGIN_FAILED})
    assert "Анна Коваль" in filtered.text and "Богдан Мельник" not in filtered.text
    bad = web(staff).get(reverse("accounts:security_log"), {"kind": "nonsense"})
    assert bad.status_code == 400


def test_staff_export_the_filtered_rows_as_csv_and_xlsx(web, staff, logged):
    url = reverse("accounts:security_log")
    csv = web(staff).get(url, {"kind": Kind.ROLE_GRANTED, "format": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "Богдан Мельник" in text and "Анна Коваль" not in text
    assert "role: organiser" in text
    xlsx = web(staff).get(url, {"format": "xlsx"})
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content).startswith(b"PK")


def test_staff_find_the_log_from_any_page_others_do_not(web, staff, organiser):
    link = reverse("accounts:security_log")
    assert link in web(staff).get(reverse("accounts:profile")).text
    assert link not in web(organiser).get(reverse("accounts:profile")).text


def test_staff_reach_a_persons_tokens_and_second_factor_reset_from_the_log(web, staff, logged):
    page = web(staff).get(reverse("accounts:security_log")).text
    anna = logged["anna"].pk
    assert reverse("accounts:person_tokens", args=[anna]) in page
    assert reverse("accounts:two_step_reset", args=[anna]) in page
    assert reverse("accounts:lockouts") in web(staff).get(reverse("accounts:profile")).text


def test_others_may_not_read_the_page_nor_the_api(web, api, organiser, logged):
    assert web(organiser).get(reverse("accounts:security_log")).status_code == 403
    assert web(organiser).get(reverse("accounts:security_log"), {"format": "csv"}).status_code == 403
    assert web().get(reverse("accounts:security_log")).status_code == 302  # to the login page
    assert api(organiser).get("/api/v1/security-events/").status_code == 403
    assert api().get("/api/v1/security-events/").status_code in (401, 403)


def test_staff_read_the_api_filtered_and_paginated(api, staff, logged):
    r = api(staff).get("/api/v1/security-events/", {"person": "bohdan"})
    assert r.status_code == 200, r.content
    [row] = r.json()["results"]
    assert (row["kind"], row["person"], row["by"]) == (
        Kind.ROLE_GRANTED,
        "Богдан Мельник",
        staff.display_name,
    )
    assert api(staff).get(f"/api/v1/security-events/{row['id']}/").status_code == 200
    assert api(staff).get("/api/v1/security-events/", {"kind": "nonsense"}).status_code == 400
    # Read-only: nothing can be written or removed through the API.
    assert api(staff).delete(f"/api/v1/security-events/{row['id']}/").status_code == 405
    assert api(staff).post("/api/v1/security-events/", {}).status_code == 405
