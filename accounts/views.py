"""Web pages of the accounts app: sign-up, login, profile, organisations, invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from accounts import lockout, otp, selectors, services
from accounts.forms import (
    EmailAuthenticationForm,
    InvitationAccountForm,
    InviteForm,
    OrganisationForm,
    OrganiserAddForm,
    OrganiserInviteForm,
    ProfileForm,
    RoleInviteForm,
    SignUpForm,
)
from accounts.models import Invitation, User
from core import clock
from core.web import add_errors
from notifications.forms import EmailPreferencesForm


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def remember_language(response: HttpResponse, language: str) -> HttpResponse:
    """Keep the person's language in the language cookie (core.locale reads it on every page)."""
    if language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
    return response


class LoginView(auth_views.LoginView):
    """Logging in; the profile's language wins from then on (it goes into the language cookie)."""

    form_class = EmailAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        if otp.has_device(form.get_user()):  # the password was right; the code finishes it (otp_views)
            return otp.begin_login(self.request, form.get_user(), self.get_success_url())
        lockout.login_succeeded(self.request, form.get_user())
        return remember_language(super().form_valid(form), form.get_user().language)

    def form_invalid(self, form):
        """A failed login is logged; a locked one answers 429 saying when to try again (axes refused it
        before checking the password, so a right password changes nothing)."""
        email = form.data.get("username", "")
        if not email or not form.data.get("password"):
            return super().form_invalid(form)
        wait = lockout.login_failed(self.request, email)
        if wait is None:
            return super().form_invalid(form)
        form.errors[NON_FIELD_ERRORS] = form.error_class([lockout.wait_message(wait)])
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(wait)
        return response


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language form (/i18n/setlang/), and a logged-in person's profile remembers it too."""
    response = i18n_views.set_language(request)
    code = request.POST.get("language", "")
    chosen = request.method == "POST" and code in dict(settings.LANGUAGES)
    if chosen and request.user.is_authenticated:
        services.choose_language(request.user, code)
    return response


def sign_up(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignUpForm(request.POST or None, initial={"email": _invited_email(next_url)})
    if request.method == "POST" and form.is_valid():
        # The same page whether or not the address has an account (its owner gets an e-mail then);
        # the account works once the e-mailed link is followed, and `next` comes after it.
        if (wait := lockout.limit(request, "sign_up", form.cleaned_data["email"])) is not None:
            form.add_error(None, lockout.wait_message(wait))
            return render(request, "accounts/signup.html", {"form": form, "next": next_url}, status=429)
        language = get_language() if get_language() in dict(settings.LANGUAGES) else ""
        try:
            email = services.sign_up_to_confirm(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=language,
                next_url=next_url,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return render(request, "accounts/signup_sent.html", {"email": email})
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def _invited_email(next_url: str) -> str:
    """When signing up to accept an invitation, offer the invited address."""
    try:
        match = resolve(next_url) if next_url else None
    except Resolver404:
        return ""
    if match is None or match.view_name != "accounts:invitation":
        return ""
    invitation = Invitation.objects.filter(token=match.kwargs.get("token", "")).first()
    return invitation.email if invitation and invitation.is_usable else ""


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        messages.success(request, _("Your profile was saved."))
        return remember_language(redirect("accounts:profile"), user.language)
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": selectors.memberships_of(request.user),
            "roles": request.user.contest_roles.select_related("contest").order_by("contest__title", "role"),
            "email_form": EmailPreferencesForm(user=request.user),
        },
    )


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    memberships = selectors.memberships_of(request.user)
    return render(request, "accounts/organisation_list.html", {"memberships": memberships})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    """Register a library; with a safe `next` (e.g. the application the person was starting),
    go back there afterwards."""
    next_url = _safe_next(request)
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.register_organisation(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The organisation was registered. You are its administrator."))
            return redirect(next_url or reverse("accounts:organisation", args=[organisation.pk]))
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": None, "next": next_url}
    )


