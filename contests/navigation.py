"""Links from a contest's pages to the pages higher apps keep for it: on the organiser page
(screening, jury, winners, grants…: `register`, `contest_links`), and on the public page (the
published results: `register_public`, `public_links`). Those apps register their links at
start-up, so contests' templates never name a higher app's page (DESIGN.md's layers hold for
templates too)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode

from contests.models import Contest


@dataclass(frozen=True)
class ContestLink:
    order: int
    label: str | Promise
    url_name: str
    # Shown only when this says so (e.g. the grants page to its grant officers).
    shown: Callable[[Any, Contest], bool] = lambda user, contest: not contest.is_draft
    # The contest goes into this query parameter (`?contest=7`) instead of the path.
    query: str = ""

    def url(self, contest: Contest) -> str:
        if self.query:
            return f"{reverse(self.url_name)}?{urlencode({self.query: contest.pk})}"
        return reverse(self.url_name, args=[contest.pk])


LINKS: list[ContestLink] = []


def register(link: ContestLink) -> ContestLink:
    LINKS.append(link)
    LINKS.sort(key=lambda item: item.order)
    return link


def contest_links(user: Any, contest: Contest) -> list[tuple[str, str]]:
    """(label, url) of the pages the person may open for this contest, in a stable order."""
    return _links(LINKS, user, contest)


# Links on the contest's public page; each link says itself when it shows.
PUBLIC_LINKS: list[ContestLink] = []


def register_public(link: ContestLink) -> ContestLink:
    PUBLIC_LINKS.append(link)
    PUBLIC_LINKS.sort(key=lambda item: item.order)
    return link


def public_links(user: Any, contest: Contest) -> list[tuple[str, str]]:
    """(label, url) of the higher apps' public pages of this contest shown to the person now."""
    return _links(PUBLIC_LINKS, user, contest)


def _links(links: list[ContestLink], user: Any, contest: Contest) -> list[tuple[str, str]]:
    return [(str(link.label), link.url(contest)) for link in links if link.shown(user, contest)]
