"""The second factor on the web (issue 16, point 2): setting it up, recovery codes, the code at
login, throttling, who must use it, removing it, and staff resetting someone's."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import otp
from accounts.models import ORGANISERS_GROUP, SecurityEvent
from tests.factories import PASSWORD, UserFactory, grant, ready_contest
from tests.two_step import code_now, confirmed_device, unverified_force_login

pytestmark = pytest.mark.django_db

Kind = SecurityEvent.Kind
LOGIN = "/accounts/login/"
ENROL = "/accounts/two-step/"
VERIFY = "/accounts/two-step/verify/"
CODES = "/accounts/two-step/codes/"


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """A wrong code then the right one at once (throttling has its own test)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def unverified(user) -> Client:
    client = Client()
    unverified_force_login(client, user)
    return client


def kinds(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def recovery_codes(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", html)


def password_login(client: Client, user, **extra):
    return client.post(LOGIN, {"username": user.email, "password": PASSWORD, **extra})


def test_who_must_verify(staff, organiser, draft_contest, applicant):
    officer = UserFactory()
    grant(ready_contest(), officer, role="grant_officer")
    juror = UserFactory()
    grant(ready_contest(), juror, role="juror")
    group_member = UserFactory()
    group_member.groups.add(Group.objects.get_or_create(name=ORGANISERS_GROUP)[0])
    assert [otp.must_verify(u) for u in (staff, organiser, officer, group_member)] == [True] * 4
    assert [otp.must_verify(u) for u in (applicant, juror)] == [False, False]


# --- privileged people: every page waits for the second factor ---------------------------------------


def test_an_unverified_organiser_is_sent_to_set_it_up_from_every_page(organiser, draft_contest):
    client = unverified(organiser)
    r = client.get("/accounts/me/")
    assert r.status_code == 302 and r["Location"] == f"{ENROL}?next=%2Faccounts%2Fme%2F"
    r = client.post(reverse("accounts:organisation_new"), {"name": "X"}, HTTP_REFERER="http://testserver/x/")
    assert r.status_code == 302 and r["Location"].startswith(ENROL)
    assert client.get(ENROL).status_code == 200  # the page to set it up is open
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_an_unverified_organiser_with_an_app_is_sent_to_the_code_and_cannot_replace_it(
    organiser, draft_contest
):
    confirmed_device(organiser)
    client = unverified(organiser)
    r = client.get("/accounts/me/")
    assert r.status_code == 302 and r["Location"].startswith(VERIFY)
    # Setting up another app would skip the code: refused until the code is given.
    assert client.get(ENROL + "?replace=1")["Location"].startswith(VERIFY)
    assert client.post(ENROL, {"code": "123456", "replace": "1"})["Location"].startswith(VERIFY)
    assert client.post(CODES)["Location"] == ENROL
    assert TOTPDevice.objects.filter(user=organiser).count() == 1


def test_applicants_and_jurors_are_not_stopped(applicant):
    client = unverified(applicant)
    assert client.get("/accounts/me/").status_code == 200
    r = client.post("/accounts/me/", {"full_name": "Нове Ім'я", "phone": "", "language": "en"})
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"


# --- setting it up --------------------------------------------------------------------------------


def test_setting_up_refuses_a_wrong_code_then_confirms_and_shows_codes_once(organiser, draft_contest):
    client = unverified(organiser)
    page = client.get(ENROL + "?next=/accounts/me/").content.decode()
    assert "<svg" in page and "<script" not in page.split("<main", 1)[-1].split("</main>")[0]
    device = TOTPDevice.objects.get(user=organiser, confirmed=False)
    assert otp.secret_of(device) in page
    wrong = client.post(ENROL, {"code": "000000" if code_now(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=organiser, confirmed=True).exists()
    assert client.post(ENROL, {"code": "12ab"}).status_code == 200  # not six digits

    r = client.post(ENROL, {"code": code_now(device), "next": "/accounts/me/"})
    assert r.status_code == 302 and r["Location"] == CODES + "?next=%2Faccounts%2Fme%2F"
    html = client.get(r["Location"]).content.decode()
    codes = recovery_codes(html)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(CODES)["Location"] == ENROL  # shown once
    assert client.get("/accounts/me/").status_code == 200  # this session passed
    device.refresh_from_db()
    assert device.confirmed
    assert kinds(organiser)[:3] == [Kind.OTP_FAILED, Kind.OTP_ENROLLED, Kind.SESSIONS_ENDED]
    assert "Two-step verification is on" in client.get(ENROL).content.decode()


def test_replacing_the_app_drops_the_old_one_and_the_old_recovery_codes(organiser, draft_contest, web):
    old = confirmed_device(organiser)
    StaticToken.objects.create(
        device=StaticDevice.objects.create(user=organiser, name="recovery"), token="oldcode1"
    )
    client = web(organiser)
    client.get(ENROL + "?replace=1")
    new = TOTPDevice.objects.get(user=organiser, confirmed=False)
    assert client.post(ENROL, {"code": code_now(new), "replace": "1"}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=organiser)) == [new]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert not StaticToken.objects.filter(token="oldcode1").exists()


def test_new_recovery_codes_replace_the_old_ones(applicant, web):
    device = confirmed_device(applicant)
    client = web(applicant)
    client.post(CODES)
    first = recovery_codes(client.get(CODES).content.decode())
    client.post(CODES)
    second = recovery_codes(client.get(CODES).content.decode())
    assert len(first) == len(second) == 10 and not set(first) & set(second)
    assert otp.check_code(applicant, first[0]).device is None
    assert otp.check_code(applicant, second[0]).device is not None
    assert device.pk and otp.recovery_codes_left(applicant) == 9


# --- logging in -----------------------------------------------------------------------------------


def test_login_with_an_app_stops_for_the_code_then_logs_in(organiser, draft_contest):
    device = confirmed_device(organiser)
    client = Client()
    r = password_login(client, organiser, next="/accounts/me/")
    assert r.status_code == 302 and r["Location"] == VERIFY
    assert "_auth_user_id" not in client.session  # not logged in before the code
    assert client.get("/accounts/me/").status_code == 302
    wrong = client.post(VERIFY, {"code": "999999" if code_now(device) != "999999" else "888888"})
    assert wrong.status_code == 200 and "This code is not right" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    r = client.post(VERIFY, {"code": code_now(device)})
    assert r.status_code == 302 and r["Location"] == "/accounts/me/"
    assert client.session["_auth_user_id"] == str(organiser.pk)
    assert client.get("/accounts/me/").status_code == 200
    assert Kind.OTP_FAILED in kinds(organiser) and Kind.LOGIN_SUCCEEDED in kinds(organiser)


def test_a_recovery_code_logs_in_once(applicant):
    confirmed_device(applicant)
    codes = otp.regenerate_recovery_codes(None, applicant)
    client = Client()
    password_login(client, applicant)
    r = client.post(VERIFY, {"code": codes[0].upper()})
    assert r.status_code == 302 and client.session["_auth_user_id"] == str(applicant.pk)
    assert Kind.RECOVERY_CODE_USED in kinds(applicant)
    again = Client()
    password_login(again, applicant)
    assert again.post(VERIFY, {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in again.session


def test_a_person_without_an_app_logs_in_with_the_password_alone(applicant):
    client = Client()
    r = password_login(client, applicant)
    assert r.status_code == 302 and r["Location"] != VERIFY
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_the_code_step_expires(applicant, settings):
    device = confirmed_device(applicant)
    client = Client()
    password_login(client, applicant)
    settings.OTP_LOGIN_SECONDS = -1
    r = client.post(VERIFY, {"code": code_now(device)})
    assert r.status_code == 302 and r["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_wrong_codes_are_throttled_with_a_message(applicant, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = confirmed_device(applicant)
    client = Client()
    password_login(client, applicant)
    right = code_now(device)
    client.post(VERIFY, {"code": "000000" if right != "000000" else "111111"})
    r = client.post(VERIFY, {"code": right})  # right, but too soon after a wrong one
    assert r.status_code == 200 and "Too many wrong codes. Wait" in r.content.decode()
    assert "_auth_user_id" not in client.session


# --- removing it; staff resetting it ----------------------------------------------------------------


def test_an_applicant_may_turn_it_off_an_organiser_may_not(applicant, organiser, draft_contest, web):
    confirmed_device(applicant)
    client = web(applicant)
    assert client.get("/accounts/two-step/remove/").status_code == 200
    assert client.post("/accounts/two-step/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=applicant).exists()
    assert Kind.OTP_REMOVED in kinds(applicant)

    confirmed_device(organiser)
    assert web(organiser).post("/accounts/two-step/remove/").status_code == 403
    assert TOTPDevice.objects.filter(user=organiser).exists()


def test_staff_reset_someones_second_factor(staff, organiser, draft_contest, web):
    confirmed_device(organiser)
    url = f"/accounts/people/{organiser.pk}/two-step/reset/"
    assert web(staff).get(url).status_code == 200
    assert web(staff).post(url).status_code == 302
    assert not TOTPDevice.objects.filter(user=organiser).exists()
    event = SecurityEvent.objects.get(user=organiser, kind=Kind.OTP_RESET)
    assert event.actor == staff
    # The organiser's next page asks them to set it up again.
    organiser.refresh_from_db()  # their sessions ended: a new one
    assert unverified(organiser).get("/accounts/me/")["Location"].startswith(ENROL)


def test_only_staff_reset_a_second_factor(organiser, draft_contest, applicant, web):
    confirmed_device(applicant)
    url = f"/accounts/people/{applicant.pk}/two-step/reset/"
    assert web(organiser).post(url).status_code == 403
    assert web(applicant).post(url).status_code == 403
    assert TOTPDevice.objects.filter(user=applicant).exists()
