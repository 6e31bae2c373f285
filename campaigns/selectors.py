"""Read side of campaigns: who sees what, the dashboard's figures, the audience.

Scoping: staff see every campaign; managers (campaign.managers, the owner's administrators) see
theirs in every state; an organisation's members see the campaigns their organisation was asked
to report in (never drafts). Nobody else sees anything: campaigns are not public.
"""

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value

from accounts.models import Membership, Organisation
from applications.models import Application
from campaigns.models import (
    REGION_LABELS,
    Campaign,
    CampaignIndicator,
    CampaignReport,
    IndicatorActual,
    IndicatorTarget,
    Schedule,
)
from core import clock

LATE_STATES = CampaignReport.OPEN_STATES


def _managed_q(user, prefix: str = "") -> Q:
    admin_of = Membership.objects.filter(user=user, is_admin=True).values("organisation_id")
    return Q(**{f"{prefix}managers": user}) | Q(**{f"{prefix}owner_id__in": admin_of})


def _manages_exists(user, campaign_ref: str) -> Exists | Value:
    """Whether the user manages the campaign named by `campaign_ref`, as a subquery."""
    if user.is_staff:
        return Value(True, output_field=BooleanField())
    through = Campaign.managers.through
    admin_of = Membership.objects.filter(user=user, is_admin=True).values("organisation_id")
    return Exists(through.objects.filter(campaign_id=OuterRef(campaign_ref), user_id=user.pk)) | Exists(
        Campaign.objects.filter(pk=OuterRef(campaign_ref), owner_id__in=admin_of)
    )


def with_campaign_permissions(queryset: QuerySet[Campaign], user) -> QuerySet[Campaign]:
    """Each row knows whether `user` manages it (campaigns.rules reads it: no query per row)."""
    if not user.is_authenticated:
        return queryset
    return queryset.annotate(
        perm_user=Value(user.pk, output_field=IntegerField()), user_manages=_manages_exists(user, "pk")
    )


def with_report_permissions(queryset: QuerySet[CampaignReport], user) -> QuerySet[CampaignReport]:
    """Each row knows whether `user` belongs to its organisation and manages its campaign."""
    if not user.is_authenticated:
        return queryset
    member = Membership.objects.filter(user=user, organisation_id=OuterRef("organisation_id"))
    return queryset.annotate(
        perm_user=Value(user.pk, output_field=IntegerField()),
        user_member=Exists(member),
        user_manages=_manages_exists(user, "campaign_id"),
    )


