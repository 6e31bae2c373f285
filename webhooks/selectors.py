"""Reads of the webhooks app: whose endpoints a person sees, and what an event says of its object.

An event's body is the object's API representation cut to ids, states and URLs (absolute, under
SITE_URL): an organisation's endpoint hears of its own applications, grants and reports; a
contest's endpoint (its organisers) of the contest's, without the money, which organisers who
are not grant officers do not see (grants.rules)."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse

from accounts.models import Organisation
from applications.models import Application
from contests.models import Contest, ContestRole
from grants.models import Disbursement, Grant, GrantReport
from webhooks.models import Delivery, Endpoint


def endpoints_visible_to(user: Any) -> QuerySet[Endpoint]:
    if not user.is_authenticated:
        return Endpoint.objects.none()
    mine = Q(
        organisation__in=Organisation.objects.filter(memberships__user=user, memberships__is_admin=True)
    ) | Q(contest__in=Contest.objects.filter(roles__user=user, roles__role=ContestRole.Role.ORGANISER))
    return Endpoint.objects.filter(mine).select_related("organisation", "contest")


def deliveries_of(endpoint: Endpoint) -> QuerySet[Delivery]:
    return endpoint.deliveries.prefetch_related("log").order_by("-pk")


def organisation_endpoints(organisation: Organisation) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(organisation=organisation)


def contest_endpoints(contest: Contest) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(contest=contest)


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(f"api:{name}-detail", args=[pk])


def _ref(name: str, pk: int) -> dict[str, Any]:
    return {"id": pk, "url": _url(name, pk)}


@dataclass
class Subject:
    """One object an event happened to: whose endpoints hear of it, and what they are told
    (`data` for the organisation's endpoints, `public` for the contest's)."""

    contest_id: int
    organisation_ids: set[int]
    data: dict[str, Any]
    public: dict[str, Any] = field(default_factory=dict)


def _applications(pks: list[int]) -> list[Subject]:
    rows = Application.objects.filter(pk__in=pks).values_list(
        "pk", "contest_id", "organisation_id", "state", "number"
    )
    subjects = []
    for pk, contest_id, organisation_id, state, number in rows:
        data = {
            "object": "application",
            **_ref("application", pk),
            "number": number,
            "state": state,
            "contest": _ref("contest", contest_id),
            "organisation": _ref("organisation", organisation_id),
        }
        subjects.append(Subject(contest_id, {organisation_id}, data, data))
    return subjects


def _contests(pks: list[int], organisations: set[int] | None) -> list[Subject]:
    """Announced results: the contest's endpoints, and those of organisations that applied."""
    subjects = []
    for pk, state in Contest.objects.filter(pk__in=pks).values_list("pk", "state"):
        applied: set[int] = set()
        if organisations:
            applied = set(
                Application.objects.filter(contest_id=pk, organisation_id__in=organisations)
                .exclude(state=Application.State.DRAFT)
                .values_list("organisation_id", flat=True)
            )
        data = {
            "object": "contest",
            **_ref("contest", pk),
            "state": state,
            "results_url": _url("result", pk),
        }
        subjects.append(Subject(pk, applied, data, data))
    return subjects


def _grant_part(grant: Grant, *, money: bool) -> dict[str, Any]:
    part = {
        **_ref("grant", grant.pk),
        "state": grant.state,
        "application": _ref("application", grant.application_id),
        "contest": _ref("contest", grant.contest_id),
        "organisation": _ref("organisation", grant.application.organisation_id),
    }
    if money:
        part |= {"amount": str(grant.amount), "currency": grant.currency}
    return part


def _grants(pks: list[int]) -> list[Subject]:
    subjects = []
    for grant in Grant.objects.filter(pk__in=pks).select_related("application"):
        data = {"object": "grant", **_grant_part(grant, money=True)}
        public = {"object": "grant", **_grant_part(grant, money=False)}
        subjects.append(Subject(grant.contest_id, {grant.application.organisation_id}, data, public))
    return subjects


def _tranches(pks: list[int]) -> list[Subject]:
    subjects = []
    for tranche in Disbursement.objects.filter(pk__in=pks).select_related("grant__application"):
        grant = tranche.grant
        base = {"object": "tranche", **_ref("granttranche", tranche.pk), "state": tranche.state}
        data = {
            **base,
            "amount": str(tranche.amount),
            "currency": grant.currency,
            "paid_on": tranche.paid_on.isoformat() if tranche.paid_on else None,
            "grant": _grant_part(grant, money=True),
        }
        public = {**base, "grant": _grant_part(grant, money=False)}
        subjects.append(Subject(grant.contest_id, {grant.application.organisation_id}, data, public))
    return subjects


def _reports(pks: list[int]) -> list[Subject]:
    subjects = []
    for report in GrantReport.objects.filter(pk__in=pks).select_related("grant__application"):
        grant = report.grant
        base = {
            "object": "report",
            **_ref("grantreport", report.pk),
            "kind": report.kind,
            "state": report.state,
            "due_on": report.due_on.isoformat(),
        }
        data = {**base, "grant": _grant_part(grant, money=True)}
        public = {**base, "grant": _grant_part(grant, money=False)}
        subjects.append(Subject(grant.contest_id, {grant.application.organisation_id}, data, public))
    return subjects


def subjects_of(model: type, pks: list[int], organisations: set[int] | None = None) -> list[Subject]:
    """What an event on these rows says, per row. `organisations`: the ones with endpoints (for
    announced results, only they are looked up among the contest's applicants)."""
    if model is Application:
        return _applications(pks)
    if model is Contest:
        return _contests(pks, organisations)
    if model is Grant:
        return _grants(pks)
    if model is Disbursement:
        return _tranches(pks)
    if model is GrantReport:
        return _reports(pks)
    raise LookupError(f"Webhooks do not describe {model.__name__}")
