"""A congress (or any event) where libraries present their best-practice cases.

Who organises an event: the people recorded as its organisers (`EventOrganiser`: its creator, and
whoever they add) and, when the event is linked to a contest, that contest's organisers. Creating
an event needs `contests.add_contest` (staff, people who organise a contest, the "Organisers" group).

An invitation asks the organisation behind a published depository case to present it; the
library answers before the response deadline, else the invitation expires (by the hourly reminder
sweep, and on any answer that comes too late).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from core import clock
from core.models import TimeStampedModel

DEFAULT_TIME_ZONE = "Europe/Kyiv"


class Event(ConcurrentTransitionMixin, TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Programme published")
        FINISHED = "finished", _("Finished")

    PUBLIC_STATES = (State.PUBLISHED, State.FINISHED)

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=300)
    contest = models.ForeignKey(
        "contests.Contest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="congress_events",
        verbose_name=_("contest"),
        help_text=_("Optional. The contest's organisers organise the event too."),
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="congress_event_ends"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def time_zone(self) -> str:
        return self.contest.time_zone if self.contest_id else DEFAULT_TIME_ZONE

    @property
    def is_public(self) -> bool:
        return self.state in self.PUBLIC_STATES

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_finished(self) -> bool:
        return self.state == self.State.FINISHED

    def publish_problems(self) -> list[str]:
        if self.ends_at < clock.now():
            return [_("The event is over: its programme can no longer be published.")]
        return []

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.PUBLISHED)
    def publish(self, by=None, description=None) -> None:
        self.published_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.DRAFT)
    def unpublish(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.PUBLISHED, target=State.FINISHED)
    def finish(self, by=None, description=None) -> None:
        pass


class EventOrganiser(TimeStampedModel):
    """A person organising an event besides the linked contest's organisers."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organisers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="congress_roles"
    )

    class Meta:
        verbose_name = _("event organiser")
        verbose_name_plural = _("event organisers")
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="congress_organiser_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.event}"


class Invitation(ConcurrentTransitionMixin, TimeStampedModel):
    """An invitation to present one case at one event: answered by the case's organisation."""

    class State(models.TextChoices):
        INVITED = "invited", _("Waiting for an answer")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No answer in time")
        WITHDRAWN = "withdrawn", _("Withdrawn by the organisers")

    # Invitations that hold the case's place at the event (another one for it is refused).
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    practice = models.ForeignKey(
        "depository.Practice",
        on_delete=models.PROTECT,
        related_name="congress_invitations",
        verbose_name=_("case"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="congress_invitations",
        verbose_name=_("organisation"),
        editable=False,
    )
    state = FSMField(_("state"), default=State.INVITED, choices=State.choices, protected=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    slot_starts_at = models.DateTimeField(_("time slot"), null=True, blank=True)
    position = models.PositiveIntegerField(_("place in the programme"), default=0)
    respond_by = models.DateTimeField(_("answer by"))
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("invitation to present")
        verbose_name_plural = _("invitations to present")
        ordering = ["event", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "practice"], name="congress_invitation_unique")
        ]
        indexes = [models.Index(fields=["state", "respond_by"], name="congress_invitation_due")]

    def __str__(self) -> str:
        return f"{self.event}: {self.practice}"

    @property
    def is_awaiting_answer(self) -> bool:
        return self.state == self.State.INVITED

    @property
    def is_overdue(self) -> bool:
        return self.state == self.State.INVITED and self.respond_by <= clock.now()

    def in_time(self) -> bool:
        return self.respond_by > clock.now()

    # --- transitions: guards only; services save and tell people -------------------------------

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.INVITED, target=State.CONFIRMED, conditions=[in_time])
    def confirm(self, by=None, description=None) -> None:
        self.answered_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.INVITED, target=State.DECLINED, conditions=[in_time])
    def decline(self, by=None, description=None) -> None:
        self.answered_at = clock.now()

    @fsm_log_by
    @fsm_log_description
    @transition(
        field=state, source=State.INVITED, target=State.EXPIRED, conditions=[lambda i: not i.in_time()]
    )
    def expire(self, by=None, description=None) -> None:
        pass

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=[State.INVITED, State.CONFIRMED], target=State.WITHDRAWN)
    def withdraw(self, by=None, description=None) -> None:
        pass
