"""Events for the clinic's webhooks, written as outbox rows in the transaction of the action that
made them: the event exists exactly when the change does (both commit or neither), and the
reminders worker delivers the rows later (`midback.reminders.webhooks`).

Event types: `stop.flagged` (an exercise stopped, with its reason), `red_flag.raised` (a
seek-care stop, or red flags answered yes at an intake), `checkin.recorded`, `visit.missed`,
`program.changed`. Each event has one id, the same for every endpoint and every attempt.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from midback.care.models import WebhookDelivery, WebhookEndpoint
from midback.plans.stop_reasons import BY_CODE as STOP_REASONS
from midback.plans.vocabulary import RED_FLAGS, words

EVENT_TYPES = (
    "stop.flagged",
    "red_flag.raised",
    "checkin.recorded",
    "visit.missed",
    "program.changed",
)


def emit(clinic_id: int, event_type: str, data: dict[str, Any]) -> uuid.UUID | None:
    """Write one event for every live endpoint of the clinic; its id, or None with no endpoint.

    Call it inside the action's transaction (it refuses to run outside one)."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("emit() belongs inside the action's transaction")
    endpoints = list(
        WebhookEndpoint.objects.filter(clinic_id=clinic_id, removed_at=None).values_list(
            "pk", flat=True
        )
    )
    if not endpoints:
        return None
    event_id = uuid.uuid4()
    now = timezone.now()
    body = json.dumps(
        {
            "id": str(event_id),
            "type": event_type,
            "created_at": now.isoformat().replace("+00:00", "Z"),
            "clinic_id": clinic_id,
            "data": data,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            clinic_id=clinic_id,
            endpoint_id=pk,
            patient_id=data.get("patient_id"),
            event_id=event_id,
            event_type=event_type,
            body=body,
            created_at=now,
            not_before=now,
        )
        for pk in endpoints
    )
    return event_id


def emit_stops(
    clinic_id: int, patient_id: int, session_id: Any, day: Any, stops: list[tuple[str, str, str]]
) -> None:
    """Each stopped exercise of a session log, as (exercise, reason code, the patient's note):
    a seek-care sign is a red flag, any other stop a flagged stop."""
    for exercise, code, note in stops:
        reason = STOP_REASONS.get(code)
        data = {
            "patient_id": patient_id,
            "session_log_id": str(session_id),
            "day": str(day),
            "exercise": exercise,
            "reason": code or None,
            "reason_words": reason.clinician if reason else None,
            "note": note,
        }
        if reason is not None and reason.seek_care:
            emit(clinic_id, "red_flag.raised", {"source": "stop", **data})
        else:
            emit(clinic_id, "stop.flagged", data)


def emit_red_flags(clinic_id: int, patient_id: int, flags: list[str]) -> None:
    """Red flags answered yes at an intake."""
    if flags:
        emit(
            clinic_id,
            "red_flag.raised",
            {
                "source": "intake",
                "patient_id": patient_id,
                "flags": list(flags),
                "flag_words": [words(RED_FLAGS, f, "clinician") for f in flags],
            },
        )
