"""The dashboard's charts as inline SVG: bars, a histogram and a cumulative line (the frame,
legend and palette shared with every chart are in core.svg)."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import formats
from core.svg import AXIS, COLOURS, WIDTH, colour, frame, legend, short
from reports.selectors import Chart


def bars(chart: Chart) -> SafeString:
    """One horizontal bar per row, its label above it; several series stack left to right."""
    top = 24 if len(chart.series) > 1 else 0
    line, bar, gap = 18, 16, 10
    room = WIDTH - 60  # space for the total after the longest bar
    longest = max((row.total for row in chart.rows), default=0) or 1
    body = legend(chart.series, 0) if top else []
    y = top
    for row in chart.rows:
        body.append(format_html('<text x="0" y="{}">{}</text>', y + 13, short(row.label)))
        x = 0.0
        for i, value in enumerate(row.values):
            width = room * value / longest
            if width:
                body.append(
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                        f"{x:.1f}",
                        y + line,
                        f"{width:.1f}",
                        bar,
                        colour(i),
                    )
                )
            x += width
        body.append(
            format_html(
                '<text x="{}" y="{}">{}</text>', f"{x + 6:.1f}", y + line + 13, formats.number(row.total)
            )
        )
        y += line + bar + gap
    return frame(chart, max(y, 1), body)


def columns(chart: Chart) -> SafeString:
    """A histogram: one column per row, the labels under it (every few when there are many)."""
    left, bottom, top, height = 40, 28, 16, 220
    plot_w, plot_h = WIDTH - left - 8, height - top - bottom
    n = max(len(chart.rows), 1)
    step = plot_w / n
    tallest = max((row.total for row in chart.rows), default=0) or 1
    every = 1 if n <= 15 else (n + 14) // 15
    base = top + plot_h
    body = [
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, base, WIDTH - 8, base, AXIS),
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>', left - 6, top + 10, formats.number(tallest)
        ),
        format_html('<text x="{}" y="{}" text-anchor="end">0</text>', left - 6, base),
    ]
    for i, row in enumerate(chart.rows):
        x = left + i * step
        h = plot_h * row.total / tallest
        if h:
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    f"{x + step * 0.1:.1f}",
                    f"{base - h:.1f}",
                    f"{step * 0.8:.1f}",
                    f"{h:.1f}",
                    COLOURS[0],
                )
            )
        if i % every == 0:
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    f"{x + step / 2:.1f}",
                    base + 18,
                    row.label,
                )
            )
    return frame(chart, height, body)


def line(chart: Chart) -> SafeString:
    """The running total (the last series) as a step line over the days, the deadline marked."""
    left, right, top, bottom, height = 44, 16, 16, 44, 240
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    start, end, deadline = chart.extra.get("start"), chart.extra.get("end"), chart.extra.get("deadline")
    base = top + plot_h
    if start is None or end is None:
        return frame(
            chart, height, [format_html('<text x="{}" y="{}">{}</text>', left, base, _("No data yet."))]
        )
    span = max((end - start).days, 1)
    tallest = max((row.values[-1] for row in chart.rows), default=0) or 1

    def x_of(day) -> str:
        return f"{left + plot_w * (day - start).days / span:.1f}"

    def y_of(value: int) -> str:
        return f"{base - plot_h * value / tallest:.1f}"

    points, previous = [f"{x_of(start)},{y_of(0)}"], 0
    for row in chart.rows:
        points += [f"{x_of(row.key)},{y_of(previous)}", f"{x_of(row.key)},{y_of(row.values[-1])}"]
        previous = row.values[-1]
    body = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, base, WIDTH - right, base, AXIS
        ),
        format_html('<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>', left, top, left, base, AXIS),
        format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>', left - 6, top + 10, formats.number(tallest)
        ),
        format_html('<text x="{}" y="{}" text-anchor="end">0</text>', left - 6, base),
        format_html('<text x="{}" y="{}">{}</text>', left, base + 18, formats.day(start)),
        format_html(
            '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', " ".join(points), COLOURS[0]
        ),
    ]
    if deadline is not None:
        body += [
            format_html(
                '<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="{3}" stroke-dasharray="4 3"/>',
                x_of(deadline),
                top,
                base,
                COLOURS[4],
            ),
            format_html(
                '<text x="{}" y="{}" text-anchor="end">{}</text>',
                x_of(deadline),
                base + 36,
                _("Deadline %(date)s") % {"date": formats.day(deadline)},
            ),
        ]
    return frame(chart, height, body)


DRAW = {"bars": bars, "columns": columns, "line": line}


def svg(chart: Chart) -> SafeString:
    return DRAW[chart.kind](chart)
