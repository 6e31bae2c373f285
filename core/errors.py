"""Error answers people can read: 400, 403 (and a refused CSRF check), 404, 429 and 500.

Pages answer in the site's look (they extend base.html) and the person's language, with a way back:
the page they came from when it is ours, and the home page. Under the API (settings.API_PATH_PREFIX)
the same errors answer problem details (core.problems: application/problem+json, with `detail`), as
the API's own errors do (core.api.exception_handler).

The 500 page renders with a minimal context (no user, no context processors): it must not fail when
the error was the database; if even that fails, a fixed bilingual page answers.
"""

import contextlib
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import REASON_NO_CSRF_COOKIE, get_token
from django.template import loader
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from core import site
from core.parsing import multipart_message
from core.problems import PROBLEM_CONTENT_TYPE, problem

logger = logging.getLogger(__name__)

FALLBACK_500 = """<!DOCTYPE html>
<html lang="uk">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Сталася помилка / Something went wrong</title></head>
<body>
<main>
<h1>Сталася помилка / Something went wrong</h1>
<p>Спробуйте ще раз за кілька хвилин. / Please try again in a few minutes.</p>
<p><a href="/">На головну / Home page</a></p>
</main>
</body>
</html>
"""


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(getattr(settings, "API_PATH_PREFIX", "/api/"))


def way_back(request: HttpRequest) -> str:
    """The page the person came from, when it is one of ours and not this one; else empty."""
    back = request.headers.get("Referer", "")
    if not back or not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        return ""
    if back == request.build_absolute_uri():
        return ""
    return back


def _answer(request: HttpRequest, template: str, status: int, detail: str, context: dict | None = None):
    if is_api(request):
        return api_problem(status, detail)
    context = {"back": way_back(request), "detail": detail, **(context or {})}
    return TemplateResponse(request, template, context, status=status).render()


def api_problem(status: int, detail: str) -> HttpResponse:
    return JsonResponse(
        problem(status, detail),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"ensure_ascii": False},
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: says what was wrong when the person can fix it (a file name too long)."""
    message = multipart_message(exception) if isinstance(exception, MultiPartParserError) else ""
    return _answer(
        request, "400.html", 400, message or _("The request could not be read."), {"message": message}
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403."""
    return _answer(request, "403.html", 403, _("You do not have permission to do this."))


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404."""
    return _answer(request, "404.html", 404, _("Not found."))


def too_many_requests(request: HttpRequest, retry_after: int | None = None) -> HttpResponse:
    """What a page answers when someone tries too often (a view or middleware that limits calls it)."""
    response = _answer(
        request,
        "429.html",
        429,
        _("Too many attempts. Wait a little and try again."),
        {"retry_minutes": max(1, -(-retry_after // 60)) if retry_after else None},
    )
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """settings.CSRF_FAILURE_VIEW: a form sent from a page open too long (or after logging in or out
    in another tab). Nothing was changed; the person goes back, reloads and sends again."""
    return _answer(
        request,
        "403_csrf.html",
        403,
        _("The page was open too long, so the form was not accepted. Reload the page and send it again."),
        {"no_cookie": reason == REASON_NO_CSRF_COOKIE},
    )


def _site():
    """The site's name and contacts for the 500 page: as stored when that still works (it is
    cached), else the deployment's defaults without asking the database or the cache."""
    try:
        return site.current()
    except Exception:  # the cache or the database is what broke
        fields = dict.fromkeys(site.SiteInfo.__dataclass_fields__, "")
        return site.SiteInfo(**{**fields, "name": site.default_value("site_name")})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the site's look without anything that could fail again (no user, no database)."""
    if is_api(request):
        return api_problem(500, _("Something went wrong on our side. Please try again later."))
    try:
        context = {"request": request, "back": way_back(request), "site": _site()}
        with contextlib.suppress(Exception):  # the language form in the header needs it
            context["csrf_token"] = get_token(request)
        html = loader.get_template("500.html").render(context)
    except Exception:  # the page must answer whatever broke
        logger.exception("The 500 page could not be rendered; answering the fixed one.")
        html = FALLBACK_500
    return HttpResponse(html, status=500)
