"""Pages of the second factor (accounts.otp): setting up an authenticator app, recovery codes,
the code at login, removing it (people who may go without), and staff resetting someone's."""

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import lockout, otp
from accounts.models import User
from accounts.otp_forms import CodeForm, EnrolForm
from accounts.views import _safe_next, remember_language

# The recovery codes just made, shown once by the codes page and then dropped from the session.
CODES_KEY = "two_step_new_codes"


def _with_next(name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@login_required
def two_step(request: HttpRequest) -> HttpResponse:
    """The person's second factor: its state, or setting up an app (also to replace one)."""
    user = request.user
    next_url = _safe_next(request)
    device = otp.app_device(user)
    if device is not None and not otp.is_verified(request):
        return redirect(_with_next("accounts:two_step_verify", next_url))  # the code first
    replacing = request.GET.get("replace") == "1" or request.POST.get("replace") == "1"
    if device is not None and not replacing:
        return render(
            request,
            "accounts/otp_status.html",
            {
                "device": device,
                "codes_left": otp.recovery_codes_left(user),
                "may_remove": not otp.must_verify(user),
            },
        )
    pending = otp.pending_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if wait := otp.wait_seconds(pending):
            form.add_error("code", otp.wait_message(wait))
        elif (codes := otp.confirm_device(request, pending, form.cleaned_data["code"])) is None:
            form.add_error(
                "code", _("This code is not right. Check the time on your phone and try the new code.")
            )
        else:
            request.session[CODES_KEY] = codes
            messages.success(request, _("Two-step verification is on."))
            return redirect(_with_next("accounts:two_step_codes", next_url))
    return render(
        request,
        "accounts/otp_enrol.html",
        {
            "form": form,
            "qr": otp.qr_svg(pending, _("QR code to scan with your authenticator app")),
            "secret": otp.secret_of(pending),
            "next": next_url,
            "replacing": replacing,
            "required": otp.must_verify(user),
        },
    )


@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once (GET after setting up or regenerating); POST makes new ones
    (the old ones stop working)."""
    user = request.user
    if request.method == "POST":
        if not otp.has_device(user) or not otp.is_verified(request):
            return redirect("accounts:two_step")
        request.session[CODES_KEY] = otp.regenerate_recovery_codes(request, user)
        messages.success(request, _("New recovery codes were made; the old ones no longer work."))
        return redirect("accounts:two_step_codes")
    new_codes = request.session.pop(CODES_KEY, None)
    if not new_codes:
        return redirect("accounts:two_step")
    return render(request, "accounts/otp_codes.html", {"codes": new_codes, "next": _safe_next(request)})


def verify(request: HttpRequest) -> HttpResponse:
    """The code: after the password (a pending login), or to unlock a privileged session."""
    pending_user, pending = otp.pending_login(request)
    if request.user.is_authenticated:
        user, next_url = request.user, _safe_next(request)
        if otp.is_verified(request):
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        if not otp.has_device(user):
            return redirect(_with_next("accounts:two_step", next_url))
    elif pending_user is not None:
        user, next_url = pending_user, pending.get("next", "")
    else:
        messages.info(request, _("Log in again: the time to enter the code ran out."))
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = otp.check_code(user, form.cleaned_data["code"], request=request)
        if check.wait_seconds:
            form.add_error("code", otp.wait_message(check.wait_seconds))
        elif check.device is None:
            form.add_error(
                "code", _("This code is not right. Try the new code from the app, or a recovery code.")
            )
        else:
            return _verified(request, user, check, pending, next_url)
    return render(request, "accounts/otp_verify.html", {"form": form, "next": next_url})


def _verified(
    request: HttpRequest, user: User, check: otp.Check, pending: dict, next_url: str
) -> HttpResponse:
    response = redirect(next_url or settings.LOGIN_REDIRECT_URL)
    if not request.user.is_authenticated:  # the login the password began
        del request.session[otp.PENDING_KEY]
        lockout.login_succeeded(request, user, second_factor=type(check.device).__name__)
        login(request, user, backend=pending["backend"])
        response = remember_language(response, user.language)
    django_otp.login(request, check.device)
    if check.is_recovery_code:
        left = otp.recovery_codes_left(user)
        messages.warning(
            request,
            ngettext(
                "You used a recovery code; %(count)d is left. Make new ones on the two-step page.",
                "You used a recovery code; %(count)d are left. Make new ones on the two-step page.",
                left,
            )
            % {"count": left},
        )
    return response


@login_required
def remove(request: HttpRequest) -> HttpResponse:
    """Turning it off: for people it is not required of, after a code in this session."""
    user = request.user
    if otp.must_verify(user):
        raise PermissionDenied(
            _("Your role requires two-step verification; you may replace the app, not remove it.")
        )
    if not otp.has_device(user):
        return redirect("accounts:two_step")
    if not otp.is_verified(request):
        return redirect(_with_next("accounts:two_step_verify", reverse("accounts:two_step_remove")))
    if request.method == "POST":
        otp.remove_devices(user, request=request)
        messages.success(request, _("Two-step verification is off."))
        return redirect("accounts:two_step")
    return render(request, "accounts/otp_remove.html")


@login_required
def staff_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff remove a person's second factor (a lost phone, no recovery codes left)."""
    if not request.user.has_perm("accounts.reset_two_step"):
        raise PermissionDenied(_("Only staff may reset someone's two-step verification."))
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        otp.remove_devices(person, request=request, by=request.user)
        messages.success(
            request, _("Two-step verification of %(person)s was reset.") % {"person": person.display_name}
        )
        return redirect("accounts:two_step_reset", pk=person.pk)
    return render(
        request,
        "accounts/otp_reset.html",
        {"person": person, "has_device": otp.has_device(person), "required": otp.must_verify(person)},
    )
