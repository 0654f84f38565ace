"""The reminder settings page and the calendar instructions, through the test client."""

from __future__ import annotations

from datetime import time

from django.test import Client

from midback.reminders.models import Reminder, ReminderSettings
from tests.reminders.conftest import Person

FORM = {
    "push_enabled": "on",
    "email": "daily",
    "email_address": "mia@example.org",
    "digest_time": "07:45",
    "quiet_start": "21:00",
    "quiet_end": "07:00",
    "days_off": ["sat", "sun"],
}


def test_the_page_needs_a_signed_in_device(client: Client, db: None) -> None:
    response = client.get("/app/reminders/")
    assert response.status_code == 302 and response["Location"] == "/welcome/"


def test_the_page_shows_each_choice_with_a_label(mia: Person) -> None:
    html = mia.client.get("/app/reminders/").content.decode()
    for text in (
        "Remind me on each device where notifications are turned on",
        "One summary each morning",
        "Quiet from",
        "No reminders on",
        "Make a calendar link",
        "Download a one-off copy (.ics)",
        "Australia/Melbourne",
    ):
        assert text in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither
    # Times are typed as 24-hour HH:MM, never shown as a 12-hour picker's "09:00 AM".
    assert 'name="quiet_start"' in html and 'type="time"' not in html
    assert 'placeholder="HH:MM"' in html


def test_saving_the_form_keeps_the_choices_and_reschedules(mia: Person) -> None:
    mia.save_program()
    response = mia.client.post("/app/reminders/", FORM)
    assert response.status_code == 302 and response["Location"] == "/app/reminders/?saved=1"
    saved = ReminderSettings.objects.get(patient=mia.patient)
    assert (saved.email, saved.digest_time, saved.quiet_start, saved.quiet_end) == (
        "daily",
        time(7, 45),
        time(21),
        time(7),
    )
    assert saved.days_off == ["sat", "sun"]
    assert set(Reminder.objects.values_list("channel", flat=True)) == {"digest"}
    assert "Saved." in mia.client.get(response["Location"]).content.decode()


def test_half_a_quiet_period_is_refused_next_to_the_field(mia: Person) -> None:
    response = mia.client.post("/app/reminders/", {**FORM, "quiet_end": ""})
    assert response.status_code == 200
    assert "Give both times for quiet hours, or neither." in response.content.decode()
    assert not ReminderSettings.objects.filter(email="daily").exists()


def test_email_needs_an_address(mia: Person) -> None:
    mia.patient.email = ""
    mia.patient.save()
    response = mia.client.post("/app/reminders/", {**FORM, "email_address": ""})
    assert "Give an email address to get reminders by email." in response.content.decode()


def test_the_instructions_cover_google_apple_and_outlook(mia: Person) -> None:
    html = mia.client.get("/app/reminders/calendar/").content.decode()
    for app in ("Google Calendar", "Apple Calendar", "Outlook", "Subscribe from web"):
        assert app in html


def test_a_new_link_comes_with_one_tap_links_for_each_app(mia: Person) -> None:
    mia.client.post("/app/reminders/calendar/new")
    html = mia.client.get("/app/reminders/").content.decode()
    assert "webcal://" in html
    assert "https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F" in html
    assert "https://outlook.live.com/calendar/0/addfromweb?url=http" in html
