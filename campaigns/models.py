"""Reporting campaigns: an organiser asks a set of organisations for a report by a date.

Who manages a campaign: its `managers` (the person who created it is one), the administrators of
its owner organisation, and staff. Who may create one: staff and the Organisers group (those who
may create contests). The audience (regions, kinds, a contest's applicants, a list) is chosen
while the campaign is a draft; opening it creates one report per organisation.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.regions import Region
from contests.models import FormField
from core import clock
from core.exceptions import refuse_if
from core.files import DOCUMENT_TYPES, generated_name
from core.models import TimeStampedModel
from core.versioning import Versioned

TIME_ZONE = "Europe/Kyiv"


def report_file_path(instance: "ReportAttachment", filename: str) -> str:
    return generated_name("campaigns/reports", filename, instance.kind)


class Campaign(ConcurrentTransitionMixin, TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", pgettext_lazy("campaign state", "Open")
        CLOSED = "closed", pgettext_lazy("campaign state", "Closed")

    title = models.CharField(_("title"), max_length=300)
    instructions = models.TextField(_("instructions"), blank=True)
    owner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="owned_campaigns",
        verbose_name=_("organising body"),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_campaigns", blank=True, verbose_name=_("managers")
    )
    due_at = models.DateTimeField(_("due"))
    period_label = models.CharField(_("period"), max_length=100, blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    # The audience, chosen while a draft: organisations matching every given criterion.
    audience_regions = models.JSONField(_("regions"), default=list, blank=True)
    audience_kinds = models.JSONField(_("kinds of organisation"), default=list, blank=True)
    audience_contest = models.ForeignKey(
        "contests.Contest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applicants of the contest"),
    )
    audience_organisations = models.ManyToManyField(
        "accounts.Organisation", related_name="+", blank=True, verbose_name=_("listed organisations")
    )
    schedule = models.ForeignKey(
        "Schedule", on_delete=models.SET_NULL, null=True, blank=True, related_name="campaigns"
    )
    period_key = models.CharField(max_length=20, blank=True, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("reporting campaign")
        verbose_name_plural = _("reporting campaigns")
        ordering = ["-due_at", "-pk"]
        constraints = [
            # A schedule makes one campaign per period, however often beat or a request asks.
            models.UniqueConstraint(
                fields=["schedule", "period_key"],
                condition=Q(schedule__isnull=False),
                name="campaign_one_per_schedule_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_label})" if self.period_label else self.title

    @property
    def time_zone(self) -> str:
        return TIME_ZONE

    @property
    def is_past_due(self) -> bool:
        return clock.now() > self.due_at

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED

    def has_audience(self) -> bool:
        return bool(
            self.audience_regions
            or self.audience_kinds
            or self.audience_contest_id
            or (self.pk and len(self.audience_organisations.all()) > 0)  # prefetched in lists
        )

    def open_problems(self) -> list[str]:
        problems = []
        if not self.has_audience():
            problems.append(_("Choose who is asked to report."))
        if not self.questions.all() and not self.indicators.all():  # prefetched in lists
            problems.append(_("Add at least one question or indicator."))
        if self.due_at and self.due_at <= clock.now():
            problems.append(_("The due date has passed: set a later one."))
        return problems

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.OPEN)
    def open(self, by=None, description=None) -> None:
        refuse_if(self.open_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.OPEN, target=State.CLOSED)
    def close(self, by=None, description=None) -> None:
        pass


class CampaignQuestion(models.Model):
    """A question of the report's form: the application form's types and checks
    (applications.answers works on anything shaped like contests.FormField)."""

    Type = FormField.Type
    CHOICE_TYPES = FormField.CHOICE_TYPES
    TEXT_TYPES = FormField.TEXT_TYPES

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(_("key"), max_length=60)
    label = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True)
    field_type = models.CharField(_("type"), max_length=20, choices=FormField.Type.choices)
    required = models.BooleanField(_("required"), default=False)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    file_types = models.JSONField(_("accepted file types"), default=list, blank=True)
    max_file_mb = models.PositiveIntegerField(_("largest file (MB)"), default=10)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("report question")
        verbose_name_plural = _("report questions")
        ordering = ["campaign", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "key"], name="campaign_question_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def accepted_file_types(self) -> tuple[str, ...]:
        return tuple(self.file_types) or DOCUMENT_TYPES


class CampaignIndicator(models.Model):
    """A figure each organisation reports (e.g. "events held", "people"), against its target."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["campaign", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="campaign_indicator_unique")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})" if self.unit else self.name


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(CampaignIndicator, on_delete=models.CASCADE, related_name="targets")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator", "organisation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "organisation", "year"], name="campaign_indicator_target_unique"
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="campaign_indicator_target_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}: {self.target}"


