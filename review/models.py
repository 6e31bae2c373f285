"""The jury: rounds, jurors, conflicts of interest, reviews with scores by criterion, notes.

Rankings are computed from each submitted review's stored total and each juror's running figures
(`totals.py` keeps them in the transaction that submits, reopens or recuses); a page of the ranking
reads the positions stored for the round's current fingerprint (`RankingRow`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.models import Organisation
from accounts.regions import Region
from applications.models import Application
from contests.models import Category, Contest, Criterion, Nomination
from core import clock
from core.exceptions import refuse_if
from core.models import TimeStampedModel
from core.versioning import Versioned


class Round(ConcurrentTransitionMixin, TimeStampedModel):
    """One pass of the jury over the contest's applications; each round keeps its own reviews."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", pgettext_lazy("review round state", "Closed")  # not the call's "closed"

    class ScoreVisibility(models.TextChoices):
        NEVER = "never", _("Never")
        AFTER_OWN = "after_own", _("After submitting their own review")
        ALWAYS = "always", _("Always")

    class Method(models.TextChoices):
        MEAN = "mean", _("Weighted mean")
        MEDIAN = "median", _("Median")
        TRIMMED = "trimmed", _("Trimmed mean")
        CALIBRATED = "calibrated", _("Calibrated (juror z-scores)")

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="review_rounds")
    number = models.PositiveSmallIntegerField(_("round"), default=1, validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=200)
    criteria = models.ManyToManyField(
        Criterion,
        blank=True,
        related_name="rounds",
        verbose_name=_("criteria"),
        help_text=_("Leave empty to score by all the contest's criteria."),
    )
    # The shortlist (the applications this round reviews; none: every eligible one) is the
    # round's live ShortlistEntry rows, each with who put it there and why: see `shortlist`.
    shortlist_confirmed_at = models.DateTimeField(_("shortlist confirmed"), null=True, blank=True)
    shortlist_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewers_per_application = models.PositiveSmallIntegerField(
        _("jurors per application"), default=3, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    min_load = models.PositiveIntegerField(_("minimum applications per juror"), null=True, blank=True)
    max_load = models.PositiveIntegerField(_("maximum applications per juror"), null=True, blank=True)
    spread_regions = models.BooleanField(_("jurors of one application from different regions"), default=True)
    due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    score_visibility = models.CharField(
        _("jurors see other jurors' scores"),
        max_length=12,
        choices=ScoreVisibility.choices,
        default=ScoreVisibility.AFTER_OWN,
    )
    require_overall_comment = models.BooleanField(_("overall comment required"), default=False)
    # Jurors are anonymous to each other ("Juror 2") in scores and discussion alike, unless the
    # organiser chooses a named discussion for the round (issue 16).
    named_discussion = models.BooleanField(
        _("jurors see each other's names in the discussion"),
        default=False,
        help_text=_("Otherwise jurors read each other as “Juror 1”, “Juror 2”; organisers always see names."),
    )
    method = models.CharField(
        _("ranking method"), max_length=12, choices=Method.choices, default=Method.CALIBRATED
    )
    trim_share = models.DecimalField(
        _("share trimmed at each end"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.49"))],
        help_text=_("For the trimmed mean: 0.20 drops the lowest and highest fifth of the totals."),
    )
    state = FSMField(_("state"), default=State.PLANNED, choices=State.choices, protected=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_number_unique"),
            models.CheckConstraint(
                condition=Q(reviewers_per_application__gte=1), name="round_reviewers_positive"
            ),
            models.CheckConstraint(
                condition=Q(min_load__isnull=True)
                | Q(max_load__isnull=True)
                | Q(min_load__lte=F("max_load")),
                name="round_load_bounds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(trim_share__gte=0) & Q(trim_share__lt=Decimal("0.5")),
                name="round_trim_share_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contest} — {self.title}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def shortlist(self) -> models.QuerySet[Application]:
        """The applications on this round's shortlist now (removed entries are history)."""
        return Application.objects.filter(
            shortlist_entries__round=self, shortlist_entries__removed_at__isnull=True
        )

    def shortlist_problems(self) -> list[str]:
        """Why the shortlist cannot change now, in the organiser's language."""
        if self.state != self.State.PLANNED:
            return [_("The shortlist changes only while its round is planned, before it opens.")]
        if self.shortlist_confirmed_at is not None:
            return [
                _("The shortlist was confirmed and the applicants not on it were told; it stays as it is.")
            ]
        return []

    def open_problems(self) -> list[str]:
        problems = []
        if self.contest.state != Contest.State.IN_REVIEW:
            problems.append(_("Start the contest's review before opening a round."))
        if self.contest.review_rounds.filter(state=self.State.OPEN).exclude(pk=self.pk).exists():
            problems.append(_("Another round of this contest is open; close it first."))
        return problems

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.PLANNED, State.CLOSED], target=State.OPEN)
    def open(self, by=None, description=None) -> None:
        refuse_if(self.open_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.OPEN, target=State.CLOSED)
    def close(self, by=None, description=None) -> None:
        pass


class ShortlistEntry(TimeStampedModel):
    """An application on a round's shortlist: who put it there and why (top N of an earlier
    round's ranking, or picked by hand with a reason). Taking it off keeps the row, with who and
    why, so the shortlist's history stays on record; one live entry per round and application."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="shortlist_entries")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="shortlist_entries")
    source_round = models.ForeignKey(
        Round,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from round"),
    )
    position = models.PositiveIntegerField(_("position in the nomination"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("taken off"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(_("why it was taken off"), blank=True)

    class Meta:
        verbose_name = _("shortlisted application")
        verbose_name_plural = _("shortlist")
        ordering = ["round", "application__nomination", "position", "application__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "application"],
                condition=Q(removed_at__isnull=True),
                name="shortlist_entry_one_live",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} ∋ {self.application}"


class Juror(TimeStampedModel):
    """A member of a contest's jury: what they know and where they come from."""

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="juror_seats")
    nominations = models.ManyToManyField(
        Nomination,
        blank=True,
        related_name="jurors",
        verbose_name=_("nominations"),
        help_text=_("Leave empty to judge in every nomination."),
    )
    expertise = models.ManyToManyField(
        Category, blank=True, related_name="jurors", verbose_name=_("expertise")
    )
    region = models.CharField(_("region (oblast)"), max_length=32, choices=Region.choices, blank=True)
    max_load = models.PositiveIntegerField(
        _("at most applications"), null=True, blank=True, help_text=_("Personal limit in every round.")
    )
    chair = models.BooleanField(_("chair of the jury"), default=False)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["contest", "pk"]
        constraints = [models.UniqueConstraint(fields=["contest", "user"], name="juror_unique_per_contest")]

    def __str__(self) -> str:
        return str(self.user)


class Conflict(TimeStampedModel):
    """A juror who must neither see nor score an application. The database refuses a live
    review for a conflicted pair (triggers in migration 0002), whatever code path writes it."""

    class Kind(models.TextChoices):
        OWN_ORGANISATION = "own_organisation", _("The juror's own organisation")
        SAME_REGION = "same_region", _("The juror's own region")
        DECLARED = "declared", _("Declared by the juror")
        RECUSED = "recused", _("Recused by an organiser")

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="review_conflicts")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [models.UniqueConstraint(fields=["juror", "application"], name="conflict_unique_pair")]

    def __str__(self) -> str:
        return f"{self.juror} ⟂ {self.application}"


