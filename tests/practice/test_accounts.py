"""An optional email and password for signing in on a second device."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from midback.care.devices import COOKIE_NAME
from midback.care.models import AuditEvent, DeviceSession, Patient

PASSWORD = "a sturdy password 42"


def set_account(client: Client, email: str = "priya@mail.example", password: str = PASSWORD) -> str:
    response = client.post(
        "/app/devices/", {"action": "account", "email": email, "password": password}
    )
    return response.content.decode() if response.status_code == 200 else ""


def test_a_patient_sets_an_email_and_signs_in_on_another_device(
    priya: Patient, priya_client: Client
) -> None:
    assert set_account(priya_client) == ""
    laptop = Client()
    response = laptop.post("/sign-in/", {"email": "Priya@Mail.example", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert COOKIE_NAME in response.cookies
    assert laptop.get("/app/").status_code == 200
    assert DeviceSession.objects.filter(patient=priya, revoked_at=None).count() == 2
    assert AuditEvent.objects.filter(detail="set an email and password for sign-in").exists()


def test_a_wrong_password_is_refused_and_five_lock_the_account(
    priya: Patient, priya_client: Client
) -> None:
    set_account(priya_client)
    laptop = Client()
    for _ in range(5):
        response = laptop.post("/sign-in/", {"email": "priya@mail.example", "password": "nope"})
        assert response.status_code == 401
        assert "don&#x27;t match an account" in response.content.decode()
    locked = laptop.post("/sign-in/", {"email": "priya@mail.example", "password": PASSWORD})
    assert locked.status_code == 401 and "Too many failed attempts" in locked.content.decode()


def test_an_email_already_used_by_another_patient_is_refused(
    priya: Patient, priya_client: Client, omar_client: Client
) -> None:
    set_account(priya_client)
    html = set_account(omar_client)
    assert "already used for another MidBack account" in html


def test_a_short_or_common_password_is_refused(priya_client: Client) -> None:
    assert "at least 10 characters" in set_account(priya_client, password="short")
    assert "too common" in set_account(priya_client, password="password1234")


def test_a_staff_account_with_the_same_email_is_not_a_way_in(priya: Patient) -> None:
    get_user_model().objects.create_user(
        username="priya@mail.example", email="priya@mail.example", password=PASSWORD
    )
    response = Client().post("/sign-in/", {"email": "priya@mail.example", "password": PASSWORD})
    assert response.status_code == 401


def test_an_archived_patient_cannot_sign_in(priya: Patient, priya_client: Client) -> None:
    from django.utils import timezone

    set_account(priya_client)
    Patient.objects.filter(pk=priya.pk).update(archived_at=timezone.now())
    response = Client().post("/sign-in/", {"email": "priya@mail.example", "password": PASSWORD})
    assert response.status_code == 401
