"""The self-guided intake: safety first, short steps checked by the engine, seek-care on a red
flag, and "Save my plan" making the person, their program and this device's sign-in."""

from __future__ import annotations

from typing import Any

from django.test import Client

from midback.care.clinics import SELF_GUIDED_SLUG
from midback.care.devices import COOKIE_NAME
from midback.care.models import AuditEvent, DeviceSession, Patient, ProgramVersion

PAIN = {"pain_now": "4", "pain_worst_24h": "6", "irritability": "moderate"}
WORK = {
    "type": "desk",
    "days": ["mon", "tue", "wed", "thu", "fri"],
    "start": "09:00",
    "end": "17:30",
    "lunch": "12:30",
    "breaks": "yes",
    "hours_sitting": "7",
    "timezone": "Europe/London",
}
FIT = {"constraints": ["no_floor"], "minutes_per_day": "15", "preference": "auto"}


def answer(client: Client, step: str, data: dict[str, Any]) -> Any:
    url = "/start/" if step == "safety" else f"/start/{step}/"
    return client.post(url, data)


def through_to_plan(client: Client) -> Any:
    assert answer(client, "safety", {})["Location"] == "/start/pain/"
    assert answer(client, "pain", PAIN)["Location"] == "/start/work/"
    assert answer(client, "work", WORK)["Location"] == "/start/fit/"
    assert answer(client, "fit", FIT)["Location"] == "/start/plan/"
    return client.get("/start/plan/")


def test_the_first_step_is_the_safety_check(library: None) -> None:
    page = Client().get("/start/").content.decode()
    assert "First, a safety check" in page and "Step 1 of 5" in page
    assert 'name="red_flags" value="chest_pain"' in page


def test_chest_pain_ends_at_an_emergency_page(library: None) -> None:
    client = Client()
    response = answer(client, "safety", {"red_flags": ["chest_pain"]})
    assert response["Location"] == "/start/seek-care/"
    page = client.get("/start/seek-care/").content.decode()
    assert "Get medical help now" in page and "emergency" in page
    assert client.get("/start/pain/")["Location"] == "/start/seek-care/"
    assert client.get("/start/plan/")["Location"] == "/start/seek-care/"
    assert Patient.objects.count() == 0


def test_a_flag_that_is_not_an_emergency_says_see_a_doctor_soon(library: None) -> None:
    client = Client()
    answer(client, "safety", {"red_flags": ["cancer_history"]})
    page = client.get("/start/seek-care/").content.decode()
    assert "Please see a doctor before starting" in page
    assert "Get medical help now" not in page


def test_an_unknown_red_flag_is_refused(library: None) -> None:
    response = answer(Client(), "safety", {"red_flags": ["tired"]})
    assert response.status_code == 422


def test_steps_cannot_be_skipped(library: None) -> None:
    client = Client()
    assert client.get("/start/work/")["Location"] == "/start/safety/"
    assert client.get("/start/plan/")["Location"] == "/start/"
    assert client.get("/start/nope/").status_code == 404


