"""Personal data pages (issue 16, point 8): download my data, ask for erasure, and the staff's
list of erasure requests. The work is accounts.privacy's; these pages only ask and tell."""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import privacy
from accounts.models import ErasureRequest
from core.web import add_errors


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class RefusalForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why not (the person reads it)"), widget=forms.Textarea)


def data_response(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """GET: what the download holds; POST: the JSON file (a POST, so no link prefetch logs one)."""
    if request.method == "POST":
        data = privacy.export_personal_data(request.user, request=request)
        return data_response(data, f"konkurs-my-data-{localtime():%Y%m%d}.json")
    return render(request, "accounts/privacy_data.html", {"sections": list(privacy.SECTIONS)})


@login_required
def erase_me(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST or None)
    pending = request.user.erasure_requests.filter(state=ErasureRequest.State.REQUESTED).first()
    if request.method == "POST" and form.is_valid():
        try:
            asked = privacy.request_erasure(
                request.user, password=form.cleaned_data["password"], request=request
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            asked.refresh_from_db()
            if asked.state == ErasureRequest.State.DONE:  # nothing to keep: erased at once
                logout(request)
                messages.success(request, _("Your personal data was erased and your account closed."))
                return redirect("home")
            messages.success(
                request,
                _("Your request was sent to the staff. They will erase your data or tell you why not."),
            )
            return redirect("accounts:erase_me")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/privacy_erase.html",
        {"form": form, "pending": pending, "holds_records": privacy.holds_records(request.user)},
        status=status,
    )


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.handle_erasure"):
        raise PermissionDenied(_("Only staff handle erasure requests."))


@login_required
def erasure_requests(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    requests = ErasureRequest.objects.select_related("user", "handled_by")
    return render(
        request,
        "accounts/privacy_requests.html",
        {
            "open": requests.filter(state=ErasureRequest.State.REQUESTED).order_by("requested_at"),
            "handled": requests.exclude(state=ErasureRequest.State.REQUESTED)[:50],
            "refusal_form": RefusalForm(),
        },
    )


@login_required
@require_POST
def erasure_erase(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    asked = get_object_or_404(ErasureRequest, pk=pk, state=ErasureRequest.State.REQUESTED)
    try:
        privacy.erase_person(asked.user, by=request.user, request=request)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The person's data was erased."))
    return redirect("accounts:erasure_requests")


@login_required
@require_POST
def erasure_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_only(request)
    asked = get_object_or_404(ErasureRequest, pk=pk, state=ErasureRequest.State.REQUESTED)
    form = RefusalForm(request.POST)
    if form.is_valid():
        try:
            privacy.refuse_erasure(asked, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The request was refused; the person sees why."))
    else:
        messages.error(request, _("Say why: the person reads it."))
    return redirect("accounts:erasure_requests")