class OrganisationConflict(ConcurrentTransitionMixin, TimeStampedModel):
    """A juror's declaration of a conflict of interest with a whole organisation, before any
    assignment: every application of that organisation in the contest (also one submitted later)
    is kept from them while the declaration stands, pending or accepted. The organisers review
    it; a rejected declaration no longer excludes anything. The database refuses a new live
    review for a pair it covers (triggers in this app's migration 0005)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the organisers' review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    # The states in which the declaration keeps the juror away from the organisation.
    STANDING_STATES = (State.PENDING, State.ACCEPTED)

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="organisation_conflicts")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="juror_conflicts",
        verbose_name=_("organisation"),
    )
    note = models.TextField(_("note"), help_text=_("What ties the juror to the organisation."))
    state = FSMField(_("state"), default=State.PENDING, choices=State.choices, protected=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("organisers' reason"), blank=True)

    class Meta:
        verbose_name = _("conflict of interest with an organisation")
        verbose_name_plural = _("conflicts of interest with organisations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "organisation"],
                condition=Q(state__in=["pending", "accepted"]),
                name="organisation_conflict_one_standing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.juror} ⟂ {self.organisation}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_standing(self) -> bool:
        return self.state in self.STANDING_STATES

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PENDING, target=State.ACCEPTED)
    def accept(self, by=None, description=None) -> None:
        self.decision_reason = (description or "").strip()
        self.decided_at = clock.now()
        self.decided_by = by

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PENDING, target=State.REJECTED)
    def reject(self, by=None, description=None) -> None:
        refuse_if(
            [] if (description or "").strip() else [_("Tell the juror why the declaration is rejected.")]
        )
        self.decision_reason = description.strip()
        self.decided_at = clock.now()
        self.decided_by = by


# Reviews whose stored total (totals.py) does not match their state or their last change.
STALE_TOTALS = (Q(state="submitted") & (Q(counted_at__isnull=True) | ~Q(counted_at=F("updated_at")))) | (
    ~Q(state="submitted") & (Q(counted_at__isnull=False) | Q(total__isnull=False))
)


class Review(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    """One juror's assignment to one application in one round, and their scores."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        DECLINED = "declined", _("Declined")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    # States in which the juror may still write scores.
    WRITABLE_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.REOPENED)
    # Every state but declined holds the juror to the application.
    LIVE_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.SUBMITTED, State.REOPENED)

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reviews")
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="reviews")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="reviews")
    state = FSMField(_("state"), default=State.ASSIGNED, choices=State.choices, protected=True)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # What the ranking reads (written by totals.py, never by hand): the weighted total of the scores
    # on the round's criteria brought to 0..1 (NULL unless submitted, or when it scores none of
    # them), the raw tie-break score, and the `updated_at` they were computed at — a submitted
    # review whose `counted_at` differs from its `updated_at` is recomputed before the next ranking.
    total = models.FloatField(null=True, blank=True, editable=False)
    tie = models.IntegerField(null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["round", "application", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "juror", "application"], name="review_one_per_juror_and_application"
            )
        ]
        indexes = [
            models.Index(fields=["round", "state"], name="review_round_state_idx"),
            models.Index(fields=["juror", "state"], name="review_juror_state_idx"),
            # The ranking reads the submitted reviews' totals of a round, by application.
            models.Index(
                fields=["round", "application", "total"],
                condition=Q(state="submitted"),
                name="review_round_totals_idx",
            ),
            # Normally empty: finding the reviews whose stored total is stale reads only them. By id
            # too: asked for the first one by id, PostgreSQL takes this index whatever it guesses of
            # the condition's selectivity (it cannot estimate it, and would rather scan the round).
            models.Index(fields=["round", "id"], condition=STALE_TOTALS, name="review_stale_totals_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} → {self.application}"

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def is_writable(self) -> bool:
        return self.state in self.WRITABLE_STATES

    def round_problems(self) -> list[str]:
        if not self.round.is_open:
            return [_("This review round is not open for scoring.")]
        return []

    def submit_problems(self, missing: list[str]) -> list[str]:
        """`missing`: titles of the round's criteria without a score (the service counts them)."""
        problems = self.round_problems()
        problems += [_("Score the criterion “%(title)s”.") % {"title": title} for title in missing]
        if self.round.require_overall_comment and not self.overall_comment.strip():
            problems.append(_("Write an overall comment: this contest requires one."))
        return problems

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.ASSIGNED, target=State.IN_PROGRESS)
    def start(self, by=None, description=None) -> None:
        refuse_if(self.round_problems())

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.ASSIGNED, State.IN_PROGRESS], target=State.DECLINED)
    def decline(self, by=None, description=None) -> None:
        refuse_if([] if (description or "").strip() else [_("Give the reason for declining.")])
        self.decline_reason = description

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=list(LIVE_STATES), target=State.DECLINED)
    def recuse(self, by=None, description=None) -> None:
        """An organiser takes the juror off the application, even after submission: the scores
        stay on record but no longer count (only submitted reviews are ranked)."""
        refuse_if([] if (description or "").strip() else [_("Give the reason for the recusal.")])
        self.decline_reason = description

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.IN_PROGRESS, State.REOPENED], target=State.SUBMITTED)
    def submit(self, by=None, description=None, missing: list[str] | None = None) -> None:
        refuse_if(self.submit_problems(missing or []))
        self.submitted_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SUBMITTED, target=State.REOPENED)
    def reopen(self, by=None, description=None) -> None:
        problems = self.round_problems()
        if not (description or "").strip():
            problems.append(_("Tell the juror why the review is reopened."))
        refuse_if(problems)


