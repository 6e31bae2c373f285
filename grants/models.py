"""Grants to winners: the agreement, tranches of money, grantee reports, indicators, audit.

Money invariants hold at the database (migration 0002): a grant's live tranches never sum above
the grant, paid tranches are immutable, and the audit log refuses UPDATE and DELETE. The contest
budget (committed ≤ Contest.grant_budget) is kept by services.offer_grant under a row lock on the
contest, which serialises every writer of the contest's grants; migration 0003 keeps it from the
other side, refusing to lower a contest's grant_budget below what its grants committed.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from applications.models import Application
from contests.models import Contest
from core import formats
from core.exceptions import refuse_if
from core.files import generated_name
from core.models import TimeStampedModel
from core.money import Currency, amount_field
from core.versioning import Versioned
from grants.iban import validate_ua_iban

POSITIVE = [MinValueValidator(Decimal("0.01"))]


def agreement_path(instance: "Grant", filename: str) -> str:
    return generated_name("grants/agreements", filename, getattr(instance, "_upload_kind", None))


def report_attachment_path(instance: "ReportAttachment", filename: str) -> str:
    return generated_name("grants/reports", filename, instance.kind)


class Grant(ConcurrentTransitionMixin, TimeStampedModel):
    """Money awarded to one winning application, under an agreement with its organisation."""

    class State(models.TextChoices):
        OFFERED = "offered", _("Offered")
        AGREEMENT_SIGNED = "agreement_signed", _("Agreement signed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        TERMINATED = "terminated", _("Terminated")

    LIVE_STATES = (State.OFFERED, State.AGREEMENT_SIGNED, State.ACTIVE)

    # Denormalised from the application: the contest row is the lock that guards the budget.
    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="grants")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="grant", verbose_name=_("application")
    )
    state = FSMField(_("state"), default=State.OFFERED, choices=State.choices, protected=True)
    amount = amount_field(_("amount"), validators=POSITIVE)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.UAH)
    purpose = models.TextField(_("purpose"))
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"))
    agreement_draft = models.FileField(
        _("draft agreement"), upload_to=agreement_path, blank=True, max_length=200
    )
    agreement_signed = models.FileField(
        _("signed agreement"), upload_to=agreement_path, blank=True, max_length=200
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    # Bank details: shown only to the contest's grant officers and the grantee's members.
    payee_name = models.CharField(_("payee"), max_length=300, blank=True)
    payee_bank = models.CharField(_("bank"), max_length=300, blank=True)
    payee_iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_ua_iban])
    # Separated duties (issue 16): the grantee's members enter the bank details, never who pays.
    # A change of details already given, once the agreement is signed, waits for a second grant
    # officer to confirm it; the one who confirmed does not record the next payment.
    bank_details_changed_at = models.DateTimeField(
        _("bank details changed"), null=True, blank=True, editable=False
    )
    bank_details_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    # Set while changed details await that confirmation (nullable: SQLite adds it in place).
    bank_details_unconfirmed_since = models.DateTimeField(
        _("bank details await confirmation since"), null=True, blank=True, editable=False
    )
    bank_details_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["contest", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="grant_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gt=F("starts_on")), name="grant_ends_after_start"),
            models.CheckConstraint(
                condition=~Q(state="terminated") | ~Q(termination_reason=""),
                name="grant_terminated_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["contest", "state"], name="grant_contest_state_idx")]

    def __str__(self) -> str:
        return f"{self.application} — {self.amount} {self.currency}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def bank_details_unconfirmed(self) -> bool:
        return self.bank_details_unconfirmed_since is not None

    @property
    def has_bank_details(self) -> bool:
        return bool(self.payee_name and self.payee_bank and self.payee_iban)

    def sign_problems(self) -> list[str]:
        problems = []
        if not self.agreement_signed:
            problems.append(_("Upload the signed copy of the agreement."))
        if self.signed_on is None:
            problems.append(_("Give the date the agreement was signed."))
        return problems

    def activate_problems(self) -> list[str]:
        if not self.has_bank_details:
            return [_("Fill in the payee's name, bank and IBAN first.")]
        return []

    def complete_problems(self) -> list[str]:
        problems = []
        if self.tranches.filter(state__in=Disbursement.OPEN_STATES).exists():
            problems.append(_("Some tranches are neither paid nor cancelled."))
        if self.reports.exclude(state=GrantReport.State.ACCEPTED).exists():
            problems.append(_("Some reports are not accepted yet."))
        return problems

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.OFFERED, target=State.AGREEMENT_SIGNED)
    def sign_agreement(self, by=None, description=None) -> None:
        refuse_if(self.sign_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.AGREEMENT_SIGNED, target=State.ACTIVE)
    def activate(self, by=None, description=None) -> None:
        refuse_if(self.activate_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ACTIVE, target=State.COMPLETED)
    def complete(self, by=None, description=None) -> None:
        refuse_if(self.complete_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state, source=LIVE_STATES, target=None, conditions=[lambda g: g.bank_details_unconfirmed]
    )
    def confirm_bank_details(self, by=None, description=None) -> None:
        """A second person vouches for changed bank details; the state stays as it is."""
        self.bank_details_unconfirmed_since = None
        self.bank_details_confirmed_by = by

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=LIVE_STATES, target=State.TERMINATED)
    def terminate(self, by=None, description=None) -> None:
        reason = (description or "").strip()
        refuse_if([] if reason else [_("Give the reason for terminating the grant.")])
        self.termination_reason = reason


class BudgetLine(Versioned, models.Model):
    """A line of the grantee's budget: what the money is planned for."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="budget_lines")
    title = models.CharField(_("budget line"), max_length=300)
    planned = amount_field(_("planned amount"), validators=[MinValueValidator(Decimal("0"))])
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["grant", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(planned__gte=0), name="budget_line_planned_not_negative"),
            models.UniqueConstraint(fields=["grant", "title"], name="budget_line_unique_title"),
        ]

    def __str__(self) -> str:
        return self.title


