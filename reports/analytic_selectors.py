"""Read side of analytic reports: who sees which, the cases a report may cite, and the figures
a report shows (the contest dashboard's, and the results its grants reported).

Results' counts: the indicators' actuals of accepted grant reports, summed per indicator, region
of the grantee organisation and year (the year the reported period ends), in one GROUP BY; the
targets the same way (a yearly target in its year, a period target in the year its period ends).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.regions import Region
from campaigns.models import Campaign
from campaigns.selectors import campaign_summary, managed_campaigns
from contests.models import Contest, ContestRole
from depository.models import Practice
from grants.models import GrantReport, IndicatorActual, IndicatorTarget
from grants.selectors import counted_targets
from reports import selectors
from reports.models import AnalyticReport, CitedCase
from reports.selectors import Chart, Dashboard, Row

ZERO = Decimal("0")


def _organises(user: Any) -> Exists:
    return Exists(
        ContestRole.objects.filter(contest=OuterRef("contest"), user=user, role=ContestRole.Role.ORGANISER)
    )


# A campaign's report may be public once the campaign was opened (its audience knows of it).
PUBLIC_CAMPAIGN_STATES = (Campaign.State.OPEN, Campaign.State.CLOSED)
PUBLIC = Q(state=AnalyticReport.State.PUBLISHED) & (
    Q(contest__state__in=Contest.PUBLIC_STATES) | Q(campaign__state__in=PUBLIC_CAMPAIGN_STATES)
)


def public_reports() -> QuerySet[AnalyticReport]:
    """Published reports of public contests and opened campaigns: what anyone may read."""
    return AnalyticReport.objects.filter(PUBLIC)


def reports_visible_to(user: Any) -> QuerySet[AnalyticReport]:
    related = AnalyticReport.objects.select_related("contest", "campaign")
    if not getattr(user, "is_authenticated", False):
        return related.filter(PUBLIC)
    managed = Q(campaign__in=managed_campaigns(user).values("pk"))
    return related.filter(PUBLIC | Q(_organises(user)) | managed)


def reports_of_campaign(campaign: Campaign) -> QuerySet[AnalyticReport]:
    return AnalyticReport.objects.filter(campaign=campaign).order_by("-pk")


def reports_of_contest(contest: Contest) -> QuerySet[AnalyticReport]:
    return AnalyticReport.objects.filter(contest=contest).order_by("-pk")


def with_cases(reports: QuerySet[AnalyticReport]) -> QuerySet[AnalyticReport]:
    """The cited cases prefetched in their order: two queries more for any number of reports."""
    return reports.prefetch_related(
        Prefetch(
            "citations",
            queryset=CitedCase.objects.select_related("practice").order_by("position", "pk"),
            to_attr="ordered_citations",
        )
    )


def cited_cases(report: AnalyticReport) -> list[Practice]:
    citations = getattr(report, "ordered_citations", None)
    if citations is None:
        citations = report.citations.select_related("practice").order_by("position", "pk")
    return [citation.practice for citation in citations]


def case_contest_id(subject: Contest | Campaign) -> int | None:
    """The contest whose cases a report may cite: its own, or a campaign's audience contest
    (None: a campaign without one may cite any published case)."""
    if isinstance(subject, Campaign):
        return subject.audience_contest_id
    return subject.pk


def candidate_cases(subject: Contest | Campaign) -> QuerySet[Practice]:
    """The cases a report on `subject` may cite: published ones (of its contest, see above)."""
    cases = Practice.objects.filter(state=Practice.State.PUBLISHED).order_by("-published_at", "-pk")
    contest_id = case_contest_id(subject)
    return cases.filter(contest_id=contest_id) if contest_id is not None else cases


def case_url(practice: Practice) -> str:
    return settings.SITE_URL + reverse("depository:detail", args=[practice.pk])


# --- results' counts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorTotal:
    indicator: str
    unit: str
    region: str
    region_label: str
    year: int
    target: Decimal
    actual: Decimal


def indicator_totals(contest: Contest) -> list[IndicatorTotal]:
    """Per indicator, region and year: the targets and the actuals of accepted reports."""
    actuals = (
        IndicatorActual.objects.filter(
            report__grant__contest=contest, report__state=GrantReport.State.ACCEPTED
        )
        .annotate(year=ExtractYear("report__period_end"))
        .values_list("indicator_id", "report__grant__application__organisation__region", "year")
        .annotate(total=Sum("value"))
        .order_by()
    )
    targets = (
        counted_targets(IndicatorTarget.objects.filter(grant__contest=contest))
        .annotate(when=Coalesce("year", ExtractYear("period_end")))
        .values_list("indicator_id", "grant__application__organisation__region", "when")
        .annotate(total=Sum("value"))
        .order_by()
    )
    sums: dict[tuple[int, str, int], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for indicator_id, region, year, total in targets:
        sums[indicator_id, region, year][0] += total or ZERO
    for indicator_id, region, year, total in actuals:
        sums[indicator_id, region, year][1] += total or ZERO
    indicators = {i.pk: i for i in contest.grant_indicators.order_by("order", "pk")}
    order = {value: i for i, value in enumerate(Region.values)}
    labels = dict(Region.choices)
    position = {pk: i for i, pk in enumerate(indicators)}
    keys = sorted(sums, key=lambda k: (position.get(k[0], 0), order.get(k[1], 99), k[2]))
    return [
        IndicatorTotal(
            indicator=indicators[indicator_id].name,
            unit=indicators[indicator_id].unit,
            region=region,
            region_label=str(labels.get(region, region)),
            year=year,
            target=sums[indicator_id, region, year][0],
            actual=sums[indicator_id, region, year][1],
        )
        for indicator_id, region, year in keys
        if indicator_id in indicators
    ]


def results_charts(totals: list[IndicatorTotal]) -> list[Chart]:
    """One bar chart per indicator: the actuals by region, all years together."""
    by_indicator: dict[tuple[str, str], dict[str, list]] = {}
    for total in totals:
        regions = by_indicator.setdefault((total.indicator, total.unit), {})
        entry = regions.setdefault(total.region, [total.region_label, ZERO])
        entry[1] += total.actual
    charts = []
    for i, ((name, unit), regions) in enumerate(by_indicator.items()):
        # Floats for the drawing (reports.charts scales by them); the table formats them.
        rows = [Row(region, label, (float(value),)) for region, (label, value) in regions.items()]
        rows.sort(key=lambda row: -row.total)
        charts.append(
            Chart(
                name=f"results-{i + 1}",
                title=_("%(indicator)s (%(unit)s) by region") % {"indicator": name, "unit": unit},
                kind="bars",
                label_header=_("Region"),
                series=(_("Achieved"),),
                rows=rows,
                description=_("Actuals of accepted grant reports, all years together."),
            )
        )
    return charts


@dataclass
class Figures:
    """What a report shows besides its narrative: a contest's dashboard, or a campaign's summary
    (campaigns.selectors.campaign_summary), and the results by indicator, region and year."""

    dashboard: Dashboard | None
    totals: list[IndicatorTotal] = field(default_factory=list)
    campaign: dict[str, Any] | None = None

    @property
    def by_region(self) -> list[dict[str, Any]]:
        """Per region: submitted (applications, or campaign reports), and for a campaign how many
        were asked and are late."""
        if self.campaign is not None:
            return [
                {**{k: row[k] for k in ("region", "region_label", "requested", "submitted", "late")}}
                for row in self.campaign["by_region"]
            ]
        if self.dashboard is None:
            return []
        return [
            {
                "region": row.key,
                "region_label": row.label,
                "submitted": row.total,
                "requested": None,
                "late": None,
            }
            for row in self.dashboard.charts["regions"].rows
        ]

    @property
    def regions(self) -> Chart | None:
        if self.dashboard is not None:
            return self.dashboard.charts.get("regions")
        if self.campaign is None:
            return None
        return Chart(
            name="campaign-regions",
            title=_("Reports by region"),
            kind="bars",
            label_header=_("Region"),
            series=(_("Submitted"), _("Not yet")),
            rows=[
                Row(
                    row["region"],
                    row["region_label"],
                    (row["submitted"], row["requested"] - row["submitted"]),
                )
                for row in self.campaign["by_region"]
            ],
            description=_("The organisations asked, by whether their report is in."),
        )

    @property
    def results(self) -> list[Chart]:
        return results_charts(self.totals)

    @property
    def overview(self) -> list[tuple[str, Any]]:
        """The headline counts: applications by state (a contest) or reports by outcome (a
        campaign), and the results summed per indicator."""
        lines: list[tuple[str, Any]] = []
        if self.dashboard is not None:
            lines.append((_("Applications submitted"), self.dashboard.submitted))
            for row in self.dashboard.applications[0].rows:
                if row.total:
                    lines.append((row.label, row.total))
        if self.campaign is not None:
            lines += [
                (_("Organisations asked to report"), self.campaign["requested"]),
                (_("Reports submitted"), self.campaign["submitted"]),
                (_("Reports accepted"), self.campaign["accepted"]),
                (_("Reports returned for changes"), self.campaign["returned"]),
                (_("Reports late"), self.campaign["late"]),
            ]
        per_indicator: dict[str, Decimal] = {}
        for total in self.totals:
            key = f"{total.indicator} ({total.unit})"
            per_indicator[key] = per_indicator.get(key, ZERO) + total.actual
        lines += list(per_indicator.items())
        return lines


def figures_of(report: AnalyticReport) -> Figures:
    if report.campaign_id:
        summary = campaign_summary(report.campaign)
        totals = [IndicatorTotal(**row) for row in summary["indicator_totals"]]
        return Figures(dashboard=None, totals=totals, campaign=summary)
    contest = report.contest
    return Figures(dashboard=selectors.dashboard(contest), totals=indicator_totals(contest))


def report_context(report: AnalyticReport) -> dict[str, Any]:
    """Everything the printable page, the PDF and the workbook show of a report."""
    from django.utils import formats, timezone

    from core import clock

    return {
        "report": report,
        "subject": report.subject,
        "contest": report.contest,
        "figures": figures_of(report),
        "cases": [{"practice": p, "url": case_url(p)} for p in cited_cases(report)],
        "generated": formats.date_format(timezone.localtime(clock.now()), "DATETIME_FORMAT"),
    }
