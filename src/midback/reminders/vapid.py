"""The site's VAPID key pair (RFC 8292): from the environment, or made once and stored."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import IntegrityError, transaction

from midback.reminders.conf import conf
from midback.reminders.models import VapidKey


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class VapidKeys:
    private_key: str  # raw 32-byte scalar, base64url: the form py_vapid's from_string accepts
    public_key: str  # uncompressed point, base64url: the browser's applicationServerKey


def new_key_pair() -> VapidKeys:
    key = ec.generate_private_key(ec.SECP256R1())
    return VapidKeys(
        private_key=b64url(key.private_numbers().private_value.to_bytes(32, "big")),
        public_key=public_key_of(key),
    )


def public_key_of(key: ec.EllipticCurvePrivateKey) -> str:
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def vapid_keys() -> VapidKeys:
    """The key pair to sign with: `VAPID_PRIVATE_KEY` if set, else the stored one (made now if none).

    Two processes racing on first use both try to insert row 1; the loser reads the winner's.
    """
    settings = conf()
    if settings.vapid_private_key:
        private = settings.vapid_private_key.strip()
        key = ec.derive_private_key(int.from_bytes(b64url_decode(private), "big"), ec.SECP256R1())
        return VapidKeys(private_key=private, public_key=public_key_of(key))
    row = VapidKey.objects.filter(pk=1).first()
    if row is None:
        fresh = new_key_pair()
        try:
            with transaction.atomic():
                row = VapidKey.objects.create(
                    pk=1, private_key=fresh.private_key, public_key=fresh.public_key
                )
        except IntegrityError:
            row = VapidKey.objects.get(pk=1)
    return VapidKeys(private_key=row.private_key, public_key=row.public_key)
