"""Webhook endpoints (an organisation's or a contest's) and their outbox of deliveries."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, exactly_one_of


class EventType(models.TextChoices):
    """What an endpoint may subscribe to (published by the apps' services through core.hooks)."""

    APPLICATION_SUBMITTED = "application.submitted", _("Application submitted")
    APPLICATION_SCREENED = "application.screened", _("Application screened")
    RESULTS_ANNOUNCED = "results.announced", _("Results announced")
    GRANT_OFFERED = "grant.offered", _("Grant offered")
    TRANCHE_PAID = "tranche.paid", _("Tranche paid")
    REPORT_SUBMITTED = "report.submitted", _("Grant report submitted")
    REPORT_ACCEPTED = "report.accepted", _("Grant report accepted")
    PING = "webhook.test", _("Test delivery")


SUBSCRIBABLE = [choice for choice in EventType.choices if choice[0] != EventType.PING]


class Endpoint(TimeStampedModel):
    """An HTTPS address told about events: of one organisation (its applications, grants and
    reports) or of one contest (for its organisers). Exactly one of the two owners is set."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("organisation"),
    )
    contest = models.ForeignKey(
        "contests.Contest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("contest"),
    )
    url = models.CharField(_("URL"), max_length=500)  # checked by services.check_url
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    # The HMAC key. Kept readable (signing needs it); shown to people only when made or rotated.
    secret = models.CharField(max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=exactly_one_of("organisation", "contest"),
                name="webhook_endpoint_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.url

    @property
    def owner(self):
        return self.organisation if self.organisation_id else self.contest


class Delivery(models.Model):
    """One event to one endpoint: written in the transaction of the event, sent after commit."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event = models.CharField(max_length=40, choices=EventType.choices)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self) -> str:
        return f"{self.event} {self.uuid}"

    @property
    def retry_planned(self) -> bool:
        """Waiting for a later attempt (the log shows when)."""
        return self.state == self.State.PENDING and self.next_attempt_at is not None


class Attempt(models.Model):
    """The log of one try of a delivery: what the receiver answered and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_unique")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"
