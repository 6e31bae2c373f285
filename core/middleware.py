"""The web's answer to the file storage being down: a 503 page in the site's look.

The API answers the same outage in core.api.exception_handler; both recognise it with
core.files.storage_outage, so a view needs no code of its own for it.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme

from core.files import STORAGE_RETRY_AFTER_SECONDS, STORAGE_UNAVAILABLE_MESSAGE, log_outage, storage_outage


class StorageUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        outage = storage_outage(exception)
        if outage is None:
            return None
        log_outage(outage, f"{request.method} {request.path}")
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = ""
        htmx = bool(getattr(request, "htmx", False))
        response = TemplateResponse(
            request,
            "includes/storage_unavailable.html" if htmx else "503.html",
            {"message": STORAGE_UNAVAILABLE_MESSAGE, "back": back},
            status=503,
        )
        response["Retry-After"] = str(STORAGE_RETRY_AFTER_SECONDS)
        if htmx:  # the alert goes to the page's messages region (base.html lets htmx swap a 503)
            response["HX-Retarget"] = "#messages"
            response["HX-Reswap"] = "innerHTML"
        return response.render()
