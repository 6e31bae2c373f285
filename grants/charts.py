"""The grants dashboards' charts as inline SVG: target against actual, and the budget's burn-down
(the frame, legend and palette shared with every chart are in core.svg)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import formats
from core.svg import AXIS, WIDTH, colour, frame, legend, short

GRID = "#c8c8c8"  # grid lines only: the figures are in the axis labels and the table


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
    """A figure as plain machine text (140, 12.5) for the CSV; pages use core.formats.number."""
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
                format_html(
                    '<text x="{}" y="{}">{}</text>', f"{width + 6:.1f}", y + 11, formats.number(value)
                )
            )
            y += bar + 2
        y += gap
    return frame(chart, y, body)


def _ticks(start: date, end: date, count: int = 4) -> list[date]:
    """The first and last day and evenly spaced days between them, without repeats."""
    span = (end - start).days
    days = [start + timedelta(days=round(span * i / count)) for i in range(count + 1)]
    return sorted(set(days))


def burndown(chart: Chart) -> SafeString:
    """What remains to pay, starting at the committed total and stepping down on each payment day.

    The vertical axis is labelled in money (five steps from 0 to the committed total, with light
    grid lines), the horizontal one in dates; a dot marks each payment day, and the legend says
    which is which. The table beside it holds the same figures for anyone who cannot see it."""
    left, right, top, bottom, height = 132, 24, 34, 56, 300
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    base = top + plot_h
    start: date | None = chart.extra.get("start")
    end: date | None = chart.extra.get("end")
    committed: Decimal = chart.extra.get("committed") or Decimal(0)
    currency: str = chart.extra.get("currency") or "UAH"
    if start is None or end is None or not committed:
        return frame(
            chart, height, [format_html('<text x="{}" y="{}">{}</text>', left, base, _("No data yet."))]
        )
    span = max((end - start).days, 1)

    def x_of(day: date) -> str:
        return f"{left + plot_w * (day - start).days / span:.1f}"

    def y_of(value: Decimal) -> str:
        return f"{base - float(plot_h * value / committed):.1f}"

    points, previous, dots = [f"{x_of(start)},{y_of(committed)}"], committed, []
    for row in chart.rows:
        remaining = row.values[-1] or Decimal(0)
        points += [f"{x_of(row.key)},{y_of(previous)}", f"{x_of(row.key)},{y_of(remaining)}"]
        dots.append(
            format_html(
                '<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>',
                x_of(row.key),
                y_of(remaining),
                colour(1),
                _("%(day)s: paid %(paid)s, %(remaining)s still to pay")
                % {
                    "day": row.label,
                    "paid": formats.money(row.values[0] or 0, currency),
                    "remaining": formats.money(remaining, currency),
                },
            )
        )
        previous = remaining
    points.append(f"{x_of(end)},{y_of(previous)}")
    body = legend([_("Still to pay"), _("Payment day")])
    for step in range(5):  # 0, ¼, ½, ¾ and all of the committed total
        value = committed * step / 4
        y = y_of(value)
        body += [
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-dasharray="{}"/>',
                left,
                y,
                WIDTH - right,
                y,
                GRID if step else AXIS,
                "2 3" if step else "none",
            ),
            format_html(
                '<text x="{}" y="{}" text-anchor="end" data-axis="y">{}</text>',
                left - 6,
                f"{float(y) + 4:.1f}",
                formats.money(value, currency),
            ),
        ]
    body.append(
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, top, left, base, AXIS)
    )
    ticks = _ticks(start, end)
    for i, day in enumerate(ticks):
        anchor = "start" if i == 0 and len(ticks) > 1 else "end" if i == len(ticks) - 1 else "middle"
        body += [
            format_html(
                '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}"/>', x_of(day), base, base + 5, AXIS
            ),
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" data-axis="x">{}</text>',
                x_of(day),
                base + 19,
                anchor,
                formats.day(day),
            ),
        ]
    body += [
        format_html(
            '<text x="{}" y="{}" text-anchor="middle">{}</text>', left + plot_w / 2, base + 42, _("Date")
        ),
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', " ".join(points), colour(0)
        ),
        *dots,
    ]
    return frame(chart, height, body)


DRAW = {"pairs": pairs, "burndown": burndown}


def svg(chart: Chart) -> SafeString:
    return DRAW[chart.kind](chart)