class JurorTotals(models.Model):
    """One juror's running figures in a round, over their submitted reviews with a total (of the
    round's applications): the count, mean and sum of squared deviations (n·variance) of the
    totals, on the 0..1 scale. The z-score calibration reads these instead of every review."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="juror_totals")
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="round_totals")
    n = models.PositiveIntegerField(default=0)
    mean = models.FloatField(null=True)
    m2 = models.FloatField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "juror"], name="juror_totals_unique")]

    def __str__(self) -> str:
        return f"{self.juror} @ {self.round}: {self.n}"


class ApplicationTotals(models.Model):
    """One row per application of a round: its figures over its submitted reviews, on the 0..1
    scale, and the tie-breaks it is ordered by — everything the ranking reads, so the ranking reads
    neither the reviews nor the applications (issue 19). `reviews` counts those with a total (the
    others may still carry a tie-break score); `z` is the mean z-score of those totals against
    their jurors' figures, over the jurors who carry information (see `ranking.py`), so a juror's
    changed figures rewrite the rows of the applications they reviewed (`totals.py`). A change of
    the round's applications or of their nomination, number or submission time moves the round's
    stamp, and with it the basis: every row is written again."""

    # Derived rows, written hundreds at a time at each submission: no index or check they do not
    # need. The unique constraint leads with the round; no foreign-key checks (each committing
    # transaction would look every written row's round and application up again), deletion
    # cascades through the ORM, and a round whose applications change is written afresh; the
    # nomination is a copy, like RankingRow's.
    round = models.ForeignKey(
        Round,
        on_delete=models.CASCADE,
        related_name="application_totals",
        db_index=False,
        db_constraint=False,
    )
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="round_totals", db_constraint=False
    )
    nomination_id = models.IntegerField()
    submitted_at = models.DateTimeField(null=True)
    number = models.CharField(max_length=40, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    mean = models.FloatField(null=True)
    median = models.FloatField(null=True)
    trimmed = models.FloatField(null=True)
    variance = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    tie = models.FloatField(null=True)  # the mean raw tie-break score
    z = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "application"], name="application_totals_unique")
        ]
        # The ranking reads the m-th widest spread among applications with two reviews or more.
        indexes = [
            models.Index(
                fields=["round", "variance"], condition=Q(reviews__gte=2), name="application_totals_spread"
            )
        ]

    def __str__(self) -> str:
        return f"{self.application} @ {self.round}: {self.reviews}"


class RoundTotals(models.Model):
    """What the round's stored totals were computed against (criteria, weights, scales, the
    tie-break criterion, the round's applications), as a digest: when it differs, every total is
    recomputed in one set-based statement before the next ranking.

    With the round's freshness stamp, kept by database triggers (migration 0008), so that writes
    made behind the services' back move it too: `reviews_changed` moves whenever a submitted
    review appears, goes, changes state or its `updated_at`; `applications_changed` whenever the
    round's applications (the reviewable ones of the contest, or the shortlist) change or change
    nomination, number or submission time. Each moves up by a random step, so a value is never
    seen again with other data (a rolled-back write, a restored database). Deciding whether a
    ranking is fresh reads this row only (`ranking.round_state`). The triggers create the row
    when a round has none. Writing the stamp locks the row until the writer commits: concurrent
    juror submissions in one round serialise on it for the rest of their (short) transaction,
    accepted as the price of an exact stamp."""

    round = models.OneToOneField(Round, on_delete=models.CASCADE, primary_key=True, related_name="totals")
    basis = models.CharField(max_length=64)
    # Set by triggers (migration 0010) when a submitted review is deleted or moved to another
    # juror, application or round: the juror and application figures are counted afresh. Nullable
    # (NULL: nothing to recount) so that SQLite adds the column without rebuilding a table that the
    # stamp's triggers name.
    recount = models.BooleanField(null=True)
    # The round's units — its applications with two reviews or more — pooled: what the agreement
    # (Krippendorff's alpha) and the contested threshold read, kept with the application rows
    # (`totals.py`: the rewritten rows' part taken out and put back), so that computing a ranking
    # reads one row here instead of a pass over the round. On 0..1; NULL until first counted.
    units = models.BigIntegerField(null=True)
    pairable = models.BigIntegerField(null=True)  # Σ m: the units' reviews with a total
    unit_mean = models.FloatField(null=True)  # the mean of those totals
    unit_m2 = models.FloatField(null=True)  # Σ (total − mean)² over them
    within = models.FloatField(null=True)  # Σ m²·variance/(m − 1) over the units
    reviews_changed = models.BigIntegerField(default=0)
    applications_changed = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.round}: {self.basis[:8]}"


class RankingSnapshot(models.Model):
    """The round's ranking by one method, stored by position (`RankingRow`) for the fingerprint it
    was computed under, with the round's figures, so that a page reads 50 rows, not the round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ranking_snapshots")
    method = models.CharField(max_length=12)
    fingerprint = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict)  # nomination id (text) → rows
    agreement = models.FloatField(null=True)
    reviews = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "method"], name="ranking_snapshot_unique")]

    def __str__(self) -> str:
        return f"{self.round} / {self.method}"


