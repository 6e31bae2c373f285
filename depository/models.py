"""The public depository of best practices: cases published from applications.

A case (Practice) is chosen by the contest's organisers from the winners and from applications
whose organisation consented. What the public reads is a snapshot taken at publication (title,
organisation, region, year, the case-structure answers, categories), so an application edited
later changes nothing on the public page until the case is published again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from accounts.regions import Region
from applications.models import Application
from contests.models import Category, Contest, Nomination
from core import clock
from core.exceptions import refuse_if
from core.models import TimeStampedModel


class Consent(TimeStampedModel):
    """The applicant organisation's consent to publish its application as a case (revocable)."""

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="depository_consent",
        verbose_name=_("application"),
    )
    granted = models.BooleanField(_("consent to publication"), default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    changed_at = models.DateTimeField(_("changed"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consent to publication")
        verbose_name_plural = _("consents to publication")

    def __str__(self) -> str:
        return f"{self.application}: {self.granted}"


# Contest states after which cases may be public: before the announcement a published winner
# would leak the results.
PUBLISHABLE_CONTEST_STATES = (Contest.State.ANNOUNCED, Contest.State.ARCHIVED)
# Applications that are an entry at all (not a draft, not withdrawn by the applicant).
SELECTABLE_APPLICATION_STATES = (
    Application.State.SUBMITTED,
    Application.State.ELIGIBLE,
    Application.State.INELIGIBLE,
    Application.State.UNDER_REVIEW,
    Application.State.AWARDED,
    Application.State.NOT_AWARDED,
)


def selection_problems(application: Application, consent: Consent | None) -> list[str]:
    """Why this application cannot become a case, in the user's language."""
    if application.state not in SELECTABLE_APPLICATION_STATES:
        return [_("Only submitted applications can become cases.")]
    if application.state != Application.State.AWARDED and not (consent and consent.granted):
        return [_("Only winners' cases, or others whose applicant consented, can be published.")]
    return []


class Practice(ConcurrentTransitionMixin, TimeStampedModel):
    """A best-practice case. Its number (the primary key) is its permanent public address."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Selected, not published")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn from publication")

    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="practice", verbose_name=_("application")
    )
    # Denormalised from the application: the catalogue filters and organisers' scoping use them.
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="practices", verbose_name=_("contest")
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="practices", verbose_name=_("nomination")
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)

    # --- the snapshot taken at publication ------------------------------------------------------
    title = models.CharField(_("title"), max_length=300, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=300, blank=True)
    region = models.CharField(_("region (oblast)"), max_length=32, choices=Region.choices, blank=True)
    settlement = models.CharField(_("settlement"), max_length=120, blank=True)
    # The contest's edition year (Contest.edition), not a year guessed from its dates.
    year = models.PositiveSmallIntegerField(_("edition year"), null=True, blank=True)
    awarded = models.BooleanField(_("winner"), default=False)
    # The answers published, by question key; `layout` says, by the same keys, which case section
    # each belongs to and under which label and type (depository.cases, from FormField.case_section).
    sections = models.JSONField(_("case sections"), default=dict, blank=True)
    layout = models.JSONField(_("case layout"), default=dict, blank=True, editable=False)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="practices", verbose_name=_("categories")
    )
    # The libraries' e-services the case describes (of the case's organisation), chosen by organisers.
    eservices = models.ManyToManyField(
        "eservices.EService", blank=True, related_name="cases", verbose_name=_("e-services")
    )
    # Lower-cased (casefold) text of the case: SQLite's LIKE folds only ASCII letters, so the
    # fallback search compares casefolded text with a casefolded query.
    search_text = models.TextField(blank=True, editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)

    # --- organisers' selection ----------------------------------------------------------------------
    selected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    presentation = models.BooleanField(
        _("selected for presentation"),
        default=False,
        help_text=_("Chosen to present the practice at a conference or congress."),
    )
    presentation_note = models.CharField(_("note on the presentation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("best-practice case")
        verbose_name_plural = _("best-practice cases")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["state", "year"], name="practice_state_year_idx")]

    def __str__(self) -> str:
        return self.title or str(self.application)

    @property
    def number(self) -> int:
        return self.pk

    @property
    def excerpt(self) -> str:
        """The opening text of the case (its problem, as mapped), for lists."""
        from depository.cases import excerpt

        return excerpt(self.sections, self.layout)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    @property
    def is_draft(self) -> bool:
        """Selected, never published: it may still be removed from the list."""
        return self.state == self.State.DRAFT

    # --- guards ---------------------------------------------------------------------------------

    def publish_problems(self) -> list[str]:
        application = self.application
        problems = selection_problems(application, getattr(application, "depository_consent", None))
        if application.contest.state not in PUBLISHABLE_CONTEST_STATES:
            problems.append(_("Cases can be published once the contest's results are announced."))
        return problems

    # --- transitions (guards only; services save and do the rest) -------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.DRAFT, State.WITHDRAWN], target=State.PUBLISHED)
    def publish(self, by=None, description=None) -> None:
        refuse_if(self.publish_problems())
        self.published_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.WITHDRAWN)
    def withdraw(self, by=None, description=None) -> None:
        pass
