"""An organisation's entry: answers, attachments, submission, screening, revisions."""

import hashlib
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import Organisation
from contests.models import Category, Contest, Nomination
from core import clock
from core.exceptions import refuse_if
from core.files import generated_name
from core.models import TimeStampedModel
from core.versioning import Versioned


class IneligibilityReason(models.TextChoices):
    LATE = "late", _("Submitted after the deadline")
    INCOMPLETE = "incomplete", _("Incomplete application")
    NOT_ELIGIBLE_APPLICANT = "applicant", _("The applicant does not meet the conditions")
    OUT_OF_SCOPE = "scope", _("Outside the contest's subject")
    DUPLICATE = "duplicate", _("Duplicate of another application")
    OTHER = "other", _("Other (see the note)")


class Application(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for correction")
        ELIGIBLE = "eligible", _("Eligible")
        INELIGIBLE = "ineligible", _("Ineligible")
        UNDER_REVIEW = "under_review", _("Under review")
        AWARDED = "awarded", _("Awarded")
        NOT_AWARDED = "not_awarded", _("Not awarded")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    EDITABLE_STATES = (State.DRAFT, State.RETURNED)

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="applications", verbose_name=_("organisation")
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="applications", verbose_name=_("contest")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="applications", verbose_name=_("nomination")
    )
    title = models.CharField(_("project title"), max_length=300)
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="applications",
        verbose_name=_("categories"),
        help_text=_("Where the practice belongs in the contest's classifiers."),
    )
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    number = models.CharField(_("registration number"), max_length=40, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    # When the submitting request reached us (core/arrival.py): the moment the deadline was
    # judged at, which may be a little earlier than submitted_at under load.
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True, editable=False)
    ineligibility_reason = models.CharField(
        _("reason"), max_length=20, choices=IneligibilityReason.choices, blank=True
    )
    screening_note = models.TextField(_("screening note"), blank=True)
    # The correction deadline of the last return (in UTC; entered and shown in the contest's zone):
    # a returned application may be resubmitted until then, also after the call closed.
    correct_by = models.DateTimeField(_("correct by"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            # One live application per organisation, contest and nomination.
            models.UniqueConstraint(
                fields=["organisation", "contest", "nomination"],
                condition=~Q(state="withdrawn"),
                name="application_one_live_per_nomination",
            ),
            models.UniqueConstraint(
                fields=["contest", "number"], condition=~Q(number=""), name="application_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["contest", "state"], name="application_contest_state_idx")]

    def __str__(self) -> str:
        return self.title or f"#{self.pk}"

    @property
    def is_editable(self) -> bool:
        if self.state == self.State.RETURNED:
            return not self.correction_over()  # after its deadline it is screened as it is
        return self.state in self.EDITABLE_STATES

    # The contest's states in which a submitted application may still be returned for correction:
    # while the call is open and during screening, until the review starts.
    RETURNABLE_CONTEST_STATES = (Contest.State.PUBLISHED, Contest.State.CLOSED)

    @property
    def correction_deadline(self):
        """Until when a returned application may be resubmitted: its own correction deadline
        or, while the call is still published, the call's deadline with its grace period,
        whichever is later. None when it is not returned (or has neither)."""
        if self.state != self.State.RETURNED:
            return None
        moments = [self.correct_by] if self.correct_by else []
        contest = self.contest
        if contest.state == Contest.State.PUBLISHED and contest.accepts_until:
            moments.append(contest.accepts_until)
        return max(moments) if moments else None

    def correction_over(self, at=None) -> bool:
        """Returned, and its correction deadline passed without a resubmission: the organisers
        then screen it as it is (mark it eligible or ineligible)."""
        if self.state != self.State.RETURNED:
            return False
        deadline = self.correction_deadline
        return deadline is None or (at or clock.now()) >= deadline

    def correct_by_problems(self, correct_by) -> list[str]:
        """What is wrong with a correction deadline for returning this application now."""
        if correct_by is None:
            if not self.contest.is_accepting_applications:
                return [
                    _("The call has closed: set a correction deadline by which the applicant must resubmit.")
                ]
            return []
        if correct_by <= clock.now():
            return [_("The correction deadline must be in the future.")]
        return []

    @property
    def is_returned(self) -> bool:
        """Returned by the organisers for correction."""
        return self.state == self.State.RETURNED

    @property
    def arrival_shown_apart(self) -> bool:
        """The request arrived in another minute than it was recorded (a queue at the deadline):
        the pages then show the arrival beside the submission."""
        if not (self.arrived_at and self.submitted_at):
            return False
        return self.arrived_at.replace(second=0, microsecond=0) != self.submitted_at.replace(
            second=0, microsecond=0
        )

    @property
    def awaits_screening(self) -> bool:
        return self.state == self.State.SUBMITTED

    @property
    def is_awarded(self) -> bool:
        return self.state == self.State.AWARDED

    # --- guards ------------------------------------------------------------------------------

    def deadline_problems(self, *, late_code: "LateSubmissionCode | None" = None, at=None) -> list[str]:
        """The server's clock decides, in the contest's time zone: no worker needs to have run.

        `at` is the moment judged (default: now); a submission passes the moment its request
        arrived (core/arrival.py). The contest's grace period extends the deadline.
        """
        contest = self.contest
        now = at or clock.now()
        if self.state == self.State.RETURNED:
            # Judged against the application's own correction deadline, not the call's.
            deadline = self.correction_deadline
            if deadline and now < deadline and contest.state in self.RETURNABLE_CONTEST_STATES:
                return []
            if self.correct_by and not (
                contest.state == Contest.State.PUBLISHED
                and late_code is not None
                and late_code.is_usable_for(contest, at=now)
            ):
                return [
                    _(
                        "The correction deadline passed on %(date)s; "
                        "the organisers will screen the application as it is."
                    )
                    % {"date": contest.moment_label(self.correct_by)}
                ]
        if contest.state != Contest.State.PUBLISHED:
            return [_("This contest is not accepting applications.")]
        if contest.opens_at and now < contest.opens_at:
            return [_("Applications open on %(date)s.") % {"date": contest.moment_label(contest.opens_at)}]
        if contest.closes_at and now >= contest.accepts_until:
            if late_code is not None and late_code.is_usable_for(contest, at=now):
                return []
            return [
                _("The deadline passed on %(date)s; late applications are not accepted.")
                % {"date": contest.moment_label(contest.closes_at)}
            ]
        return []

    def submission_closed_problems(self) -> list[str]:
        """Why no submission can get in now, whatever the input: the call is no longer published
        and this is not a returned application within its correction deadline (while the call
        is published, a late-submission code may still let one in). Hides the submit step."""
        if self.contest.state == Contest.State.PUBLISHED:
            return []
        return self.deadline_problems()

    # --- transitions -------------------------------------------------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(
        self, by=None, description=None, problems: list[str] | None = None, at=None, arrived_at=None
    ) -> None:
        refuse_if(problems or [])
        self.submitted_at = at or clock.now()
        # The moment the deadline was checked against, not a second reading of the clock.
        self.arrived_at = arrived_at or self.submitted_at

    def screening_problems(
        self, name: str, *, note: str = "", reason: str = "", correct_by=None
    ) -> list[str]:
        """The guards of a screening step beyond its source state, in the organiser's language:
        the transitions refuse with them, and bulk screening (services.screen_many) checks them
        for each application before its set-based update."""
        problems = []
        if name == "return_for_correction":
            if not note.strip():
                problems.append(_("Tell the applicant what to correct."))
            problems += self.return_problems() or self.correct_by_problems(correct_by)
        elif name == "mark_ineligible" and reason not in IneligibilityReason.values:
            problems.append(_("Choose the reason why the application is ineligible."))
        if name in ("mark_eligible", "mark_ineligible"):
            problems += self.correction_pending_problems()
        return problems

    def return_problems(self) -> list[str]:
        """Why no application of this contest can be returned now (whatever the input)."""
        if self.contest.state not in self.RETURNABLE_CONTEST_STATES:
            return [_("Applications can be returned only until the review starts.")]
        return []

    def correction_pending_problems(self) -> list[str]:
        """Returned and still within its correction deadline: not to be screened yet."""
        if self.state != self.State.RETURNED or self.correction_over():
            return []
        return [
            _("The applicant may still correct it until %(date)s.")
            % {"date": self.contest.moment_label(self.correction_deadline)}
        ]

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.RETURNED)
    def return_for_correction(self, by=None, description=None, correct_by=None) -> None:
        refuse_if(
            self.screening_problems("return_for_correction", note=description or "", correct_by=correct_by)
        )
        self.correct_by = correct_by
        self.screening_note = description or ""

    # A returned application whose correction deadline passed without a resubmission is
    # screened as it is: eligible or ineligible, as a submitted one.
    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.SUBMITTED, State.RETURNED], target=State.ELIGIBLE)
    def mark_eligible(self, by=None, description=None) -> None:
        refuse_if(self.screening_problems("mark_eligible"))
        self.ineligibility_reason = ""
        self.screening_note = description or ""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.SUBMITTED, State.RETURNED], target=State.INELIGIBLE)
    def mark_ineligible(self, by=None, description=None, reason: str = "") -> None:
        refuse_if(self.screening_problems("mark_ineligible", reason=reason))
        self.ineligibility_reason = reason
        self.screening_note = description or ""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.DRAFT, State.SUBMITTED], target=State.WITHDRAWN)
    def withdraw(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ELIGIBLE, target=State.UNDER_REVIEW)
    def start_review(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.UNDER_REVIEW, target=State.AWARDED)
    def award(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.UNDER_REVIEW, target=State.NOT_AWARDED)
    def decline_award(self, by=None, description=None) -> None:
        pass


