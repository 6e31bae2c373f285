"""The API's grouped router resolves and reverses exactly as DRF's flat DefaultRouter, while a
request tries only its own resource's routes (core/routers.py)."""

import re

import pytest
from django.urls import Resolver404, URLPattern, URLResolver, resolve, reverse
from django.urls.resolvers import RoutePattern
from rest_framework.routers import DefaultRouter

from config.api_urls import router

SAMPLE_VALUES = {"format": "json"}


def _flat() -> URLResolver:
    flat = DefaultRouter()
    flat.APIRootView = router.APIRootView
    flat.registry = list(router.registry)
    return URLResolver(RoutePattern(""), flat.urls)


def _sample_path(regex: str) -> str:
    """A path the route's regex matches: each named group given a value of its kind."""
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_VALUES.get(m[1], "7"), regex)
    return path.replace("^", "").replace("$", "").replace("/?", "/").replace("\\.", ".")


def _flat_paths() -> list[str]:
    return [_sample_path(p.pattern.regex.pattern) for p in _flat().url_patterns if isinstance(p, URLPattern)]


def _answer(resolver: URLResolver, path: str) -> tuple | None:
    try:
        match = resolver.resolve(path)
    except Resolver404:
        return None
    view = match.func
    # DRF adds `head` to a view's actions when it first serves a GET: not a difference of routes.
    actions = {
        method: action
        for method, action in (getattr(view, "actions", None) or {}).items()
        if method != "head"
    }
    return (getattr(view, "cls", view), actions, match.url_name, match.kwargs, match.route)


def test_every_route_resolves_as_the_flat_router_does():
    flat, grouped = _flat(), router.resolver()
    paths = _flat_paths()
    assert len(paths) > 400  # every route of every resource, with its `.json`
    unknown = [
        "applications/7/nope/",
        "applicationsx/",
        "nope/",
        "applications/7/submit/x/",
        "applications.json/x/",
    ]
    for path in [*paths, *unknown]:
        assert _answer(grouped, path) == _answer(flat, path), path
    assert all(_answer(grouped, path) is None for path in unknown)


def test_names_reverse_to_the_same_paths():
    assert reverse("api:application-detail", args=[5]) == "/api/v1/applications/5/"
    assert reverse("api:application-submit", args=[5]) == "/api/v1/applications/5/submit/"
    assert reverse("api:application-list", kwargs={"format": "json"}) == "/api/v1/applications.json"
    assert reverse("api:api-root") == "/api/v1/"
    match = resolve("/api/v1/grant-cards/3/")
    assert (match.url_name, match.kwargs, match.namespace) == ("grantcard-detail", {"pk": "3"}, "api")
    assert match.route == "api/v1/grant-cards/(?P<pk>[0-9]+)/$"


@pytest.mark.parametrize("path", ["/api/v1/applications/5/", "/api/v1/applications/5/submit/"])
def test_a_request_tries_only_its_resources_routes(path, monkeypatch):
    """DefaultRouter's flat list made a request to `applications` try a few hundred routes of the
    resources registered before it."""
    tried = []
    original = URLPattern.resolve

    def counting(pattern, subpath):
        tried.append(pattern)
        return original(pattern, subpath)

    monkeypatch.setattr(URLPattern, "resolve", counting)
    assert resolve(path).namespace == "api"
    own = [p for p in tried if "application" in (p.name or "")]
    assert len(tried) - len(own) < 20, len(tried)
