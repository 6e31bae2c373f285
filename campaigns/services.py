"""Writes of campaigns: the campaign and its form, the audience, opening (one report per
organisation, set-based), reports (answers, figures, files, submission, review), schedules."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Membership, Organisation, User
from applications.services import safe_display_name
from campaigns import answers as report_answers
from campaigns import events
from campaigns.models import (
    TIME_ZONE,
    Campaign,
    CampaignIndicator,
    CampaignQuestion,
    CampaignReport,
    IndicatorActual,
    IndicatorTarget,
    ReportAttachment,
    Schedule,
)
from campaigns.selectors import audience_of, campaign_year
from core import clock, versioning
from core.files import DOCUMENT_TYPES, EXTENSIONS, JPEG, PNG, XLSX, validate_upload
from core.fsm import apply_transition
from notifications.services import Recipient, notify_many

MB = 1024 * 1024
CAMPAIGN_FIELDS = ("title", "instructions", "due_at", "period_label")
REPORT_FILE_TYPES = (*DOCUMENT_TYPES, XLSX, JPEG, PNG)


def _report_link(report_pk: int) -> str:
    return f"{settings.SITE_URL}/campaigns/reports/{report_pk}/"


def _due_text(moment: datetime) -> str:
    return clock.local(moment, TIME_ZONE).strftime("%d.%m.%Y %H:%M")


def _context(report: CampaignReport) -> dict[str, Any]:
    return {
        "campaign": str(report.campaign),
        "organisation": report.organisation.name,
        "due": _due_text(report.campaign.due_at),
        "link": _report_link(report.pk),
    }


def members_by_organisation(organisation_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Active members of each organisation as plain rows (no model per person)."""
    members: dict[int, list[Recipient]] = {}
    for org_id, pk, email, language in Membership.objects.filter(
        organisation_id__in=list(organisation_ids), user__is_active=True
    ).values_list("organisation_id", "user_id", "user__email", "user__language"):
        members.setdefault(org_id, []).append(Recipient(pk, email, language))
    return members


# --- the campaign -------------------------------------------------------------------------------


def _check_dates(campaign: Campaign) -> None:
    if campaign.due_at is None:
        raise ValidationError({"due_at": [_("Give the due date.")]})


