"""Writes of analytic reports: create, edit (with the version the writer loaded), cite cases,
publish, withdraw, delete. Each in one transaction; the web pages and the API call these."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign
from contests.models import Contest
from core import versioning
from core.fsm import apply_transition
from depository.models import Practice
from reports.models import AnalyticReport, CitedCase

NARRATIVE = ("title", "summary", "findings", "recommendations")


def check_cases(report: AnalyticReport, practices: Sequence[Practice]) -> list[Practice]:
    """The cases a report may cite: published ones of its contest, each once."""
    wrong = [p for p in practices if p.state != Practice.State.PUBLISHED or p.contest_id != report.contest_id]
    if wrong:
        raise ValidationError(
            {
                "cases": _("Cite only published cases of this contest: %(numbers)s are not.")
                % {"numbers": ", ".join(f"№ {p.pk}" for p in wrong)}
            }
        )
    seen: set[int] = set()
    unique = []
    for practice in practices:
        if practice.pk not in seen:
            seen.add(practice.pk)
            unique.append(practice)
    return unique


def _cite(report: AnalyticReport, practices: Sequence[Practice]) -> None:
    report.citations.all().delete()
    CitedCase.objects.bulk_create(
        CitedCase(report=report, practice=practice, position=i) for i, practice in enumerate(practices)
    )


def create_report(
    subject: Contest | Campaign,
    *,
    by: User,
    title: str,
    summary: str = "",
    findings: str = "",
    recommendations: str = "",
    cases: Sequence[Practice] = (),
) -> AnalyticReport:
    report = AnalyticReport(
        contest=subject if isinstance(subject, Contest) else None,
        campaign=subject if isinstance(subject, Campaign) else None,
        title=title,
        summary=summary,
        findings=findings,
        recommendations=recommendations,
        created_by=by,
    )
    cited = check_cases(report, list(cases))
    with transaction.atomic():
        report.save()
        _cite(report, cited)
    return report


def update_report(
    report: AnalyticReport, *, by: User, version: int | None = None, **changes: Any
) -> AnalyticReport:
    """Change the narrative and, when `cases` is given, the cited cases (in that order). A writer
    who loaded another `version` than the stored one gets StaleVersion and nothing changes."""
    cases = changes.pop("cases", None)
    unknown = set(changes) - set(NARRATIVE)
    if unknown:
        raise ValueError(f"not a narrative field: {sorted(unknown)}")
    with transaction.atomic(), versioning.editing_as(by):
        locked = AnalyticReport.objects.select_for_update().get(pk=report.pk)
        versioning.check(locked, version)
        cited = check_cases(locked, list(cases)) if cases is not None else None
        for name, value in changes.items():
            setattr(locked, name, value)
        if cited is not None:
            if [p.pk for p in cited] != list(locked.citations.values_list("practice_id", flat=True)):
                versioning.touch(locked, "cases")
            _cite(locked, cited)
        locked.save()
    return locked


def publish(report: AnalyticReport, *, by: User, note: str = "") -> AnalyticReport:
    return apply_transition(report, "publish", by=by, note=note)


def withdraw(report: AnalyticReport, *, by: User, note: str = "") -> AnalyticReport:
    return apply_transition(report, "withdraw", by=by, note=note)


def delete_report(report: AnalyticReport, *, by: User) -> None:
    """Only a draft goes away; a published report is withdrawn first."""
    if report.is_published:
        raise ValidationError(_("Withdraw the report before deleting it."))
    with transaction.atomic():
        report.delete()
