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


ANALYTIC_CSS = "reports/analytic-report.css"


def _analytic_css() -> str:
    """The stylesheet the printable page links to, inlined: the PDF fetches nothing."""
    from django.contrib.staticfiles import finders

    path = finders.find(ANALYTIC_CSS)
    with open(path, encoding="utf-8") as css:
        return css.read()


def analytic_html(context: dict) -> str:
    """The analytic report as one self-contained HTML document (reports/analytic/report_pdf.html);
    `context` as the printable page has it (report, figures, cases)."""
    return render_to_string("reports/analytic/report_pdf.html", {**context, "css": _analytic_css()})


def analytic_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    return HTML(string=analytic_html(context), url_fetcher=_refuse).write_pdf()
