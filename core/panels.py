"""Places on a lower app's page where higher apps add a panel of their own (the depository's
consent form on an application's page). The lower app's template names only the place
(`{% panels "applications.detail" application %}`), never a higher app's template (DESIGN.md's
layers hold for templates too)."""

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

# place -> the functions rendering a panel there: (request, object) -> HTML ("" for none).
PANELS: dict[str, list[Callable[[HttpRequest, Any], str]]] = defaultdict(list)


def register(place: str, render: Callable[[HttpRequest, Any], str]) -> None:
    if render not in PANELS[place]:
        PANELS[place].append(render)


def render_panels(place: str, request: HttpRequest, obj: Any) -> str:
    return "".join(render(request, obj) for render in PANELS[place])
