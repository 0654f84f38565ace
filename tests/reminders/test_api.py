"""The reminder API as the patient app uses it: VAPID key, subscribe, unsubscribe, snooze, skip."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from midback.reminders.models import PushSubscription, Reminder, VapidKey
from midback.reminders.vapid import new_key_pair
from tests.reminders.conftest import Person
from tests.reminders.loopback import PushService

SUBS = "/api/v1/me/push/subscriptions"


def subscribe(person: Person, push_service: PushService, name: str = "phone") -> dict:
    body = push_service.device(name).subscription_json()
    response = person.post(SUBS, body)
    assert response.status_code == 201, response.content
    return body


def test_the_vapid_key_is_made_once_and_kept(mia: Person) -> None:
    first = mia.client.get("/api/v1/me/push/key").json()["public_key"]
    second = mia.client.get("/api/v1/me/push/key").json()["public_key"]
    assert first == second and len(first) == 87
    assert VapidKey.objects.count() == 1


def test_a_vapid_key_from_the_environment_wins(
    mia: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys = new_key_pair()
    monkeypatch.setenv("VAPID_PRIVATE_KEY", keys.private_key)
    assert mia.client.get("/api/v1/me/push/key").json()["public_key"] == keys.public_key
    assert VapidKey.objects.count() == 0


def test_it_needs_a_signed_in_device(client: Client, db: None) -> None:
    response = client.get("/api/v1/me/push/key")
    assert response.status_code == 401
    assert response.json() == {"error": "Sign in first", "field": None, "code": "unauthorized"}


def test_subscribing_stores_the_browser_once(mia: Person, push_service: PushService) -> None:
    body = subscribe(mia, push_service)
    assert mia.post(SUBS, body).status_code == 201  # the browser re-sends it: still one row
    stored = PushSubscription.objects.get()
    assert (stored.patient, stored.endpoint, stored.p256dh) == (
        mia.patient,
        body["endpoint"],
        body["keys"]["p256dh"],
    )


def test_subscribing_schedules_pushes_for_the_program(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    assert not Reminder.objects.filter(channel="push").exists()
    subscribe(mia, push_service)
    assert Reminder.objects.filter(patient=mia.patient, channel="push").count() > 0


def test_it_rejects_a_key_that_is_not_a_p256_point(mia: Person, push_service: PushService) -> None:
    body = push_service.device("phone").subscription_json()
    body["keys"]["p256dh"] = "AAAA"
    response = mia.post(SUBS, body)
    assert response.status_code == 422
    assert response.json()["field"] == "keys.p256dh"


def test_it_rejects_a_plain_http_endpoint_unless_allowed(
    mia: Person, push_service: PushService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "0")
    response = mia.post(SUBS, push_service.device("phone").subscription_json())
    assert response.status_code == 422
    assert response.json()["field"] == "endpoint"


def test_it_refuses_json_that_a_cross_site_form_could_send(
    mia: Person, push_service: PushService
) -> None:
    # A form can post text/plain without a CORS preflight; only real JSON requests count.
    body = json.dumps(push_service.device("phone").subscription_json())
    response = mia.client.post(SUBS, body, content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not PushSubscription.objects.exists()


def test_unsubscribing_forgets_the_browser_and_its_pushes(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    body = subscribe(mia, push_service)
    response = mia.post(SUBS, {"endpoint": body["endpoint"]}, method="delete")
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()
    assert not Reminder.objects.filter(channel="push", status="pending").exists()
    assert mia.post(SUBS, {"endpoint": body["endpoint"]}, method="delete").status_code == 404


def test_it_hides_another_patients_subscription(
    mia: Person, noah: Person, push_service: PushService
) -> None:
    body = subscribe(noah, push_service)
    response = mia.post(SUBS, {"endpoint": body["endpoint"]}, method="delete")
    assert response.status_code == 404
    assert PushSubscription.objects.get().patient == noah.patient


def _first_push(person: Person) -> Reminder:
    return Reminder.objects.filter(patient=person.patient, channel="push").order_by("due_at")[0]


def test_snooze_reminds_again_in_fifteen_or_thirty_minutes(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    subscribe(mia, push_service)
    reminder = _first_push(mia)
    Reminder.objects.filter(pk=reminder.pk).update(status="sent", sent_at=timezone.now())
    before = timezone.now()
    response = mia.post(f"/api/v1/me/reminders/{reminder.block_id}/snooze", {"minutes": 30})
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.status == "pending" and reminder.snoozed
    assert timedelta(minutes=29) < reminder.not_before - before <= timedelta(minutes=30, seconds=5)
    assert reminder.due_at == reminder.not_before


def test_snooze_accepts_only_fifteen_or_thirty(mia: Person, push_service: PushService) -> None:
    mia.save_program()
    subscribe(mia, push_service)
    reminder = _first_push(mia)
    response = mia.post(f"/api/v1/me/reminders/{reminder.block_id}/snooze", {"minutes": 20})
    assert response.status_code == 422
    assert response.json()["field"] == "minutes"


def test_it_hides_another_patients_reminder(
    mia: Person, noah: Person, push_service: PushService
) -> None:
    noah.save_program()
    subscribe(noah, push_service)
    reminder = _first_push(noah)
    for action, body in (("snooze", {"minutes": 15}), ("skip-today", {})):
        response = mia.post(f"/api/v1/me/reminders/{reminder.block_id}/{action}", body)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    reminder.refresh_from_db()
    assert reminder.status == "pending" and not reminder.snoozed


def test_skip_today_silences_the_rest_of_that_day_only(
    mia: Person, push_service: PushService
) -> None:
    mia.save_program()
    subscribe(mia, push_service)
    reminder = _first_push(mia)
    response = mia.post(f"/api/v1/me/reminders/{reminder.block_id}/skip-today", {})
    assert response.status_code == 200
    same_day = Reminder.objects.filter(patient=mia.patient, local_date=reminder.local_date)
    assert response.json()["skipped"] == same_day.count() >= 1
    assert set(same_day.values_list("status", flat=True)) == {"skipped"}
    other_days = Reminder.objects.filter(patient=mia.patient).exclude(
        local_date=reminder.local_date
    )
    assert set(other_days.values_list("status", flat=True)) == {"pending"}
