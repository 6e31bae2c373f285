"""Personal data (issue 16, point 8): a person downloads what Konkurs holds about them, and asks
for its erasure; staff carry the erasure out (or refuse it with a reason).

Ukraine's law "On personal data protection" (art. 8, 15) gives the person the right to know and
to have their data erased once it is no longer needed, except where a law requires keeping it;
the GDPR (art. 15, 17(3)(b, e)) is the model. What must be kept stays, tied to the same user row
made anonymous: the contest's record (applications, their revisions, reviews and scores, the
decisions and published results: the Law "On access to public information" and the grant
rules require a checkable record of who was funded and why), the grants' audit (agreements,
tranches, payments, reports: budget accounting law), the state and file-download logs, and the
security log (append-only by design). Rows point at the person by id; after erasure the id
names "Erased person #<id>" and nothing else.

Apps above accounts add their own parts of the export with `personal_data(name)` (applications,
review), so accounts never imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import security_log
from accounts.events import ERASURE_REQUESTED
from accounts.models import ApiToken, ErasureRequest, User
from accounts.services import is_organiser, remove_organiser
from core import clock
from notifications.models import Message
from notifications.rendering import render_inbox
from notifications.services import notify

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: no mail is ever delivered to .invalid

# name -> function(user) giving that part of the person's data (lists of plain dicts).
SECTIONS: dict[str, Callable[[User], Any]] = {}


def personal_data(name: str) -> Callable:
    """Register a part of the download "my data" (the apps above accounts add theirs)."""

    def register(section: Callable[[User], Any]) -> Callable[[User], Any]:
        SECTIONS[name] = section
        return section

    return register


def profile_of(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "email": user.email,
        "full_name": user.full_name,
        "phone": user.phone,
        "language": user.language,
        "date_joined": user.date_joined,
        "email_confirmed_at": user.email_confirmed_at,
        "last_login": user.last_login,
        "is_staff": user.is_staff,
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def export_personal_data(user: User, *, request: HttpRequest | None = None) -> dict[str, Any]:
    """Everything Konkurs holds about `user` (never another person's data, never a key), and a
    line in the security log that they downloaded it."""
    data: dict[str, Any] = {"generated_at": clock.now(), "profile": profile_of(user)}
    for name, section in SECTIONS.items():
        data[name] = section(user)
    security_log.record(security_log.Kind.DATA_EXPORTED, request=request, user=user)
    return data


@personal_data("memberships")
def _memberships(user: User) -> list[dict]:
    return [
        {
            "organisation": m.organisation_id,
            "organisation_name": m.organisation.name,
            "is_admin": m.is_admin,
            "since": m.created_at,
        }
        for m in user.memberships.select_related("organisation").order_by("pk")
    ]


@personal_data("contest_roles")
def _contest_roles(user: User) -> list[dict]:
    # The reverse relation by name: accounts imports no contests code.
    rows = user.contest_roles.order_by("pk").values("contest_id", "contest__title", "role", "created_at")
    return [
        {
            "contest": r["contest_id"],
            "contest_title": r["contest__title"],
            "role": r["role"],
            "since": r["created_at"],
        }
        for r in rows
    ]


@personal_data("messages")
def _messages(user: User) -> list[dict]:
    messages = list(Message.objects.filter(user=user).order_by("created_at", "pk"))
    rendered = render_inbox(messages)
    rows = []
    for m in messages:
        text = rendered.get(m.pk)
        rows.append(
            {
                "event": m.event,
                "channel": m.channel,
                "created_at": m.created_at,
                "sent_at": m.sent_at,
                "read_at": m.read_at,
                "subject": text.subject if text else "",
                "text": text.text if text else "",
            }
        )
    return rows


@personal_data("security_events")
def _security_events(user: User) -> list[dict]:
    return [
        {
            "kind": e.kind,
            "at": e.at,
            "ip_address": e.ip_address,
            "browser": e.user_agent,
            "details": e.details,
        }
        for e in user.security_events.order_by("at", "pk")
    ]


@personal_data("api_tokens")
def _api_tokens(user: User) -> list[dict]:
    # Names and dates only: neither the key nor its hash or prefix.
    return [
        {
            "name": t.name,
            "scopes": t.scopes,
            "created_at": t.created_at,
            "expires_at": t.expires_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
        }
        for t in ApiToken.objects.filter(user=user).order_by("created_at", "pk")
    ]


@personal_data("erasure_requests")
def _erasure_requests(user: User) -> list[dict]:
    return [
        {"requested_at": r.requested_at, "state": r.state, "handled_at": r.handled_at, "reason": r.reason}
        for r in user.erasure_requests.order_by("requested_at", "pk")
    ]


# --- erasure --------------------------------------------------------------------------------


def holds_records(user: User) -> bool:
    """Whether the person is part of a record a law makes us keep, so staff must look before
    erasing: a member of an organisation (its applications and grants), or a role in a contest."""
    return user.is_staff or user.memberships.exists() or user.contest_roles.exists()


def request_erasure(user: User, *, password: str, request: HttpRequest | None = None) -> ErasureRequest:
    """The person asks, confirming with their password. Someone holding no records that must be
    kept is erased at once; anyone else waits for staff, who are told by message."""
    if not user.is_authenticated or not user.check_password(password or ""):
        raise ValidationError({"password": _("The password is not right.")})
    if user.erasure_requests.filter(state=ErasureRequest.State.REQUESTED).exists():
        raise ValidationError(_("You already asked; the staff will answer you."))
    with transaction.atomic():
        asked = ErasureRequest.objects.create(user=user)
        security_log.record(security_log.Kind.ERASURE_REQUESTED, request=request, user=user)
        if not holds_records(user):
            erase_person(user, by=user, request=request)
            return asked
        staff = list(User.objects.filter(is_staff=True, is_active=True))
        if staff:
            notify(
                ERASURE_REQUESTED.key,
                staff,
                {
                    "person": f"#{user.pk} {user.display_name}",
                    "link": settings.SITE_URL + reverse("accounts:erasure_requests"),
                },
                dedupe_key=f"erasure:{asked.pk}",
            )
    return asked


def refuse_erasure(asked: ErasureRequest, *, by: User, reason: str) -> ErasureRequest:
    if not by.is_staff:
        raise PermissionDenied(_("Only staff handle erasure requests."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why: the person reads it.")})
    with transaction.atomic():
        asked = ErasureRequest.objects.select_for_update().get(pk=asked.pk)
        if asked.state != ErasureRequest.State.REQUESTED:
            raise ValidationError(_("This request was already handled."))
        asked.state = ErasureRequest.State.REFUSED
        asked.handled_by, asked.handled_at, asked.reason = by, clock.now(), reason.strip()
        asked.save(update_fields=["state", "handled_by", "handled_at", "reason"])
    return asked


def erased_email(user: User) -> str:
    return f"erased-{user.pk}@{ERASED_DOMAIN}"


def erase_person(
    user: User,
    *,
    by: User,
    request: HttpRequest | None = None,
) -> User:
    """Make the person anonymous and unable to log in, keeping the rows the law makes us keep
    (see the module's docstring). Staff erase anyone; a person only themself (no records held)."""
    if not (by.is_staff or (by.pk == user.pk and not holds_records(user))):
        raise PermissionDenied(_("Only staff may erase a person's data."))
    if user.email.endswith("@" + ERASED_DOMAIN):
        raise ValidationError(_("This person's data was already erased."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        with translation.override(settings.LANGUAGE_CODE):  # the site's language, not staff's
            user.full_name = _("Erased person #%(number)s") % {"number": user.pk}
        user.email = erased_email(user)
        user.phone = ""
        user.is_active = False
        user.set_unusable_password()  # a new password hash: every session's hash stops matching
        user.save(update_fields=["full_name", "email", "phone", "is_active", "password"])
        if is_organiser(user):
            remove_organiser(user, by=by)  # logged as a role removed
        user.groups.clear()
        if hasattr(User, "session_epoch"):  # ends sessions in any store (accounts.sessions)
            User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=clock.now(), revoked_by=by
        )
        _delete_second_factor(user)
        # Messages to the person: their wording (names, links) goes; the row stays as the outbox's
        # count. Nothing more is sent to the address.
        Message.objects.filter(user=user).update(context={}, email="")
        Message.objects.filter(user=user, state=Message.State.PENDING).update(
            state=Message.State.FAILED, last_error="erased"
        )
        user.email_opt_outs.all().delete()
        ErasureRequest.objects.filter(user=user, state=ErasureRequest.State.REQUESTED).update(
            state=ErasureRequest.State.DONE, handled_by=by, handled_at=clock.now()
        )
        security_log.record(
            security_log.Kind.PERSON_ERASED,
            request=request,
            user=user,
            actor=by if by.pk != user.pk else None,
        )
    return user


def _delete_second_factor(user: User) -> None:
    from django.apps import apps

    if not apps.is_installed("django_otp"):
        return
    from django_otp import devices_for_user

    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
