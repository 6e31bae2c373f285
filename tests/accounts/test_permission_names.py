"""Issue 15, point 16 (c): permission names in the staff admin read in the user's language, not
Django's fixed English "Can add …"."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from contests.models import Contest
from core.permissions import permission_label
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _add_contest() -> Permission:
    return Permission.objects.select_related("content_type").get(
        content_type__app_label="contests", codename="add_contest"
    )


@pytest.fixture
def uk_wording():
    """Our msgid with the Ukrainian wording the lead adds to locale/uk (tests cannot edit .po)."""
    catalog = trans_real.translation("uk")._catalog
    catalog["Can add %(model)s"] = "Може додавати: %(model)s"
    yield
    catalog._catalogs[0].pop("Can add %(model)s", None)


def test_label_says_the_action_through_our_catalogue_with_the_translated_model(uk_wording):
    permission = _add_contest()
    assert permission.name == "Can add contest"  # what Django stores, in English
    with translation.override("en"):
        assert permission_label(permission) == "Contests | contest | Can add contest"
    with translation.override("uk"):
        label = permission_label(permission)
        model_uk = str(Contest._meta.verbose_name)
    assert label.endswith(f"| {model_uk} | Може додавати: {model_uk}")
    assert "Can add" not in label


def test_group_admin_lists_permissions_through_our_labels(uk_wording):
    admin = UserFactory(is_staff=True, is_superuser=True)
    web = Client()
    web.force_login(admin)
    web.cookies["django_language"] = "en"  # pages follow the chosen language, not Accept-Language
    page = web.get("/admin/auth/group/add/").content.decode()
    assert "Contests | contest | Can add contest" in page
    web.cookies["django_language"] = "uk"
    page = web.get("/admin/auth/group/add/").content.decode()
    with translation.override("uk"):
        model_uk = str(Contest._meta.verbose_name)
    assert f"Може додавати: {model_uk}" in page
    assert "Can add contest" not in page


def test_user_admin_lists_permissions_through_our_labels():
    admin = UserFactory(is_staff=True, is_superuser=True)
    target = UserFactory()
    web = Client()
    web.force_login(admin)
    page = web.get(f"/admin/accounts/user/{target.pk}/change/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Contests | contest | Can add contest" in page


def test_non_staff_cannot_open_the_admin():
    web = Client()
    web.force_login(UserFactory())
    assert web.get("/admin/auth/group/add/").status_code == 302
