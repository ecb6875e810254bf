"""Svix's signature scheme, which Codat's deliveries carry (the Standard Webhooks headers).

The secret is ``whsec_`` and the base64 of the key; the signature is ``v1,`` and the base64 of
HMAC-SHA256(key, ``"{webhook-id}.{webhook-timestamp}.{body}"``). Pure computation: the caller
hands in the timestamp (real Unix seconds, so a receiver's tolerance check passes).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random

from mock_server.core.errors import BadRequest

PREFIX = "whsec_"
#: Key sizes Svix's libraries accept.
MIN_KEY_BYTES, MAX_KEY_BYTES = 24, 64


def new_secret(rng: random.Random) -> str:
    """A fresh endpoint secret drawn from ``rng`` (a tenant's stream: reproducible under --seed)."""
    return PREFIX + base64.b64encode(rng.randbytes(32)).decode("ascii")


def secret_key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret; BadRequest when it is not one."""
    if not isinstance(secret, str) or not secret.startswith(PREFIX):
        raise BadRequest(f"A webhook secret starts with '{PREFIX}' followed by base64, e.g. as POST /_mock/webhooks/endpoints generates.")
    try:
        key = base64.b64decode(secret[len(PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        raise BadRequest(f"The webhook secret after '{PREFIX}' is not valid base64.") from None
    if not MIN_KEY_BYTES <= len(key) <= MAX_KEY_BYTES:
        raise BadRequest(f"A webhook secret's key is {MIN_KEY_BYTES} to {MAX_KEY_BYTES} bytes once decoded; this one is {len(key)}.")
    return key


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one attempt."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header of one attempt, as Codat sends them."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }
