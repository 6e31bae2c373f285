"""Writes of the accounts app: sign-up, organisations, memberships, invitations."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.events import INVITATION, JURY_INVITATION
from accounts.models import Invitation, Membership, Organisation, User
from core import clock
from notifications.services import notify


def sign_up(*, email: str, full_name: str, password: str, language: str = "") -> User:
    with transaction.atomic():
        return User.objects.create_user(
            email=email,
            full_name=full_name,
            password=password,
            language=language or settings.LANGUAGE_CODE,
        )


def register_organisation(*, by: User, **fields) -> Organisation:
    """The registering person becomes the organisation's first admin."""
    with transaction.atomic():
        organisation = Organisation(**fields)
        organisation.full_clean()
        organisation.save()
        Membership.objects.create(user=by, organisation=organisation, is_admin=True)
    return organisation


def invite_colleague(organisation: Organisation, *, email: str, by: User) -> Invitation:
    email = email.strip().lower()
    if organisation.memberships.filter(user__email__iexact=email).exists():
        raise ValidationError({"email": _("This person is already a member.")})
    with transaction.atomic():
        invitation = Invitation.objects.create(organisation=organisation, email=email, invited_by=by)
        notify(
            INVITATION.key,
            [email],
            {
                "organisation": organisation.name,
                "inviter": by.display_name,
                "link": settings.SITE_URL + reverse("accounts:invitation", args=[invitation.token]),
                "expires": date_format(localtime(invitation.expires_at), "DATE_FORMAT"),
            },
            dedupe_key=f"invitation:{invitation.pk}",
        )
    return invitation


# What accepting an invitation of a purpose does besides recording it; the apps above accounts that
# own a purpose fill this in at start-up (review seats a person invited to a jury), so accounts
# never imports them. The handler runs in the acceptance's transaction: raising rolls it back.
ACCEPTANCE_STEPS: dict[str, Callable[[Invitation, User], None]] = {}


def on_accepting(purpose: str) -> Callable:
    """Register the step run when an invitation of `purpose` is accepted."""

    def register(handler: Callable[[Invitation, User], None]) -> Callable[[Invitation, User], None]:
        ACCEPTANCE_STEPS[purpose] = handler
        return handler

    return register


def accept_invitation(invitation: Invitation, *, user: User) -> Membership | None:
    """Join the organisation (as its admin when invited as one), or, for a jury invitation,
    run the step its purpose registered (review seats the person); None then."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_usable:
            raise ValidationError(_("This invitation has expired or was already used."))
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(_("This invitation was sent to another e-mail address."))
        membership = None
        if invitation.organisation_id:
            membership, _created = Membership.objects.get_or_create(
                user=user, organisation=invitation.organisation, defaults={"is_admin": invitation.as_admin}
            )
            if invitation.as_admin and not membership.is_admin:
                membership.is_admin = True
                membership.save(update_fields=["is_admin", "updated_at"])
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        if step := ACCEPTANCE_STEPS.get(invitation.purpose):
            step(invitation, user)
    return membership


def invitation_link(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", args=[invitation.token])


def send_invitations(invitations: list[Invitation], *, by: User | None) -> int:
    """Notify saved invitations in the caller's transaction (a rollback sends nothing): an
    organisation's administrator, or a juror, each with their own link. Returns how many."""
    inviter = by.display_name if by else "Konkurs"
    for invitation in invitations:
        expires = date_format(localtime(invitation.expires_at), "DATE_FORMAT")
        if invitation.purpose == Invitation.Purpose.JURY:
            event = JURY_INVITATION.key
            context = {"contest": invitation.payload.get("title", ""), "inviter": inviter}
        else:
            event = INVITATION.key
            context = {"organisation": invitation.organisation.name, "inviter": inviter}
        notify(
            event,
            [invitation.email],
            context | {"link": invitation_link(invitation), "expires": expires},
            dedupe_key=f"invitation:{invitation.pk}",
        )
    return len(invitations)


def update_organisation(organisation: Organisation, **fields) -> Organisation:
    for name, value in fields.items():
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    return organisation
