"""The call: contest, nominations, criteria, application-form schema, classifier, roles."""

import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from core import clock, formats
from core.exceptions import refuse_if
from core.files import DOCUMENT_TYPES, EXTENSIONS, generated_name
from core.models import TimeStampedModel
from core.money import Currency, amount_field
from core.versioning import Versioned

TIME_ZONES = sorted(zoneinfo.available_timezones())
MAX_REGULATIONS_BYTES = 20 * 1024 * 1024
# A grace period longer than a day would be a second deadline, not a tolerance.
MAX_GRACE_MINUTES = 24 * 60


def regulations_path(instance: "Contest", filename: str) -> str:
    return generated_name("contests/regulations", filename)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value})


class Classifier(TimeStampedModel):
    """A tree of categories reusable across contests, e.g. e-governance practice areas."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("classifier")
        verbose_name_plural = _("classifiers")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Category(models.Model):
    classifier = models.ForeignKey(Classifier, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("For example 1.2"))
    title = models.CharField(_("title"), max_length=300)
    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["classifier", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["classifier", "code"], name="category_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def clean(self) -> None:
        if self.parent_id and self.parent.classifier_id != self.classifier_id:
            raise ValidationError({"parent": _("The parent must belong to the same classifier.")})


class Contest(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")
        IN_REVIEW = "in_review", _("In review")
        DECIDED = "decided", _("Decided")
        ANNOUNCED = "announced", _("Announced")
        ARCHIVED = "archived", _("Archived")
        CANCELLED = "cancelled", _("Cancelled")

    PUBLIC_STATES = (
        State.PUBLISHED,
        State.CLOSED,
        State.IN_REVIEW,
        State.DECIDED,
        State.ANNOUNCED,
        State.ARCHIVED,
    )
    CANCELLABLE_STATES = (
        State.DRAFT,
        State.PUBLISHED,
        State.CLOSED,
        State.IN_REVIEW,
        State.DECIDED,
    )

    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, help_text=_("One paragraph for the list of calls."))
    regulations = models.TextField(_("regulations"), blank=True)
    conditions = models.TextField(_("conditions of participation"), blank=True)
    regulations_document = models.FileField(
        _("regulations document"), upload_to=regulations_path, blank=True, max_length=200
    )
    opens_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    closes_at = models.DateTimeField(_("application deadline"), null=True, blank=True)
    grace_minutes = models.PositiveIntegerField(
        _("grace period (minutes)"),
        default=0,
        validators=[MaxValueValidator(MAX_GRACE_MINUTES)],
        help_text=_(
            "Submissions arriving up to this many minutes after the deadline are accepted; "
            "the call states it next to the deadline. 0 for none."
        ),
    )
    edition_year = models.PositiveSmallIntegerField(
        _("edition year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text=_(
            "The year of this edition of the contest; its best-practice cases carry it. "
            "Empty: the year of the deadline."
        ),
    )
    review_ends_at = models.DateTimeField(_("review ends"), null=True, blank=True)
    announce_at = models.DateTimeField(_("results announced"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Kyiv", validators=[validate_time_zone]
    )
    max_winners = models.PositiveIntegerField(
        _("maximum number of winners"), default=5, validators=[MinValueValidator(1)]
    )
    grant_budget = amount_field(
        _("grant budget"), default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))]
    )
    max_upload_mb = models.PositiveIntegerField(
        _("all files of one application (MB)"),
        default=50,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.UAH)
    classifiers = models.ManyToManyField(
        Classifier, blank=True, related_name="contests", verbose_name=_("classifiers")
    )
    # How the jury works (the review app reads these).
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Jurors do not see the applicant's organisation or the questions marked identifying."),
    )
    conflict_same_region = models.BooleanField(
        _("jurors do not review their own region"),
        default=False,
        help_text=_("Treat a juror and an applicant from the same oblast as a conflict of interest."),
    )
    tie_break_criterion = models.ForeignKey(
        "Criterion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tie-break criterion"),
        help_text=_("Equal totals are ordered by this criterion, then by the earlier submission."),
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["-opens_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=F("closes_at")),
                name="contest_opens_before_closes",
            ),
            models.CheckConstraint(
                condition=Q(review_ends_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__lte=F("review_ends_at")),
                name="contest_review_after_deadline",
            ),
            models.CheckConstraint(
                condition=Q(announce_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__lte=F("announce_at")),
                name="contest_announce_after_deadline",
            ),
            models.CheckConstraint(condition=Q(max_winners__gte=1), name="contest_max_winners_positive"),
            models.CheckConstraint(condition=Q(grant_budget__gte=0), name="contest_budget_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("contests:detail", args=[self.pk])

    # --- read helpers -------------------------------------------------------------------

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def results_public(self) -> bool:
        return self.state in (self.State.ANNOUNCED, self.State.ARCHIVED)

    @property
    def is_structure_locked(self) -> bool:
        """Once published, applicants' work depends on the form and the criteria."""
        return self.state != self.State.DRAFT

    @property
    def accepts_until(self):
        """The last moment a submission may arrive: the deadline plus the grace period."""
        if self.closes_at is None:
            return None
        return self.closes_at + timedelta(minutes=self.grace_minutes or 0)

    @property
    def is_accepting_applications(self) -> bool:
        now = clock.now()
        return (
            self.state == self.State.PUBLISHED
            and self.opens_at is not None
            and self.closes_at is not None
            and self.opens_at <= now < self.closes_at
        )

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.ANNOUNCED, self.State.ARCHIVED, self.State.CANCELLED)

    @property
    def edition(self) -> int:
        """The edition year: as set, else the year of the deadline (or opening) in the contest's zone."""
        if self.edition_year:
            return self.edition_year
        moment = self.closes_at or self.opens_at or clock.now()
        return self.local(moment).year

    def local(self, moment):
        return clock.local(moment, self.time_zone) if moment else None

    def moment_label(self, moment, *, seconds: bool = False) -> str:
        """`01.01.2027 18:00 (Europe/Kyiv)`, `2027-01-01 18:00 (Europe/Kyiv)` in English (core.formats)."""
        return f"{formats.moment(self.local(moment), seconds=seconds)} ({self.time_zone})"

    def clean_fields(self, exclude=None) -> None:
        # The state is protected and moves only through transitions: full_clean() must not
        # write it back (django-fsm refuses the assignment on a protected field).
        super().clean_fields(exclude={*(exclude or ()), "state"})

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            errors["closes_at"] = _("The deadline must come after the opening.")
        if self.closes_at and self.review_ends_at and self.review_ends_at < self.closes_at:
            errors["review_ends_at"] = _("The review cannot end before the deadline.")
        if self.closes_at and self.announce_at and self.announce_at < self.closes_at:
            errors["announce_at"] = _("Results cannot be announced before the deadline.")
        if errors:
            raise ValidationError(errors)

    # --- guards ---------------------------------------------------------------------------

    def publish_problems(self) -> list[str]:
        """Why this contest cannot be published yet, in the user's language."""
        problems = []
        if not self.nominations.exists():
            problems.append(_("Add at least one nomination."))
        if not self.criteria.exists():
            # Positive weights are a database constraint (criterion_weight_positive).
            problems.append(_("Add at least one evaluation criterion."))
        if not self.form_fields.exists():
            problems.append(_("Add at least one field to the application form."))
        if not self.opens_at or not self.closes_at:
            problems.append(_("Set when applications open and the deadline."))
        elif self.opens_at >= self.closes_at:
            problems.append(_("The deadline must come after the opening."))
        return problems

    def deadline_move_problems(self, before, *, reason: str | None, force: bool) -> dict[str, str]:
        """Why moving the deadline from `before` to `self.closes_at` is refused, by field.

        A draft's deadline moves freely. Once the call is published applicants plan by it: every
        move needs a reason (they are told), and an earlier one must leave them the notice period
        (settings.DEADLINE_NOTICE_DAYS) unless forced. A closed call's deadline no longer moves."""
        if self.is_draft or before == self.closes_at:
            return {}
        if self.state != self.State.PUBLISHED:
            return {"closes_at": _("The deadline cannot be moved once the call is closed.")}
        if self.closes_at is None:
            return {"closes_at": _("A published call keeps a deadline: it can be moved, not removed.")}
        problems = {}
        if not (reason or "").strip():
            problems["deadline_change_reason"] = _(
                "Give the reason for moving the deadline: the applicants are told."
            )
        now = clock.now()
        days = settings.DEADLINE_NOTICE_DAYS
        earliest = now + timedelta(days=days)
        if self.closes_at <= now:
            problems["closes_at"] = _(
                "The new deadline must be in the future. To stop accepting applications now, close the call."
            )
        elif before is not None and self.closes_at < before and self.closes_at < earliest and not force:
            problems["closes_at"] = ngettext(
                "An earlier deadline must leave applicants at least %(days)d day: not before %(earliest)s. "
                "To move it closer anyway, force it and give the reason.",
                "An earlier deadline must leave applicants at least %(days)d days: not before %(earliest)s. "
                "To move it closer anyway, force it and give the reason.",
                days,
            ) % {"days": days, "earliest": self.moment_label(earliest)}
        return problems

    def close_problems(self, *, force: bool, note: str | None) -> list[str]:
        # Not during the grace period: submissions arriving in it are still accepted.
        if self.closes_at and clock.now() >= self.accepts_until:
            return []
        if not force:
            return [_("The call is still open. To close it before the deadline, force it and give a reason.")]
        if not (note or "").strip():
            return [_("Closing before the deadline needs a note with the reason.")]
        return []

    # --- transitions (guards only; services save and do the rest) ------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.PUBLISHED)
    def publish(self, by=None, description=None) -> None:
        refuse_if(self.publish_problems())
        self.published_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.CLOSED)
    def close(self, by=None, description=None, force: bool = False) -> None:
        refuse_if(self.close_problems(force=force, note=description))

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.CLOSED, target=State.IN_REVIEW)
    def start_review(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.IN_REVIEW, target=State.DECIDED)
    def decide(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DECIDED, target=State.ANNOUNCED)
    def announce(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ANNOUNCED, target=State.ARCHIVED)
    def archive(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=CANCELLABLE_STATES, target=State.CANCELLED)
    def cancel(self, by=None, description=None) -> None:
        refuse_if([] if (description or "").strip() else [_("Give the reason for cancelling.")])


