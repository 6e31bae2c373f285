"""Organisers on a fresh install: the group exists with its permission after migrating, and staff
add or remove organisers on a page, with `manage.py grant_organiser` and through the API."""

import importlib
from io import StringIO

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import ORGANISERS_GROUP, Invitation, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _is_organiser(user) -> bool:
    return User.objects.get(pk=user.pk).has_perm("contests.add_contest")


# --- the data migration --------------------------------------------------------------------------


def test_the_migrated_database_has_the_group_with_its_permission():
    group = Group.objects.get(name=ORGANISERS_GROUP)
    assert list(group.permissions.values_list("content_type__app_label", "codename")) == [
        ("contests", "add_contest")
    ]


def test_the_migration_creates_group_and_permission_on_an_empty_database():
    """As on a fresh install: no group and no permission yet (they come after all migrations)."""
    Group.objects.filter(name=ORGANISERS_GROUP).delete()
    Permission.objects.filter(content_type__app_label="contests", codename="add_contest").delete()
    migration = importlib.import_module("accounts.migrations.0005_organisers_group")
    state = MigrationExecutor(connection).loader.project_state(("accounts", "0005_organisers_group"))
    migration.create_group(state.apps, None)
    migration.create_group(state.apps, None)  # a second run changes nothing
    group = Group.objects.get(name=ORGANISERS_GROUP)
    assert group.permissions.filter(content_type__app_label="contests", codename="add_contest").count() == 1
    person = UserFactory()
    person.groups.add(group)
    assert _is_organiser(person)


# --- manage.py grant_organiser -------------------------------------------------------------------------


def test_command_adds_and_removes_an_organiser():
    person = UserFactory(email="orh@example.org")
    assert not _is_organiser(person)
    out = StringIO()
    call_command("grant_organiser", "ORH@example.org", stdout=out)
    assert "is now an organiser" in out.getvalue()
    assert _is_organiser(person)
    out = StringIO()
    call_command("grant_organiser", "orh@example.org", stdout=out)
    assert "already an organiser" in out.getvalue()
    call_command("grant_organiser", "orh@example.org", "--remove", stdout=StringIO())
    assert not _is_organiser(person)


def test_command_refuses_an_unknown_address():
    with pytest.raises(CommandError, match=r"No account uses the e-mail address nobody@example\.org"):
        call_command("grant_organiser", "nobody@example.org")
    with pytest.raises(CommandError, match="No account uses"):
        call_command("grant_organiser", "nobody@example.org", "--remove")


# --- the staff page --------------------------------------------------------------------------------------


def test_staff_page_adds_and_removes_organisers(client, staff):
    person = UserFactory(email="orh@example.org", full_name="Орест Вигаданий")
    client.force_login(staff)
    page = reverse("accounts:organisers")
    assert client.get(page).status_code == 200
    response = client.post(page, {"add-email": "orh@example.org"}, follow=True)
    assert "Орест Вигаданий is now an organiser." in response.content.decode()
    assert _is_organiser(person)
    html = client.get(page).content.decode()
    assert "orh@example.org" in html
    response = client.post(reverse("accounts:organiser_remove", args=[person.pk]), follow=True)
    assert "is no longer an organiser" in response.content.decode()
    assert not _is_organiser(person)


def test_staff_page_says_why_an_unknown_address_is_refused(client, staff):
    client.force_login(staff)
    response = client.post(reverse("accounts:organisers"), {"add-email": "nobody@example.org"})
    assert response.status_code == 400
    assert "No account uses the e-mail address nobody@example.org" in response.content.decode()
    assert not User.objects.filter(groups__name=ORGANISERS_GROUP).exists()


def test_staff_page_invites_an_organiser(client, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:organisers"),
            {"invite-email": "nova@example.org", "invite-full_name": "Нова Вигадана"},
            follow=True,
        )
    assert "An invitation was sent to nova@example.org." in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.purpose == Invitation.Purpose.ORGANISER
    assert "nova@example.org" in client.get(reverse("accounts:organisers")).content.decode()


def test_only_staff_see_the_organisers_page(client, organiser):
    person = UserFactory()
    person.groups.add(Group.objects.get(name=ORGANISERS_GROUP))
    client.force_login(organiser)
    assert client.get(reverse("accounts:organisers")).status_code == 403
    assert client.post(reverse("accounts:organisers"), {"add-email": organiser.email}).status_code == 403
    assert client.post(reverse("accounts:organiser_remove", args=[person.pk])).status_code == 403
    assert _is_organiser(person)
    client.logout()
    assert client.get(reverse("accounts:organisers")).status_code == 302  # to the login page


# --- the API ------------------------------------------------------------------------------------------


def test_staff_list_add_and_remove_organisers_by_api(api, staff):
    person = UserFactory(email="orh@example.org")
    client = api(staff)
    assert client.get("/api/v1/organisers/").json() == []
    response = client.post("/api/v1/organisers/", {"email": "ORH@example.org"}, format="json")
    assert response.status_code == 201 and response.json()["id"] == person.pk
    assert client.post("/api/v1/organisers/", {"email": "orh@example.org"}, format="json").status_code == 200
    assert [o["email"] for o in client.get("/api/v1/organisers/").json()] == ["orh@example.org"]
    assert _is_organiser(person)
    assert (
        client.post("/api/v1/organisers/remove/", {"email": "orh@example.org"}, format="json").status_code
        == 204
    )
    assert not _is_organiser(person)
    response = client.post("/api/v1/organisers/remove/", {"email": "orh@example.org"}, format="json")
    assert response.status_code == 400 and "not an organiser" in response.json()["errors"]["email"][0]
    client.post("/api/v1/organisers/", {"email": "orh@example.org"}, format="json")
    assert client.delete(f"/api/v1/organisers/{person.pk}/").status_code == 204
    assert not _is_organiser(person)
    assert client.delete(f"/api/v1/organisers/{person.pk}/").status_code == 404


def test_api_refuses_unknown_addresses_and_non_staff(api, staff, organiser):
    response = api(staff).post("/api/v1/organisers/", {"email": "nobody@example.org"}, format="json")
    assert response.status_code == 400
    assert "No account uses the e-mail address nobody@example.org" in response.json()["errors"]["email"][0]
    assert api(organiser).get("/api/v1/organisers/").status_code == 403
    response = api(organiser).post("/api/v1/organisers/", {"email": organiser.email}, format="json")
    assert response.status_code == 403
    assert not _is_organiser(organiser)
    assert api().get("/api/v1/organisers/").status_code in (401, 403)
