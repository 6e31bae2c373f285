"""Analytic reports: an organiser's printable account of a contest or of a reporting campaign
(its figures, the results reported, the narrative and the cases it cites from the depository).

A report is about a contest or a campaign, never both. It is a draft until published. A published
report is public while its subject is: a contest in Contest.PUBLIC_STATES, a campaign once opened
(open or closed); a contest cancelled takes its reports out of public view with it. Drafts are
seen by those who write them only: the contest's organisers, the campaign's managers.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from contests.models import Contest
from core import clock
from core.exceptions import refuse_if
from core.models import TimeStampedModel, exactly_one_of
from core.versioning import Versioned
from depository.models import Practice


class AnalyticReport(ConcurrentTransitionMixin, Versioned, TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    contest = models.ForeignKey(
        Contest,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analytic_reports",
        verbose_name=_("contest"),
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="analytic_reports",
        verbose_name=_("reporting campaign"),
    )
    title = models.CharField(_("title"), max_length=300)
    # Plain text: paragraphs separated by blank lines; escaped wherever it is shown.
    summary = models.TextField(_("summary"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    cases = models.ManyToManyField(
        Practice,
        through="CitedCase",
        related_name="analytic_reports",
        blank=True,
        verbose_name=_("cited cases"),
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("analytic report")
        verbose_name_plural = _("analytic reports")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of("contest", "campaign"),
                name="analytic_report_one_subject",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def subject(self):
        """What the report is about: its contest or its campaign."""
        return self.contest if self.contest_id else self.campaign

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED

    def publish_problems(self) -> list[str]:
        problems = []
        if not (self.summary.strip() or self.findings.strip()):
            problems.append(_("Write a summary or findings before publishing."))
        return problems

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.PUBLISHED)
    def publish(self, by=None, description=None) -> None:
        refuse_if(self.publish_problems())
        self.published_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.DRAFT)
    def withdraw(self, by=None, description=None) -> None:
        pass


class CitedCase(models.Model):
    """A depository case the report cites, in the report's order."""

    report = models.ForeignKey(AnalyticReport, on_delete=models.CASCADE, related_name="citations")
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="citations")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("cited case")
        verbose_name_plural = _("cited cases")
        ordering = ["report", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["report", "practice"], name="analytic_report_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.practice_id}"