def attachment_path(instance: "Attachment", filename: str) -> str:
    return generated_name(f"applications/{instance.application.contest_id}", filename, instance.kind)


class Attachment(TimeStampedModel):
    """A file answering a file question. Stored under a generated name; served only after a
    permission check (or by a short-lived presigned URL on S3)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.SlugField(_("question"), max_length=60)
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=8)
    size = models.PositiveBigIntegerField(_("size"), validators=[MinValueValidator(1)])
    sha256 = models.CharField(max_length=64)
    public = models.BooleanField(
        _("may be published"), default=False, help_text=_("May appear in the public depository.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["field_key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "field_key"], name="attachment_one_per_question")
        ]

    def __str__(self) -> str:
        return self.original_name


class Revision(models.Model):
    """What was submitted, frozen: every submission adds one; none is ever changed."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    title = models.CharField(_("project title"), max_length=300)
    nomination_title = models.CharField(_("nomination"), max_length=300)
    answers = models.JSONField(_("answers"))
    attachments = models.JSONField(_("attachments"), default=list)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="revision_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.application} r{self.number}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Revisions are immutable.")
        super().save(*args, **kwargs)

    @staticmethod
    def checksum_of(content: dict) -> str:
        canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _late_code() -> str:
    return secrets.token_hex(4).upper()


