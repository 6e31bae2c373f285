"""The printable report: the dashboard's charts and tables rendered to PDF by WeasyPrint.

The fonts are the system's (Debian's fonts-dejavu-core: DejaVu Sans has Cyrillic); WeasyPrint
embeds the glyphs used. Nothing is fetched while rendering: the HTML carries its styles and the
charts are inline SVG, so the fetcher refuses every URL (no network, no local files).
"""

import logging

from django.template.loader import render_to_string

from contests.models import Contest
from core import clock
from reports.selectors import Dashboard


def _refuse(url: str, *args, **kwargs) -> dict:
    raise ValueError(f"The report fetches nothing: {url}")


def summary_pdf(contest: Contest, dashboard: Dashboard) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported; pages without a PDF need not pay for it.
    from weasyprint import HTML

    # Its progress messages ("Step 1 - Fetching…") are INFO on every render: not worth a log line.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    html = render_to_string(
        "reports/summary_pdf.html",
        {"contest": contest, "dashboard": dashboard, "generated": contest.moment_label(clock.now())},
    )
    return HTML(string=html, url_fetcher=_refuse).write_pdf()
