"""API tokens: issue, find, touch, revoke, and what a token's scopes let it do.

A key looks like `kk_<prefix>_<secret>`: the 8-character prefix is shown in lists and finds the
row; only the SHA-256 of the whole key is stored, so a copy of the database holds no usable key.

Scopes. Every token reads what its owner may read (the selectors scope every list anyway). A
`read` token changes nothing (403 on POST, PUT, PATCH, DELETE). A role-scoped token changes things
only in the areas of its roles (AREAS below, by the app that serves the endpoint); `full` may do
all its owner may do. Only a session or a `full` token manages tokens and staff-only settings.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts import otp, security_log
from accounts.models import ApiToken, User
from core import clock
from core.compiled import Compiled

Scope = ApiToken.Scope
PREFIX = "kk"
# The last-used time is written at most this often per token, not on every request.
TOUCH_EVERY = timedelta(minutes=1)

# Where each role scope may change things: the app label of the view serving the endpoint.
# Notifications (marking messages read) and the person's own profile belong to every role.
EVERY_ROLE = (Scope.APPLICANT, Scope.JUROR, Scope.ORGANISER, Scope.GRANTS)
AREAS: dict[str, tuple[str, ...]] = {
    "accounts": (Scope.APPLICANT, Scope.ORGANISER),  # organisations, invitations, imports
    "contests": (Scope.ORGANISER,),
    "applications": (Scope.APPLICANT, Scope.ORGANISER),  # applying; screening
    "review": (Scope.JUROR, Scope.ORGANISER),
    "grants": (Scope.GRANTS, Scope.APPLICANT, Scope.ORGANISER),  # payments; grantee reports
    "awards": (Scope.ORGANISER,),
    "depository": (Scope.APPLICANT, Scope.ORGANISER),  # consents; publishing cases
    "reports": (Scope.ORGANISER,),
    "webhooks": (Scope.APPLICANT, Scope.ORGANISER),  # an organisation's or a contest's endpoints
    "notifications": EVERY_ROLE,
}
# Views whose writes differ from their app's: by class name. An empty tuple: `full` only.
VIEW_AREAS: dict[str, tuple[str, ...]] = {
    "MeView": EVERY_ROLE,
    "TokenViewSet": (),  # making or revoking tokens
    "OrganiserViewSet": (),  # staff: who organises
    "SiteSettingsView": (),  # staff: the site's settings
}


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str, str]:
    """A fresh key: (prefix, raw key, its hash)."""
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    return prefix, key, _hash(key)


def issue(
    user: User,
    *,
    name: str = "",
    scopes: list[str] | None = None,
    days: int | None = None,
    verified: bool = False,
    request=None,
) -> tuple[ApiToken, str]:
    """A new token and its raw key (shown once). An expired token of the same name is retired
    (revoked) to free the name; a live one of the same name is the caller's to check first."""
    days = min(days or settings.API_TOKEN_DAYS, settings.API_TOKEN_MAX_DAYS)
    prefix, key, digest = new_key()
    now = clock.now()
    scopes = sorted(set(scopes or [Scope.FULL]))
    name = (name or "").strip() or _("API token %(prefix)s") % {"prefix": prefix}
    with transaction.atomic():
        ApiToken.objects.filter(user=user, name=name, revoked_at__isnull=True, expires_at__lte=now).update(
            revoked_at=now
        )
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_prefix=prefix,
            key_hash=digest,
            scopes=scopes,
            verified=verified,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        security_log.record(
            security_log.Kind.TOKEN_CREATED,
            request=request,
            user=user,
            token=prefix,
            name=name,
            scopes=scopes,
            expires_at=token.expires_at.isoformat(),
        )
    return token, key


def name_in_use(user: User, name: str) -> bool:
    return ApiToken.objects.filter(
        user=user, name=name.strip(), revoked_at__isnull=True, expires_at__gt=clock.now()
    ).exists()


def find(key: str) -> ApiToken | None:
    """The token with this raw key (revoked and expired ones too: the caller says which), or None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 8:
        return None
    digest = _hash(key)
    for token in _WITH_PREFIX.objects({_PREFIX: parts[1]}):
        if hmac.compare_digest(token.key_hash, digest):
            setattr(token.user, otp.PRIVILEGED_ANNOTATION, token.owner_privileged)
            return token
    return None


# Every API request reads its token: the query is compiled once per process (core.compiled).
# Whether the owner must pass the second factor comes in the same query (otp.must_verify reads
# it): a write through the API then costs one query for the credentials, not two.
_PREFIX = "«key prefix»"  # the stand-in: no key's prefix has these characters
_WITH_PREFIX = Compiled(
    lambda: (
        ApiToken.objects.select_related("user")
        .filter(key_prefix=_PREFIX)
        .annotate(owner_privileged=otp.holds_privileged_role(f'"{ApiToken._meta.db_table}"."user_id"'))
    )
)


def touch(token: ApiToken) -> None:
    """Note the use, at most once a minute per token (one UPDATE, no read)."""
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke(token: ApiToken, *, by: User | None = None, request=None) -> bool:
    """Revoke one token; False when it already was."""
    with transaction.atomic():
        done = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=clock.now(), revoked_by=by
        )
        if done:
            token.refresh_from_db(fields=["revoked_at", "revoked_by"])
            security_log.record(
                security_log.Kind.TOKEN_REVOKED,
                request=request,
                user=token.user,
                actor=by if by is not None and by.pk != token.user_id else None,
                token=token.key_prefix,
                name=token.name,
            )
    return bool(done)


def revoke_all(user: User, *, keep: ApiToken | None = None, by: User | None = None) -> int:
    """Revoke every live token of the person but `keep`; how many (one log line for all: the
    caller records why, e.g. SESSIONS_ENDED)."""
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    return tokens.update(revoked_at=clock.now(), revoked_by=by)


def may_write(token: ApiToken, view) -> bool:
    """Whether the token's scopes let it change things through this view (see AREAS)."""
    if Scope.FULL in token.scopes:
        return True
    name = type(view).__name__
    areas = VIEW_AREAS[name] if name in VIEW_AREAS else AREAS.get(type(view).__module__.split(".")[0], ())
    return any(scope in areas for scope in token.scopes)


# --- reading -------------------------------------------------------------------------------------


def tokens_visible_to(user: User):
    """The tokens a person may see and revoke: their own; staff everyone's."""
    if user.is_authenticated and user.has_perm("accounts.revoke_any_token"):
        return ApiToken.objects.select_related("user", "revoked_by")
    return ApiToken.objects.filter(user=user.pk if user.is_authenticated else None).select_related(
        "user", "revoked_by"
    )


def tokens_of(user: User):
    """One person's tokens, live ones first, newest first."""
    return (
        ApiToken.objects.filter(user=user)
        .select_related("revoked_by")
        .order_by(F("revoked_at").desc(nulls_first=True), "-created_at", "-id")
    )
