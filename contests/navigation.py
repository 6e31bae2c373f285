"""Links from a contest's pages to the pages higher apps keep for it: on the organiser page
(screening, jury, winners, grants…: `register`, `contest_links`), and on the public page (the
published results: `register_public`, `public_links`; and each nomination's "Apply":
`register_nomination`, `nomination_links`). Those apps register their links at
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

    def url(self, contest: Contest, **params: Any) -> str:
        """The page's address; `params` (e.g. `nomination=5`) go into the query string."""
        if self.query:
            return f"{reverse(self.url_name)}?{urlencode({self.query: contest.pk, **params})}"
        url = reverse(self.url_name, args=[contest.pk])
        return f"{url}?{urlencode(params)}" if params else url


class Links:
    """One place's links, in their order; each link says itself when it shows."""

    def __init__(self) -> None:
        self._links: list[ContestLink] = []

    def register(self, link: ContestLink) -> ContestLink:
        self._links.append(link)
        self._links.sort(key=lambda item: item.order)
        return link

    def shown_to(self, user: Any, contest: Contest, **params: Any) -> list[tuple[str, str]]:
        """(label, url) of the pages the person may open for this contest now, in order."""
        shown = [link for link in self._links if link.shown(user, contest)]
        return [(str(link.label), link.url(contest, **params)) for link in shown]


ORGANISER_LINKS = Links()  # the organiser's page of a contest
PUBLIC_LINKS = Links()  # the contest's public page (the published results)
# Each nomination on the contest's public page ("Apply in this nomination": ?nomination=<pk>).
NOMINATION_LINKS = Links()

register = ORGANISER_LINKS.register
register_public = PUBLIC_LINKS.register
contest_links = ORGANISER_LINKS.shown_to
public_links = PUBLIC_LINKS.shown_to
register_nomination = NOMINATION_LINKS.register


def nomination_links(user: Any, contest: Contest, nomination: Any) -> list[tuple[str, str]]:
    return NOMINATION_LINKS.shown_to(user, contest, nomination=nomination.pk)