class RankingRow(models.Model):
    """One application's place in a stored ranking (see `ranking.RankedRow`).

    Derived rows, 50,000 written at once when a round of 50,000 is stored afresh: no foreign-key
    checks (deferred to the commit, they took 314 ms of its 1,045), deletion cascades through the
    ORM, and any change to the round's applications moves its stamp, so the rows are replaced."""

    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    method = models.CharField(max_length=12)
    position = models.PositiveIntegerField()
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    nomination_id = models.IntegerField()
    position_in_nomination = models.PositiveIntegerField()
    reviews = models.PositiveIntegerField()
    mean = models.FloatField(null=True)
    median = models.FloatField(null=True)
    trimmed = models.FloatField(null=True)
    calibrated = models.FloatField(null=True)
    score = models.FloatField(null=True)
    spread = models.FloatField(null=True)
    low = models.FloatField(null=True)
    high = models.FloatField(null=True)
    contested = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "method", "position"], name="ranking_row_position")
        ]
        indexes = [
            models.Index(
                fields=["round", "method", "nomination_id", "position"], name="ranking_row_nomination_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} / {self.method} #{self.position}"


class Score(models.Model):
    """One criterion's score in one review. The database keeps it within the criterion's
    scale (trigger in migration 0002: the scale lives on another table)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.IntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class JuryNote(TimeStampedModel):
    """The jury's discussion of an application in a round; the organiser's consensus note."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="notes")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="jury_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("note"))
    consensus = models.BooleanField(_("consensus of the jury"), default=False)

    class Meta:
        verbose_name = _("jury note")
        verbose_name_plural = _("jury notes")
        ordering = ["created_at", "pk"]
        constraints = [
            # One consensus note per application and round; the organiser edits it.
            models.UniqueConstraint(
                fields=["round", "application"], condition=Q(consensus=True), name="jury_note_one_consensus"
            )
        ]

    def __str__(self) -> str:
        return self.text[:60]
