"""What every server-drawn chart shares: its frame, legend, palette and label length.

Charts are inline SVG (no JavaScript; WeasyPrint prints the same markup). Each is `role="img"`
with a `<title>` and a `<desc>`, and the page pairs it with a table of the same numbers, which is
what a screen reader reads. Every piece of text goes through format_html, so a nomination, juror
or indicator name cannot inject markup. The colours keep at least 3:1 contrast on white.
"""

from collections.abc import Sequence
from typing import Protocol

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
COLOURS = ("#0b4f9c", "#1e6b2e", "#7a4b00", "#4a4a4a", "#a4161a")
AXIS = "#4a4a4a"
LABEL_CHARS = 80


def short(text: str) -> str:
    """Long labels are cut in the picture only; the table next to it has them whole."""
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


class Described(Protocol):
    name: str  # a slug, unique on its page
    title: str
    description: str


def frame(chart: Described, height: int, body: list[str]) -> SafeString:
    """The <svg> element around `body`, labelled by the chart's title and description. It shrinks
    to a narrow screen by the `.chart` rule in konkurs.css (no style attribute: CSP)."""
    ident = f"chart-{chart.name}"
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="{1}" height="{2}" '
        'font-family="{3}" font-size="13" fill="#1a1a1a">'
        '<title id="{0}-title">{4}</title><desc id="{0}-desc">{5}</desc>',
        ident,
        WIDTH,
        height,
        FONT,
        chart.title,
        " ".join(filter(None, [chart.description, _("The same figures are in the table that follows.")])),
    )
    return mark_safe(head + "".join(body) + "</svg>")


def legend(series: Sequence[str], y: int = 0) -> list[str]:
    """A colour swatch and name per series, in one line from the left."""
    parts, x = [], 0
    for i, name in enumerate(series):
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{}">{}</text>',
                x,
                y,
                colour(i),
                x + 16,
                y + 11,
                name,
            )
        )
        x += 16 + 8 * len(name) + 18
    return parts
