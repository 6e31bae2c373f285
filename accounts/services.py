"""Writes of the accounts app: sign-up, organisations, memberships, invitations, organisers."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.http import urlencode
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import security_log
from accounts.events import (
    EMAIL_CONFIRMATION,
    GRANT_OFFICER_INVITATION,
    INVITATION,
    JURY_INVITATION,
    ORGANISER_INVITATION,
    SIGN_UP_ATTEMPT,
)
from accounts.models import (
    ORGANISER_PERMISSIONS,
    ORGANISERS_GROUP,
    Invitation,
    Membership,
    Organisation,
    User,
)
from core import clock
from core.formats import date_value
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
        _membership_granted(by, organisation, admin=True, by=by)
    return organisation


def _membership_granted(user: User, organisation: Organisation, *, admin: bool, by: User | None) -> None:
    """The security log's line for joining an organisation (or becoming its administrator)."""
    security_log.record(
        security_log.Kind.ROLE_GRANTED,
        user=user,
        actor=by if by is not None and by.pk != user.pk else None,
        role="organisation_admin" if admin else "organisation_member",
        scope=f"organisation {organisation.pk}",
    )


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
                "expires": date_value(localtime(invitation.expires_at).date()),
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
            raise LinkGone(_("This invitation has expired or was already used."))
        if invitation.email.lower() != user.email.lower():
            raise ValidationError(_("This invitation was sent to another e-mail address."))
        membership = None
        if invitation.organisation_id:
            membership, created = Membership.objects.get_or_create(
                user=user, organisation=invitation.organisation, defaults={"is_admin": invitation.as_admin}
            )
            promoted = invitation.as_admin and not membership.is_admin
            if promoted:
                membership.is_admin = True
                membership.save(update_fields=["is_admin", "updated_at"])
            if created or promoted:
                _membership_granted(
                    user, invitation.organisation, admin=membership.is_admin, by=invitation.invited_by
                )
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
        expires = date_value(localtime(invitation.expires_at).date())
        if invitation.purpose == Invitation.Purpose.JURY:
            event = JURY_INVITATION.key
            context = {"contest": invitation.payload.get("title", ""), "inviter": inviter}
        elif invitation.purpose == Invitation.Purpose.GRANT_OFFICER:
            event = GRANT_OFFICER_INVITATION.key
            context = {"contest": invitation.payload.get("title", ""), "inviter": inviter}
        elif invitation.purpose == Invitation.Purpose.ORGANISER:
            event = ORGANISER_INVITATION.key
            context = {"inviter": inviter}
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


# --- organisers: the group whose members may create contests ----------------------------------


def organisers_group() -> Group:
    """The group "Organisers" with its permissions (a migration creates it; this mends it)."""
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    for app_label, codename in ORGANISER_PERMISSIONS:
        permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
        if permission is not None and not group.permissions.filter(pk=permission.pk).exists():
            group.permissions.add(permission)
    return group


def user_by_email(email: str, *, field: str = "email") -> User:
    """The account of an e-mail address, or a refusal people can act on."""
    email = (email or "").strip()
    user = User.objects.filter(email__iexact=email).first() if email else None
    if user is None:
        raise ValidationError(
            {
                field: _(
                    "No account uses the e-mail address %(email)s. Check it for a typo, or invite "
                    "the person: they set a password from the link we send them."
                )
                % {"email": email or "—"}
            },
            code="unknown_email",
        )
    return user


def is_organiser(user: User) -> bool:
    return user.groups.filter(name=ORGANISERS_GROUP).exists()


def add_organiser(user: User, *, by: User | None = None) -> bool:
    """Put `user` in the group Organisers; False when they already were in it."""
    with transaction.atomic():
        group = organisers_group()
        if user.groups.filter(pk=group.pk).exists():
            return False
        user.groups.add(group)
        security_log.record(
            security_log.Kind.ROLE_GRANTED, user=user, actor=by, role="organiser", scope="site"
        )
    return True


