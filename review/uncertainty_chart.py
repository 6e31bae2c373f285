"""The ranking page's small picture of one application's score interval (inline SVG, no style
attribute or script: CSP). The row's cells carry the same figures in words, which is what a screen
reader reads, so the picture is labelled but adds nothing they lack."""

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core import formats
from core.svg import AXIS, colour

WIDTH, HEIGHT, PAD = 120, 16, 4


def interval_chart(
    low: float | None, high: float | None, score: float | None, scale: tuple[float, float]
) -> SafeString | str:
    """A line across the display scale, the 90 % interval as a bar on it and the score as a dot."""
    if low is None or high is None or score is None:
        return ""
    span = (scale[1] - scale[0]) or 1.0

    def x(value: float) -> float:
        fraction = min(max((value - scale[0]) / span, 0.0), 1.0)
        return round(PAD + fraction * (WIDTH - 2 * PAD), 1)

    label = _("Score %(score)s, 90%% interval %(low)s to %(high)s") % {
        "score": formats.number(round(score, 2)),
        "low": formats.number(round(low, 2)),
        "high": formats.number(round(high, 2)),
    }
    middle = HEIGHT // 2
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="interval" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="{}" height="{}">'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>'
        '<rect x="{}" y="{}" width="{}" height="6" fill="{}"/>'
        '<circle cx="{}" cy="{}" r="3" fill="{}"/></svg>',
        label,
        WIDTH,
        HEIGHT,
        WIDTH,
        HEIGHT,
        PAD,
        middle,
        WIDTH - PAD,
        middle,
        AXIS,
        x(low),
        middle - 3,
        max(round(x(high) - x(low), 1), 1),
        colour(0),
        x(score),
        middle,
        colour(4),
    )
