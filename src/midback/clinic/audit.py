"""The audit trail: one call per read or change of a patient's data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from midback.clinic.models import AuditEvent, Clinic


def actor_of(request: HttpRequest | None) -> str:
    if request is None:
        return "system"
    patient = getattr(request, "patient", None)
    if patient is not None:
        return f"patient:{patient.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"staff:{user.pk} {user.get_username()}"[:160]
    return "anonymous"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
