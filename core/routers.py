"""The API's router: DRF's DefaultRouter, each resource's routes behind one pattern of its own, and
a request sent straight to its resource's routes.

DefaultRouter lists every route of every resource in one flat list (about 500 with the `.json`
suffixes), and Django tries them in order: a request to a resource registered late tried a few
hundred regular expressions before its own (0.1 ms of a 5 ms save). Here each resource's routes
sit under one pattern matching its prefix, and `GroupedRouter.resolver()` looks the prefix up by
the path's first segment, so a request tries only the handful of routes of its resource. Names,
reversing, the schema's paths, the `.json` suffixes and the 404s are those of DefaultRouter:
only the grouping differs."""

from __future__ import annotations

import re

from django.urls import Resolver404, URLPattern, URLResolver, include, re_path
from django.urls.resolvers import RoutePattern
from django.utils.functional import cached_property
from rest_framework.routers import DefaultRouter

PLAIN_PREFIX = re.compile(r"[\w-]+")  # a prefix with no pattern in it can be looked up by its text
FIRST_SEGMENT = re.compile(r"[^/.]*")  # what precedes a route's `/` or `.suffix`


class GroupedRouter(DefaultRouter):
    def get_urls(self) -> list:
        flat = super().get_urls()
        prefixes = [p for p, _viewset, _basename in self.registry if PLAIN_PREFIX.fullmatch(p)]
        groups: dict[str, list[URLPattern]] = {}
        ungrouped = []
        for pattern in flat:
            regex = pattern.pattern.regex.pattern
            prefix = next((p for p in prefixes if regex.startswith(f"^{p}/")), None)
            if prefix is None:  # the root, and a list's `.json` (`^contests\.(?P<format>…)`)
                ungrouped.append(pattern)
                continue
            rest = "^" + regex[len(f"^{prefix}/") :]
            groups.setdefault(prefix, []).append(
                re_path(rest, pattern.callback, pattern.default_args, pattern.name)
            )
        grouped = []
        for prefix, patterns in groups.items():
            # The prefix as DefaultRouter writes it (unescaped): the schema's paths are built from it.
            group = re_path(f"^{prefix}/", include(patterns))
            group.router_prefix = prefix
            grouped.append(group)
        return [*ungrouped, *grouped]

    def resolver(self) -> PrefixResolver:
        """The router's URLs, to put in a urlpatterns list (where `path("", include(urls))` was)."""
        return PrefixResolver(RoutePattern(""), self.urls)


class PrefixResolver(URLResolver):
    """Resolves a path through the group of its first segment, without trying the others. A path
    of no group, or that its group does not know (a 404, a list's `.json`), is resolved as usual:
    through every pattern, as DefaultRouter's flat list was."""

    @cached_property
    def _alone(self) -> dict[str, URLResolver]:
        # Each group under a resolver of its own, so that the match says the group's route too.
        return {
            p.router_prefix: URLResolver(RoutePattern(""), [p])
            for p in self.url_patterns
            if hasattr(p, "router_prefix")
        }

    def resolve(self, path):
        alone = self._alone.get(FIRST_SEGMENT.match(str(path))[0])
        if alone is not None:
            try:
                return alone.resolve(path)
            except Resolver404:
                pass
        return super().resolve(path)
