"""The grants' audit log: append-only, each entry carrying the SHA-256 of the one before it.

Writers are serialised (an advisory lock on PostgreSQL; SQLite has one writer at a time) so each
entry extends the chain from the latest one; `prev_hash` is unique besides, so two entries can
never share a predecessor even if a writer skipped the lock.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from core import clock
from core.money import quantize
from grants.models import AuditEntry, Grant

# Any constant: the key of the one advisory lock all audit writers queue on.
AUDIT_LOCK_KEY = 7_202_406


def entry_hash(entry: AuditEntry) -> str:
    """The hash an entry must carry: of its predecessor's hash and its own content."""
    content = {
        "grant": entry.grant_id,
        "actor": entry.actor_id,
        "at": entry.at.astimezone(UTC).isoformat(),
        "action": entry.action,
        "amount": None if entry.amount is None else str(quantize(entry.amount)),
        "currency": entry.currency,
        "payload": entry.payload,
    }
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{entry.prev_hash}:{body}".encode()).hexdigest()


def record(
    grant: Grant, action: str, *, actor: Any = None, amount: Decimal | None = None, **payload: Any
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the change it records."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
        last = AuditEntry.objects.order_by("-pk").values_list("hash", flat=True).first()
        entry = AuditEntry(
            grant=grant,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            # Whole microseconds in UTC: what both databases give back, so the hash re-computes.
            at=clock.now().astimezone(UTC),
            action=action,
            amount=None if amount is None else quantize(amount),
            currency=grant.currency if amount is not None else "",
            # Stored as JSON, hashed as what comes back from JSON.
            payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
            prev_hash=last or AuditEntry.GENESIS,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainCheck:
    checked: int
    broken: AuditEntry | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain() -> ChainCheck:
    """Walk the log in order; the first entry whose link or content does not match breaks it."""
    expected_prev = AuditEntry.GENESIS
    checked = 0
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        if entry.prev_hash != expected_prev:
            return ChainCheck(checked, entry, "its link to the previous entry does not match")
        if entry_hash(entry) != entry.hash:
            return ChainCheck(checked, entry, "its content does not match its hash")
        expected_prev = entry.hash
        checked += 1
    return ChainCheck(checked)
