"""Web pages of the e-services catalogue.

Public: the catalogue with search by text, region and category; a service's page. An
organisation's members: its list, a service's form with the yearly figures. Organisers and
staff: totals by region with CSV and XLSX export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.models import Organisation
from core import exports as sheets
from core.web import add_errors
from eservices import exports, selectors, services
from eservices.filters import EServiceFilter
from eservices.forms import EServiceForm, YearForm
from eservices.models import EService

PAGE_SIZE = 20


# --- public ---------------------------------------------------------------------------------------


@require_safe
def catalogue(request: HttpRequest) -> HttpResponse:
    filters = EServiceFilter(request.GET or None, queryset=selectors.catalogue())
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "eservices/catalogue.html",
        {"filters": filters, "page_obj": page, "query": query.urlencode(), "searched": bool(request.GET)},
        status=400 if filters.errors else 200,
    )


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    service = get_object_or_404(selectors.with_list_data(selectors.visible_to(request.user)), pk=pk)
    return render(
        request,
        "eservices/detail.html",
        {"service": service, "can_change": request.user.has_perm("eservices.change_eservice", service)},
    )


# --- the organisation's members ---------------------------------------------------------------------


def _organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not request.user.has_perm("eservices.add_eservice", organisation):
        raise PermissionDenied(_("Only the organisation's members keep its list of e-services."))
    return organisation


def _own_service(request: HttpRequest, pk: int) -> EService:
    """404 for a service the person may not see, 403 for one they see but may not change."""
    service = get_object_or_404(
        selectors.visible_to(request.user).select_related("organisation", "category"), pk=pk
    )
    if not request.user.has_perm("eservices.change_eservice", service):
        raise PermissionDenied(_("Only the organisation's members change its e-services."))
    return service


@login_required
@require_safe
def organisation_services(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    return render(
        request,
        "eservices/organisation.html",
        {"organisation": organisation, "services": selectors.of_organisation(organisation)},
    )


@login_required
def create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = _organisation(request, pk)
    form = EServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.create_service(organisation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The e-service was added. Add how many people it helped per year."))
            return redirect("eservices:edit", pk=service.pk)
    return render(
        request,
        "eservices/form.html",
        {"organisation": organisation, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    service = _own_service(request, pk)
    form = EServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_service(service, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The e-service was saved."))
            return redirect("eservices:edit", pk=service.pk)
    return _edit_page(request, service, form, YearForm())


def _edit_page(
    request: HttpRequest, service: EService, form: EServiceForm, year_form: YearForm
) -> HttpResponse:
    if not form.is_bound:
        form = EServiceForm(instance=service)
    return render(
        request,
        "eservices/form.html",
        {
            "organisation": service.organisation,
            "service": service,
            "form": form,
            "year_form": year_form,
            "years": selectors.years_of(service),
        },
        status=400 if form.errors or year_form.errors else 200,
    )


@login_required
@require_POST
def add_year(request: HttpRequest, pk: int) -> HttpResponse:
    service = _own_service(request, pk)
    year_form = YearForm(request.POST)
    if year_form.is_valid():
        try:
            services.set_year(service, **year_form.cleaned_data)
        except ValidationError as error:
            add_errors(year_form, error)
        else:
            messages.success(request, _("The figure for %(year)s was saved.") % year_form.cleaned_data)
            return redirect("eservices:edit", pk=service.pk)
    return _edit_page(request, service, EServiceForm(instance=service), year_form)


@login_required
@require_POST
def delete_year(request: HttpRequest, pk: int, year_pk: int) -> HttpResponse:
    service = _own_service(request, pk)
    figure = get_object_or_404(service.years.all(), pk=year_pk)
    services.delete_year(figure)
    messages.success(request, _("The figure for %(year)s was deleted.") % {"year": figure.year})
    return redirect("eservices:edit", pk=service.pk)


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    service = _own_service(request, pk)
    organisation_pk = service.organisation_id
    services.delete_service(service)
    messages.success(request, _("The e-service was deleted."))
    return redirect("eservices:organisation", pk=organisation_pk)


# --- organisers ---------------------------------------------------------------------------------------


def _may_see_totals(request: HttpRequest) -> None:
    if not request.user.has_perm("eservices.view_totals"):
        raise PermissionDenied(_("Totals by region are for organisers."))


@login_required
@require_safe
def totals(request: HttpRequest) -> HttpResponse:
    _may_see_totals(request)
    rows, years = selectors.totals_by_region()
    overall = {
        "services": sum(row.services for row in rows),
        "organisations": sum(row.organisations for row in rows),
        "people": [sum(row.people_by_year.get(year, 0) for row in rows) for year in years],
        "people_total": sum(row.people_total for row in rows),
    }
    for row in rows:
        row.people = [row.people_by_year.get(year, 0) for year in years]
    return render(request, "eservices/totals.html", {"rows": rows, "years": years, "overall": overall})


@login_required
@require_safe
def totals_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _may_see_totals(request)
    sheet = exports.TotalsSheet.build()
    if fmt == "csv":
        return sheets.csv_sheet_response(sheet, exports.filename("csv"))
    if fmt == "xlsx":
        return sheets.xlsx_sheet_response(sheet, exports.filename("xlsx"), _("E-services"))
    raise Http404
