"""Visits through HTTP: booked from the patient page in the clinic's zone, marked attended,
cancelled or missed, shown to the patient on Today in their own zone and in their calendar
feed, listed in "Today's visits", and never reachable from another clinic."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from icalendar import Calendar

from midback.care.actions import do_add_visit
from midback.care.models import AuditEvent, Patient, Visit
from tests.clinic.conftest import Side, log_stop
from tests.practice.conftest import sign_in

MELBOURNE = ZoneInfo("Australia/Melbourne")
LONDON = ZoneInfo("Europe/London")


def clinic_today(side: Side) -> dt.date:
    return dt.datetime.now(dt.UTC).astimezone(ZoneInfo(side.clinic.time_zone)).date()


def book(side: Side, day: dt.date, at: str = "10:30", **extra: str) -> object:
    data = {
        "day": day.isoformat(),
        "time": at,
        "kind": "treatment",
        "practitioner": str(side.staff.pk),
        "note": "",
        **extra,
    }
    return side.client.post(f"/clinic/patients/{side.patient.pk}/visits/", data)


def visit_at(side: Side, moment: dt.datetime, kind: str = "treatment") -> Visit:
    return do_add_visit(None, side.patient, starts_at=moment, kind=kind, practitioner=side.staff)


def test_the_practitioner_books_the_next_visit_in_one_step_in_the_clinics_zone(
    harbour: Side,
) -> None:
    day = clinic_today(harbour) + dt.timedelta(days=7)
    response = book(harbour, day)
    assert response.status_code == 302  # type: ignore[attr-defined]
    visit = Visit.objects.get(patient=harbour.patient)
    assert visit.starts_at == dt.datetime.combine(day, dt.time(10, 30), tzinfo=MELBOURNE)
    assert (visit.kind, visit.status, visit.practitioner) == ("treatment", "booked", harbour.staff)
    row = AuditEvent.objects.get(object_type="Visit", action="create")
    assert row.changes["status"] == [None, "booked"]
    assert row.changes["starts_at"][1] == visit.starts_at.isoformat()
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert f"{day:%a} {day.day} {day:%b} {day.year}, 10:30" in page
    assert "with Priya Shah" in page


def test_the_practitioner_is_the_booker_unless_chosen(harbour: Side) -> None:
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert re.search(rf'<option value="{harbour.staff.pk}" selected>Priya Shah</option>', page)


def test_a_time_the_clocks_skip_is_refused_in_plain_words_and_nothing_is_saved(
    harbour: Side,
) -> None:
    # Melbourne's clocks go from 02:00 to 03:00 on the first Sunday of October.
    response = book(harbour, dt.date(2030, 10, 6), at="02:30")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "02:30 does not exist on 6 Oct 2030 in Australia/Melbourne" in (
        response.content.decode()  # type: ignore[attr-defined]
    )
    assert not Visit.objects.exists()


def test_a_long_note_and_another_clinics_practitioner_are_refused(
    harbour: Side, northside: Side
) -> None:
    day = clinic_today(harbour) + dt.timedelta(days=3)
    too_long = book(harbour, day, note="x" * 1001)
    assert too_long.status_code == 422  # type: ignore[attr-defined]
    assert "at most 1000 characters" in too_long.content.decode()  # type: ignore[attr-defined]
    stranger = book(harbour, day, practitioner=str(northside.staff.pk))
    assert stranger.status_code == 422  # type: ignore[attr-defined]
    assert "Select a valid choice" in stranger.content.decode()  # type: ignore[attr-defined]
    assert not Visit.objects.exists()


def test_a_visit_is_marked_attended_with_a_note_and_the_audit_keeps_before_and_after(
    harbour: Side,
) -> None:
    visit = visit_at(harbour, dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    response = harbour.client.post(
        f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/",
        {f"v{visit.pk}-status": "attended", f"v{visit.pk}-note": "Lumbar mobilisation; better."},
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert (visit.status, visit.note) == ("attended", "Lumbar mobilisation; better.")
    row = AuditEvent.objects.get(object_type="Visit", action="update")
    assert row.changes == {
        "status": ["booked", "attended"],
        "note": ["0 characters", "28 characters"],  # the words stay in the record only
    }
    for status in ("cancelled", "missed"):
        harbour.client.post(
            f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/",
            {f"v{visit.pk}-status": status, f"v{visit.pk}-note": ""},
        )
        visit.refresh_from_db()
        assert visit.status == status
    bad = harbour.client.post(
        f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/",
        {f"v{visit.pk}-status": "vanished", f"v{visit.pk}-note": ""},
    )
    assert bad.status_code == 422
    visit.refresh_from_db()
    assert visit.status == "missed"


def test_another_clinic_reaches_no_visit(harbour: Side, northside: Side) -> None:
    visit = visit_at(harbour, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    base = f"/clinic/patients/{harbour.patient.pk}/visits"
    assert (
        northside.client.post(f"{base}/", {"day": "2030-01-01", "time": "10:00"}).status_code == 404
    )
    assert (
        northside.client.post(
            f"{base}/{visit.pk}/", {f"v{visit.pk}-status": "cancelled"}
        ).status_code
        == 404
    )
    assert northside.client.get(f"{base}/{visit.pk}/summary/").status_code == 404
    # Nor through its own patient's address with another clinic's visit id.
    own = f"/clinic/patients/{northside.patient.pk}/visits/{visit.pk}"
    assert northside.client.get(f"{own}/summary/").status_code == 404
    assert northside.client.post(f"{own}/", {f"v{visit.pk}-status": "cancelled"}).status_code == 404
    visit.refresh_from_db()
    assert visit.status == "booked"
    dashboard = northside.client.get("/clinic/").content.decode()
    assert "Paul Harbour" not in dashboard


def today_page(patient: Patient) -> str:
    response = sign_in(patient).get("/app/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_patient_sees_the_next_visit_on_today_in_their_own_zone(harbour: Side) -> None:
    patient = harbour.patient
    patient.time_zone = "Europe/London"
    patient.save(update_fields=["time_zone"])
    day = clinic_today(harbour) + dt.timedelta(days=6)
    moment = dt.datetime.combine(day, dt.time(19, 30), tzinfo=MELBOURNE)
    visit_at(harbour, moment)
    visit_at(harbour, moment + dt.timedelta(days=7))  # a later one is not "next"
    mine = moment.astimezone(LONDON)
    page = today_page(patient)
    expected = f"Next visit: {mine:%a} {mine.day} {mine:%b}, {mine:%H:%M} with Priya Shah"
    assert expected in page
    assert "Your time (Europe/London); at the clinic that is " in page
    assert f"{day:%a} {day.day} {day:%b}, 19:30 (Australia/Melbourne)" in page


def test_the_same_zone_needs_no_label_and_a_past_or_cancelled_visit_is_not_next(
    harbour: Side,
) -> None:
    now = dt.datetime.now(dt.UTC)
    visit_at(harbour, now - dt.timedelta(hours=1))
    cancelled = visit_at(harbour, now + dt.timedelta(days=2))
    cancelled.status = "cancelled"
    cancelled.save()
    assert "Next visit" not in today_page(harbour.patient)
    upcoming = visit_at(harbour, now + dt.timedelta(days=3))
    page = today_page(harbour.patient)
    local = upcoming.starts_at.astimezone(MELBOURNE)
    assert f"Next visit: {local:%a} {local.day} {local:%b}, {local:%H:%M} with Priya Shah" in page
    assert "Your time" not in page


def test_visits_are_in_the_patients_calendar_feed_in_their_zone(harbour: Side) -> None:
    patient = harbour.patient
    patient.time_zone = "Europe/London"
    patient.save(update_fields=["time_zone"])
    day = clinic_today(harbour) + dt.timedelta(days=5)
    booked = visit_at(harbour, dt.datetime.combine(day, dt.time(10, 30), tzinfo=MELBOURNE))
    gone = visit_at(harbour, dt.datetime.combine(day, dt.time(15, 0), tzinfo=MELBOURNE))
    gone.status = "cancelled"
    gone.save()
    client = sign_in(patient)
    assert client.post("/app/reminders/calendar/new").status_code == 302
    html = client.get("/app/reminders/").content.decode()
    found = re.search(r'value="http://[^/"]+(/calendar/[A-Za-z0-9_-]+\.ics)"', html)
    assert found
    response = Client().get(found.group(1))
    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    events = {str(e["UID"]): e for e in calendar.events}
    event = events[f"visit-{booked.pk}@midback"]
    assert event.start == booked.starts_at
    assert str(event.start.tzinfo) == "Europe/London"
    assert str(event["SUMMARY"]) == "Visit at Harbour Street Physio: treatment"
    assert "with Priya Shah" in str(event["DESCRIPTION"])
    assert [a["TRIGGER"].dt for a in event.walk("VALARM")] == [-dt.timedelta(hours=2)]
    assert str(events[f"visit-{gone.pk}@midback"]["STATUS"]) == "CANCELLED"


def test_the_review_is_timed_to_a_visit_within_the_protocols_days(harbour: Side) -> None:
    log_stop(harbour, note="It pinched")  # a pain stop: the suggestion is to step down
    url = f"/clinic/patients/{harbour.patient.pk}/"
    assert "Go over it at the visit on" not in harbour.client.get(url).content.decode()
    far = visit_at(harbour, dt.datetime.now(dt.UTC) + dt.timedelta(days=5))
    assert "Go over it at the visit on" not in harbour.client.get(url).content.decode()
    far.delete()
    near = visit_at(harbour, dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    local = near.starts_at.astimezone(ZoneInfo(harbour.patient.time_zone))
    page = harbour.client.get(url).content.decode()
    assert f"Go over it at the visit on {local:%a} {local.day} {local:%b}, {local:%H:%M}." in page


def test_todays_visits_lead_the_dashboard_today_and_tomorrow_only(harbour: Side) -> None:
    today = clinic_today(harbour)
    at = dt.time(23, 59)
    visit_today = visit_at(harbour, dt.datetime.combine(today, at, tzinfo=MELBOURNE))
    tomorrow = visit_at(
        harbour, dt.datetime.combine(today + dt.timedelta(days=1), dt.time(0, 1), tzinfo=MELBOURNE)
    )
    later = visit_at(
        harbour, dt.datetime.combine(today + dt.timedelta(days=2), dt.time(0, 1), tzinfo=MELBOURNE)
    )
    page = harbour.client.get("/clinic/").content.decode()
    assert "Today&#x27;s visits" in page or "Today's visits" in page
    summary = f"/clinic/patients/{harbour.patient.pk}/visits/{{}}/summary/"
    assert summary.format(visit_today.pk) in page
    assert summary.format(tomorrow.pk) in page
    assert summary.format(later.pk) not in page
    head, _, rows = page.partition('class="table dashboard"')
    assert "23:59" in head and "00:01" in head
    # The patient's dashboard row links to the summary of the first of them.
    assert summary.format(visit_today.pk) in rows


def test_visits_are_in_the_patients_export_and_go_when_the_patient_is_erased(
    harbour: Side,
) -> None:
    visit = visit_at(harbour, dt.datetime.now(dt.UTC) + dt.timedelta(days=4))
    harbour.client.post(
        f"/clinic/patients/{harbour.patient.pk}/visits/{visit.pk}/",
        {f"v{visit.pk}-status": "cancelled", f"v{visit.pk}-note": "Away for work"},
    )
    data = json.loads(
        harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/export/?format=json").content
    )
    assert [(v["id"], v["status"], v["note"]) for v in data["visits"]] == [
        (visit.pk, "cancelled", "Away for work")
    ]
    erased = harbour.client.post(
        f"/clinic/patients/{harbour.patient.pk}/erase/",
        {"confirm_name": harbour.patient.display_name},
    )
    assert erased.status_code == 302
    assert not Visit.objects.exists()


def test_todays_visits_cost_no_query_per_visit(
    harbour: Side, django_assert_max_num_queries: Any
) -> None:
    noon = dt.datetime.combine(clinic_today(harbour), dt.time(12, 0), tzinfo=MELBOURNE)
    for n in range(30):
        patient = Patient.objects.create(
            clinic=harbour.clinic, display_name=f"Extra {n}", time_zone="UTC"
        )
        do_add_visit(
            None,
            patient,
            starts_at=noon + dt.timedelta(minutes=n),
            kind="treatment",
            practitioner=harbour.staff,
        )
    with django_assert_max_num_queries(10):
        page = harbour.client.get("/clinic/").content.decode()
    assert page.count("Pre-visit summary") == 30