def remove_organiser(user: User, *, by: User | None = None) -> bool:
    """Take `user` out of the group Organisers; False when they were not in it. Their roles in
    contests they already organise stay (an organiser of a contest may still create contests)."""
    with transaction.atomic():
        group = organisers_group()
        if not user.groups.filter(pk=group.pk).exists():
            return False
        user.groups.remove(group)
        security_log.record(
            security_log.Kind.ROLE_REMOVED, user=user, actor=by, role="organiser", scope="site"
        )
    return True


# --- invitations by role ------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationRole:
    """What an invitation makes of the person: the purpose stored, the `rules` permission the
    inviter needs (checked against the target), and the kind of target the inviter names."""

    key: str
    purpose: str
    label: str | Promise
    permission: str
    target: str = ""  # "organisation", "contest" or "" (none)


INVITATION_ROLES: dict[str, InvitationRole] = {
    role.key: role
    for role in (
        InvitationRole(
            "staff",
            Invitation.Purpose.ORGANISATION,
            gettext_lazy("Organisation staff"),
            "accounts.invite_staff",
            "organisation",
        ),
        InvitationRole(
            "juror", Invitation.Purpose.JURY, gettext_lazy("Juror"), "accounts.invite_juror", "contest"
        ),
        InvitationRole(
            "grant_officer",
            Invitation.Purpose.GRANT_OFFICER,
            gettext_lazy("Grant officer"),
            "accounts.invite_grant_officer",
            "contest",
        ),
        InvitationRole(
            "organiser", Invitation.Purpose.ORGANISER, gettext_lazy("Organiser"), "accounts.invite_organiser"
        ),
    )
}

# How an inviter's target is found from its id, among those the inviter may see (None: not
# found). Accounts finds organisations itself; the contests app registers "contest" at start-up,
# so accounts never imports it.
INVITATION_TARGETS: dict[str, Callable[[User, int], Any]] = {}


def invitation_target(kind: str) -> Callable:
    """Register how a target of `kind` is found: handler(user, pk) -> object or None."""

    def register(finder: Callable[[User, int], Any]) -> Callable[[User, int], Any]:
        INVITATION_TARGETS[kind] = finder
        return finder

    return register


@invitation_target("organisation")
def _organisation_target(user: User, pk: int) -> Organisation | None:
    from accounts.selectors import organisations_visible_to

    return organisations_visible_to(user).filter(pk=pk).first()


def find_invitation_target(role: InvitationRole, *, user: User, pk: int | None) -> Any:
    """The target named by id for `role`, or a field error (400); None for a role without one."""
    if not role.target:
        return None
    names = {"organisation": _("organisation"), "contest": _("contest")}
    if pk is None:
        raise ValidationError(
            {role.target: _("Choose the %(target)s to invite them to.") % {"target": names[role.target]}}
        )
    finder = INVITATION_TARGETS.get(role.target)
    found = finder(user, pk) if finder else None
    if found is None:
        raise ValidationError(
            {
                role.target: _("There is no %(target)s number %(pk)s among those you can see.")
                % {"target": names[role.target], "pk": pk}
            }
        )
    return found


class LinkGone(ValidationError):
    """An e-mailed link (invitation, confirmation) that expired or was already used: the API
    answers 410 Gone, the pages say why."""


