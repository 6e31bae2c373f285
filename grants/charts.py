"""The grants dashboards' charts as inline SVG, drawn on the server (no JavaScript).

The same conventions as reports/charts.py (which sits above grants in the layers, so it cannot be
imported here): `role="img"` with a `<title>` and a `<desc>`, every piece of text through
format_html, colours with at least 3:1 contrast on white, and the page always shows a table of the
same numbers next to the picture.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 640
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
COLOURS = ("#0b4f9c", "#1e6b2e", "#7a4b00", "#4a4a4a", "#a4161a")
AXIS = "#4a4a4a"
LABEL_CHARS = 80


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    values: tuple[Decimal | None, ...]


@dataclass(frozen=True)
class Chart:
    """The numbers behind one picture, its table and its CSV."""

    name: str  # a slug, unique on its page (the CSV's address)
    title: str
    kind: str  # "pairs" (a bar per series, side by side) or "burndown" (a falling step line)
    label_header: str
    series: tuple[str, ...]
    rows: list[Row]
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(value for row in self.rows for value in row.values)


def _short(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value.normalize() if value == value.to_integral() else value, "f")
    return text


def _svg(chart: Chart, height: int, body: list[str]) -> SafeString:
    ident = f"chart-{chart.name}"
    head = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        'aria-labelledby="{0}-title {0}-desc" viewBox="0 0 {1} {2}" width="{1}" height="{2}" '
        'style="max-width: 100%; height: auto" font-family="{3}" font-size="13" fill="#1a1a1a">'
        '<title id="{0}-title">{4}</title><desc id="{0}-desc">{5}</desc>',
        ident,
        WIDTH,
        height,
        FONT,
        chart.title,
        " ".join(filter(None, [chart.description, _("The same figures are in the table that follows.")])),
    )
    return mark_safe(head + "".join(body) + "</svg>")


def _legend(chart: Chart) -> list[str]:
    parts, x = [], 0
    for i, name in enumerate(chart.series):
        parts.append(
            format_html(
                '<rect x="{}" y="0" width="12" height="12" fill="{}"/><text x="{}" y="11">{}</text>',
                x,
                COLOURS[i % len(COLOURS)],
                x + 16,
                name,
            )
        )
        x += 16 + 8 * len(name) + 18
    return parts


def pairs(chart: Chart) -> SafeString:
    """Per row its label, then one thin bar per series (target, actual) on a shared scale."""
    line, bar, gap, top = 18, 12, 12, 24
    room = WIDTH - 90  # space for the figure after the bar
    longest = max((v for row in chart.rows for v in row.values if v is not None), default=0) or 1
    body = _legend(chart)
    y = top
    for row in chart.rows:
        body.append(format_html('<text x="0" y="{}">{}</text>', y + 13, _short(row.label)))
        y += line
        for i, value in enumerate(row.values):
            width = float(room * (value or 0) / longest)
            if width:
                body.append(
                    format_html(
                        '<rect x="0" y="{}" width="{}" height="{}" fill="{}"/>',
                        y,
                        f"{width:.1f}",
                        bar,
                        COLOURS[i % len(COLOURS)],
                    )
                )
            body.append(
                format_html('<text x="{}" y="{}">{}</text>', f"{width + 6:.1f}", y + 11, number(value))
            )
            y += bar + 2
        y += gap
    return _svg(chart, y, body)


def burndown(chart: Chart) -> SafeString:
    """What remains to pay, starting at the committed total and stepping down on each payment day."""
    left, right, top, bottom, height = 90, 16, 16, 44, 240
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    base = top + plot_h
    start: date | None = chart.extra.get("start")
    end: date | None = chart.extra.get("end")
    committed: Decimal = chart.extra.get("committed") or Decimal(0)
    if start is None or end is None or not committed:
        return _svg(
            chart, height, [format_html('<text x="{}" y="{}">{}</text>', left, base, _("No data yet."))]
        )
    span = max((end - start).days, 1)

    def x_of(day: date) -> str:
        return f"{left + plot_w * (day - start).days / span:.1f}"

    def y_of(value: Decimal) -> str:
        return f"{base - float(plot_h * value / committed):.1f}"

    points, previous = [f"{x_of(start)},{y_of(committed)}"], committed
    for row in chart.rows:
        remaining = row.values[-1] or Decimal(0)
        points += [f"{x_of(row.key)},{y_of(previous)}", f"{x_of(row.key)},{y_of(remaining)}"]
        previous = remaining
    points.append(f"{x_of(end)},{y_of(previous)}")
    body = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, base, WIDTH - right, base, AXIS
        ),
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, top, left, base, AXIS),
        format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', left - 6, top + 10, number(committed)),
        format_html('<text x="{}" y="{}" text-anchor="end">0</text>', left - 6, base),
        format_html('<text x="{}" y="{}">{}</text>', left, base + 18, start.strftime("%d.%m.%Y")),
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>',
            WIDTH - right,
            base + 18,
            end.strftime("%d.%m.%Y"),
        ),
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', " ".join(points), COLOURS[0]
        ),
    ]
    return _svg(chart, height, body)


DRAW = {"pairs": pairs, "burndown": burndown}


def svg(chart: Chart) -> SafeString:
    return DRAW[chart.kind](chart)
