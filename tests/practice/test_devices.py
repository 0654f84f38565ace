"""Invites and device sessions: hashed, single-use, expiring, revocable; the access check."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from midback.care.devices import (
    COOKIE_NAME,
    InviteError,
    digest,
    do_create_invite,
    do_redeem_invite,
    do_revoke_devices,
    get_patient_for_device,
    new_secret,
)
from midback.care.models import AuditEvent, DeviceSession, Invite, Patient
from tests.practice.conftest import sign_in


def test_invite_codes_carry_at_least_128_bits_and_only_their_hash_is_stored(
    priya: Patient,
) -> None:
    invite, code = do_create_invite(None, priya)
    # token_urlsafe(32): 32 random bytes, base64url without padding.
    assert len(code) >= math.ceil(128 / 6)
    assert len(new_secret()) == 43
    assert invite.code_hash == digest(code) != code
    assert not Invite.objects.filter(code_hash=code).exists()
    assert invite.expires_at > timezone.now() + timedelta(days=13)


def test_an_invite_signs_in_once(priya: Patient) -> None:
    _, code = do_create_invite(None, priya)
    request = RequestFactory().post("/join/x")
    device, token = do_redeem_invite(request, code)
    assert device.patient == priya and device.token_hash == digest(token)
    with pytest.raises(InviteError):
        do_redeem_invite(request, code)


def test_an_expired_invite_fails_like_an_unknown_one(priya: Patient) -> None:
    invite, code = do_create_invite(None, priya)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    request = RequestFactory().post("/join/x")
    with pytest.raises(InviteError) as expired:
        do_redeem_invite(request, code)
    with pytest.raises(InviteError) as unknown:
        do_redeem_invite(request, "no-such-code")
    assert str(expired.value) == str(unknown.value)


def test_an_archived_patients_invite_does_not_work(priya: Patient) -> None:
    _, code = do_create_invite(None, priya)
    Patient.objects.filter(pk=priya.pk).update(archived_at=timezone.now())
    with pytest.raises(InviteError):
        do_redeem_invite(RequestFactory().post("/join/x"), code)


def test_the_device_cookie_names_the_patient(priya: Patient, priya_client: Client) -> None:
    request = RequestFactory().get("/app/")
    request.COOKIES[COOKIE_NAME] = priya_client.cookies[COOKIE_NAME].value
    assert get_patient_for_device(request) == priya
    request = RequestFactory().get("/app/")
    request.COOKIES[COOKIE_NAME] = "x" * 300
    assert get_patient_for_device(request) is None


def test_signing_out_other_devices_keeps_this_one(priya: Patient) -> None:
    phone, laptop = sign_in(priya), sign_in(priya)
    response = phone.post("/app/devices/", {"action": "others"})
    assert response.status_code == 302
    assert phone.get("/app/").status_code == 200
    assert laptop.get("/app/").status_code == 302  # back to the welcome page
    assert AuditEvent.objects.filter(action="revoke", detail="signed out 1 other devices").exists()


def test_signing_out_this_device_forgets_its_cookie(priya: Patient) -> None:
    phone = sign_in(priya)
    response = phone.post("/app/devices/", {"action": "this"})
    assert response.status_code == 302 and response["Location"] == "/welcome/"
    assert DeviceSession.objects.get(patient=priya).revoked_at is not None
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert response.cookies["midback_device"]["max-age"] == 0


def test_the_devices_page_lists_devices_and_marks_this_one(priya: Patient) -> None:
    phone = sign_in(priya)
    sign_in(priya)
    page = phone.get("/app/devices/").content.decode()
    assert page.count('class="card"') == 2 and "This device" in page


def test_revoking_writes_an_audit_row(priya: Patient) -> None:
    sign_in(priya)
    count = do_revoke_devices(RequestFactory().post("/"), priya, keep=None)
    assert count == 1
    assert AuditEvent.objects.filter(action="revoke", object_id=str(priya.pk)).exists()


def test_last_seen_is_refreshed_at_most_every_ten_minutes(
    priya: Patient, priya_client: Client
) -> None:
    device = DeviceSession.objects.get(patient=priya)
    old = timezone.now() - timedelta(hours=1)
    DeviceSession.objects.filter(pk=device.pk).update(last_seen_at=old)
    priya_client.get("/app/")
    device.refresh_from_db()
    assert device.last_seen_at > old + timedelta(minutes=50)


def test_pages_send_strangers_to_welcome_and_the_api_answers_401(db: None) -> None:
    client = Client()
    for url in [
        "/app/",
        "/app/progress/",
        "/app/check-in/",
        "/app/devices/",
        "/app/play/2026-01-01/full/",
    ]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/welcome/", url
    response = client.get("/api/v1/me/today")
    assert response.status_code == 401
    assert response.json() == {"error": "Sign in first", "field": None, "code": "unauthorized"}