def invite(
    role: InvitationRole | str,
    *,
    email: str,
    by: User,
    target: Any = None,
    full_name: str = "",
    as_admin: bool = False,
) -> Invitation:
    """Invite `email` to be `role` (of `target`: an organisation or a contest), and e-mail the
    link. PermissionDenied when `by` may not; ValidationError for a bad address, a person who
    already has the role, or an invitation already waiting for an answer."""
    role = INVITATION_ROLES[role] if isinstance(role, str) else role
    if not by.has_perm(role.permission, target):
        raise PermissionDenied(_("You may not invite people as “%(role)s” here.") % {"role": role.label})
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
    existing = User.objects.filter(email__iexact=email).first()
    organisation = target if role.target == "organisation" else None
    payload = {}
    if role.target == "contest":
        payload = {"contest": target.pk, "title": str(getattr(target, "title", target))}
    if existing is not None:
        if organisation is not None and organisation.memberships.filter(user=existing).exists():
            raise ValidationError({"email": _("This person is already a member.")})
        if role.key == "organiser" and is_organiser(existing):
            raise ValidationError({"email": _("This person is already an organiser.")})
    waiting = Invitation.objects.filter(
        purpose=role.purpose, email__iexact=email, accepted_at__isnull=True, expires_at__gt=clock.now()
    )
    if organisation is not None:
        waiting = waiting.filter(organisation=organisation)
    if any(i.payload.get("contest") == payload.get("contest") for i in waiting):
        raise ValidationError(
            {"email": _("%(email)s was already invited and has not answered yet.") % {"email": email}}
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            purpose=role.purpose,
            organisation=organisation,
            email=email,
            full_name=full_name.strip(),
            as_admin=bool(as_admin and organisation is not None),
            payload=payload,
            invited_by=by,
        )
        send_invitations([invitation], by=by)
    return invitation


def role_of(invitation: Invitation) -> InvitationRole:
    return next(r for r in INVITATION_ROLES.values() if r.purpose == invitation.purpose)


def check_new_password(password: str, *, email: str, full_name: str = "", field: str = "password") -> None:
    """Django's password validators (settings.AUTH_PASSWORD_VALIDATORS), as a field error."""
    try:
        password_validation.validate_password(password, User(email=email, full_name=full_name))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def accept_invitation_by_token(
    token: str, *, password: str = "", full_name: str = "", user: User | None = None, language: str = ""
) -> tuple[User, Invitation]:
    """Accept an invitation with its link's token: as `user` when logged in with the invited
    address; else as the invited address's account, with its password; else a new account with
    this password (the link proved the address is theirs). One transaction: a refusal creates
    nothing. LinkGone when it expired or was used."""
    invitation = Invitation.objects.filter(token=token).first() if token else None
    if invitation is None:
        raise ValidationError(
            {"token": _("This invitation link is not valid. Copy the whole link from the e-mail.")}
        )
    if not invitation.is_usable:
        raise LinkGone(_("This invitation has expired or was already used. Ask for a new one."))
    with transaction.atomic():
        if user is not None and user.is_authenticated:
            if user.email.lower() != invitation.email.lower():
                raise ValidationError(_("This invitation was sent to another e-mail address."))
        else:
            user = User.objects.filter(email__iexact=invitation.email).first()
            if user is not None:
                if not password or not user.check_password(password):
                    raise ValidationError(
                        {
                            "password": _(
                                "An account with %(email)s exists: enter its password (or reset it first)."
                            )
                            % {"email": invitation.email}
                        }
                    )
                if not user.is_active:
                    raise ValidationError(_("This account is deactivated. Ask the staff to activate it."))
            else:
                full_name = (full_name or invitation.full_name).strip()
                if not full_name:
                    raise ValidationError({"full_name": _("Enter your full name.")})
                if not password:
                    raise ValidationError({"password": _("Choose a password for your new account.")})
                check_new_password(password, email=invitation.email, full_name=full_name)
                user = User.objects.create_user(
                    email=invitation.email,
                    full_name=full_name,
                    password=password,
                    language=language or settings.LANGUAGE_CODE,
                    email_confirmed_at=clock.now(),
                )
        accept_invitation(invitation, user=user)
    invitation.refresh_from_db()
    return user, invitation


@on_accepting(Invitation.Purpose.ORGANISER)
def _make_organiser(invitation: Invitation, user: User) -> None:
    add_organiser(user, by=invitation.invited_by)


# --- sign-up with e-mail confirmation (the API's) ------------------------------------------------

CONFIRMATION_SALT = "accounts.email-confirmation"


def confirmation_days() -> int:
    return getattr(settings, "EMAIL_CONFIRMATION_DAYS", 3)