def _organisation(request: HttpRequest, pk: int, perm: str | None = None):
    organisation = get_object_or_404(selectors.organisations_visible_to(request.user), pk=pk)
    if perm and not request.user.has_perm(perm, organisation):
        raise PermissionDenied(_("Only the organisation's administrators may do this."))
    return organisation


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    can_change = request.user.has_perm("accounts.change_organisation", organisation)
    can_invite = request.user.has_perm("accounts.invite_to_organisation", organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        _organisation_context(organisation, can_change, can_invite, InviteForm() if can_invite else None),
    )


def _organisation_context(organisation, can_change, can_invite, invite_form) -> dict:
    pending = []
    if can_invite:
        pending = organisation.invitations.filter(
            accepted_at__isnull=True, expires_at__gt=clock.now()
        ).order_by("-created_at")
    return {
        "organisation": organisation,
        "members": organisation.memberships.select_related("user").order_by("user__full_name"),
        "can_change": can_change,
        "can_invite": can_invite,
        "invite_form": invite_form,
        "pending": pending,
    }


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "accounts.change_organisation")
    form = OrganisationForm(request.POST or None, instance=_organisation(request, pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_organisation(organisation, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect("accounts:organisation", pk=pk)
    return render(request, "accounts/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_invite(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk, "accounts.invite_to_organisation")
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invite_colleague(
                organisation, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("An invitation was sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:organisation", pk=pk)
    can_change = request.user.has_perm("accounts.change_organisation", organisation)
    return render(
        request,
        "accounts/organisation_detail.html",
        _organisation_context(organisation, can_change, True, form),
        status=400,
    )


def invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation", "invited_by"), token=token
    )
    user = request.user
    matches = user.is_authenticated and user.email.lower() == invitation.email.lower()
    # Without an account for the invited address, the link itself lets them set a password here.
    account_form = None
    if (
        not user.is_authenticated
        and invitation.is_usable
        and not User.objects.filter(email__iexact=invitation.email).exists()
    ):
        account_form = InvitationAccountForm(
            request.POST or None, initial={"full_name": invitation.full_name}
        )
    if request.method == "POST":
        if not user.is_authenticated and account_form is None:
            return redirect_to_login(request.get_full_path())
        if account_form is not None:
            if account_form.is_valid():
                try:
                    new_user, _accepted = services.accept_invitation_by_token(
                        token,
                        password=account_form.cleaned_data["password1"],
                        full_name=account_form.cleaned_data["full_name"],
                        language=get_language() if get_language() in dict(settings.LANGUAGES) else "",
                    )
                except ValidationError as error:
                    _account_errors(account_form, error)
                else:
                    login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                    return _accepted_redirect(request, invitation)
        else:
            try:
                services.accept_invitation(invitation, user=user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                return redirect("accounts:invitation", token=token)
            return _accepted_redirect(request, invitation)
    already_member = (
        user.is_authenticated
        and invitation.organisation_id is not None
        and invitation.organisation.memberships.filter(user=user).exists()
    )
    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invitation,
            "matches": matches,
            "already_member": already_member,
            "usable": invitation.is_usable,
            "account_form": account_form,
        },
        status=400 if account_form is not None and account_form.errors else 200,
    )


def _account_errors(form: InvitationAccountForm, error: ValidationError) -> None:
    """The service names the new password `password`; the form `password1`."""
    if hasattr(error, "error_dict") and "password" in error.error_dict:
        form.add_error("password1", error.error_dict.pop("password"))
        if not error.error_dict:
            return
    add_errors(form, error)


def _accepted_redirect(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """Where a person goes once they accepted: what the invitation made them."""
    title = invitation.payload.get("title", "")
    Purpose = Invitation.Purpose
    if invitation.purpose == Purpose.ORGANISATION:
        messages.success(
            request, _("You joined %(organisation)s.") % {"organisation": invitation.organisation.name}
        )
        return redirect("accounts:organisation", pk=invitation.organisation_id)
    if invitation.purpose == Purpose.JURY:
        messages.success(request, _("You joined the jury of “%(contest)s”.") % {"contest": title})
        page = "review:queue"
    elif invitation.purpose == Purpose.GRANT_OFFICER:
        messages.success(request, _("You are now a grant officer of “%(contest)s”.") % {"contest": title})
        page = "grants:index"
    else:
        messages.success(request, _("You may now create and organise contests."))
        page = "contests:organise"
    # Pages of the apps above accounts, by name; home when one is not installed.
    try:
        return redirect(page)
    except NoReverseMatch:
        return redirect("home")


# --- organisers: staff add, remove and invite them -------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.manage_organisers"):
        raise PermissionDenied(_("Only staff may see and change who organises contests."))


def _organisers_page(
    request: HttpRequest, add_form=None, invite_form=None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "accounts/organisers.html",
        {
            "organisers": selectors.organisers(),
            "pending": selectors.pending_organiser_invitations(),
            "add_form": add_form or OrganiserAddForm(prefix="add"),
            "invite_form": invite_form or OrganiserInviteForm(prefix="invite"),
        },
        status=status,
    )


@login_required
def organisers(request: HttpRequest) -> HttpResponse:
    """Staff: who may create contests (the group Organisers); add an account, or invite a person."""
    _staff_only(request)
    if request.method != "POST":
        return _organisers_page(request)
    if "invite-email" in request.POST:
        form = OrganiserInviteForm(request.POST, prefix="invite")
        if form.is_valid():
            try:
                invitation = services.invite(
                    "organiser",
                    email=form.cleaned_data["email"],
                    full_name=form.cleaned_data["full_name"],
                    by=request.user,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request, _("An invitation was sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("accounts:organisers")
        return _organisers_page(request, invite_form=form, status=400)
    form = OrganiserAddForm(request.POST, prefix="add")
    if form.is_valid():
        try:
            user = services.user_by_email(form.cleaned_data["email"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            if services.add_organiser(user, by=request.user):
                messages.success(
                    request, _("%(person)s is now an organiser.") % {"person": user.display_name}
                )
            else:
                messages.info(
                    request, _("%(person)s is already an organiser.") % {"person": user.display_name}
                )
            return redirect("accounts:organisers")
    return _organisers_page(request, add_form=form, status=400)


@login_required
@require_POST
def organiser_remove(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    user = get_object_or_404(selectors.organisers(), pk=pk)
    services.remove_organiser(user, by=request.user)
    messages.success(request, _("%(person)s is no longer an organiser.") % {"person": user.display_name})
    return redirect("accounts:organisers")


# --- inviting a contest's jurors and grant officers (from the contest's people page) ---------------


@login_required
@require_POST
def invite_to_contest(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a person by e-mail to be a juror or a grant officer of contest `pk`; back to `next`."""
    roles = [services.INVITATION_ROLES[key] for key in ("juror", "grant_officer")]
    form = RoleInviteForm(request.POST, roles=roles)
    back = _safe_next(request) or "home"
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    role = services.INVITATION_ROLES[form.cleaned_data["role"]]
    try:
        target = services.find_invitation_target(role, user=request.user, pk=pk)
    except ValidationError:
        raise Http404 from None
    try:
        invitation = services.invite(
            role,
            email=form.cleaned_data["email"],
            full_name=form.cleaned_data["full_name"],
            by=request.user,
            target=target,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("An invitation to be “%(role)s” was sent to %(email)s.")
            % {"role": role.label, "email": invitation.email},
        )
    return redirect(back)


# --- confirming a signed-up e-mail address ---------------------------------------------------------


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link of an API sign-up's confirmation e-mail: a button (mail scanners that open links do
    not confirm), then the account works and its owner is logged in."""
    if request.method == "POST":
        try:
            user = services.confirm_email(token)
        except ValidationError as error:
            return render(
                request, "accounts/confirm_email.html", {"errors": error.messages, "token": token}, status=400
            )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your e-mail address is confirmed. Welcome!"))
        if next_url := _safe_next(request):  # the page the person was on when signing up
            return remember_language(redirect(next_url), user.language)
        messages.info(request, _("Now register your library or organisation, or join one by invitation."))
        return remember_language(redirect("accounts:organisation_new"), user.language)
    return render(request, "accounts/confirm_email.html", {"token": token})
