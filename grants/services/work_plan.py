"""The project card (organiser, manager, funding sources) and the calendar plan of a grant: its
activities, their progress and the evidence that each was done. The grantee's members keep them,
the grant officers see and may correct them, while the grant runs (grants.rules edit_work_plan).
Every change raises the record's version (core.versioning): a writer who loaded an older one is
refused instead of overwriting someone else's change."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from applications.services import safe_display_name
from core import clock, formats, versioning
from core.files import validate_upload
from core.fsm import apply_transition
from core.money import Currency
from grants.models import FundingSource, Grant, PlanActivity, ProjectCard
from grants.services.common import MB, _lock_grant, money
from grants.services.reports_and_indicators import REPORT_FILE_TYPES

EVIDENCE_MAX_MB = 20
CARD_FIELDS = ("organiser", "manager_name", "manager_position", "manager_contact")
ACTIVITY_FIELDS = ("title", "responsible", "start_month", "end_month", "deadline")
MAX_SOURCES = 20


def _month(day: date) -> date:
    return day.replace(day=1)


def _sources(raw: Iterable[Mapping[str, Any]]) -> list[FundingSource]:
    rows = list(raw)
    if len(rows) > MAX_SOURCES:
        raise ValidationError({"funding_sources": _("Give at most %(n)s sources.") % {"n": MAX_SOURCES}})
    found = []
    for order, row in enumerate(rows):
        name = str(row.get("name") or "").strip()
        if not name:
            raise ValidationError({"funding_sources": _("Name each funding source.")})
        currency = row.get("currency") or Currency.UAH
        if currency not in Currency.values:
            raise ValidationError({"funding_sources": _("Choose a currency from the list.")})
        found.append(
            FundingSource(
                name=name[:300],
                amount=money(row.get("amount"), "funding_sources"),
                currency=currency,
                order=order,
            )
        )
    return found


def save_card(
    grant: Grant,
    *,
    by: User,
    version: int | None = None,
    funding_sources: Iterable[Mapping[str, Any]] | None = None,
    **fields: Any,
) -> ProjectCard:
    """Change the card's fields given (the others stay), and replace the funding sources when
    given. `version`: the card's version the writer loaded (None: no check)."""
    unknown = set(fields) - set(CARD_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        card = ProjectCard.objects.select_for_update().filter(grant=grant).first()
        if card is None:
            card = ProjectCard(grant=grant)
        else:
            versioning.check(card, version)
        for name, value in fields.items():
            setattr(card, name, str(value or "").strip())
        sources = _sources(funding_sources) if funding_sources is not None else None
        if sources is not None:
            grant.funding_sources.all().delete()
            for source in sources:
                source.grant = grant
            FundingSource.objects.bulk_create(sources)
            versioning.touch(card, "funding_sources", by=by)
        versioning.touch(card, by=by)
        card.save()
    return card


# --- activities ------------------------------------------------------------------------------------


def _check_activity(grant: Grant, values: dict[str, Any]) -> None:
    errors = {}
    if not str(values.get("title") or "").strip():
        errors["title"] = _("Name the activity.")
    if not str(values.get("responsible") or "").strip():
        errors["responsible"] = _("Say who is responsible for it.")
    first, last = _month(grant.starts_on), _month(grant.ends_on)
    start, end = values["start_month"], values["end_month"]
    span = {"start": formats.day(first), "end": formats.day(grant.ends_on)}
    if not first <= start <= last:
        errors["start_month"] = _("The months must lie within the grant (%(start)s – %(end)s).") % span
    if not first <= end <= last:
        errors["end_month"] = _("The months must lie within the grant (%(start)s – %(end)s).") % span
    elif end < start:
        errors["end_month"] = _("The last month cannot come before the first.")
    if values["deadline"] < start:
        errors["deadline"] = _("The deadline cannot come before the activity's first month.")
    if errors:
        raise ValidationError(errors)


def add_activity(
    grant: Grant,
    *,
    by: User,
    title: str,
    responsible: str,
    start_month: date,
    end_month: date,
    deadline: date,
) -> PlanActivity:
    """Add an activity to the grant's plan; months are kept as their first day."""
    values = {
        "title": title.strip(),
        "responsible": responsible.strip(),
        "start_month": _month(start_month),
        "end_month": _month(end_month),
        "deadline": deadline,
    }
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        _check_activity(grant, values)
        order = grant.activities.count()
        activity = PlanActivity(grant=grant, order=order, **values)
        with versioning.editing_as(by):
            activity.save()
    return activity


def _locked_activity(activity: PlanActivity) -> PlanActivity:
    found = PlanActivity.objects.select_for_update(of=("self",)).select_related("grant__contest")
    return found.get(pk=activity.pk)


def update_activity(
    activity: PlanActivity, *, by: User, version: int | None = None, **fields: Any
) -> PlanActivity:
    """Change an activity that is planned or in progress (a done or cancelled one stays as it is)."""
    unknown = set(fields) - set(ACTIVITY_FIELDS)
    if unknown:
        raise ValidationError({name: _("This field cannot be changed here.") for name in sorted(unknown)})
    with transaction.atomic():
        activity = _locked_activity(activity)
        versioning.check(activity, version)
        if activity.state not in PlanActivity.OPEN_STATES:
            raise ValidationError(_("A done or cancelled activity no longer changes."))
        values = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
        values.update({k: v for k, v in fields.items() if v is not None})
        for name in ("title", "responsible"):
            values[name] = str(values[name]).strip()
        for name in ("start_month", "end_month"):
            values[name] = _month(values[name])
        _check_activity(activity.grant, values)
        for name, value in values.items():
            setattr(activity, name, value)
        with versioning.editing_as(by):
            activity.save()
    return activity


def delete_activity(activity: PlanActivity, *, by: User) -> None:
    """Remove a planned activity (one begun is cancelled instead: its history stays)."""
    with transaction.atomic():
        activity = _locked_activity(activity)
        if activity.state != PlanActivity.State.PLANNED:
            raise ValidationError(_("Only a planned activity can be removed; cancel it instead."))
        activity.delete()


def start_activity(activity: PlanActivity, *, by: User, note: str = "") -> PlanActivity:
    with transaction.atomic():
        activity = _locked_activity(activity)
        apply_transition(activity, "start", by=by, note=note, savepoint=False)
    return activity


def complete_activity(
    activity: PlanActivity, *, by: User, note: str = "", evidence: UploadedFile | None = None
) -> PlanActivity:
    """Mark an activity done with its evidence: a note, a file (checked by content), or both.
    Without either it is refused and nothing changes."""
    note = (note or "").strip()
    if not note and evidence is None:
        raise ValidationError({"note": _("Give the evidence that it was done: a note or a file.")})
    kind = validate_upload(evidence, REPORT_FILE_TYPES, EVIDENCE_MAX_MB * MB) if evidence else ""
    with transaction.atomic():
        activity = _locked_activity(activity)
        activity.evidence_note = note
        if evidence is not None:
            activity.evidence_kind = kind
            activity.evidence_name = safe_display_name(evidence.name or "")
            activity.evidence_file.save(evidence.name or "evidence", evidence, save=False)
        activity.done_on = grant_today(activity.grant)
        apply_transition(activity, "complete", by=by, note=note, savepoint=False)
    return activity


def cancel_activity(activity: PlanActivity, *, by: User, note: str = "") -> PlanActivity:
    with transaction.atomic():
        activity = _locked_activity(activity)
        apply_transition(activity, "cancel", by=by, note=note, savepoint=False)
    return activity


def grant_today(grant: Grant) -> date:
    return clock.local(clock.now(), grant.contest.time_zone).date()
