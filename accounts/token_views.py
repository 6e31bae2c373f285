"""Web pages for API tokens: a person's own (/accounts/me/tokens/), and staff's view of anyone's
(/accounts/people/<id>/tokens/). The raw key is shown once, on the answer that created it."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxValueValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts import tokens
from accounts.models import ApiToken, User


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("Say where you use it, e.g. “reporting script”."),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("What it may do"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=gettext_lazy("Read only, or change things only as one of your roles."),
    )
    days = forms.IntegerField(label=gettext_lazy("Valid for (days)"), min_value=1)

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["days"].initial = settings.API_TOKEN_DAYS
        self.fields["days"].validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        self.fields["days"].widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if tokens.name_in_use(self.user, name):
            raise forms.ValidationError(_("You already have a token with this name."))
        return name


def session_verified(request: HttpRequest) -> bool:
    """Whether this session passed a second factor (django-otp marks the user)."""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(callable(is_verified) and is_verified())


def _page(request: HttpRequest, person: User, form: TokenForm | None, new_key: str = "") -> HttpResponse:
    return render(
        request,
        "accounts/tokens.html",
        {
            "person": person,
            "own": person.pk == request.user.pk,
            "tokens": tokens.tokens_of(person),
            "form": form,
            "new_key": new_key,
        },
    )


@never_cache  # the answer that shows a new key must not stay in any cache
@login_required
def my_tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        token, key = tokens.issue(
            request.user,
            name=form.cleaned_data["name"],
            scopes=[form.cleaned_data["scope"]],
            days=form.cleaned_data["days"],
            verified=session_verified(request),
            request=request,
        )
        messages.success(request, _("The token “%(name)s” was created.") % {"name": token.name})
        return _page(request, request.user, TokenForm(user=request.user), new_key=key)
    return _page(request, request.user, form)


@login_required
def person_tokens(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff: one person's tokens, to revoke them."""
    if not request.user.has_perm("accounts.revoke_any_token"):
        raise PermissionDenied
    return _page(request, get_object_or_404(User, pk=pk), None)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The owner revokes their token, or staff anyone's; another person's answers 404."""
    token = get_object_or_404(tokens.tokens_visible_to(request.user), pk=pk)
    if tokens.revoke(token, by=request.user, request=request):
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    if token.user_id == request.user.pk:
        return redirect("accounts:tokens")
    return redirect("accounts:person_tokens", pk=token.user_id)
