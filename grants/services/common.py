"""What the grants' services share: row locks, amounts, the grantee's notifications, uploads."""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from accounts.models import User
from contests.models import Contest, ContestRole
from contests.services import scope_of
from core import formats
from core.files import generated_name, validate_upload
from grants.models import Grant
from notifications.services import notify

MB = 1024 * 1024


def _lock_contest(contest_id: int) -> Contest:
    # The contest row owns the budget: every write of its grants queues here.
    return Contest.objects.select_for_update().get(pk=contest_id)


def _lock_grant(grant_id: int) -> Grant:
    # The grant row owns its tranches' total; `of` keeps the lock off the joined contest.
    return Grant.objects.select_for_update(of=("self",)).select_related("contest").get(pk=grant_id)


def money(value: Any, field: str, *, allow_zero: bool = False) -> Decimal:
    """A positive amount with at most two decimal places, or a field error."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("Enter an amount such as 1250.50.")}) from None
    if not amount.is_finite():
        raise ValidationError({field: _("Enter an amount such as 1250.50.")})
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise ValidationError({field: _("Amounts have at most two decimal places (kopiyky).")})
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount >= Decimal("1e12"):
        raise ValidationError({field: _("This amount is too large.")})
    return amount


def _grantee_users(grant: Grant) -> list[User]:
    return list(
        User.objects.filter(
            memberships__organisation_id=grant.application.organisation_id, is_active=True
        ).order_by("pk")
    )


def _context(grant: Grant) -> dict[str, Any]:
    application = grant.application
    return {
        "contest": grant.contest.title,
        "application": application.title,
        "organisation": application.organisation.name,
        "link": settings.SITE_URL + f"/grants/{grant.pk}/",
    }


def _notify_grantee(grant: Grant, event: str, extra: dict, dedupe_key: str) -> None:
    notify(
        event,
        _grantee_users(grant),
        {**_context(grant), **extra},
        dedupe_key=dedupe_key,
        scope=scope_of(grant.contest),
    )


def _officers(contest_id: int, *, besides: User | None = None) -> list[User]:
    """The contest's grant officers (active), without `besides` (who did the step themselves)."""
    found = User.objects.filter(
        is_active=True,
        contest_roles__contest_id=contest_id,
        contest_roles__role=ContestRole.Role.GRANT_OFFICER,
    )
    if besides is not None:
        found = found.exclude(pk=besides.pk)
    return list(found.distinct().order_by("pk"))


def _notify_officers(grant: Grant, event: str, extra: dict, dedupe_key: str, *, besides: User | None) -> None:
    """Approvers hear that there is work: the grant's officers, in the inbox and by e-mail."""
    officers = _officers(grant.contest_id, besides=besides)
    if not officers:
        return
    notify(
        event,
        officers,
        {**_context(grant), **extra},
        dedupe_key=dedupe_key,
        scope=scope_of(grant.contest),
    )


def _store(upload: UploadedFile, allowed: tuple[str, ...], max_mb: int, folder: str) -> tuple[str, str]:
    """Check an upload by content (the applications' checks) and return (kind, storage name)."""
    kind = validate_upload(upload, allowed, max_mb * MB)
    return kind, generated_name(folder, upload.name or "", kind)


def _within_grant(grant: Grant, day: date, field: str) -> None:
    if not grant.starts_on <= day <= grant.ends_on:
        raise ValidationError(
            {
                field: _("The date must lie within the grant (%(start)s – %(end)s).")
                % {"start": formats.day(grant.starts_on), "end": formats.day(grant.ends_on)}
            }
        )
