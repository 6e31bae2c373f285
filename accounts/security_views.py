"""The security log for staff (issue 16, point 7): a filtered, paginated page, newest first, and
the same rows as a spreadsheet (CSV streamed, or XLSX)."""

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts.models import SecurityEvent
from accounts.selectors_security import SecurityEventFilter, security_events
from core.exports import Batched, chunked, csv_sheet_response, xlsx_sheet_response

PAGE_SIZE = 50


def _staff_only(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.view_security_log"):
        raise PermissionDenied(_("Only staff may read the security log."))


def details_text(event: SecurityEvent) -> str:
    return "; ".join(f"{key}: {value}" for key, value in sorted(event.details.items()))


class SecurityLogSheet(Batched):
    """The filtered events, read in batches (memory stays flat however long the log is)."""

    def __init__(self, events: QuerySet[SecurityEvent]) -> None:
        self.events = events

    def headers(self) -> list[str]:
        return [
            _("When"), _("Event"), _("Person"), _("E-mail address"), _("By"), _("IP address"), _("Browser"),
            _("Details"),
        ]  # fmt: skip

    def batches(self) -> Iterator[list[list[Any]]]:
        for batch in chunked(self.events.iterator(chunk_size=500)):
            yield [
                [
                    localtime(e.at).replace(tzinfo=None),
                    e.get_kind_display(),
                    e.user.display_name if e.user_id else "",
                    e.email,
                    e.actor.display_name if e.actor_id else "",
                    e.ip_address or "",
                    e.user_agent,
                    details_text(e),
                ]
                for e in batch
            ]


@login_required
@require_safe
def security_log(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    found = SecurityEventFilter(request.GET, queryset=security_events())
    events = found.qs if found.is_valid() else security_events().none()
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx") and found.is_valid():
        stamp = localtime().strftime("%Y%m%d-%H%M")
        sheet = SecurityLogSheet(events)
        if fmt == "csv":
            return csv_sheet_response(sheet, f"security-log-{stamp}.csv")
        return xlsx_sheet_response(sheet, f"security-log-{stamp}.xlsx", _("Security log"))
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "accounts/security_log.html",
        {
            "filter_form": found.form,
            "page_obj": page,
            "rows": [(e, details_text(e)) for e in page.object_list],
            "query": query.urlencode(),
        },
        status=200 if found.is_valid() else 400,
    )
