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
    )
    return counts


def overridden_events(scope: str) -> set[tuple[str, str]]:
    """(event, language) pairs a scope words its own way."""
    return set(TemplateOverride.objects.filter(scope=scope).values_list("event", "language"))


def template_override(scope: str, event: str, language: str) -> TemplateOverride | None:
    return TemplateOverride.objects.filter(scope=scope, event=event, language=language).first()


def email_opt_outs_of(user) -> set[str]:
    return set(EmailOptOut.objects.filter(user=user).values_list("event", flat=True))
