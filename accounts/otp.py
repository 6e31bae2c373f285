"""The second factor (issue 16, point 2): a code from an authenticator app (TOTP, django-otp) or
one of ten recovery codes.

Who must use it: staff, organisers (the group Organisers, or an organiser of any contest) and grant
officers — the people who decide and move money (`must_verify`). Until such a person has verified
a code in this session, TwoStepMiddleware sends every page of theirs to the enrolment or the code
page, and the API refuses their changes (accounts.api.otp). Everyone else may turn it on.

A login with a password stops before the session is made when the person has a device: the code
page finishes it (accounts.otp_views). Wrong codes are throttled by django-otp's devices
(1, 2, 4, 8… seconds after each failure, OTP_TOTP_THROTTLE_FACTOR)."""

from __future__ import annotations

import math
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.db import transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import security_log
from accounts.models import ORGANISERS_GROUP, User

Kind = security_log.Kind
# Contest roles that move money or decide (values of contests' ContestRole.Role: accounts imports
# no contests code).
PRIVILEGED_CONTEST_ROLES = ("organiser", "grant_officer")
RECOVERY_CODES = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"


# --- who ------------------------------------------------------------------------------------------


def must_verify(user) -> bool:
    """Staff, organisers and grant officers: the second factor is required of them (one query,
    none for staff and anonymous people)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    known = getattr(user, PRIVILEGED_ANNOTATION, None)  # loaded with the user (accounts.tokens.find)
    if known is not None:
        return known
    table = User._meta.db_table
    held = User.objects.filter(pk=user.pk).annotate(held=holds_privileged_role(f'"{table}"."id"'))
    return bool(held.values_list("held", flat=True).first())


# Set on a user loaded with `holds_privileged_role` (True/False), so must_verify asks nothing more.
PRIVILEGED_ANNOTATION = "holds_privileged_role"


def holds_privileged_role(user_column: str) -> RawSQL:
    """The condition that the user whose id is in `user_column` (a quoted column of the query it
    annotates) organises or hands out money: a privileged contest role or the group Organisers.

    Written as SQL rather than two Exists(): it is asked on every API write and every page of a
    signed-in person, and compiling two subqueries cost more than running them (≈ 2 ms a request)."""
    roles = User._meta.get_field("contest_roles").related_model._meta.db_table
    memberships = User.groups.through._meta.db_table
    groups = User.groups.field.related_model._meta.db_table
    listed = ", ".join(["%s"] * len(PRIVILEGED_CONTEST_ROLES))
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {roles} r WHERE r.user_id = {user_column} AND r.role IN ({listed})) "
        f"OR EXISTS (SELECT 1 FROM {memberships} ug JOIN {groups} g ON g.id = ug.group_id "
        f"WHERE ug.user_id = {user_column} AND g.name = %s)",
        (*PRIVILEGED_CONTEST_ROLES, ORGANISERS_GROUP),
        output_field=BooleanField(),
    )


def app_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if any."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_verified(request: HttpRequest) -> bool:
    """This session passed the second factor (django-otp's OTPMiddleware sets it up)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- setting it up, replacing, removing -----------------------------------------------------------


def pending_device(user: User) -> TOTPDevice:
    """The not yet confirmed device being set up (the same one until confirmed, so a reload shows
    the same QR code)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in (base32, in groups of four)."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice, title: str) -> str:
    """The otpauth:// link as an inline SVG QR code (no script, no style, no data: URL)."""
    import segno

    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", title=title)


def confirm_device(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending device with its first code: it replaces any earlier app, new recovery
    codes replace the old ones, this session counts as verified, other sessions and tokens end.
    Returns the recovery codes (shown once), or None when the code is wrong (or came too soon
    after a wrong one: see wait_seconds)."""
    if wait_seconds(device) or not device.verify_token(_digits(code)):
        security_log.record(Kind.OTP_FAILED, request=request, user=device.user, step="enrolment")
        return None
    user = device.user
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
        security_log.record(Kind.OTP_ENROLLED, request=request, user=user)
    django_otp.login(request, device)
    after_second_factor_change(request, user)
    return codes


def regenerate_recovery_codes(request: HttpRequest, user: User) -> list[str]:
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        security_log.record(Kind.OTP_ENROLLED, request=request, user=user, recovery_codes="regenerated")
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove_devices(user: User, *, request: HttpRequest | None = None, by: User | None = None) -> int:
    """Remove every device of the person: by themself (OTP_REMOVED) or by staff (OTP_RESET). A
    privileged person then sets it up again at their next page."""
    with transaction.atomic():
        count = TOTPDevice.objects.filter(user=user).delete()[0]
        count += StaticDevice.objects.filter(user=user).delete()[0]
        kind = Kind.OTP_RESET if by is not None and by.pk != user.pk else Kind.OTP_REMOVED
        security_log.record(kind, request=request, user=user, actor=by if kind == Kind.OTP_RESET else None)
    if request is not None:
        after_second_factor_change(request, user)
    return count


def after_second_factor_change(request: HttpRequest, user: User) -> None:
    """Changing the second factor ends the person's other sessions and API tokens (point 6); the
    request's own session stays when it is theirs."""
    from accounts.sessions import end_other_sessions_and_tokens

    end_other_sessions_and_tokens(user, request=request)


# --- checking a code --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """The outcome of a code: the device that accepted it, or how long to wait (throttled)."""

    device: TOTPDevice | StaticDevice | None = None
    wait_seconds: int = 0

    @property
    def is_recovery_code(self) -> bool:
        return isinstance(self.device, StaticDevice)


def _digits(code: str) -> str:
    return "".join(str(code or "").split())


def wait_seconds(device: TOTPDevice | StaticDevice) -> int:
    """How long the device refuses codes after wrong ones (0: it takes one now)."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    until = (info or {}).get("locked_until") or timezone.now()
    return max(1, math.ceil((until - timezone.now()).total_seconds()))


def wait_message(seconds: int) -> str:
    return ngettext(
        "Too many wrong codes. Wait %(seconds)d second and try again.",
        "Too many wrong codes. Wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def check_code(user: User, code: str, *, request: HttpRequest | None = None) -> Check:
    """A 6-digit code from the app, or a recovery code (used up). A wrong one is logged and
    counts towards the device's throttle; while throttled no code is tried."""
    code = _digits(code).lower()
    if code.isdigit():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    for device in devices:
        if wait := wait_seconds(device):
            return Check(wait_seconds=wait)
        accepted = django_otp.verify_token(user, device.persistent_id, code) if code else None
        if accepted is not None:
            if isinstance(accepted, StaticDevice):
                security_log.record(Kind.RECOVERY_CODE_USED, request=request, user=user)
            return Check(device=accepted)
    security_log.record(Kind.OTP_FAILED, request=request, user=user)
    return Check()


# --- enforcement on pages ---------------------------------------------------------------------------

# Pages an unverified privileged person may still open: the two-step pages themselves, logging in
# and out, password reset, the language switch, and everything that is not a page of ours.
ALLOWED_PREFIXES = ("/api/", "/static/", "/i18n/", "/csp-report/", "/favicon")
ALLOWED_VIEWS = frozenset(
    {
        "accounts:two_step",
        "accounts:two_step_verify",
        "accounts:two_step_codes",
        "accounts:login",
        "accounts:logout",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "set_language",
    }
)


class TwoStepMiddleware:
    """After OTPMiddleware: a privileged person whose session has not passed the second factor is
    sent to set it up or to enter a code, whatever page they ask for (then back, for a GET)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if request.path.startswith(ALLOWED_PREFIXES) or not request.user.is_authenticated:
            return None
        if request.resolver_match.view_name in ALLOWED_VIEWS or is_verified(request):
            return None
        return redirect_to_two_step(request) if must_verify(request.user) else None


def redirect_to_two_step(request: HttpRequest) -> HttpResponseRedirect:
    """To the code page when the person has a device, else to setting one up; `next` is the page
    asked for (a GET), or the page the form was on (any other method)."""
    name = "accounts:two_step_verify" if has_device(request.user) else "accounts:two_step"
    target = request.get_full_path() if request.method in ("GET", "HEAD") else _referer_path(request)
    url = reverse(name)
    return HttpResponseRedirect(f"{url}?{urlencode({'next': target})}" if target else url)


def _referer_path(request: HttpRequest) -> str:
    from urllib.parse import urlsplit

    referer = urlsplit(request.META.get("HTTP_REFERER", ""))
    if referer.netloc and referer.netloc != request.get_host():
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


# --- the login step between the password and the session ------------------------------------------

PENDING_KEY = "two_step_pending"


def begin_login(request: HttpRequest, user: User, next_url: str) -> HttpResponseRedirect:
    """The password was right and the person has a device: remember who, not yet logged in, and
    ask for the code. The pending login lasts OTP_LOGIN_SECONDS."""
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", settings.AUTHENTICATION_BACKENDS[-1]),
        "at": timezone.now().timestamp(),
        "next": next_url,
    }
    return HttpResponseRedirect(reverse("accounts:two_step_verify"))


def pending_login(request: HttpRequest) -> tuple[User | None, dict]:
    """The person whose password was right a moment ago, if the pending login has not expired."""
    pending = request.session.get(PENDING_KEY) or {}
    if not pending:
        return None, {}
    if timezone.now().timestamp() - pending.get("at", 0) > settings.OTP_LOGIN_SECONDS:
        del request.session[PENDING_KEY]
        return None, {}
    user = User.objects.filter(pk=pending.get("user"), is_active=True).first()
    return user, pending