def _late_code_expiry():
    return clock.now() + timedelta(days=3)


class LateSubmissionCode(TimeStampedModel):
    """An organiser's permission to submit after the deadline, with an expiry and a use limit."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="late_codes")
    code = models.CharField(_("code"), max_length=16, default=_late_code, unique=True)
    expires_at = models.DateTimeField(_("valid until"), default=_late_code_expiry)
    max_uses = models.PositiveIntegerField(_("uses allowed"), default=1, validators=[MinValueValidator(1)])
    uses = models.PositiveIntegerField(_("used"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("late-submission code")
        verbose_name_plural = _("late-submission codes")
        constraints = [
            models.CheckConstraint(
                condition=Q(uses__lte=models.F("max_uses")), name="late_code_uses_within_limit"
            )
        ]

    def __str__(self) -> str:
        return self.code

    def is_usable_for(self, contest: Contest, at=None) -> bool:
        return (
            self.contest_id == contest.pk
            and self.uses < self.max_uses
            and (at or clock.now()) < self.expires_at
        )


class DownloadLog(models.Model):
    """One download of a private file (an application's attachment, or a grant's document served
    as one): who, when, which file, by which door. Written only by applications.downloads, the
    one path every private file is served through; never changed afterwards."""

    class Via(models.TextChoices):
        WEB = "web", _("web page")
        API = "api", _("API")

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        related_name="downloads",
        verbose_name=_("application"),
    )
    attachment = models.ForeignKey(
        Attachment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="downloads",
        verbose_name=_("attachment"),
    )
    # Kept as they were at the download: the attachment may be replaced or removed later.
    file_name = models.CharField(_("file name"), max_length=200)
    field_key = models.CharField(_("question"), max_length=60, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("downloaded by"),
    )
    at = models.DateTimeField(_("downloaded at"), default=clock.now, db_index=True)
    via = models.CharField(_("through"), max_length=8, choices=Via.choices, default=Via.WEB)

    class Meta:
        verbose_name = _("file download")
        verbose_name_plural = _("file downloads")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["application", "-at"], name="download_application_at_idx")]

    def __str__(self) -> str:
        return f"{self.file_name} · {self.at:%Y-%m-%d %H:%M}"
