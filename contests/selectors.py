"""Read-side querysets for contests: scoping first, so what a user may not see is never fetched."""

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from contests.models import Contest, ContestRole, Criterion, FormField, Nomination
from core import clock


def _public() -> Q:
    # A cancelled call that had been published stays visible, marked cancelled.
    return Q(state__in=Contest.PUBLIC_STATES) | Q(state=Contest.State.CANCELLED, published_at__isnull=False)


def contests_visible_to(user: User) -> QuerySet[Contest]:
    if user.is_authenticated and user.is_staff:
        return Contest.objects.all()
    if user.is_authenticated:
        mine = Contest.objects.filter(roles__user=user).values("pk")
        return Contest.objects.filter(_public() | Q(pk__in=mine))
    return Contest.objects.filter(_public())


def contests_organised_by(user: User) -> QuerySet[Contest]:
    return Contest.objects.filter(roles__user=user, roles__role=ContestRole.Role.ORGANISER).distinct()


def open_calls() -> QuerySet[Contest]:
    """Published calls whose deadline has not passed, soonest deadline first."""
    return Contest.objects.filter(state=Contest.State.PUBLISHED, closes_at__gt=clock.now()).order_by(
        "closes_at"
    )


def past_public_contests() -> QuerySet[Contest]:
    """Public contests that no longer take applications (or never opened), latest first."""
    still_open = Q(state=Contest.State.PUBLISHED, closes_at__gt=clock.now())
    return Contest.objects.filter(_public()).exclude(still_open).order_by("-closes_at", "-pk")


def with_structure(contests: QuerySet[Contest]) -> QuerySet[Contest]:
    """Everything a contest page or API detail shows, in a constant number of queries."""
    return contests.prefetch_related(
        Prefetch("nominations", queryset=Nomination.objects.order_by("order", "pk")),
        Prefetch("criteria", queryset=Criterion.objects.order_by("order", "pk")),
        Prefetch("form_fields", queryset=FormField.objects.order_by("order", "pk")),
        "classifiers",
        "roles",
    )


def roles_of(user: User) -> QuerySet[ContestRole]:
    return ContestRole.objects.filter(user=user).select_related("contest").order_by("contest__title", "role")
