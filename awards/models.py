"""Winners, their approval, the published results and diplomas.

The limits on winners (Contest.max_winners overall, Nomination.max_winners per nomination) hold
at the database: a live decision (proposed or approved) takes a place, and triggers in migration
0002 refuse one more than the limit, whatever code path writes it.
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from applications.models import Application
from contests.models import Contest, Nomination
from core import clock
from core.exceptions import refuse_if
from core.files import generated_name
from core.models import TimeStampedModel
from review.models import Juror

# Contest states in which winners may still be proposed, approved or withdrawn.
CHOOSING_STATES = (Contest.State.IN_REVIEW, Contest.State.DECIDED)


class AwardSettings(TimeStampedModel):
    """How a contest's results are released; one-to-one so the contests app needs no migration."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="award_settings")
    release_comments = models.BooleanField(
        _("release the jurors' comments"),
        default=False,
        help_text=_("Every applicant receives the jurors' comments on their application, anonymously."),
    )
    signatory_name = models.CharField(_("diplomas signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("award settings")
        verbose_name_plural = _("award settings")

    def __str__(self) -> str:
        return str(self.contest)


class Decision(ConcurrentTransitionMixin, TimeStampedModel):
    """An application chosen as a winner: proposed by one organiser, approved by another or by
    the jury chair, made public by the contest's announcement."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    LIVE_STATES = (State.PROPOSED, State.APPROVED)

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="award_decisions")
    # Denormalised from the application so the database can count places per nomination.
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="award_decisions")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="award_decisions", verbose_name=_("application")
    )
    state = FSMField(_("state"), default=State.PROPOSED, choices=State.choices, protected=True)
    rank_position = models.PositiveIntegerField(
        _("place in the nomination's ranking"), null=True, blank=True, editable=False
    )
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Required when a higher-ranked application is passed over.")
    )
    citation = models.TextField(_("citation"), blank=True, help_text=_("A short text for the results page."))
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True, editable=False)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("winner decision")
        verbose_name_plural = _("winner decisions")
        ordering = ["contest", "nomination", "rank_position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(state__in=["proposed", "approved"]),
                name="decision_one_live_per_application",
            ),
        ]
        indexes = [models.Index(fields=["contest", "state"], name="decision_contest_state_idx")]

    def __str__(self) -> str:
        return f"{self.application} — {self.get_state_display()}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE_STATES

    def stage_problems(self) -> list[str]:
        if self.contest.state not in CHOOSING_STATES:
            return [_("Winners can be changed only before the results are announced.")]
        return []

    def approve_problems(self, by) -> list[str]:
        problems = self.stage_problems()
        if by is not None and by.pk == self.proposed_by_id:
            problems.append(
                _("You proposed this winner; another organiser or the jury chair must approve it.")
            )
        return problems

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PROPOSED, target=State.APPROVED)
    def approve(self, by=None, description=None) -> None:
        refuse_if(self.approve_problems(by))
        self.approved_by = by
        self.approved_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.PROPOSED, State.APPROVED], target=State.WITHDRAWN)
    def withdraw(self, by=None, description=None) -> None:
        refuse_if(self.stage_problems())


def results_path(instance: "PublishedResults", filename: str) -> str:
    return generated_name("awards/results", filename)


class PublishedResults(models.Model):
    """The anonymised score matrix published with the announcement, and its checksum."""

    contest = models.OneToOneField(Contest, on_delete=models.CASCADE, related_name="published_results")
    file = models.FileField(_("score matrix"), upload_to=results_path, max_length=200)
    sha256 = models.CharField(_("checksum (SHA-256)"), max_length=64)
    size = models.PositiveBigIntegerField(_("size"))
    published_at = models.DateTimeField(_("published"))

    class Meta:
        verbose_name = _("published results")
        verbose_name_plural = _("published results")

    def __str__(self) -> str:
        return f"{self.contest} — {self.sha256[:12]}"


def diploma_code() -> str:
    # 60 random bits in an unambiguous alphabet: short enough to type, too many to guess.
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))


class SpecialAward(TimeStampedModel):
    """An award of a contest besides the ranking's winners ("best use of resources"), given by the
    jury chair or the organiser with a reason. `chosen` counts its choices so the database itself
    refuses more than `places` (a check constraint; the choosing service locks the award row)."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="special_awards")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    places = models.PositiveSmallIntegerField(
        _("how many may receive it"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    chosen = models.PositiveSmallIntegerField(_("chosen"), default=0, editable=False)

    class Meta:
        verbose_name = _("special award")
        verbose_name_plural = _("special awards")
        ordering = ["contest", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="special_award_places_positive"),
            models.CheckConstraint(condition=Q(chosen__lte=F("places")), name="special_award_within_places"),
            models.UniqueConstraint(fields=["contest", "title"], name="special_award_title_unique"),
        ]

    def __str__(self) -> str:
        return self.title


class SpecialAwardChoice(TimeStampedModel):
    """An application given a special award, with the reason the results show."""

    award = models.ForeignKey(SpecialAward, on_delete=models.CASCADE, related_name="choices")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="special_awards", verbose_name=_("application")
    )
    reason = models.TextField(_("reason"))
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("special award choice")
        verbose_name_plural = _("special award choices")
        ordering = ["award", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["award", "application"], name="special_choice_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="special_choice_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.award} — {self.application}"


class Diploma(TimeStampedModel):
    """A document with a verification code: a winner's diploma, a special award's diploma, a
    certificate of participation or a juror's letter of thanks (`kind`). What it certifies is
    copied at issue, so a later edit of a title cannot change a document already printed; the
    code lets anyone verify it. One of each kind per holder and contest (constraints)."""

    class Kind(models.TextChoices):
        WINNER = "winner", _("Winner's diploma")
        SPECIAL = "special", _("Special award diploma")
        PARTICIPATION = "participation", _("Certificate of participation")
        THANKS = "thanks", _("Letter of thanks")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.WINNER)
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="diplomas")
    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="diploma", null=True, blank=True
    )
    # The holder: an application's organisation (winner, special, participation) or a juror.
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="diplomas", null=True, blank=True
    )
    special_choice = models.OneToOneField(
        SpecialAwardChoice, on_delete=models.SET_NULL, related_name="diploma", null=True, blank=True
    )
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="diplomas", null=True, blank=True)
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=diploma_code)
    holder_name = models.CharField(_("issued to"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    contest_title = models.CharField(_("contest"), max_length=300)
    nomination_title = models.CharField(_("nomination"), max_length=300, blank=True)
    application_title = models.CharField(_("project title"), max_length=300, blank=True)
    award_title = models.CharField(_("special award"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    place = models.PositiveSmallIntegerField(_("place"), null=True, blank=True)
    awarded_on = models.DateField(_("date"))
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")
        ordering = ["contest_title", "kind", "nomination_title", "place", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "application"],
                condition=Q(kind="participation"),
                name="diploma_one_participation_per_application",
            ),
            models.UniqueConstraint(
                fields=["contest", "juror"], condition=Q(kind="thanks"), name="diploma_one_thanks_per_juror"
            ),
        ]
        indexes = [models.Index(fields=["contest", "kind"], name="diploma_contest_kind_idx")]

    def __str__(self) -> str:
        return f"{self.code} — {self.issued_to}"

    @property
    def issued_to(self) -> str:
        return self.holder_name or self.organisation_name


class IssueRun(TimeStampedModel):
    """One bulk issue of certificates of participation or letters of thanks, and its progress
    (written by the task chunk by chunk, read by the page's polling and the API)."""

    class Kind(models.TextChoices):
        PARTICIPATION = "participation", _("Certificates of participation")
        THANKS = "thanks", _("Letters of thanks")

    class State(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="issue_runs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(_("to issue"), default=0)
    done = models.PositiveIntegerField(_("issued"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("issue run")
        verbose_name_plural = _("issue runs")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "kind"], condition=Q(state="running"), name="issue_run_one_running"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest} — {self.get_kind_display()} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.done * 100 // self.total)

    @property
    def is_running(self) -> bool:
        return self.state == self.State.RUNNING
