from django import template
from django.utils.safestring import SafeString

from grants import charts

register = template.Library()


@register.filter
def grant_chart_svg(chart: charts.Chart) -> SafeString:
    return charts.svg(chart)


@register.filter
def figure(value) -> str:
    """A target or actual as people write it: no trailing zeros, a dash when there is none."""
    return charts.number(value)
