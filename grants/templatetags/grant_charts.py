from django import template
from django.utils.safestring import SafeString

from core import formats
from grants import charts

register = template.Library()


@register.filter
def grant_chart_svg(chart: charts.Chart) -> SafeString:
    return charts.svg(chart)


@register.filter
def figure(value, chart: charts.Chart | None = None) -> str:
    """A figure as people write it in their language (core.formats): money on a chart of money
    (`{{ value|figure:chart }}`), else a number without trailing zeros; a dash when there is none."""
    if value is None:
        return "—"
    if chart is not None and chart.extra.get("currency"):
        return formats.money(value, chart.extra["currency"])
    return formats.number(value)
