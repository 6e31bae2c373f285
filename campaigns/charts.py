"""The dashboard's chart: reports submitted and requested per region, as bars (core.svg)."""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import svg

ROW = 26
LABEL_WIDTH = 260


@dataclass
class RegionChart:
    name: str
    title: str
    description: str


def by_region(rows: list[dict]) -> SafeString:
    """Two bars per region (requested, submitted), scaled to the largest region."""
    chart = RegionChart(
        "campaign-regions",
        _("Reports by region"),
        _("For each region, reports requested and reports submitted."),
    )
    series = [_("Requested"), _("Submitted")]
    top = max([r["requested"] for r in rows] or [1]) or 1
    span = svg.WIDTH - LABEL_WIDTH - 60
    body = svg.legend(series)
    y = 24
    for row in rows:
        body.append(format_html('<text x="0" y="{}">{}</text>', y + 15, svg.short(row["region_label"])[:34]))
        for i, key in enumerate(("requested", "submitted")):
            width = int(span * row[key] / top)
            body.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="10" fill="{}"/><text x="{}" y="{}">{}</text>',
                    LABEL_WIDTH,
                    y + 2 + i * 11,
                    width,
                    svg.colour(i),
                    LABEL_WIDTH + width + 4,
                    y + 11 + i * 11,
                    row[key],
                )
            )
        y += ROW
    return svg.frame(chart, y + 8, body)
