"""Targeted mailings: a message written once (uk/en/ru) and sent through the outbox to an audience,
the record of who got it, and the depository's e-mail subscribers."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from django_fsm_log.decorators import fsm_log_by, fsm_log_description

from core.models import TimeStampedModel

LANGUAGES = ("uk", "en", "ru")  # uk is required; a recipient's language falls back to it


class AudienceKind(models.TextChoices):
    APPLICANTS = "applicants", _("Applicants")
    JURORS = "jurors", _("Jurors")
    GRANTEES = "grantees", _("Grantees")
    LATE_REPORTERS = "late_reporters", _("Late reporters of a campaign")
    SUBSCRIBERS = "subscribers", _("Subscribers of the depository")


# Kinds a contest's own mailing may use (its people); the others are site-wide.
CONTEST_KINDS = (AudienceKind.APPLICANTS, AudienceKind.JURORS, AudienceKind.GRANTEES)


class Mailing(ConcurrentTransitionMixin, TimeStampedModel):
    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    contest = models.ForeignKey(
        "contests.Contest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mailings",
        verbose_name=_("contest"),
        help_text=_("Empty for a site-wide mailing."),
    )
    subject_uk = models.CharField(_("subject (Ukrainian)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200, blank=True)
    subject_ru = models.CharField(_("subject (Russian)"), max_length=200, blank=True)
    body_uk = models.TextField(_("text (Ukrainian)"), max_length=20000)
    body_en = models.TextField(_("text (English)"), max_length=20000, blank=True)
    body_ru = models.TextField(_("text (Russian)"), max_length=20000, blank=True)
    essential = models.BooleanField(
        _("essential"),
        default=False,
        help_text=_("Essential messages (results, obligations) reach people who unsubscribed."),
    )
    # {"kind": AudienceKind, ...its filters}: validated by mailings.audience.AudienceSerializer.
    audience = models.JSONField(_("audience"), default=dict)
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients_count = models.PositiveIntegerField(_("recipients"), default=0)
    unsubscribed_count = models.PositiveIntegerField(_("skipped as unsubscribed"), default=0)

    class Meta:
        verbose_name = _("mailing")
        verbose_name_plural = _("mailings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject_uk

    @property
    def scope(self) -> str:
        """The outbox scope of this mailing's messages (and of its wording per language)."""
        return f"mailing:{self.pk}"

    def subject_in(self, language: str) -> str:
        return getattr(self, f"subject_{language}", "") or self.subject_uk

    def body_in(self, language: str) -> str:
        return getattr(self, f"body_{language}", "") or self.body_uk

    @property
    def is_editable(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_sending(self) -> bool:
        return self.state == self.State.SENDING

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.DRAFT, target=State.SENDING)
    def send(self, by=None, description=None) -> None:
        """Guards only: the service resolves the audience and writes the outbox."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SENDING, target=State.SENT)
    def finish(self, by=None, description=None) -> None:
        """Every message left the outbox (some may have failed)."""

    @fsm_log_by
    @fsm_log_description
    @transition(field=state, source=State.SENDING, target=State.FAILED)
    def fail(self, by=None, description=None) -> None:
        """No message could be delivered."""


class MailingRecipient(models.Model):
    """What was sent to whom: one row per person (or subscriber's address) of a sent mailing."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        UNSUBSCRIBED = "unsubscribed", _("Skipped: unsubscribed")

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8)
    # The e-mail in the outbox; its state is the delivery's (notifications.Message.State).
    message = models.ForeignKey(
        "notifications.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)

    class Meta:
        verbose_name = _("mailing recipient")
        verbose_name_plural = _("mailing recipients")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "email"], name="mailing_recipient_once"),
        ]

    def __str__(self) -> str:
        return f"{self.mailing_id} → {self.email}"

    @property
    def is_unsubscribed(self) -> bool:
        return self.state == self.State.UNSUBSCRIBED


def _token() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(TimeStampedModel):
    """Someone (not necessarily with an account) who asked for news of a topic by e-mail."""

    class Topic(models.TextChoices):
        DEPOSITORY = "depository", _("New cases in the depository")

    email = models.EmailField(_("e-mail address"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="uk")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.DEPOSITORY)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)
    # In every message's unsubscribe link; never changes, so old links keep working.
    token = models.CharField(max_length=64, unique=True, default=_token, editable=False)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["email", "topic"], name="subscriber_once_per_topic")]

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