def _lock(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _check_draft(campaign: Campaign, what: str) -> None:
    if campaign.state != Campaign.State.DRAFT:
        raise ValidationError({what: [_("This changes only while the campaign is a draft.")]})


def create_campaign(
    *,
    by: User,
    owner: Organisation,
    title: str,
    due_at: datetime,
    instructions: str = "",
    period_label: str = "",
    audience_regions: list[str] | None = None,
    audience_kinds: list[str] | None = None,
    audience_contest: Any = None,
    audience_organisations: Iterable[Organisation] = (),
) -> Campaign:
    with transaction.atomic():
        campaign = Campaign(
            owner=owner,
            title=title.strip(),
            instructions=instructions.strip(),
            due_at=due_at,
            period_label=period_label.strip(),
            audience_regions=sorted(set(audience_regions or [])),
            audience_kinds=sorted(set(audience_kinds or [])),
            audience_contest=audience_contest,
            created_by=by,
        )
        _check_dates(campaign)
        campaign.save()
        campaign.managers.add(by)
        if audience_organisations:
            campaign.audience_organisations.set(list(audience_organisations))
    return campaign


def update_campaign(campaign: Campaign, **fields: Any) -> Campaign:
    """Title, instructions, due date and period any time before closing; the audience only while
    a draft (opening asked those organisations already)."""
    with transaction.atomic():
        campaign = _lock(campaign)
        if campaign.state == Campaign.State.CLOSED:
            raise ValidationError(_("A closed campaign does not change."))
        for name in CAMPAIGN_FIELDS:
            if name in fields:
                value = fields[name]
                setattr(campaign, name, value.strip() if isinstance(value, str) else value)
        if _audience_changes(campaign, fields):
            _check_draft(campaign, "audience_regions")
        for name in ("audience_regions", "audience_kinds"):
            if name in fields:
                setattr(campaign, name, sorted(set(fields[name] or [])))
        if "audience_contest" in fields:
            campaign.audience_contest = fields["audience_contest"]
        _check_dates(campaign)
        campaign.save()
        if "audience_organisations" in fields:
            campaign.audience_organisations.set(list(fields["audience_organisations"] or []))
    return campaign


def _audience_changes(campaign: Campaign, fields: dict[str, Any]) -> bool:
    """Whether `fields` change the audience (a client may send back what it read, unchanged)."""
    for name in ("audience_regions", "audience_kinds"):
        if name in fields and sorted(set(fields[name] or [])) != sorted(getattr(campaign, name)):
            return True
    if "audience_contest" in fields:
        contest = fields["audience_contest"]
        if getattr(contest, "pk", contest) != campaign.audience_contest_id:
            return True
    if "audience_organisations" in fields:
        chosen = {getattr(o, "pk", o) for o in fields["audience_organisations"] or []}
        return chosen != set(campaign.audience_organisations.values_list("pk", flat=True))
    return False


def delete_campaign(campaign: Campaign) -> None:
    if campaign.state != Campaign.State.DRAFT:
        raise ValidationError(_("Only a draft can be deleted; close an open campaign instead."))
    if campaign.schedules.exists():
        raise ValidationError(_("A schedule uses this campaign as its template: delete the schedule first."))
    campaign.delete()


def add_question(campaign: Campaign, **fields: Any) -> CampaignQuestion:
    with transaction.atomic():
        campaign = _lock(campaign)
        _check_draft(campaign, "questions")
        question = CampaignQuestion(campaign=campaign, **fields)
        question.position = question.position or campaign.questions.count() + 1
        _check_question(question)
        try:
            with transaction.atomic():
                question.save()
        except IntegrityError:
            raise ValidationError({"key": [_("Another question has this key.")]}) from None
    return question


def _check_question(question: CampaignQuestion) -> None:
    errors: dict[str, str] = {}
    kind = question.field_type
    if kind not in CampaignQuestion.Type.values:
        errors["field_type"] = _("Choose a type.")
    if kind in CampaignQuestion.CHOICE_TYPES:
        choices = question.choices
        if not isinstance(choices, list) or len(choices) < 2:
            errors["choices"] = _("A choice question needs at least two choices.")
        elif any(not isinstance(c, str) or not c.strip() for c in choices) or len(set(choices)) != len(
            choices
        ):
            errors["choices"] = _("Every choice must be a non-empty text, and choices must not repeat.")
    elif question.choices:
        errors["choices"] = _("Only choice questions have choices.")
    if question.file_types and (
        kind != CampaignQuestion.Type.FILE or set(question.file_types) - set(EXTENSIONS)
    ):
        errors["file_types"] = _("Choose among: %(types)s.") % {"types": ", ".join(EXTENSIONS)}
    if question.max_length is not None and kind not in CampaignQuestion.TEXT_TYPES:
        errors["max_length"] = _("Only text questions have a maximum length.")
    if not 1 <= question.max_file_mb <= 100:
        errors["max_file_mb"] = _("Between 1 and 100 MB.")
    if errors:
        raise ValidationError(errors)


def delete_question(question: CampaignQuestion) -> None:
    with transaction.atomic():
        _check_draft(_lock(question.campaign), "questions")
        question.delete()


def add_indicator(
    campaign: Campaign, *, name: str, unit: str = "", target: Decimal | None = None
) -> CampaignIndicator:
    """A new indicator; with `target`, the same target for every organisation of the audience, in the
    same transaction (the page's form asks both at once)."""
    with transaction.atomic():
        campaign = _lock(campaign)
        _check_draft(campaign, "indicators")
        name = name.strip()
        if not name:
            raise ValidationError({"name": [_("Name the indicator.")]})
        if campaign.indicators.filter(name=name).exists():
            raise ValidationError({"name": [_("Another indicator has this name.")]})
        indicator = CampaignIndicator.objects.create(
            campaign=campaign, name=name, unit=unit.strip(), position=campaign.indicators.count() + 1
        )
        if target is not None:
            set_targets(campaign, [{"indicator": indicator.pk, "target": target}])
        return indicator


def delete_indicator(indicator: CampaignIndicator) -> None:
    with transaction.atomic():
        _check_draft(_lock(indicator.campaign), "indicators")
        indicator.delete()


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [_("Enter a number, e.g. 1607 or 12,5.")]}) from None
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ValidationError({field: [_("Enter a number from 0 up.")]})
    return number.quantize(Decimal("0.01"))


