"""Test-only URLs (tests/core/test_error_pages.py): the project's, plus views that fail."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns
from core.errors import too_many_requests


def boom(request):
    raise RuntimeError("an invented failure")


def database_down(request):
    raise DatabaseError("an invented outage")


def denied(request):
    raise PermissionDenied


def unreadable(request):
    raise SuspiciousOperation("an invented bad request")


def throttled(request):
    return too_many_requests(request, retry_after=90)


urlpatterns = [
    path("h15/boom/", boom),
    path("h15/database-down/", database_down),
    path("h15/denied/", denied),
    path("h15/unreadable/", unreadable),
    path("h15/throttled/", throttled),
    path("api/h15/boom/", boom),
    path("api/h15/denied/", denied),
    path("api/h15/throttled/", throttled),
    *project_urlpatterns,
]
