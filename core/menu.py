"""Links that apps add to the site's menus (the main navigation, the footer) from their
AppConfig.ready(), so the base template never names an app above core (DESIGN.md's layers)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class MenuLink:
    order: int
    label: Any  # a lazy translation
    url_name: str
    place: str = "main"  # "main" or "footer"
    # Who sees it: (user) -> bool; everyone by default (anonymous visitors included).
    shown: Callable[[Any], bool] = field(default=lambda user: True)


_links: list[MenuLink] = []


def register(link: MenuLink) -> None:
    if all(existing.url_name != link.url_name or existing.place != link.place for existing in _links):
        _links.append(link)


def links_for(place: str, user: Any) -> list[dict[str, Any]]:
    return [
        {"label": link.label, "url": reverse(link.url_name)}
        for link in sorted(_links, key=lambda link: (link.order, link.url_name))
        if link.place == place and link.shown(user)
    ]