class CampaignReport(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    """One organisation's report in one campaign."""

    class State(models.TextChoices):
        DUE = "due", pgettext_lazy("campaign report state", "Due")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for correction")

    OPEN_STATES = (State.DUE, State.RETURNED)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reports")
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="campaign_reports"
    )
    state = FSMField(_("state"), default=State.DUE, choices=State.choices, protected=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    return_note = models.TextField(_("what to correct"), blank=True)
    correction_due_at = models.DateTimeField(_("correct by"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("campaign report")
        verbose_name_plural = _("campaign reports")
        ordering = ["campaign", "organisation__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "organisation"], name="campaign_report_unique")
        ]
        indexes = [models.Index(fields=["state", "campaign"], name="campaign_report_state_idx")]

    def __str__(self) -> str:
        return f"{self.campaign} — {self.organisation.name}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES and self.campaign.state == Campaign.State.OPEN

    @property
    def is_awaited(self) -> bool:
        """Not in yet: due, or returned for correction."""
        return self.state in self.OPEN_STATES

    @property
    def is_returned(self) -> bool:
        return self.state == self.State.RETURNED

    @property
    def is_late(self) -> bool:
        return self.state in self.OPEN_STATES and clock.now() > self.campaign.due_at

    def submit_problems(self) -> list[str]:
        from campaigns.answers import report_problems  # the form's checks live with the answers

        problems = []
        if self.campaign.state != Campaign.State.OPEN:
            problems.append(_("The campaign is not open."))
        return problems + [p.reason for p in report_problems(self)]

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=OPEN_STATES, target=State.SUBMITTED)
    def submit(self, by=None, description=None) -> None:
        refuse_if(self.submit_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.ACCEPTED)
    def accept(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def return_for_correction(self, by=None, description=None) -> None:
        note = (description or "").strip()
        refuse_if([] if note else [_("Say what should be corrected.")])
        self.return_note = note


class IndicatorActual(models.Model):
    report = models.ForeignKey(CampaignReport, on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey(CampaignIndicator, on_delete=models.CASCADE, related_name="actuals")
    value = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        ordering = ["report", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="campaign_indicator_actual_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="campaign_indicator_actual_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class ReportAttachment(TimeStampedModel):
    """A file answering a file question; its type checked from content, its name generated."""

    report = models.ForeignKey(CampaignReport, on_delete=models.CASCADE, related_name="attachments")
    question_key = models.SlugField(max_length=60)
    file = models.FileField(_("file"), upload_to=report_file_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Schedule(TimeStampedModel):
    """A recurring campaign: on each listed day of the year (e.g. 20 March and 20 October) a copy
    of the template campaign falls due; it is made and opened `lead_days` before."""

    template = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="schedules")
    days = models.JSONField(_("due days (MM-DD)"), default=list)
    due_hour = models.PositiveSmallIntegerField(_("due hour (Kyiv time)"), default=18)
    lead_days = models.PositiveSmallIntegerField(_("open this many days before"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("campaign schedule")
        verbose_name_plural = _("campaign schedules")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(due_hour__lte=23), name="campaign_schedule_hour_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.template.title}: {', '.join(self.days)}"


REGION_LABELS = dict(Region.choices)