class ContestRole(TimeStampedModel):
    """A person's role in one contest. Roles are granted per contest, never globally."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organiser")
        JUROR = "juror", _("Juror")
        GRANT_OFFICER = "grant_officer", _("Grant officer")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contest_roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("contest role")
        verbose_name_plural = _("contest roles")
        constraints = [
            models.UniqueConstraint(fields=["contest", "user", "role"], name="contest_role_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.contest}"


class ContestPart(Versioned, TimeStampedModel):
    """Something a contest is made of, ordered, optionally limited to one nomination."""

    order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]

    # Fields that submitted work depends on: fixed once the contest is published.
    LOCKED_FIELDS: tuple[str, ...] = ()

    def clean(self) -> None:
        nomination = getattr(self, "nomination", None)
        if nomination is not None and nomination.contest_id != self.contest_id:
            raise ValidationError({"nomination": _("The nomination must belong to the same contest.")})

    def change_problems(self, before: "ContestPart | None") -> dict[str, str]:
        """Why this addition or change would invalidate work already done, by field."""
        contest = self.contest
        if contest.is_finished:
            return {"__all__": _("This contest is finished and can no longer be changed.")}
        if not contest.is_structure_locked or before is None:
            return {}
        return {
            name: _("This cannot be changed after publication: submitted work depends on it.")
            for name in self.LOCKED_FIELDS
            if getattr(self, name) != getattr(before, name)
        }

    def delete_problems(self) -> list[str]:
        if self.contest.is_structure_locked:
            return [_("This cannot be removed after publication: submitted work depends on it.")]
        return []


class Nomination(ContestPart):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="nominations")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    max_winners = models.PositiveIntegerField(
        _("maximum number of winners"), default=1, validators=[MinValueValidator(1)]
    )

    LOCKED_FIELDS = ()

    class Meta(ContestPart.Meta):
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        constraints = [
            models.CheckConstraint(condition=Q(max_winners__gte=1), name="nomination_max_winners_positive")
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(ContestPart):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="criteria",
        verbose_name=_("nomination"),
        help_text=_("Leave empty to use it in every nomination."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01"), _("The weight must be positive."))],
    )
    scale_min = models.IntegerField(_("lowest score"), default=0)
    scale_max = models.IntegerField(_("highest score"), default=10)

    LOCKED_FIELDS = ("scale_min", "scale_max", "nomination")

    class Meta(ContestPart.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.CheckConstraint(condition=Q(scale_min__lt=F("scale_max")), name="criterion_scale_ordered"),
        ]

    def __str__(self) -> str:
        return self.title

    def change_problems(self, before: "Criterion | None") -> dict[str, str]:
        problems = super().change_problems(before)
        if before is None and self.contest.state not in (
            Contest.State.DRAFT,
            Contest.State.PUBLISHED,
            Contest.State.CLOSED,
        ):
            problems.setdefault("__all__", _("Criteria cannot be added once the review has started."))
        # A weight may change during the review: rankings are computed on read from the scores,
        # so the change rewrites one row, never the reviews.
        return problems

    def clean(self) -> None:
        super().clean()
        if self.scale_min is not None and self.scale_max is not None and self.scale_min >= self.scale_max:
            raise ValidationError({"scale_max": _("The highest score must be greater than the lowest.")})


class CaseSection(models.TextChoices):
    """The sections of a best-practice case, in the order a case reads. A form question mapped to
    one (FormField.case_section) is published under it in the depository."""

    PROBLEM = "problem", _("Problem")
    TARGET_GROUP = "target_group", _("Target group")
    SOLUTION = "solution", _("Solution")
    E_SERVICES = "e_services", _("E-services involved")
    RESULTS = "results", _("Results with numbers")
    RESOURCES = "resources", _("Resources and partners")
    COSTS = "costs", _("Costs and budget")
    SUSTAINABILITY = "sustainability", _("Sustainability")
    CONTACTS = "contacts", _("Contacts")


class FormField(ContestPart):
    """One question of the contest's application form."""

    class Type(models.TextChoices):
        SHORT_TEXT = "short_text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        YES_NO = "yes_no", _("Yes / no")
        URL = "url", _("Web address")
        EMAIL = "email", _("E-mail")
        FILE = "file", _("File")

    CHOICE_TYPES = (Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE)
    TEXT_TYPES = (Type.SHORT_TEXT, Type.LONG_TEXT)

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="form_fields")
    nomination = models.ForeignKey(
        Nomination,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="form_fields",
        verbose_name=_("nomination"),
        help_text=_("Leave empty to ask it in every nomination."),
    )
    key = models.SlugField(
        _("key"),
        max_length=60,
        help_text=_("A short identifier: latin letters, digits, '-' and '_'."),
    )
    # Django's own message for a bad slug has no Ukrainian translation: the form and the API
    # answer this one instead (code "invalid").
    KEY_INVALID = _("Use only latin letters, digits, '-' and '_' in the key, for example project-budget.")
    label = models.CharField(_("question"), max_length=300)
    help_text = models.TextField(_("help text"), blank=True)
    field_type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    identifying = models.BooleanField(
        _("identifies the applicant"),
        default=False,
        help_text=_("Hidden from jurors when the review is blind."),
    )
    file_types = models.JSONField(
        _("accepted file types"),
        default=list,
        blank=True,
        help_text=_("For file questions: pdf, docx, odt, xlsx, jpeg, png. Empty means PDF, DOCX and ODT."),
    )
    max_file_mb = models.PositiveIntegerField(
        _("largest file (MB)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    case_section = models.CharField(
        _("section of the best-practice case"),
        max_length=20,
        choices=CaseSection.choices,
        blank=True,
        help_text=_(
            "Where the answer appears when the application is published as a best-practice case. "
            "Empty: the answer is not published."
        ),
    )

    LOCKED_FIELDS = ("key", "field_type", "nomination")

    @property
    def accepted_file_types(self) -> tuple[str, ...]:
        return tuple(self.file_types) or DOCUMENT_TYPES

    class Meta(ContestPart.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["contest", "key"], name="form_field_key_unique"),
            models.CheckConstraint(
                condition=Q(max_length__isnull=True) | Q(max_length__gte=1),
                name="form_field_max_length_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.field_type in self.CHOICE_TYPES:
            if not isinstance(self.choices, list) or len(self.choices) < 2:
                errors["choices"] = _("A choice question needs at least two choices.")
            elif any(not isinstance(c, str) or not c.strip() for c in self.choices):
                errors["choices"] = _("Every choice must be a non-empty text.")
            elif len(set(self.choices)) != len(self.choices):
                errors["choices"] = _("Choices must not repeat.")
        elif self.choices:
            errors["choices"] = _("Only choice questions have choices.")
        if self.case_section and self.field_type == self.Type.FILE:
            errors["case_section"] = _(
                "A file is not copied into the case's text: the applicant marks the files that may be public."
            )
        if self.file_types and self.field_type != self.Type.FILE:
            errors["file_types"] = _("Only file questions have accepted file types.")
        elif not isinstance(self.file_types, list) or set(self.file_types) - set(EXTENSIONS):
            errors["file_types"] = _("Choose among: %(types)s.") % {"types": ", ".join(EXTENSIONS)}
        if self.max_length is not None and self.max_length < 1:
            errors["max_length"] = _("The maximum length must be at least 1.")
        elif self.max_length and self.field_type not in self.TEXT_TYPES:
            errors["max_length"] = _("Only text questions have a maximum length.")
        if errors:
            raise ValidationError(errors)

    def change_problems(self, before: "FormField | None") -> dict[str, str]:
        problems = super().change_problems(before)
        if not self.contest.is_structure_locked or problems.get("__all__"):
            return problems
        if self.required and (before is None or not before.required):
            problems["required"] = _(
                "After publication a question can be added or changed only as optional: "
                "applications already submitted do not answer it."
            )
        if before is not None:
            if set(before.choices) - set(self.choices):
                problems["choices"] = _("Choices cannot be removed after publication; you may add new ones.")
            if self.max_length and (before.max_length is None or self.max_length < before.max_length):
                problems["max_length"] = _("The maximum length cannot be reduced after publication.")
        return problems