class GrantReport(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    """A grantee's report for a period: narrative, indicator actuals, spending per budget line."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    class State(models.TextChoices):
        # A report awaited ("Очікується"), not a deadline ("Строк"): one English word, two meanings.
        DUE = "due", pgettext_lazy("grant report state", "Due")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")

    OPEN_STATES = (State.DUE, State.CHANGES_REQUESTED)

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INTERIM)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_on = models.DateField(_("due"))
    state = FSMField(_("state"), default=State.DUE, choices=State.choices, protected=True)
    narrative = models.TextField(_("what was done"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    review_note = models.TextField(_("grant officer's note"), blank=True)

    class Meta:
        verbose_name = _("grant report")
        verbose_name_plural = _("grant reports")
        ordering = ["grant", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "kind", "due_on"], name="grant_report_unique_due"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="grant_report_period_ordered"
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="grant_report_state_due_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_on:%Y-%m-%d} — {self.grant.application}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    def submit_problems(self) -> list[str]:
        problems = []
        if self.grant.state not in (Grant.State.AGREEMENT_SIGNED, Grant.State.ACTIVE):
            problems.append(_("Reports are submitted while the grant runs."))
        if not self.narrative.strip():
            problems.append(_("Describe what was done in the period."))
        return problems

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
    @transition(field=state, source=State.SUBMITTED, target=State.CHANGES_REQUESTED)
    def request_changes(self, by=None, description=None) -> None:
        note = (description or "").strip()
        refuse_if([] if note else [_("Say what should change in the report.")])
        self.review_note = note


class Disbursement(ConcurrentTransitionMixin, TimeStampedModel):
    """A tranche of a grant's money. Once paid, the database refuses to change or delete it."""

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        APPROVED = "approved", _("Approved")
        PAID = "paid", _("Paid")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.SCHEDULED, State.APPROVED)

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="tranches")
    planned_on = models.DateField(_("planned date"))
    amount = amount_field(_("amount"), validators=POSITIVE)
    # How it was entered, when as a share of the grant; the amount is what counts.
    percentage = models.DecimalField(
        _("share of the grant (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    after_report = models.ForeignKey(
        GrantReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waiting_tranches",
        verbose_name=_("paid after the report is accepted"),
    )
    state = FSMField(_("state"), default=State.SCHEDULED, choices=State.choices, protected=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    # A retried "record payment" with the same key finds this row instead of paying twice.
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=100, null=True, blank=True, unique=True, editable=False
    )
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    class Meta:
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        ordering = ["grant", "planned_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
            models.CheckConstraint(
                condition=~Q(state="paid")
                | (Q(paid_on__isnull=False) & ~Q(payment_reference="") & Q(idempotency_key__isnull=False)),
                name="tranche_paid_has_payment",
            ),
        ]
        indexes = [models.Index(fields=["grant", "state"], name="tranche_grant_state_idx")]

    def __str__(self) -> str:
        return f"{self.amount} {self.grant.currency} — {self.planned_on:%Y-%m-%d}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_paid(self) -> bool:
        return self.state == self.State.PAID

    def approve_problems(self) -> list[str]:
        problems = []
        if self.grant.state != Grant.State.ACTIVE:
            problems.append(_("Tranches are approved while the grant is active."))
        report = self.after_report
        if report is not None and report.state != GrantReport.State.ACCEPTED:
            problems.append(
                _("This tranche waits for the report due on %(due)s to be accepted.")
                % {"due": formats.day(report.due_on)}
            )
        return problems

    def pay_problems(self) -> list[str]:
        if self.grant.state != Grant.State.ACTIVE:
            return [_("Payments are recorded while the grant is active.")]
        if self.grant.bank_details_unconfirmed:
            return [_("The payee's bank details changed: another grant officer confirms them first.")]
        return []

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SCHEDULED, target=State.APPROVED)
    def approve(self, by=None, description=None) -> None:
        refuse_if(self.approve_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.APPROVED, target=State.PAID)
    def pay(self, by=None, description=None) -> None:
        refuse_if(self.pay_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=OPEN_STATES, target=State.CANCELLED)
    def cancel(self, by=None, description=None) -> None:
        self.cancel_reason = (description or "").strip()


