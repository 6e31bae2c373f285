"""Winners, their approval, the published results and diplomas.

The limits on winners (Contest.max_winners overall, Nomination.max_winners per nomination) hold
at the database: a live decision (proposed or approved) takes a place, and triggers in migration
0002 refuse one more than the limit, whatever code path writes it.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from applications.models import Application
from contests.models import Contest, Nomination
from core import clock
from core.exceptions import refuse_if
from core.files import generated_name
from core.models import TimeStampedModel

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


class Diploma(TimeStampedModel):
    """A winner's diploma. What it certifies is copied at issue, so a later edit of a title
    cannot change a diploma already printed; the code lets anyone verify it."""

    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="diploma")
    code = models.CharField(_("verification code"), max_length=20, unique=True, default=diploma_code)
    organisation_name = models.CharField(_("organisation"), max_length=300)
    contest_title = models.CharField(_("contest"), max_length=300)
    nomination_title = models.CharField(_("nomination"), max_length=300)
    application_title = models.CharField(_("project title"), max_length=300)
    place = models.PositiveSmallIntegerField(_("place"))
    awarded_on = models.DateField(_("date"))
    signatory_name = models.CharField(_("signed by"), max_length=200, blank=True)
    signatory_title = models.CharField(_("signatory's position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("diploma")
        verbose_name_plural = _("diplomas")
        ordering = ["contest_title", "nomination_title", "place"]

    def __str__(self) -> str:
        return f"{self.code} — {self.organisation_name}"