def set_targets(campaign: Campaign, rows: Iterable[Mapping[str, Any]]) -> int:
    """Targets per indicator, organisation and year (upserted): {indicator, organisation, year, target}.
    A row without an organisation sets the target of every organisation of the audience."""
    with transaction.atomic():
        campaign = _lock(campaign)
        if campaign.state == Campaign.State.CLOSED:
            raise ValidationError(_("A closed campaign does not change."))
        indicators = {i.pk: i for i in campaign.indicators.all()}
        audience = list(_asked_ids(campaign))
        count = 0
        for row in rows:
            indicator = row.get("indicator")
            indicator_id = getattr(indicator, "pk", indicator)
            if indicator_id not in indicators:
                raise ValidationError({"indicator": [_("Choose an indicator of this campaign.")]})
            year = int(row.get("year") or campaign_year(campaign))
            target = _decimal(row.get("target"), "target")
            organisation = row.get("organisation")
            org_ids = [getattr(organisation, "pk", organisation)] if organisation else audience
            for org_id in org_ids:
                IndicatorTarget.objects.update_or_create(
                    indicator_id=indicator_id, organisation_id=org_id, year=year, defaults={"target": target}
                )
                count += 1
    return count


def _asked_ids(campaign: Campaign) -> Iterable[int]:
    if campaign.state == Campaign.State.DRAFT:
        return audience_of(campaign).values_list("pk", flat=True)
    return campaign.reports.values_list("organisation_id", flat=True)


def open_campaign(campaign: Campaign, *, by: User | None, note: str = "") -> Campaign:
    """Open: one report per organisation of the audience (one INSERT), and their members told
    through the outbox (one batch write)."""
    with transaction.atomic():
        campaign = _lock(campaign)
        apply_transition(campaign, "open", by=by, note=note, savepoint=False)
        campaign.opened_at = clock.now()
        campaign.save(update_fields=["opened_at"])
        org_ids = list(audience_of(campaign).values_list("pk", flat=True))
        CampaignReport.objects.bulk_create(
            [CampaignReport(campaign=campaign, organisation_id=pk) for pk in org_ids], ignore_conflicts=True
        )
        _notify_requested(campaign)
    return campaign


def _notify_requested(campaign: Campaign) -> None:
    reports = list(campaign.reports.select_related("organisation"))
    members = members_by_organisation(r.organisation_id for r in reports)
    items = []
    for report in reports:
        report.campaign = campaign
        if members.get(report.organisation_id):
            items.append(
                (members[report.organisation_id], _context(report), f"campaign-requested:{report.pk}")
            )
    if items:
        notify_many(events.REQUESTED.key, items)


def close_campaign(campaign: Campaign, *, by: User | None, note: str = "") -> Campaign:
    with transaction.atomic():
        campaign = _lock(campaign)
        apply_transition(campaign, "close", by=by, note=note, savepoint=False)
    return campaign


# --- reports ------------------------------------------------------------------------------------


def _open_report(report: CampaignReport) -> CampaignReport:
    report = (
        CampaignReport.objects.select_for_update(of=("self",))
        .select_related("campaign", "organisation")
        .get(pk=report.pk)
    )
    if report.state not in CampaignReport.OPEN_STATES:
        raise ValidationError(
            _("This report is submitted; it changes only if it is returned for correction.")
        )
    if report.campaign.state != Campaign.State.OPEN:
        raise ValidationError(_("The campaign is not open."))
    return report


def save_report(
    report: CampaignReport,
    *,
    by: User,
    answers: Mapping[str, Any] | None = None,
    actuals: Mapping[Any, Any] | None = None,
    expected_version: int | None = None,
) -> CampaignReport:
    """The organisation's draft: answers (checked like an application's) and indicator figures.
    With `expected_version`, a report saved by someone else since is refused (StaleVersion)."""
    with transaction.atomic():
        report = _open_report(report)
        versioning.check(report, expected_version)
        if answers is not None:
            checked = report_answers.check(report, dict(answers))
            if not checked.ok:
                raise ValidationError({"answers": [f"{k}: {v}" for k, v in checked.errors.items()]})
            merged = {**(report.answers or {}), **checked.cleaned}
            report.answers = {k: v for k, v in merged.items() if v is not None}
        if actuals:
            indicators = set(report.campaign.indicators.values_list("pk", flat=True))
            for indicator_id, value in actuals.items():
                try:
                    indicator_id = int(indicator_id)
                except (TypeError, ValueError):
                    indicator_id = None
                if indicator_id not in indicators:
                    raise ValidationError({"actuals": [_("Choose an indicator of this campaign.")]})
                if value is None or str(value).strip() == "":
                    IndicatorActual.objects.filter(report=report, indicator_id=indicator_id).delete()
                else:
                    IndicatorActual.objects.update_or_create(
                        report=report,
                        indicator_id=indicator_id,
                        defaults={"value": _decimal(value, "actuals")},
                    )
                versioning.touch(report, f"actuals.{indicator_id}", by=by)
        versioning.touch(report, by=by)
        report.save(update_fields=["answers", "updated_at"])
    return report