def confirmation_token(user: User) -> str:
    return signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRMATION_SALT, compress=True)


def confirmation_link(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:confirm_email", args=[token])


def _pending(user: User) -> bool:
    """Signed up and never confirmed nor used (an account a staff member deactivated is not)."""
    return not user.is_active and user.email_confirmed_at is None and user.last_login is None


def sign_up_to_confirm(
    *, email: str, full_name: str, password: str, language: str = "", next_url: str = ""
) -> str:
    """An inactive account, active once its owner follows the link e-mailed to the address (and
    `next_url`, a path of this site, after it). An unconfirmed one whose link expired gives way to
    a new sign-up with the same address. The caller's answer must not tell whether the address has
    an account: for one that has, its owner gets an e-mail instead (a new confirmation link while
    it waits for one; else "someone tried to sign up with your address"). Returns the address."""
    email = (email or "").strip().lower()
    full_name = (full_name or "").strip()
    check_new_password(password, email=email, full_name=full_name)
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None:
            stale = existing.date_joined < clock.now() - timedelta(days=confirmation_days())
            if _pending(existing) and stale and not existing.memberships.exists():
                existing.delete()
            else:
                _tell_owner_of(existing, next_url=next_url)
                return email
        user = User.objects.create_user(
            email=email,
            full_name=full_name,
            password=password,
            language=language or settings.LANGUAGE_CODE,
            is_active=False,
        )
        _send_confirmation(user, next_url=next_url, dedupe_key=f"confirm:{user.pk}")
    return email


def _send_confirmation(user: User, *, next_url: str, dedupe_key: str) -> None:
    link = confirmation_link(confirmation_token(user))
    if next_url:
        link += "?" + urlencode({"next": next_url})
    context = {"name": user.display_name, "link": link, "days": confirmation_days()}
    notify(EMAIL_CONFIRMATION.key, [user], context, dedupe_key=dedupe_key)


def _tell_owner_of(user: User, *, next_url: str) -> None:
    """A sign-up with an address that has an account: a new link while it waits for its
    confirmation, else a word to its owner (who may have forgotten they have an account)."""
    moment = clock.now().isoformat()
    if _pending(user):
        _send_confirmation(user, next_url=next_url, dedupe_key=f"confirm:{user.pk}:{moment}")
        return
    notify(
        SIGN_UP_ATTEMPT.key,
        [user],
        {
            "name": user.display_name,
            "login_link": settings.SITE_URL + reverse("accounts:login"),
            "reset_link": settings.SITE_URL + reverse("accounts:password_reset"),
        },
        dedupe_key=f"sign-up-attempt:{user.pk}:{moment}",
    )


def confirm_email(token: str) -> User:
    """Activate the account of a confirmation link. ValidationError for a link that is not one;
    LinkGone (410) for one that expired or was used."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=timedelta(days=confirmation_days()))
    except signing.SignatureExpired:
        raise LinkGone(
            _("This confirmation link has expired. Sign up again with the same address.")
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            {"token": _("This confirmation link is not valid. Copy the whole link from the e-mail.")}
        ) from None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=data.get("user"), email=data.get("email")).first()
        if user is None:
            raise ValidationError(
                {"token": _("This confirmation link is not valid. Copy the whole link from the e-mail.")}
            )
        if not _pending(user):
            raise LinkGone(_("This address is already confirmed. Log in."))
        user.is_active = True
        user.email_confirmed_at = clock.now()
        user.save(update_fields=["is_active", "email_confirmed_at"])
    return user


def awaits_confirmation(email: str, password: str) -> bool:
    """True for the right password of an account signed up and not yet confirmed (logging in
    then says what to do rather than "wrong password")."""
    user = User.objects.filter(email__iexact=(email or "").strip()).first()
    return user is not None and _pending(user) and user.check_password(password)


def choose_language(user: User, code: str) -> None:
    """The interface language a logged-in person chose: their profile keeps it (logging in
    applies it again, on any device)."""
    if user.language != code:
        user.language = code
        user.save(update_fields=["language"])
