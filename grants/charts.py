"""The grants dashboards' charts as inline SVG: target against actual, and the budget's burn-down
(the frame, legend and palette shared with every chart are in core.svg)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.svg import AXIS, COLOURS, WIDTH, colour, frame, legend, short


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


def number(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = format(value.normalize() if value == value.to_integral() else value, "f")
    return text


def pairs(chart: Chart) -> SafeString:
    """Per row its label, then one thin bar per series (target, actual) on a shared scale."""
    line, bar, gap, top = 18, 12, 12, 24
    room = WIDTH - 90  # space for the figure after the bar
    longest = max((v for row in chart.rows for v in row.values if v is not None), default=0) or 1
    body = legend(chart.series)
    y = top
    for row in chart.rows:
        body.append(format_html('<text x="0" y="{}">{}</text>', y + 13, short(row.label)))
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
                        colour(i),
                    )
                )
            body.append(
                format_html('<text x="{}" y="{}">{}</text>', f"{width + 6:.1f}", y + 11, number(value))
            )
            y += bar + 2
        y += gap
    return frame(chart, y, body)


def burndown(chart: Chart) -> SafeString:
    """What remains to pay, starting at the committed total and stepping down on each payment day."""
    left, right, top, bottom, height = 90, 16, 16, 44, 240
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    base = top + plot_h
    start: date | None = chart.extra.get("start")
    end: date | None = chart.extra.get("end")
    committed: Decimal = chart.extra.get("committed") or Decimal(0)
    if start is None or end is None or not committed:
        return frame(
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
    return frame(chart, height, body)


DRAW = {"pairs": pairs, "burndown": burndown}


def svg(chart: Chart) -> SafeString:
    return DRAW[chart.kind](chart)