class ReportAttachment(TimeStampedModel):
    """A file of a report (photos, acts, invoices); type checked from content."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=report_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), validators=[MinValueValidator(1)])
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["report", "pk"]

    def __str__(self) -> str:
        return self.original_name


class Spending(models.Model):
    """What a report says was spent on a budget line in its period."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="spending")
    line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spending")
    amount = amount_field(_("spent"), validators=[MinValueValidator(Decimal("0"))])

    class Meta:
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        ordering = ["report", "line__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "line"], name="spending_one_per_line"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="spending_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.amount}"


class Indicator(models.Model):
    """A measure of a contest's results (readers reached, events held...)."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="grant_indicators")
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["contest", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "name"], name="indicator_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class IndicatorTarget(models.Model):
    """A grant's target for an indicator: over the reporting period that ends on `period_end`, or
    over a calendar `year` (compared with the actuals of the accepted reports whose period ends in
    that year). One or the other, never both."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="targets")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_end = models.DateField(_("period to"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        _("calendar year"), null=True, blank=True, validators=[MinValueValidator(2000)]
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["grant", "indicator", "year", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["grant", "indicator", "period_end"], name="indicator_target_one_per_period"
            ),
            models.UniqueConstraint(
                fields=["grant", "indicator", "year"], name="indicator_target_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=False, year__isnull=True)
                | Q(period_end__isnull=True, year__isnull=False),
                name="indicator_target_period_or_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    @property
    def is_yearly(self) -> bool:
        return self.year is not None


class IndicatorActual(models.Model):
    """What a report says was achieved for an indicator in its period."""

    report = models.ForeignKey(GrantReport, on_delete=models.CASCADE, related_name="actuals")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    value = models.DecimalField(_("actual"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        ordering = ["report", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="indicator_actual_one_per_report")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class AuditEntry(models.Model):
    """One money movement or transition, chained by SHA-256 to the entry before it.

    Append-only: the database refuses UPDATE and DELETE (migration 0002); `prev_hash` is unique,
    so two writers can never both extend the chain from the same entry.
    """

    GENESIS = "0" * 64

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    at = models.DateTimeField(_("time"))
    action = models.CharField(_("action"), max_length=50)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    payload = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.hash[:12]}"


# --- the project card and the work plan (issue 13, point 2) ---------------------------------------


def evidence_path(instance: "PlanActivity", filename: str) -> str:
    return generated_name("grants/evidence", filename, instance.evidence_kind or None)


class ProjectCard(Versioned, TimeStampedModel):
    """The project's card: who runs it and with what money. Its dates are the grant's own."""

    grant = models.OneToOneField(Grant, on_delete=models.CASCADE, related_name="card")
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)
    manager_name = models.CharField(_("project manager"), max_length=200, blank=True)
    manager_position = models.CharField(_("manager's position"), max_length=200, blank=True)
    manager_contact = models.CharField(_("manager's contact"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("project card")
        verbose_name_plural = _("project cards")

    def __str__(self) -> str:
        return str(self.grant.application)


class FundingSource(models.Model):
    """Money of the project besides the grant (the grant itself is always the first source)."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="funding_sources")
    name = models.CharField(_("source"), max_length=300)
    amount = amount_field(_("amount"), validators=POSITIVE)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.UAH)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["grant", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="funding_source_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount} {self.currency}"


class PlanActivity(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    """An activity of the grant's calendar plan: the months it runs, its deadline, who answers for
    it, and the evidence (a note or a file) that it was done."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (State.PLANNED, State.IN_PROGRESS)

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="activities")
    title = models.CharField(_("activity"), max_length=300)
    responsible = models.CharField(_("responsible"), max_length=200)
    # Months are stored as their first day.
    start_month = models.DateField(_("from month"))
    end_month = models.DateField(_("to month"))
    deadline = models.DateField(_("deadline"))
    state = FSMField(_("state"), default=State.PLANNED, choices=State.choices, protected=True)
    evidence_note = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to=evidence_path, blank=True, max_length=200)
    evidence_name = models.CharField(_("file name"), max_length=200, blank=True)
    evidence_kind = models.CharField(_("type"), max_length=8, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("plan activity")
        verbose_name_plural = _("plan activities")
        ordering = ["grant", "order", "start_month", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")), name="plan_activity_months_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(state="done") | ~Q(evidence_note="") | ~Q(evidence_file=""),
                name="plan_activity_done_has_evidence",
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="plan_activity_state_deadline")]

    def __str__(self) -> str:
        return self.title

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_removable(self) -> bool:
        """Only an activity not yet started may be taken out of the plan."""
        return self.state == self.State.PLANNED

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    def months(self) -> list[date]:
        """The first day of every month the activity runs."""
        found, month = [], self.start_month.replace(day=1)
        while month <= self.end_month:
            found.append(month)
            month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        return found

    def complete_problems(self) -> list[str]:
        if not (self.evidence_note.strip() or self.evidence_file):
            return [_("Give the evidence that it was done: a note or a file.")]
        return []

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PLANNED, target=State.IN_PROGRESS)
    def start(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=OPEN_STATES, target=State.DONE)
    def complete(self, by=None, description=None) -> None:
        refuse_if(self.complete_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=OPEN_STATES, target=State.CANCELLED)
    def cancel(self, by=None, description=None) -> None:
        pass
