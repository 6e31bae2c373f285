"""Links from a contest's organiser page to the pages higher apps keep for it (screening, jury,
winners, grants…). Those apps register their links at start-up, so contests' templates never
name a higher app's page (DESIGN.md's layers hold for templates too)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from contests.models import Contest


@dataclass(frozen=True)
class ContestLink:
    order: int
    label: str | Promise
    url_name: str
    # Shown only when this says so (e.g. the grants page to its grant officers).
    shown: Callable[[Any, Contest], bool] = lambda user, contest: not contest.is_draft


LINKS: list[ContestLink] = []


def register(link: ContestLink) -> ContestLink:
    LINKS.append(link)
    LINKS.sort(key=lambda item: item.order)
    return link


def contest_links(user: Any, contest: Contest) -> list[tuple[str, str]]:
    """(label, url) of the pages the person may open for this contest, in a stable order."""
    return [
        (str(link.label), reverse(link.url_name, args=[contest.pk]))
        for link in LINKS
        if link.shown(user, contest)
    ]
