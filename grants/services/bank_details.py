"""The payee's bank details under separated duties (issue 16): who pays never chooses where the
money goes.

Only the grantee's members enter them (grants.rules). A change of details already given, once
the agreement is signed, is told to the grantee's members, the contest's organisers and its grant
officers, written to the security log, and holds the next payment until a grant officer who is
not of the grantee confirms the new details; that officer then does not record the payment
(tranches_and_payments.pay_tranche), so two people stand between a changed account and money.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts import security_log
from accounts.models import SecurityEvent, User
from contests.models import ContestRole
from contests.services import scope_of
from core import clock
from core.fsm import apply_transition
from grants import audit, events
from grants.iban import normalise_iban, validate_ua_iban
from grants.models import Grant
from grants.services.common import _context, _grantee_users, _lock_grant
from notifications.services import notify

# Once signed, the details are what the money follows: changing them is watched.
WATCHED_STATES = (Grant.State.AGREEMENT_SIGNED, Grant.State.ACTIVE)


def update_bank_details(
    grant: Grant,
    *,
    by: User,
    payee_name: str,
    payee_bank: str,
    payee_iban: str,
    request: HttpRequest | None = None,
) -> Grant:
    """The payee's bank details, IBAN checked by its checksum. Logged with a masked IBAN.
    `request`: where the change came from, for the security log (None from scripts)."""
    iban = normalise_iban(payee_iban)
    try:
        validate_ua_iban(iban)
    except ValidationError as error:
        raise ValidationError({"payee_iban": error.messages}) from None
    errors = {}
    if not payee_name.strip():
        errors["payee_name"] = _("Give the payee's name.")
    if not payee_bank.strip():
        errors["payee_bank"] = _("Give the bank's name.")
    if errors:
        raise ValidationError(errors)
    new = (payee_name.strip(), payee_bank.strip(), iban)
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        if grant.state not in Grant.LIVE_STATES:
            raise ValidationError(_("This grant is closed; its bank details no longer change."))
        old = (grant.payee_name, grant.payee_bank, grant.payee_iban)
        if new == old:
            return grant  # nothing changed: nothing to tell, nothing to confirm
        had_details = grant.has_bank_details
        grant.payee_name, grant.payee_bank, grant.payee_iban = new
        fields = ["payee_name", "payee_bank", "payee_iban", "updated_at"]
        watched = grant.state in WATCHED_STATES
        if watched:
            grant.bank_details_changed_at = clock.now()
            grant.bank_details_changed_by = by
            fields += ["bank_details_changed_at", "bank_details_changed_by"]
            if had_details:
                # Replacing an account already given: the next payment waits for a second person.
                grant.bank_details_unconfirmed_since = grant.bank_details_changed_at
                grant.bank_details_confirmed_by = None
                fields += ["bank_details_unconfirmed_since", "bank_details_confirmed_by"]
        grant.save(update_fields=fields)
        audit.record(grant, "grant.bank_details", actor=by, iban_ending=iban[-4:], payee=grant.payee_name)
        if watched:
            security_log.record(
                SecurityEvent.Kind.BANK_DETAILS_CHANGED,
                request=request,
                user=by,
                grant=grant.pk,
                iban_ending=iban[-4:],
                needs_confirmation=grant.bank_details_unconfirmed,
            )
            _tell_of_change(grant, by, iban)
    return grant


def _tell_of_change(grant: Grant, by: User, iban: str) -> None:
    watchers = {u.pk: u for u in _grantee_users(grant)}
    for user in User.objects.filter(
        is_active=True,
        contest_roles__contest_id=grant.contest_id,
        contest_roles__role__in=[ContestRole.Role.ORGANISER, ContestRole.Role.GRANT_OFFICER],
    ).distinct():
        watchers.setdefault(user.pk, user)
    notify(
        events.BANK_DETAILS_CHANGED.key,
        [watchers[pk] for pk in sorted(watchers)],
        {
            **_context(grant),
            "iban_ending": iban[-4:],
            "changed_by": by.display_name,
            "needs_confirmation": grant.bank_details_unconfirmed,
        },
        dedupe_key=f"bank-details:{grant.pk}:{grant.bank_details_changed_at:%Y%m%d%H%M%S%f}",
        scope=scope_of(grant.contest),
    )


def confirm_bank_details(grant: Grant, *, by: User, note: str = "") -> Grant:
    """A grant officer who is not of the grantee vouches for changed details (checked with the
    grantee by a channel of their own); the next payment is then recorded by another officer."""
    with transaction.atomic():
        grant = _lock_grant(grant.pk)
        apply_transition(grant, "confirm_bank_details", by=by, note=note)
        audit.record(
            grant, "grant.bank_details_confirmed", actor=by, iban_ending=grant.payee_iban[-4:], note=note
        )
    return grant
