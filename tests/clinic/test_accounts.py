"""Staff accounts: change a password, reset a forgotten one by email, and Django's password
validators on every new password ("password123" is refused)."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from midback.care.models import AuditEvent, StaffMember
from tests.clinic.conftest import PASSWORD, Side

NEW = "lantern quietly orbit 7"


def test_a_practitioner_changes_their_password(harbour: Side) -> None:
    response = harbour.client.post(
        "/clinic/account/password/",
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert "Your password is changed." in response.content.decode()
    assert harbour.client.get("/clinic/").status_code == 200  # still signed in here
    assert Client().login(username="priya@harbour.example", password=NEW)
    assert AuditEvent.objects.filter(detail="changed their password").exists()


def test_password123_and_a_wrong_current_password_are_refused(harbour: Side) -> None:
    weak = harbour.client.post(
        "/clinic/account/password/",
        {"old_password": PASSWORD, "new_password1": "password123", "new_password2": "password123"},
    ).content.decode()
    assert "This password is too common." in weak
    wrong = harbour.client.post(
        "/clinic/account/password/",
        {"old_password": "not it at all", "new_password1": NEW, "new_password2": NEW},
    ).content.decode()
    assert "Your old password was entered incorrectly" in wrong
    assert Client().login(username="priya@harbour.example", password=PASSWORD)


def test_a_forgotten_password_is_reset_by_email(harbour: Side) -> None:
    login_page = Client().get("/clinic/login/").content.decode()
    assert "/clinic/password-reset/" in login_page
    stranger = Client()
    response = stranger.post("/clinic/password-reset/", {"email": "priya@harbour.example"})
    assert response.status_code == 302
    stranger.post("/clinic/password-reset/", {"email": "nobody@nowhere.example"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["priya@harbour.example"]
    found = re.search(
        r"http://testserver(/clinic/password-reset/[^/]+/[^/\s]+/)", mail.outbox[0].body
    )
    assert found is not None
    form = stranger.get(found.group(1), follow=True)
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else found.group(1)
    weak = stranger.post(set_url, {"new_password1": "password123", "new_password2": "password123"})
    assert "This password is too common." in weak.content.decode()
    done = stranger.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Your new password is set." in done.content.decode()
    assert Client().login(username="priya@harbour.example", password=NEW)


def test_joining_a_clinic_refuses_password123(harbour: Side) -> None:
    response = harbour.client.post(
        "/clinic/staff/", {"email": "new@harbour.example", "role": "practitioner"}
    )
    link = response.content.decode().split("/clinic/join/")[1].split("/")[0]
    page = Client().post(
        f"/clinic/join/{link}/", {"display_name": "Noah New", "password": "password123"}
    )
    assert "This password is too common." in page.content.decode()
    assert not StaffMember.objects.filter(display_name="Noah New").exists()
