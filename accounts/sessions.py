"""Sessions: privileged people time out when idle; changing a password or a second factor ends
the person's other sessions and API tokens.

Ending other sessions raises `User.session_epoch`, which is mixed into the session hash Django
checks on every request (as it does with the password): every session made before no longer
matches and is logged out, whatever the session store, in one UPDATE and without listing
sessions. The session to keep is given the new hash.
"""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, logout, update_session_auth_hash
from django.db import transaction
from django.db.models import F
from django.utils.translation import ngettext

from accounts import otp, security_log, tokens
from accounts.models import ApiToken, User
from core import clock

# The session's last request (a POSIX timestamp), written at most once a minute.
LAST_ACTIVITY = "accounts.last_activity"
WRITE_EVERY_SECONDS = 60


def is_privileged(user: User) -> bool:
    """Staff, organisers (the group, or a contest's organiser) and grant officers: the people
    who must pass a second factor (accounts.otp.must_verify) are the ones who time out."""
    return otp.must_verify(user)


class IdleTimeoutMiddleware:
    """Logs out a privileged person whose session saw no request for PRIVILEGED_IDLE_MINUTES.

    Only a session already stale costs the question "is this person privileged?"; others only
    refresh the timestamp, at most once a minute. The first timestamp is written when the session
    is saved anyway (logging in saves it), so a request costs no extra write for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            self._check(request, session)
        response = self.get_response(request)
        if (
            session is not None
            and session.modified
            and SESSION_KEY in session
            and LAST_ACTIVITY not in session
        ):
            session[LAST_ACTIVITY] = clock.now().timestamp()  # SessionMiddleware saves it after us
        return response

    def _check(self, request, session) -> None:
        now = clock.now().timestamp()
        last = session.get(LAST_ACTIVITY)
        minutes = settings.PRIVILEGED_IDLE_MINUTES
        if last is not None and now - last > minutes * 60 and is_privileged(request.user):
            user = request.user
            logout(request)
            security_log.record(security_log.Kind.LOGGED_OUT, request=request, user=user, reason="idle")
            messages.info(
                request,
                ngettext(
                    "You were logged out after %(minutes)d minute without activity. Please log in again.",
                    "You were logged out after %(minutes)d minutes without activity. Please log in again.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            return
        if last is not None and now - last >= WRITE_EVERY_SECONDS:
            session[LAST_ACTIVITY] = now


def end_other_sessions_and_tokens(
    user: User,
    *,
    keep_session_key: str | None = None,
    keep_token: ApiToken | None = None,
    request=None,
) -> int:
    """End every session of the person but the request's (when it is theirs) or
    `keep_session_key`, and revoke all their API tokens but `keep_token`. Returns how many tokens
    were revoked. Called on a password change or reset and on a second-factor change."""
    actor = getattr(request, "user", None) if request is not None else None
    actor = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        revoked = tokens.revoke_all(user, keep=keep_token, by=actor)
        security_log.record(
            security_log.Kind.SESSIONS_ENDED, request=request, user=user, tokens_revoked=revoked
        )
    session = getattr(request, "session", None) if request is not None else None
    if session is not None and session.get(SESSION_KEY) == str(user.pk):
        if getattr(request, "user", None) is not None and request.user.pk == user.pk:
            request.user.session_epoch = user.session_epoch
        update_session_auth_hash(request, user)
    if keep_session_key and (session is None or keep_session_key != session.session_key):
        _rehash(keep_session_key, user)
    return revoked


def _rehash(session_key: str, user: User) -> None:
    """Give one stored session of the person the new hash, so it stays logged in."""
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)
    if store.get(SESSION_KEY) == str(user.pk):
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