def test_each_step_names_what_is_wrong(library: None) -> None:
    client = Client()
    answer(client, "safety", {})
    response = answer(client, "pain", {"pain_now": "7", "pain_worst_24h": "x"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Worst pain in the last 24 hours must be a whole number from 0 to 10" in page
    assert "Please answer this: how easily it flares." in page
    response = answer(client, "pain", {**PAIN, "pain_now": "7", "pain_worst_24h": "5"})
    page = response.content.decode()
    assert "The worst pain in the last 24 hours cannot be lower than your pain now." in page
    assert "at least pain_now" not in page
    answer(client, "pain", PAIN)
    response = answer(client, "work", {**WORK, "end": "09:00"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Finish must be a different time from Start" in page
    assert "work.start" not in page
    response = answer(client, "work", {**WORK, "timezone": "Mars/Olympus"})
    assert "Choose your time zone from the list." in response.content.decode()
    response = answer(client, "work", {**WORK, "start": "9am"})
    page = response.content.decode()
    assert "Start: write a time such as 09:00." in page
    assert 'value="9am"' in page  # what the person typed is kept


def test_the_plan_shows_exercises_reasons_and_the_week(library: None) -> None:
    client = Client()
    page = through_to_plan(client).content.decode()
    assert "Your plan" in page and "Step 5 of 5" in page
    assert "Seated Cat-Camel" in page  # no floor: the seated version
    assert "Why this plan" in page and "Times are in Europe/London." in page
    assert "Save my plan" in page


def test_saving_the_plan_creates_the_person_and_signs_this_device_in(library: None) -> None:
    client = Client()
    through_to_plan(client)
    response = client.post("/start/plan/", {"display_name": "Sam"})
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert COOKIE_NAME in response.cookies
    patient = Patient.objects.get()
    assert patient.clinic.slug == SELF_GUIDED_SLUG and patient.display_name == "Sam"
    assert patient.time_zone == "Europe/London"
    version = ProgramVersion.objects.get(program__patient=patient)
    assert version.reason == "Self-guided intake" and version.number == 1
    assert version.intake["constraints"] == ["no_floor"]
    assert "seated-cat-camel" in {i["exercise"] for i in version.plan["items"]}
    assert DeviceSession.objects.filter(patient=patient).count() == 1
    actions = set(AuditEvent.objects.values_list("object_type", "action"))
    assert {
        ("Patient", "create"),
        ("ProgramVersion", "create"),
        ("DeviceSession", "sign_in"),
    } <= actions
    assert "Hello, Sam" in client.get("/app/").content.decode()
    # The answers are gone from the session: the intake starts afresh.
    assert client.get("/start/plan/")["Location"] == "/start/"


def test_a_name_is_optional_but_not_endless(library: None) -> None:
    client = Client()
    through_to_plan(client)
    assert client.post("/start/plan/", {"display_name": "x" * 121}).status_code == 422
    assert client.post("/start/plan/", {"display_name": ""}).status_code == 302
    assert Patient.objects.get().display_name == "Self-guided"


def test_after_a_doctor_has_cleared_them_a_person_goes_on_and_the_answer_is_recorded(
    library: None,
) -> None:
    client = Client()
    answer(client, "safety", {"red_flags": ["cancer_history"]})
    page = client.get("/start/seek-care/").content.decode()
    assert "been told exercise is fine" in page
    response = client.post("/start/seek-care/", {"doctor_cleared": "yes"})
    assert response["Location"] == "/start/pain/"
    assert answer(client, "pain", PAIN)["Location"] == "/start/work/"
    assert answer(client, "work", WORK)["Location"] == "/start/fit/"
    assert answer(client, "fit", FIT)["Location"] == "/start/plan/"
    assert client.get("/start/plan/").status_code == 200
    response = client.post("/start/plan/", {"display_name": "Sam"})
    assert response["Location"] == "/app/"
    version = ProgramVersion.objects.get()
    assert "doctor has seen them" in version.reason and "cancer_history" in version.reason
    assert AuditEvent.objects.filter(detail__contains="doctor cleared").exists()
    # A self-guided person is not told about a practitioner they do not have.
    client.cookies[COOKIE_NAME] = response.cookies[COOKIE_NAME].value
    today = client.get("/app/").content.decode()
    assert "guides the exercises you chose" in today
    assert "your practitioner" not in today


def test_the_work_step_keeps_the_typed_zone_and_puts_each_message_by_its_field(
    library: None,
) -> None:
    client = Client()
    answer(client, "safety", {})
    answer(client, "pain", PAIN)
    response = answer(client, "work", {**WORK, "end": "09:00", "timezone": "Europe/Lisbon"})
    page = response.content.decode()
    assert response.status_code == 422
    assert 'value="Europe/Lisbon"' in page and 'value="UTC"' not in page
    finish = page.index('name="end"')
    message = page.index("Finish must be a different time from Start")
    assert page.rfind("<label", 0, message) < message < page.index("<fieldset", finish)
    response = answer(client, "work", {**WORK, "timezone": ""})
    page = response.content.decode()
    assert 'value="UTC"' not in page
    assert "Choose your time zone from the list." in page
