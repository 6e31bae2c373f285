"""The web door onto webhooks: an owner's list with the form for a new endpoint, an endpoint's
page (settings, delivery log, test, rotate the secret, enable, delete). The secret shows once,
in the answer that made it; the API does the same through webhooks/api/."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Organisation
from contests.models import Contest
from core.web import add_errors
from webhooks import services
from webhooks.forms import EndpointForm
from webhooks.models import Endpoint
from webhooks.selectors import contest_endpoints as endpoints_of_contest
from webhooks.selectors import deliveries_of, endpoints_visible_to
from webhooks.selectors import organisation_endpoints as endpoints_of_organisation


def _owner_page(request: HttpRequest, owner, endpoints, back_url: str) -> HttpResponse:
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.create_endpoint(owner, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _show_secret(request, endpoint, secret, created=True)
    return render(
        request,
        "webhooks/list.html",
        {"owner": owner, "endpoints": endpoints, "form": form, "back_url": back_url},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_endpoints(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("webhooks.manage_organisation_webhooks", organisation):
        raise PermissionDenied(_("Only the organisation's administrators manage its webhooks."))
    back = reverse("accounts:organisation", args=[pk])
    return _owner_page(request, organisation, endpoints_of_organisation(organisation), back)


@login_required
def contest_endpoints(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(Contest, pk=pk)
    if not request.user.has_perm("webhooks.manage_contest_webhooks", contest):
        raise PermissionDenied(_("Only the contest's organisers manage its webhooks."))
    return _owner_page(request, contest, endpoints_of_contest(contest), reverse("contests:manage", args=[pk]))


def _endpoint(request: HttpRequest, pk: int) -> Endpoint:
    try:
        return endpoints_visible_to(request.user).get(pk=pk)
    except Endpoint.DoesNotExist:
        raise Http404 from None


def _show_secret(request: HttpRequest, endpoint: Endpoint, secret: str, *, created: bool) -> HttpResponse:
    return render(
        request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "created": created}
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    initial = {"url": endpoint.url, "description": endpoint.description, "events": endpoint.events}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_endpoint(endpoint, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The endpoint was saved."))
            return redirect("webhooks:detail", pk=pk)
    page = Paginator(deliveries_of(endpoint), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/detail.html",
        {"endpoint": endpoint, "form": form, "page": page, "owner": endpoint.owner},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def send_test(request: HttpRequest, pk: int) -> HttpResponse:
    services.send_test(_endpoint(request, pk))
    messages.success(request, _("A test event was sent. Its outcome is in the delivery log."))
    return redirect("webhooks:detail", pk=pk)


@login_required
@require_POST
def rotate_secret(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    return _show_secret(request, endpoint, services.rotate_secret(endpoint), created=False)


@login_required
@require_POST
def enable(request: HttpRequest, pk: int) -> HttpResponse:
    services.enable_endpoint(_endpoint(request, pk))
    messages.success(request, _("The endpoint is enabled again."))
    return redirect("webhooks:detail", pk=pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = _endpoint(request, pk)
    owner = endpoint.owner
    services.delete_endpoint(endpoint)
    messages.success(request, _("The endpoint was deleted."))
    if isinstance(owner, Organisation):
        return redirect("webhooks:organisation", pk=owner.pk)
    return redirect("webhooks:contest", pk=owner.pk)
