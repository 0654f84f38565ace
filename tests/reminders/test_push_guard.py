"""Push endpoints under attack: another patient's endpoint is never taken over, and the worker
never posts inside the network (checked when subscribing and again when connecting)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from midback.reminders.models import PushSubscription
from midback.reminders.worker import Worker
from tests.reminders.conftest import Person
from tests.reminders.helpers import due_blocks, subscribe
from tests.reminders.loopback import PushService

SUBS = "/api/v1/me/push/subscriptions"


def test_another_patients_endpoint_is_never_taken_over(
    mia: Person, noah: Person, push_service: PushService
) -> None:
    body = push_service.device("phone").subscription_json()
    assert noah.post(SUBS, body).status_code == 201
    stolen = push_service.device("attacker").subscription_json()
    stolen["endpoint"] = body["endpoint"]
    response = mia.post(SUBS, stolen)
    assert response.status_code == 409
    assert response.json()["code"] == "endpoint_taken"
    stored = PushSubscription.objects.get()
    assert (stored.patient, stored.p256dh) == (noah.patient, body["keys"]["p256dh"])


def test_the_owner_may_refresh_the_keys_of_their_own_endpoint(
    mia: Person, push_service: PushService
) -> None:
    body = push_service.device("phone").subscription_json()
    assert mia.post(SUBS, body).status_code == 201
    fresh = push_service.device("phone-again").subscription_json()
    fresh["endpoint"] = body["endpoint"]
    assert mia.post(SUBS, fresh).status_code == 201
    assert PushSubscription.objects.get().p256dh == fresh["keys"]["p256dh"]


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.1/push/x",
        "https://2130706433/push/x",
        "https://0x7f000001/push/x",
        "https://0.0.0.0/push/x",
        "https://localhost./push/x",
        "https://[::ffff:127.0.0.1]/push/x",
        "https://[::1]/push/x",
        "https://169.254.169.254/latest/meta-data",
        "https://10.0.0.1/push/x",
        "https://192.168.1.1/push/x",
        "https://172.16.0.1/push/x",
        "https://[fd00::1]/push/x",
        "https://100.64.0.1/push/x",
        "https://user:pw@93.184.216.34/push/x",
        "http://93.184.216.34/push/x",
        "ftp://93.184.216.34/push/x",
        "https://no-such-host.invalid/push/x",
        "https://[::1/push",
    ],
)
def test_endpoints_inside_the_network_are_refused(
    mia: Person, push_service: PushService, monkeypatch: pytest.MonkeyPatch, endpoint: str
) -> None:
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "0")
    body = push_service.device("phone").subscription_json()
    body["endpoint"] = endpoint
    response = mia.post(SUBS, body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == "endpoint"
    assert "https://" in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_public_https_endpoint_is_accepted(
    mia: Person, push_service: PushService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "0")
    body = push_service.device("phone").subscription_json()
    body["endpoint"] = "https://93.184.216.34/push/abc"  # an address literal: no DNS needed
    assert mia.post(SUBS, body).status_code == 201


def test_loopback_stays_refused_at_send_time_once_not_allowed(
    mia: Person, push_service: PushService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Accepted while loopback was allowed (as a name whose address later turns inside would
    # be); the worker checks the address again as it connects, sends nothing, drops the row.
    subscribe(mia, push_service, "phone")
    now = timezone.now().replace(microsecond=0)
    (reminder,) = due_blocks(mia, 1, now)
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "0")
    worker = Worker("test", batch=10, concurrency=1, now=lambda: now)
    worker.run_once()
    worker.close()
    assert push_service.received == []
    assert not PushSubscription.objects.exists()
    reminder.refresh_from_db()
    assert reminder.status == "failed"


@pytest.mark.parametrize(
    ("path", "extra"),
    [
        (SUBS, {"owner": "someone-else"}),
        ("/api/v1/me/reminders/x/snooze", {"minutes": 15, "until": "forever"}),
    ],
)
def test_unknown_fields_are_refused(
    mia: Person, push_service: PushService, path: str, extra: dict[str, object]
) -> None:
    body = push_service.device("phone").subscription_json() if path == SUBS else {}
    response = mia.post(path, {**body, **extra})
    assert response.status_code == 422
    assert response.json()["code"] == "extra_forbidden"
    assert not PushSubscription.objects.exists()


def test_the_schema_states_the_real_constraints(db: None) -> None:
    from django.test import Client

    schema = Client().get("/api/openapi.json").json()
    parts = schema["components"]["schemas"]
    assert parts["SubscriptionIn"]["additionalProperties"] is False
    assert parts["SnoozeIn"]["additionalProperties"] is False
    assert parts["SubscriptionIn"]["properties"]["endpoint"]["pattern"] == "^https://"
    block_time = parts["SessionLogIn"]["properties"]["block_time"]["anyOf"][0]
    assert block_time["pattern"].startswith("^([01]")
    preview = schema["paths"]["/api/v1/plans/preview"]["post"]["requestBody"]["content"]
    work = preview["application/json"]["schema"]["properties"]["work"]["properties"]
    assert work["start"]["pattern"] and work["timezone"]["maxLength"] == 64
