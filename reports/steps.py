"""The analytic report's steps (core.steps): publishing it and taking it back to a draft."""

from django.utils.translation import gettext_lazy as _

from core.steps import Catalogue, Step
from reports import services
from reports.models import AnalyticReport

ANALYTIC_REPORT = Catalogue(
    AnalyticReport,
    [
        Step(
            "publish",
            services.publish,
            "reports.publish_analyticreport",
            _("Publish the report"),
            help=_("Everyone can read a published report while its contest is public."),
            problems=AnalyticReport.publish_problems,
        ),
        Step(
            "withdraw",
            services.withdraw,
            "reports.publish_analyticreport",
            _("Withdraw the report"),
            help=_("The report becomes a draft again, seen by the contest's organisers only."),
            danger=True,
        ),
    ],
    url_name="reports:analytic_step",
)