def managed_campaigns(user) -> QuerySet[Campaign]:
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_staff:
        return Campaign.objects.all()
    ids = Campaign.objects.filter(_managed_q(user)).values("pk")
    return Campaign.objects.filter(pk__in=ids)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Campaigns this person may read (see the module's docstring)."""
    if not user.is_authenticated:
        return Campaign.objects.none()
    if user.is_staff:
        return Campaign.objects.all()
    mine = Membership.objects.filter(user=user).values("organisation_id")
    asked = CampaignReport.objects.filter(organisation_id__in=mine).values("campaign_id")
    ids = Campaign.objects.filter(_managed_q(user) | Q(pk__in=asked)).values("pk")
    return Campaign.objects.filter(pk__in=ids)


def reports_visible_to(user) -> QuerySet[CampaignReport]:
    """Reports of the person's organisations, and every report of the campaigns they manage."""
    if not user.is_authenticated:
        return CampaignReport.objects.none()
    base = CampaignReport.objects.select_related("campaign", "organisation")
    if user.is_staff:
        return base
    mine = Membership.objects.filter(user=user).values("organisation_id")
    managed = Campaign.objects.filter(_managed_q(user)).values("pk")
    return base.filter(Q(organisation_id__in=mine) | Q(campaign_id__in=managed))


def reports_due_for(user) -> QuerySet[CampaignReport]:
    """The reports the person's organisations still owe in open campaigns (their dashboard)."""
    if not user.is_authenticated:
        return CampaignReport.objects.none()
    mine = Membership.objects.filter(user=user).values("organisation_id")
    return (
        CampaignReport.objects.filter(
            organisation_id__in=mine,
            campaign__state=Campaign.State.OPEN,
            state__in=CampaignReport.OPEN_STATES,
        )
        .select_related("campaign", "organisation")
        .order_by("campaign__due_at", "pk")
    )


def organisation_reports(organisation: Organisation) -> QuerySet[CampaignReport]:
    return (
        CampaignReport.objects.filter(organisation=organisation)
        .exclude(campaign__state=Campaign.State.DRAFT)
        .select_related("campaign")
        .order_by("-campaign__due_at", "pk")
    )


def schedules_visible_to(user) -> QuerySet[Schedule]:
    return Schedule.objects.filter(template__in=managed_campaigns(user)).select_related("template")


# --- the audience ---------------------------------------------------------------------------------


def audience_of(campaign: Campaign) -> QuerySet[Organisation]:
    """The organisations matching every criterion given (regions, kinds, a contest's live
    applicants), plus the listed ones. Nothing given: nobody."""
    listed = list(campaign.audience_organisations.values_list("pk", flat=True)) if campaign.pk else []
    criteria = Q()
    any_criterion = False
    if campaign.audience_regions:
        criteria &= Q(region__in=campaign.audience_regions)
        any_criterion = True
    if campaign.audience_kinds:
        criteria &= Q(kind__in=campaign.audience_kinds)
        any_criterion = True
    if campaign.audience_contest_id:
        live = Application.objects.filter(
            contest_id=campaign.audience_contest_id, organisation=OuterRef("pk")
        ).exclude(state__in=_dead_application_states())
        criteria &= Q(Exists(live))
        any_criterion = True
    chosen = Q(pk__in=listed) if listed else Q(pk__in=[])
    if any_criterion:
        chosen |= criteria
    return Organisation.objects.filter(chosen).order_by("name", "pk")


def _dead_application_states() -> list[str]:
    """Not (or no longer) taking part: never submitted, or withdrawn."""
    return [Application.State.DRAFT, Application.State.WITHDRAWN]


# --- the dashboard --------------------------------------------------------------------------------


def late_reporters(campaign: Campaign) -> QuerySet[Organisation]:
    """Organisations whose report is neither submitted nor accepted after the due date."""
    if clock.now() <= campaign.due_at:
        return Organisation.objects.none()
    late = CampaignReport.objects.filter(campaign=campaign, state__in=LATE_STATES).values("organisation_id")
    return Organisation.objects.filter(pk__in=late).order_by("name", "pk")


def campaign_reports(campaign: Campaign) -> QuerySet[CampaignReport]:
    return campaign.reports.select_related("organisation").order_by("organisation__name", "pk")


def campaign_summary(campaign: Campaign) -> dict[str, Any]:
    """The dashboard's figures: counts by state, lateness, by region, indicator totals."""
    past_due = clock.now() > campaign.due_at
    done = Q(state__in=(CampaignReport.State.SUBMITTED, CampaignReport.State.ACCEPTED))
    totals = campaign.reports.aggregate(
        requested=Count("pk"),
        submitted=Count("pk", filter=done),
        accepted=Count("pk", filter=Q(state=CampaignReport.State.ACCEPTED)),
        returned=Count("pk", filter=Q(state=CampaignReport.State.RETURNED)),
        open=Count("pk", filter=Q(state__in=LATE_STATES)),
    )
    by_region = []
    rows = (
        campaign.reports.values("organisation__region")
        .annotate(
            requested=Count("pk"),
            submitted=Count("pk", filter=done),
            open=Count("pk", filter=Q(state__in=LATE_STATES)),
        )
        .order_by("organisation__region")
    )
    for row in rows:
        region = row["organisation__region"]
        by_region.append(
            {
                "region": region,
                "region_label": str(REGION_LABELS.get(region, region)),
                "requested": row["requested"],
                "submitted": row["submitted"],
                "late": row["open"] if past_due else 0,
            }
        )
    return {
        "requested": totals["requested"],
        "submitted": totals["submitted"],
        "accepted": totals["accepted"],
        "returned": totals["returned"],
        "late": totals["open"] if past_due else 0,
        "by_region": by_region,
        "indicator_totals": indicator_totals(campaign),
    }


def campaign_year(campaign: Campaign) -> int:
    return clock.local(campaign.due_at, campaign.time_zone).year


def indicator_totals(campaign: Campaign) -> list[dict[str, Any]]:
    """Per indicator, region and year: the sum of targets and of actuals (submitted or accepted
    reports only: a draft's figures are not yet said)."""
    year = campaign_year(campaign)
    indicators = {i.pk: i for i in CampaignIndicator.objects.filter(campaign=campaign)}
    sums: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(
        lambda: {"target": Decimal("0"), "actual": Decimal("0")}
    )
    asked = campaign.reports.values("organisation_id")
    for indicator_id, region, target in IndicatorTarget.objects.filter(
        indicator__campaign=campaign, year=year, organisation_id__in=asked
    ).values_list("indicator_id", "organisation__region", "target"):
        sums[(indicator_id, region)]["target"] += target
    for indicator_id, region, value in IndicatorActual.objects.filter(
        report__campaign=campaign,
        report__state__in=(CampaignReport.State.SUBMITTED, CampaignReport.State.ACCEPTED),
    ).values_list("indicator_id", "report__organisation__region", "value"):
        sums[(indicator_id, region)]["actual"] += value
    rows = []
    for (indicator_id, region), figures in sums.items():
        indicator = indicators[indicator_id]
        rows.append(
            {
                "indicator": indicator.name,
                "unit": indicator.unit,
                "region": region,
                "region_label": str(REGION_LABELS.get(region, region)),
                "year": year,
                "target": figures["target"],
                "actual": figures["actual"],
            }
        )
    order = {pk: n for n, pk in enumerate(indicators)}
    rows.sort(key=lambda r: (order.get(_pk_of(indicators, r["indicator"]), 0), r["region"]))
    return rows


def _pk_of(indicators: dict[int, CampaignIndicator], name: str) -> int:
    return next((pk for pk, i in indicators.items() if i.name == name), 0)