def add_attachment(
    report: CampaignReport, *, by: User, question_key: str, upload: UploadedFile
) -> ReportAttachment:
    """A file answering a file question, checked by content; it replaces that question's file."""
    with transaction.atomic():
        report = _open_report(report)
        question = report.campaign.questions.filter(
            key=question_key, field_type=CampaignQuestion.Type.FILE
        ).first()
        if question is None:
            raise ValidationError({"question_key": [_("Choose a file question of this report.")]})
        kind = validate_upload(upload, question.accepted_file_types, question.max_file_mb * MB)
        report.attachments.filter(question_key=question_key).delete()
        attachment = ReportAttachment(
            report=report,
            question_key=question_key,
            original_name=safe_display_name(upload.name or ""),
            kind=kind,
            size=upload.size,
            uploaded_by=by,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        versioning.touch(report, f"files.{question_key}", by=by)
        report.save(update_fields=["updated_at"])
    return attachment


def delete_attachment(attachment: ReportAttachment, *, by: User) -> None:
    with transaction.atomic():
        report = _open_report(attachment.report)
        attachment.delete()
        versioning.touch(report, f"files.{attachment.question_key}", by=by)
        report.save(update_fields=["updated_at"])


def submit_report(report: CampaignReport, *, by: User, note: str = "") -> CampaignReport:
    with transaction.atomic():
        report = (
            CampaignReport.objects.select_for_update(of=("self",))
            .select_related("campaign")
            .get(pk=report.pk)
        )
        apply_transition(report, "submit", by=by, note=note, savepoint=False)
        report.submitted_at, report.submitted_by = clock.now(), by
        report.save(update_fields=["submitted_at", "submitted_by"])
    return report


def accept_report(report: CampaignReport, *, by: User, note: str = "") -> CampaignReport:
    with transaction.atomic():
        report = CampaignReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
        apply_transition(report, "accept", by=by, note=note, savepoint=False)
        report.reviewed_at = clock.now()
        report.save(update_fields=["reviewed_at"])
    return report


def return_report(
    report: CampaignReport, *, by: User, note: str = "", correct_by: date | None = None
) -> CampaignReport:
    """Back to the organisation with what to correct and by when (default: a week from now)."""
    with transaction.atomic():
        report = (
            CampaignReport.objects.select_for_update(of=("self",))
            .select_related("campaign", "organisation")
            .get(pk=report.pk)
        )
        if correct_by is not None and correct_by < clock.local(clock.now(), TIME_ZONE).date():
            raise ValidationError({"correct_by": [_("The correction deadline cannot be in the past.")]})
        apply_transition(report, "return_for_correction", by=by, note=note, savepoint=False)
        day = correct_by or (clock.local(clock.now(), TIME_ZONE) + timedelta(days=7)).date()
        report.correction_due_at = datetime.combine(day, time(23, 59), ZoneInfo(TIME_ZONE))
        report.reviewed_at = clock.now()
        report.save(update_fields=["correction_due_at", "reviewed_at", "return_note"])
        returns = report.version  # each return its own occasion
        members = members_by_organisation([report.organisation_id]).get(report.organisation_id)
        if members:
            context = {**_context(report), "note": report.return_note, "correct_by": day.strftime("%d.%m.%Y")}
            notify_many(events.RETURNED.key, [(members, context, f"campaign-returned:{report.pk}:{returns}")])
    return report


# --- schedules ----------------------------------------------------------------------------------


def _check_days(days: Any) -> list[str]:
    if not isinstance(days, list) or not days:
        raise ValidationError({"days": [_("Give at least one day as MM-DD, e.g. 03-20.")]})
    cleaned = set()
    for day in days:
        try:
            month, dom = (int(p) for p in str(day).split("-"))
            date(2024, month, dom)  # a leap year: 02-29 is a day of some years
        except (ValueError, TypeError):
            raise ValidationError({"days": [_("Give each day as MM-DD, e.g. 03-20.")]}) from None
        cleaned.add(f"{month:02d}-{dom:02d}")
    return sorted(cleaned)


def create_schedule(
    template: Campaign, *, by: User, days: list[str], due_hour: int = 18, lead_days: int = 30
) -> Schedule:
    if not 0 <= int(due_hour) <= 23:
        raise ValidationError({"due_hour": [_("An hour from 0 to 23.")]})
    with transaction.atomic():
        schedule = Schedule.objects.create(
            template=template, days=_check_days(days), due_hour=due_hour, lead_days=lead_days, created_by=by
        )
        if template.schedule_id is None:
            # The template is its own period's campaign: the schedule never makes a twin of it.
            Campaign.objects.filter(pk=template.pk).update(
                schedule=schedule, period_key=clock.local(template.due_at, TIME_ZONE).date().isoformat()
            )
    return schedule


def update_schedule(schedule: Schedule, **fields: Any) -> Schedule:
    if "days" in fields:
        schedule.days = _check_days(fields["days"])
    if "due_hour" in fields:
        if not 0 <= int(fields["due_hour"]) <= 23:
            raise ValidationError({"due_hour": [_("An hour from 0 to 23.")]})
        schedule.due_hour = fields["due_hour"]
    for name in ("lead_days", "is_active"):
        if name in fields:
            setattr(schedule, name, fields[name])
    schedule.save()
    return schedule


def due_dates(schedule: Schedule, today: date) -> list[date]:
    """The schedule's due dates of this year and the next, from today on."""
    found = []
    for year in (today.year, today.year + 1):
        for day in schedule.days:
            month, dom = (int(p) for p in day.split("-"))
            try:
                candidate = date(year, month, dom)
            except ValueError:  # 29 February of a common year
                continue
            if candidate >= today:
                found.append(candidate)
    return sorted(found)


def run_schedule(schedule: Schedule, now: datetime | None = None) -> list[Campaign]:
    """Make and open the campaigns whose opening day (due date − lead days) has come. Unique per
    schedule and period: running twice, or from beat and a request at once, makes one."""
    now = now or clock.now()
    today = clock.local(now, TIME_ZONE).date()
    made = []
    for due_day in due_dates(schedule, today):
        if today < due_day - timedelta(days=schedule.lead_days):
            continue
        period_key = due_day.isoformat()
        if Campaign.objects.filter(schedule=schedule, period_key=period_key).exists():
            continue
        try:
            with transaction.atomic():
                made.append(_copy_template(schedule, due_day, period_key))
        except IntegrityError:
            continue  # another worker made it at the same moment
    return made


def _copy_template(schedule: Schedule, due_day: date, period_key: str) -> Campaign:
    template = schedule.template
    due_at = datetime.combine(due_day, time(schedule.due_hour), ZoneInfo(TIME_ZONE))
    campaign = Campaign.objects.create(
        title=template.title,
        instructions=template.instructions,
        owner=template.owner,
        due_at=due_at,
        period_label=due_day.strftime("%d.%m.%Y"),
        audience_regions=template.audience_regions,
        audience_kinds=template.audience_kinds,
        audience_contest=template.audience_contest,
        schedule=schedule,
        period_key=period_key,
        created_by=schedule.created_by,
    )
    campaign.managers.set(template.managers.all())
    campaign.audience_organisations.set(template.audience_organisations.all())
    CampaignQuestion.objects.bulk_create(
        [
            CampaignQuestion(
                campaign=campaign,
                **{
                    f.name: getattr(q, f.name)
                    for f in CampaignQuestion._meta.concrete_fields
                    if f.name not in ("id", "campaign")
                },
            )
            for q in template.questions.all()
        ]
    )
    indicators = {}
    for indicator in template.indicators.all():
        indicators[indicator.pk] = CampaignIndicator.objects.create(
            campaign=campaign, name=indicator.name, unit=indicator.unit, position=indicator.position
        )
    if campaign.open_problems():
        return campaign  # left a draft for its managers to complete
    return open_campaign(campaign, by=None, note=_("Opened by its schedule."))


def run_schedules(now: datetime | None = None) -> list[Campaign]:
    made = []
    for schedule in Schedule.objects.filter(is_active=True).select_related("template"):
        made.extend(run_schedule(schedule, now))
    return made
