"""Reminder endpoints under /api/v1/me/: the VAPID key, push subscriptions, snooze and skip.

All act for the patient signed in on this device (`care.auth.DeviceCookie`, as every
/api/v1/me/ route). Changes need a JSON body (`Content-Type: application/json`): a cross-site
form cannot send one without a CORS preflight this site never grants, which with the
SameSite=Lax device cookie stops CSRF.
"""

from __future__ import annotations

import binascii
from datetime import datetime
from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict, Field, field_validator

from midback.care import outbound
from midback.care.api_errors import ErrorOut, error_response
from midback.care.auth import DeviceCookie, patient_of
from midback.reminders import actions
from midback.reminders.conf import conf
from midback.reminders.vapid import b64url_decode, vapid_keys

router = Router(tags=["reminders"], auth=DeviceCookie())


def _json_only(request: HttpRequest) -> HttpResponse | None:
    if request.content_type != "application/json":
        return error_response(
            request, 415, "Send JSON (Content-Type: application/json)", "unsupported_media_type"
        )
    return None


class _In(Schema):
    # One rule across the API: a field it does not know is refused, not silently dropped.
    model_config = ConfigDict(extra="forbid")


class VapidKeyOut(Schema):
    public_key: str = Field(description="the applicationServerKey for PushManager.subscribe")


@router.get("/push/key", response={200: VapidKeyOut, 401: ErrorOut})
def push_key(request: HttpRequest) -> object:
    """The site's VAPID public key (base64url), for `pushManager.subscribe`."""
    return {"public_key": vapid_keys().public_key}


def _b64(value: str, size: int, what: str) -> str:
    try:
        raw = b64url_decode(value)
    except (binascii.Error, ValueError):
        raise ValueError(f"{what} must be base64url") from None
    if len(raw) != size or (size == 65 and raw[0] != 4):
        raise ValueError(f"{what} must be {size} bytes")
    return value.rstrip("=")


class KeysIn(_In):
    p256dh: str = Field(max_length=100, json_schema_extra={"pattern": "^[A-Za-z0-9_-]+=*$"})
    auth: str = Field(max_length=40, json_schema_extra={"pattern": "^[A-Za-z0-9_-]+=*$"})

    @field_validator("p256dh")
    @classmethod
    def _p256dh(cls, value: str) -> str:
        return _b64(value, 65, "an uncompressed P-256 public key")

    @field_validator("auth")
    @classmethod
    def _auth(cls, value: str) -> str:
        return _b64(value, 16, "the auth secret")


class SubscriptionIn(_In):
    endpoint: str = Field(
        max_length=1000,
        description="the push service URL: https:// to a public host",
        json_schema_extra={"pattern": "^https://", "format": "uri"},
    )
    keys: KeysIn
    expirationTime: float | None = None  # named as PushSubscription.toJSON() names it

    @field_validator("endpoint")
    @classmethod
    def _endpoint(cls, value: str) -> str:
        # The worker must not be made to post inside the network: public https hosts only
        # (loopback only when REMINDER_PUSH_ALLOW_HTTP allows it, for tests and benchmarks).
        try:
            return outbound.check_url(value, allow_loopback=conf().allow_http_push)
        except outbound.OutboundRefused as exc:
            raise ValueError(f"must be an https:// push service URL: {exc}") from None


class SubscriptionOut(Schema):
    id: int
    endpoint: str


class EndpointIn(_In):
    endpoint: str = Field(max_length=1000, json_schema_extra={"format": "uri"})


@router.post(
    "/push/subscriptions",
    response={
        201: SubscriptionOut,
        400: ErrorOut,
        401: ErrorOut,
        409: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
)
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> object:
    """Store this browser's push subscription (idempotent per endpoint)."""
    if refused := _json_only(request):
        return refused
    try:
        subscription = actions.do_subscribe(
            request,
            patient_of(request),
            endpoint=payload.endpoint,
            p256dh=payload.keys.p256dh,
            auth=payload.keys.auth,
            label=request.headers.get("user-agent", ""),
        )
    except actions.EndpointTaken:
        return error_response(
            request,
            409,
            "This push subscription is already in use by another account on this browser. "
            "Turn reminders off and on again to get a new one.",
            "endpoint_taken",
            "endpoint",
        )
    return Status(201, {"id": subscription.pk, "endpoint": subscription.endpoint})


@router.delete(
    "/push/subscriptions",
    response={204: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 415: ErrorOut, 422: ErrorOut},
)
def unsubscribe(request: HttpRequest, payload: EndpointIn) -> object:
    """Forget this browser's subscription; 404 if it is not the signed-in patient's."""
    if refused := _json_only(request):
        return refused
    found = patient_of(request)
    actions.do_unsubscribe(request, found, payload.endpoint)
    return Status(204, None)


class SnoozeIn(_In):
    minutes: Literal[15, 30]


class ReminderOut(Schema):
    block_id: str
    status: str
    due_at: datetime


@router.post(
    "/reminders/{block_id}/snooze",
    response={
        200: ReminderOut,
        400: ErrorOut,
        401: ErrorOut,
        404: ErrorOut,
        415: ErrorOut,
        422: ErrorOut,
    },
)
def snooze(request: HttpRequest, block_id: str, payload: SnoozeIn) -> object:
    """Remind again about this block in 15 or 30 minutes."""
    if refused := _json_only(request):
        return refused
    found = patient_of(request)
    row = actions.do_snooze(request, found, block_id[:32], payload.minutes)
    return {"block_id": row.block_id, "status": row.status, "due_at": row.due_at}


class SkipOut(Schema):
    skipped: int


@router.post(
    "/reminders/{block_id}/skip-today",
    response={200: SkipOut, 401: ErrorOut, 404: ErrorOut, 415: ErrorOut},
)
def skip_today(request: HttpRequest, block_id: str) -> object:
    """No more reminders on the local day of this block."""
    if refused := _json_only(request):
        return refused
    found = patient_of(request)
    return {"skipped": actions.do_skip_day(request, found, block_id[:32])}
