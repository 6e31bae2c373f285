"""The signature a receiver checks: `Konkurs-Signature: t=<unix time>,v1=<hex HMAC-SHA256>` of
`f"{t}.{body}"` under the endpoint's secret. The time inside the signed text lets a receiver
refuse a replayed request (README: "Verify a webhook signature")."""

import hashlib
import hmac
import secrets

SIGNATURE_HEADER = "Konkurs-Signature"
EVENT_HEADER = "Konkurs-Event"
DELIVERY_HEADER = "Konkurs-Delivery"


def new_secret() -> str:
    return "whsec_" + secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, *, now: int, tolerance: int = 300) -> bool:
    """The receiver's check (used by the tests as a receiver would)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), parts.get("v1", ""))
