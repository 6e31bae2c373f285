from django import template
from django.utils.safestring import SafeString

from reports import charts
from reports.selectors import Chart

register = template.Library()


@register.filter
def chart_svg(chart: Chart) -> SafeString:
    return charts.svg(chart)
