"""Open data of results and grants on the web (awards.opendata): public, without login.
The API serves the same documents (awards.api.opendata)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from awards import opendata, selectors
from contests.models import Contest
from core.exports import csv_sheet_response

PUBLIC_CACHE = "public, max-age=300"


def _contest(pk: int) -> Contest:
    """Nothing before the announcement: as for the results page, the contest does not exist."""
    return get_object_or_404(selectors.announced_contests(), pk=pk)


def _json(document: dict, filename: str) -> HttpResponse:
    response = HttpResponse(opendata.dumps(document), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = PUBLIC_CACHE
    response["Access-Control-Allow-Origin"] = "*"  # open data: any site's scripts may read it
    return response


def _csv(grants, filename: str) -> HttpResponse:
    response = csv_sheet_response(opendata.GrantsSheet(grants), filename)
    response["Cache-Control"] = PUBLIC_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def page(request: HttpRequest) -> HttpResponse:
    """What is published, in which format, under which licence, with the links."""
    return render(
        request,
        "awards/open_data.html",
        {
            "licence": opendata.licence(),
            "version": opendata.FORMAT_VERSION,
            "columns": opendata.CSV_COLUMNS,
            "contests": selectors.announced_contests().order_by("-pk").only("pk", "title"),
        },
    )


@require_safe
def grants_json(request: HttpRequest) -> HttpResponse:
    return _json(opendata.package(selectors.open_data_grants()), "grants.json")


@require_safe
def grants_csv(request: HttpRequest) -> HttpResponse:
    return _csv(selectors.open_data_grants(), "grants.csv")


@require_safe
def contest_grants_json(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(pk)
    return _json(opendata.package(selectors.open_data_grants(contest), contest), f"grants-{contest.pk}.json")


@require_safe
def contest_grants_csv(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(pk)
    return _csv(selectors.open_data_grants(contest), f"grants-{contest.pk}.csv")


@require_safe
def schema(request: HttpRequest, version: int) -> HttpResponse:
    if version != 1:
        raise Http404
    response = HttpResponse(
        opendata.SCHEMA_FILE.read_bytes(), content_type="application/schema+json; charset=utf-8"
    )
    response["Cache-Control"] = PUBLIC_CACHE
    response["Access-Control-Allow-Origin"] = "*"
    return response
