"""The second factor in tests (accounts.otp).

Every test's `force_login` gives a session that passed the second factor, as after the code page
(tests/conftest.py puts `verified_force_login` in Client's place): staff, organisers and grant
officers need one for every page. Tests of the second factor itself log in with
`unverified_force_login`, or through the real login and code pages."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

_force_login = Client.force_login  # Django's own, before the conftest replaces it


def confirmed_device(user) -> TOTPDevice:
    """The person's confirmed authenticator app (made on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    """The app's code at this moment. The device forgets the last code used, so a test may log
    the same person in twice within one 30-second step (a real app would show the same code)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1, throttling_failure_count=0)
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):0{device.digits}d}"


def verified_force_login(client: Client, user, backend: str | None = None) -> None:
    """Log in as after a right code: the session names the person's device (as django_otp.login
    does)."""
    device = confirmed_device(user)
    _force_login(client, user, backend)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def unverified_force_login(client: Client, user, backend: str | None = None) -> None:
    """Log in with the password only: no second factor in this session."""
    _force_login(client, user, backend)
