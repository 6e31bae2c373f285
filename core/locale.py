"""Which language a request is answered in: Ukrainian (settings.LANGUAGE_CODE) unless the person chose.

Ukraine's state-language law asks public websites to open in the state language, so the pages do
not follow the browser's Accept-Language: a Russian-set phone opens in Ukrainian. A person's choice
is remembered in the language cookie (the language form, /i18n/setlang/, and the profile page set
it); a logged-in person's profile language is written into that cookie when they log in
(accounts.views), so it wins from then on. The API (settings.ACCEPT_LANGUAGE_PATHS) still honours
Accept-Language: a program asks for a language explicitly, and that is a choice too.
"""

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str | None:
    """The language the person chose (the cookie), when it is one of ours."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def follows_browser(request: HttpRequest) -> bool:
    """Whether this request's Accept-Language counts (the API), not only the cookie."""
    return request.path_info.startswith(tuple(getattr(settings, "ACCEPT_LANGUAGE_PATHS", ())))


def request_language(request: HttpRequest) -> str:
    """The chosen language; else, on the API, the Accept-Language; else the site's default."""
    if follows_browser(request):
        return translation.get_language_from_request(request)
    return chosen_language(request) or translation.get_supported_language_variant(settings.LANGUAGE_CODE)


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware (Content-Language, Vary) with the choice of language above.

    We use no i18n_patterns, so the parent's URL-prefix handling never applies."""

    def process_request(self, request: HttpRequest) -> None:
        translation.activate(request_language(request))
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        response = super().process_response(request, response)
        if not follows_browser(request):
            # Pages no longer depend on Accept-Language, only on the cookie; the parent adds it.
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            kept = [v for v in vary if v.lower() != "accept-language"]
            if kept != vary:
                if kept:
                    response["Vary"] = ", ".join(kept)
                else:
                    del response["Vary"]
            patch_vary_headers(response, ("Cookie",))
        return response
