"""The clinic's own systems: API keys for the clinic API and webhook endpoints for its events.

Keys carry 256 bits from `secrets` and only their SHA-256 is stored; a webhook secret signs
events, so it is stored as it is. Both are shown to the owner once, when made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from midback.care.audit import audit
from midback.care.models import ClinicApiKey, StaffMember, WebhookEndpoint
from midback.care.outbound import check_url

KEY_PREFIX = "mbk_"
SECRET_PREFIX = "whsec_"
# A key's use is audited once a minute at most (its first request in each minute), and its
# last-used time is kept to the minute: a busy integration must not write a row per request.
USE_RECORDED_EVERY = timedelta(minutes=1)
SIGNATURE_TOLERANCE = 300  # seconds: receivers refuse older timestamps (replays)


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def do_create_api_key(
    request: HttpRequest | None, owner: StaffMember, name: str, scope: str
) -> tuple[ClinicApiKey, str]:
    """A new key for the owner's clinic; returns it with the plain key (shown once)."""
    if scope not in ClinicApiKey.Scope.values:
        raise ValueError(f"scope must be one of {', '.join(ClinicApiKey.Scope.values)}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ClinicApiKey.objects.create(
        clinic=owner.clinic,
        name=name,
        prefix=key[: len(KEY_PREFIX) + 6],
        key_hash=key_digest(key),
        scope=scope,
        created_by=owner,
    )
    audit(
        request,
        owner.clinic,
        "create",
        row,
        f"clinic API key {name!r}",
        changes={"name": [None, name], "scope": [None, scope]},
    )
    return row, key


@transaction.atomic
def do_revoke_api_key(request: HttpRequest | None, key: ClinicApiKey) -> None:
    """The key stops working at once; its row stays, for the audit trail."""
    if key.revoked_at is not None:
        return
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    audit(
        request,
        key.clinic,
        "revoke",
        key,
        f"clinic API key {key.name!r}",
        changes={"revoked_at": [None, key.revoked_at.isoformat()]},
    )


def api_key_for(token: str) -> ClinicApiKey | None:
    """The live key this token is, or None (unknown and revoked alike)."""
    if not token.startswith(KEY_PREFIX) or len(token) > 200:
        return None
    return (
        ClinicApiKey.objects.select_related("clinic")
        .filter(key_hash=key_digest(token), revoked_at=None)
        .first()
    )


@transaction.atomic
def do_note_api_key_use(request: HttpRequest, key: ClinicApiKey) -> bool:
    """Record a use of the key: last-used time and an audit row, at most once a minute per key.
    Returns whether this request was the one recorded."""
    now = timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < USE_RECORDED_EVERY:
        return False
    # Conditional, so two requests at once record one row between them.
    recorded = (
        ClinicApiKey.objects.filter(pk=key.pk)
        .filter(Q(last_used_at=None) | Q(last_used_at__lte=now - USE_RECORDED_EVERY))
        .update(last_used_at=now)
    )
    if recorded:
        key.last_used_at = now
        audit(request, key.clinic, "api_use", key, f"{request.method} {request.path}"[:300])
    return bool(recorded)


def webhook_loopback_allowed() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False))


@transaction.atomic
def do_add_webhook(
    request: HttpRequest | None, owner: StaffMember, url: str
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint (https:// to a public address; loopback only where allowed for
    tests). Raises `OutboundRefused` with the reason. Returns it with its signing secret."""
    check_url(url, allow_loopback=webhook_loopback_allowed())
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint.objects.create(
        clinic=owner.clinic, url=url, secret=secret, created_by=owner
    )
    audit(request, owner.clinic, "create", endpoint, f"webhook {url}"[:300], {"url": [None, url]})
    return endpoint, secret


@transaction.atomic
def do_remove_webhook(request: HttpRequest | None, endpoint: WebhookEndpoint) -> None:
    """No more events go to the endpoint; ones not yet delivered are dropped."""
    if endpoint.removed_at is not None:
        return
    endpoint.removed_at = timezone.now()
    endpoint.save(update_fields=["removed_at"])
    endpoint.deliveries.filter(status__in=["pending", "claimed"]).update(
        status="failed", last_error="endpoint removed"
    )
    audit(request, endpoint.clinic, "delete", endpoint, f"webhook {endpoint.url}"[:300])


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The `MidBack-Signature` value: HMAC-SHA256 over `timestamp.body` with the endpoint's secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()
