from django.db.models import Count, Q, QuerySet

from notifications.models import EmailOptOut, Message, TemplateOverride


def inbox_of(user) -> QuerySet[Message]:
    return Message.objects.filter(user=user, channel=Message.Channel.INAPP).order_by("-created_at", "-pk")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return inbox_of(user).filter(read_at__isnull=True).count()


def outbox_of(scope: str) -> QuerySet[Message]:
    return Message.objects.filter(scope=scope, channel=Message.Channel.EMAIL).order_by("-created_at", "-pk")


def outbox_progress(scope: str) -> dict[str, int]:
    """Counts by state in one query, for the organiser's progress bar."""
    counts = outbox_of(scope).aggregate(
        total=Count("pk"),
        **{state: Count("pk", filter=Q(state=state)) for state in Message.State.values},
        # Waiting again after a failed attempt: the mail server is down or refuses us.
        retrying=Count("pk", filter=Q(state=Message.State.PENDING) & ~Q(last_error="")),
    )
    return counts


def outbox_trouble(scope: str) -> Message | None:
    """The latest unsent message of a scope whose last attempt failed (its error, attempts and
    next attempt tell the organiser why the outbox is stuck), or None when nothing failed."""
    return (
        outbox_of(scope)
        .filter(state__in=[Message.State.PENDING, Message.State.FAILED])
        .exclude(last_error="")
        .only("state", "attempts", "last_error", "next_attempt_at")
        .order_by("-next_attempt_at", "-pk")
        .first()
    )


def overridden_events(scope: str) -> set[tuple[str, str]]:
    """(event, language) pairs a scope words its own way."""
    return set(TemplateOverride.objects.filter(scope=scope).values_list("event", "language"))


def template_override(scope: str, event: str, language: str) -> TemplateOverride | None:
    return TemplateOverride.objects.filter(scope=scope, event=event, language=language).first()


def email_opt_outs_of(user) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("event", flat=True))
