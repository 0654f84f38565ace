"""The audit trail: one call per read or change of a patient's data."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from midback.care.models import AuditEvent, Clinic


def actor_of(request: HttpRequest | None) -> str:
    if request is None:
        return "system"
    key = getattr(request, "clinic_api_key", None)
    if key is not None:
        return f"apikey:{key.pk} {key.name}"[:160]
    patient = getattr(request, "patient", None)
    if patient is not None:
        return f"patient:{patient.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"staff:{user.pk} {user.get_username()}"[:160]
    return "anonymous"


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for proxy in settings.TRUSTED_PROXIES:
        try:
            if ip in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: the connection's, or, when that is a trusted proxy (setting
    TRUSTED_PROXIES), the nearest untrusted address in X-Forwarded-For. A client cannot choose
    its own address by sending the header, since only trusted proxies' entries are skipped."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or ""
    if address and _trusted(address):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([h.strip() for h in forwarded.split(",") if h.strip()]):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                break
            address = hop
            if not _trusted(hop):
                break
    return address or None


def audit(
    request: HttpRequest | None,
    clinic: Clinic,
    action: str,
    obj: object,
    detail: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that `action` (e.g. 'read', 'create', 'update', 'erase') happened to `obj`."""
    return AuditEvent.objects.create(
        clinic=clinic,
        actor=actor_of(request),
        action=action,
        object_type=type(obj).__name__,
        object_id=str(getattr(obj, "pk", "")),
        ip=client_ip(request),
        detail=detail[:300],
        changes=changes,
    )
