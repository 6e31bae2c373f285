"""Reads of the mailings app: whose mailings a person sees, who a mailing's audience is (one query
per kind, each person once), its preview and its progress from the outbox."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import ORGANISERS_GROUP, Membership, User
from applications.models import Application
from campaigns.models import Campaign
from campaigns.selectors import late_reporters
from contests.models import ContestRole
from grants.models import Grant
from mailings.events import MESSAGE
from mailings.models import AudienceKind, Mailing, MailingRecipient, Subscriber
from notifications.models import EmailOptOut, Message
from review.models import Juror

SAMPLE_SIZE = 5


def may_mail_site_wide(user: Any) -> bool:
    """Site-wide mailings: staff and the Organisers group."""
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_may_mail_site_wide", None)  # once per request, not per listed row
    if cached is None:
        cached = user.is_staff or user.groups.filter(name=ORGANISERS_GROUP).exists()
        user._may_mail_site_wide = cached
    return cached


def mailings_visible_to(user: Any) -> QuerySet[Mailing]:
    """A contest's mailings to its organisers; site-wide ones to staff and the Organisers group."""
    if not user.is_authenticated:
        return Mailing.objects.none()
    organised = Q(contest__roles__user=user, contest__roles__role=ContestRole.Role.ORGANISER)
    scope = organised | Q(contest__isnull=True) if may_mail_site_wide(user) else organised
    ids = Mailing.objects.filter(scope).values("pk")
    return Mailing.objects.filter(pk__in=ids).select_related("contest", "created_by")


def subscribers_of(topic: str = Subscriber.Topic.DEPOSITORY) -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(topic=topic, confirmed_at__isnull=False, unsubscribed_at__isnull=True)


# --- the audience ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One recipient as read for sending: a user (user_id) or a subscriber's address (token)."""

    email: str
    language: str
    name: str
    user_id: int | None = None
    token: str = ""  # the subscriber's unsubscribe token


@dataclass
class Audience:
    people: list[Person] = field(default_factory=list)  # who gets it
    unsubscribed: list[Person] = field(default_factory=list)  # who would, but opted out


def _member_ids(organisations: QuerySet) -> QuerySet:
    return Membership.objects.filter(organisation__in=organisations).values("user_id")


def _user_ids(audience: dict) -> QuerySet | None:
    """The ids of the users the audience names (a subquery), None for subscribers."""
    kind = audience.get("kind")
    contest = audience.get("contest")
    if kind == AudienceKind.APPLICANTS:
        applications = Application.objects.filter(contest_id=contest).exclude(state=Application.State.DRAFT)
        if audience.get("states"):
            applications = applications.filter(state__in=audience["states"])
        if audience.get("regions"):
            applications = applications.filter(organisation__region__in=audience["regions"])
        if audience.get("nominations"):
            applications = applications.filter(nomination_id__in=audience["nominations"])
        return Membership.objects.filter(organisation_id__in=applications.values("organisation_id")).values(
            "user_id"
        )
    if kind == AudienceKind.JURORS:
        return Juror.objects.filter(contest_id=contest).values("user_id")
    if kind == AudienceKind.GRANTEES:
        grants = Grant.objects.all() if contest is None else Grant.objects.filter(contest_id=contest)
        return Membership.objects.filter(
            organisation_id__in=grants.values("application__organisation_id")
        ).values("user_id")
    if kind == AudienceKind.LATE_REPORTERS:
        campaign = Campaign.objects.filter(pk=audience.get("campaign")).first()
        if campaign is None:
            return Membership.objects.none().values("user_id")
        return _member_ids(late_reporters(campaign))
    return None


def audience_of(mailing: Mailing) -> Audience:
    """Everyone the mailing would reach now, each once, in one query; who opted out of
    non-essential mailings is set aside (essential ones reach them)."""
    audience = mailing.audience or {}
    default = settings.LANGUAGE_CODE
    result = Audience()
    if audience.get("kind") == AudienceKind.SUBSCRIBERS:
        rows = Subscriber.objects.filter(
            topic=Subscriber.Topic.DEPOSITORY, confirmed_at__isnull=False
        ).values_list("email", "language", "token", "unsubscribed_at")
        for email, language, token, unsubscribed_at in rows.order_by("pk"):
            person = Person(email=email, language=language or default, name=email, token=token)
            (result.unsubscribed if unsubscribed_at else result.people).append(person)
        return result
    ids = _user_ids(audience)
    if ids is None:
        return result
    opted_out = EmailOptOut.objects.filter(user_id=OuterRef("pk"), event=MESSAGE.key)
    rows = (
        User.objects.filter(pk__in=ids, is_active=True)
        .exclude(email="")
        .annotate(opted_out=Exists(opted_out))
        .order_by("full_name", "pk")
        .values_list("pk", "email", "language", "full_name", "opted_out")
    )
    for pk, email, language, name, out in rows:
        person = Person(email=email, language=language or default, name=name or email, user_id=pk)
        (result.unsubscribed if out and not mailing.essential else result.people).append(person)
    return result


@dataclass(frozen=True)
class Preview:
    recipients: int
    unsubscribed: int
    sample: list[str]


def preview(mailing: Mailing) -> Preview:
    audience = audience_of(mailing)
    return Preview(
        recipients=len(audience.people),
        unsubscribed=len(audience.unsubscribed),
        sample=[p.name for p in audience.people[:SAMPLE_SIZE]],
    )


# --- after sending -----------------------------------------------------------------------------


def recipients_of(mailing: Mailing) -> QuerySet[MailingRecipient]:
    return mailing.recipients.select_related("message").order_by("pk")


@dataclass(frozen=True)
class Progress:
    total: int
    pending: int
    sent: int
    failed: int
    unsubscribed: int

    @property
    def done(self) -> bool:
        return self.pending == 0

    @property
    def percent(self) -> int:
        delivered = self.total - self.unsubscribed
        return 100 if delivered <= 0 else round(100 * (self.sent + self.failed) / delivered)


def progress_of(mailing: Mailing) -> Progress:
    """Counts of the recipients by their e-mail's state in the outbox, in one query."""
    counts = {"pending": 0, "sent": 0, "failed": 0, "unsubscribed": 0}
    rows = (
        MailingRecipient.objects.filter(mailing=mailing)
        .values_list("state", "message__state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for state, message_state, n in rows:
        if state == MailingRecipient.State.UNSUBSCRIBED:
            counts["unsubscribed"] += n
        elif message_state == Message.State.SENT:
            counts["sent"] += n
        elif message_state in (Message.State.PENDING, Message.State.SENDING):
            counts["pending"] += n
        else:  # failed, or its message is gone from the outbox
            counts["failed"] += n
    return Progress(total=sum(counts.values()), **counts)


def organises_a_contest(user: Any) -> bool:
    return ContestRole.objects.filter(user=user, role=ContestRole.Role.ORGANISER).exists()
