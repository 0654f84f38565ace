"""The clinic API (/api/v1/clinic/) through HTTP: keys made and revoked by owners, reads with
stable cursors and `updated_since`, a patient admitted in one call, and one clinic's key never
reaching another clinic's rows."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from midback.care.actions import do_add_visit, do_update_visit
from midback.care.devices import digest
from midback.care.integrations import do_create_api_key
from midback.care.models import (
    AuditEvent,
    CheckIn,
    ClinicApiKey,
    Invite,
    Patient,
    ProgramTemplate,
    SessionLog,
    StaffMember,
    Visit,
)
from tests.clinic.conftest import PASSWORD, Side, log_stop
from tests.conftest import Clock
from tests.practice.conftest import desk_intake

ERROR_KEYS = {"error", "field", "code"}
LISTS = ("patients", "programs", "program-versions", "session-logs", "checkins", "visits")


def key_client(side: Side, scope: str = "read") -> tuple[Client, str]:
    _, key = do_create_api_key(None, side.staff, f"{side.clinic.slug} system", scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), key


def body(response: Any) -> Any:
    return json.loads(response.content)


def add_checkin(side: Side, pain: int = 4) -> CheckIn:
    return CheckIn.objects.create(
        clinic=side.clinic,
        patient=side.patient,
        day=dt.date(2026, 11, 20),
        pain_now=pain,
        pain_worst=pain + 2,
        activities=[{"activity": "Sitting at my desk", "score": 4}],
        global_change=3,
    )


def add_visit(side: Side, days: int = 2, status: str = "booked") -> Visit:
    starts = dt.datetime(2026, 12, 8, 10, 30, tzinfo=ZoneInfo("Australia/Melbourne"))
    visit = do_add_visit(
        None,
        side.patient,
        starts_at=starts + dt.timedelta(days=days),
        kind="treatment",
        practitioner=side.staff,
        note=f"Mobilised T6 for {side.patient.display_name}",
    )
    if status != "booked":
        visit = do_update_visit(None, visit, status=status)
    return visit


# Keys -----------------------------------------------------------------------------------------


def test_an_owner_makes_a_key_that_is_shown_once_and_stored_only_as_its_hash(
    harbour: Side,
) -> None:
    page = harbour.client.post(
        "/clinic/integrations/", {"make": "key", "name": "Cliniko sync", "scope": "read"}
    )
    assert page.status_code == 200
    text = page.content.decode()
    key = text.split('<code class="copy">')[1].split("</code>")[0]
    assert key.startswith("mbk_") and len(key) > 40
    row = ClinicApiKey.objects.get(clinic=harbour.clinic)
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in json.dumps(list(ClinicApiKey.objects.values()), default=str)
    again = harbour.client.get("/clinic/integrations/").content.decode()
    assert key not in again and "Cliniko sync" in again and row.prefix in again
    assert AuditEvent.objects.filter(object_type="ClinicApiKey", action="create").exists()


def test_a_practitioner_who_is_not_an_owner_gets_no_integrations_page(harbour: Side) -> None:
    user = get_user_model().objects.create_user(username="sam@h.example", password=PASSWORD)
    StaffMember.objects.create(clinic=harbour.clinic, user=user, display_name="Sam")
    client = Client()
    client.login(username="sam@h.example", password=PASSWORD)
    assert client.get("/clinic/integrations/").status_code == 404
    client2, _ = key_client(harbour)
    key = ClinicApiKey.objects.get()
    assert client.post(f"/clinic/integrations/keys/{key.pk}/revoke/").status_code == 404
    assert client2.get("/api/v1/clinic/patients").status_code == 200


def test_a_revoked_key_and_no_key_get_401_in_the_error_shape(harbour: Side) -> None:
    client, _ = key_client(harbour)
    assert client.get("/api/v1/clinic/patients").status_code == 200
    key = ClinicApiKey.objects.get()
    assert harbour.client.post(f"/clinic/integrations/keys/{key.pk}/revoke/").status_code == 302
    for response in (
        client.get("/api/v1/clinic/patients"),
        Client().get("/api/v1/clinic/patients"),
        Client(HTTP_AUTHORIZATION="Bearer mbk_not-a-key").get("/api/v1/clinic/patients"),
    ):
        assert response.status_code == 401
        assert set(body(response)) == ERROR_KEYS and body(response)["code"] == "unauthorized"
        assert "API key" in body(response)["error"]


def test_a_keys_use_is_audited_once_a_minute_and_its_last_use_kept(
    harbour: Side, clock: Clock
) -> None:
    client, _ = key_client(harbour)
    start = clock.now
    for _ in range(3):
        assert client.get("/api/v1/clinic/patients").status_code == 200
    uses = AuditEvent.objects.filter(action="api_use")
    assert uses.count() == 1
    assert uses.get().actor.startswith("apikey:") and uses.get().detail.startswith("GET /api/")
    clock.move_to(start + dt.timedelta(seconds=61))
    assert client.get(f"/api/v1/clinic/patients/{harbour.patient.pk}").status_code == 200
    assert uses.count() == 2
    assert ClinicApiKey.objects.get().last_used_at >= start + dt.timedelta(seconds=61)


# Reads ----------------------------------------------------------------------------------------


def test_every_list_answers_with_the_clinics_rows(harbour: Side) -> None:
    client, _ = key_client(harbour)
    log_stop(harbour, note="Sharp under the shoulder blade")
    add_checkin(harbour)
    pid = harbour.patient.pk
    patients = body(client.get("/api/v1/clinic/patients"))["items"]
    assert [p["id"] for p in patients] == [pid]
    assert patients[0]["display_name"] == "Paul Harbour"
    programs = body(client.get("/api/v1/clinic/programs"))["items"]
    assert programs[0]["patient_id"] == pid and programs[0]["current"]["number"] == 1
    assert programs[0]["current"]["note_to_patient"] == "Secret note for Paul Harbour"
    one = body(client.get(f"/api/v1/clinic/programs/{programs[0]['id']}"))
    assert one == programs[0]
    versions = body(client.get("/api/v1/clinic/program-versions"))["items"]
    assert [(v["patient_id"], v["number"]) for v in versions] == [(pid, 1)]
    logs = body(client.get("/api/v1/clinic/session-logs"))["items"]
    assert len(logs) == 3 and all(log["patient_id"] == pid for log in logs)
    stops = [e for log in logs for e in log["exercises"] if e["stopped"]]
    assert [(s["stop_reason"], s["note"]) for s in stops] == [
        ("sharp_pain", "Sharp under the shoulder blade")
    ]
    checkins = body(client.get("/api/v1/clinic/checkins"))["items"]
    assert [(c["pain_now"], c["global_change"]) for c in checkins] == [(4, 3)]


def test_lists_do_not_query_per_row(harbour: Side, django_assert_max_num_queries: Any) -> None:
    client, _ = key_client(harbour)
    add_checkin(harbour, 3)
    add_checkin(harbour, 5)
    add_visit(harbour)
    add_visit(harbour, days=7)
    client.get("/api/v1/clinic/patients")  # the key's use is recorded on the first request
    for route in LISTS:
        with django_assert_max_num_queries(6):
            response = client.get(f"/api/v1/clinic/{route}")
        assert response.status_code == 200 and body(response)["items"], route


def test_cursors_page_through_every_row_once_even_as_rows_change(
    harbour: Side, clock: Clock
) -> None:
    client, _ = key_client(harbour)
    start = clock.now
    for n in range(6):
        clock.move_to(start + dt.timedelta(seconds=n + 1))
        Patient.objects.create(clinic=harbour.clinic, display_name=f"P{n}", time_zone="UTC")
    clock.move_to(start + dt.timedelta(seconds=30))
    seen: list[int] = []
    first = body(client.get("/api/v1/clinic/patients", {"limit": 3}))
    seen += [p["id"] for p in first["items"]]
    # A patient already seen changes while the client pages: it comes again, later, once.
    changed = Patient.objects.get(pk=seen[1])
    changed.display_name = "Renamed"
    changed.save()
    cursor = first["next_cursor"]
    while cursor:
        page = body(client.get("/api/v1/clinic/patients", {"limit": 3, "cursor": cursor}))
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
    everyone = set(Patient.objects.filter(clinic=harbour.clinic).values_list("pk", flat=True))
    assert set(seen) == everyone
    assert seen.count(changed.pk) == 2 and seen[-1] == changed.pk


def test_updated_since_gives_only_what_changed(harbour: Side, clock: Clock) -> None:
    client, _ = key_client(harbour)
    before = clock.now
    clock.move_to(before + dt.timedelta(minutes=5))
    mark = clock.now
    clock.move_to(mark + dt.timedelta(seconds=1))
    harbour.patient.display_name = "Paul H."
    harbour.patient.save(update_fields=["display_name"])
    add_checkin(harbour)
    since = mark.isoformat()
    patients = body(client.get("/api/v1/clinic/patients", {"updated_since": since}))["items"]
    assert [p["display_name"] for p in patients] == ["Paul H."]
    assert len(body(client.get("/api/v1/clinic/checkins", {"updated_since": since}))["items"]) == 1
    for route in ("session-logs", "program-versions", "programs"):
        answer = body(client.get(f"/api/v1/clinic/{route}", {"updated_since": since}))
        assert answer["items"] == [], route


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"updated_since": "2026-11-01T00:00:00"}, "updated_since"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "201"}, "limit"),
    ],
)
def test_bad_list_parameters_are_named_in_the_error(
    harbour: Side, query: dict[str, str], field: str
) -> None:
    client, _ = key_client(harbour)
    for route in LISTS:
        response = client.get(f"/api/v1/clinic/{route}", query)
        assert response.status_code == 422, (route, query)
        assert set(body(response)) == ERROR_KEYS and body(response)["field"] == field
        if field == "cursor":
            assert body(response)["code"] == "invalid_cursor"
            assert body(response)["error"] == "cursor: not a cursor this API gave out"


# Writes ---------------------------------------------------------------------------------------


def admission(**changes: Any) -> dict[str, Any]:
    return {
        "display_name": "Rosa Admitted",
        "email": "rosa@mail.example",
        "time_zone": "Australia/Melbourne",
        "intake": desk_intake(),
        "reason": "Referred by Dr Lee",
        **changes,
    }


def post(client: Client, data: object) -> Any:
    return client.post("/api/v1/clinic/patients", data, content_type="application/json")


def test_a_read_write_key_admits_a_patient_with_a_program_and_an_invite(harbour: Side) -> None:
    client, _ = key_client(harbour, "read_write")
    response = post(client, admission())
    assert response.status_code == 201, response.content
    made = body(response)
    patient = Patient.objects.get(pk=made["patient"]["id"])
    assert patient.clinic == harbour.clinic and patient.time_zone == "Australia/Melbourne"
    assert made["program"]["current"]["reason"] == "Referred by Dr Lee"
    assert made["program"]["current"]["plan"]["items"]
    code = made["invite"]["url"].rstrip("/").rsplit("/", 1)[1]
    invite = Invite.objects.get(code_hash=digest(code))
    assert invite.patient == patient and invite.used_at is None
    assert Client().get(reverse("practice:join", args=[code])).status_code == 200
    actions = set(
        AuditEvent.objects.filter(clinic=harbour.clinic, actor__startswith="apikey:").values_list(
            "object_type", "action"
        )
    )
    assert {("Patient", "create"), ("ProgramVersion", "create"), ("Invite", "create")} <= actions


def test_a_program_from_a_template_keeps_the_templates_exercises_and_doses(
    harbour: Side,
) -> None:
    client, _ = key_client(harbour, "read_write")
    items = [
        {"exercise": "cat-camel", "sets": 2, "reps": 8},
        {"exercise": "seated-twist", "sets": 1, "reps": 6, "per_side": True},
    ]
    template = ProgramTemplate.objects.create(
        clinic=harbour.clinic, name="Gentle start", plan={"items": items}
    )
    made = body(post(client, admission(template_id=template.pk, reason="")))
    plan = made["program"]["current"]["plan"]
    assert [(i["exercise"], i["sets"], i["reps"]) for i in plan["items"]] == [
        ("cat-camel", 2, 8),
        ("seated-twist", 1, 6),
    ]
    assert "Gentle start" in made["program"]["current"]["reason"]


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"intake": desk_intake(red_flags=["chest_pain"])}, "intake.red_flags", "seek_care"),
        ({"intake": desk_intake(pain_now=11)}, "intake.pain_now", None),
        ({"time_zone": "Mars/Olympus"}, "time_zone", None),
        ({"display_name": ""}, "display_name", None),
        ({"display_name": "Bad\x00name"}, "display_name", None),
        ({"template_id": True}, "template_id", None),
        ({"extra": 1}, "extra", None),
    ],
)
def test_a_bad_admission_is_refused_by_name_and_nothing_is_saved(
    harbour: Side, changes: dict[str, Any], field: str, code: str | None
) -> None:
    client, _ = key_client(harbour, "read_write")
    before = (Patient.objects.count(), Invite.objects.count(), SessionLog.objects.count())
    response = post(client, admission(**changes))
    assert response.status_code == 422, response.content
    assert set(body(response)) == ERROR_KEYS and body(response)["field"] == field
    if code:
        assert body(response)["code"] == code
    assert (Patient.objects.count(), Invite.objects.count(), SessionLog.objects.count()) == before


def test_a_read_only_key_cannot_write(harbour: Side) -> None:
    client, _ = key_client(harbour, "read")
    response = post(client, admission())
    assert response.status_code == 403
    assert body(response)["code"] == "forbidden" and "only read" in body(response)["error"]
    assert not Patient.objects.filter(display_name="Rosa Admitted").exists()


# Isolation ------------------------------------------------------------------------------------


def test_a_key_reads_nothing_of_another_clinic(harbour: Side, northside: Side) -> None:
    log_stop(northside, note="Nora's own words")
    add_checkin(northside)
    their_visit = add_visit(northside)
    client, _ = key_client(harbour, "read_write")
    template = ProgramTemplate.objects.create(
        clinic=northside.clinic,
        name="Theirs",
        plan={"items": [{"exercise": "cat-camel", "sets": 1, "reps": 5}]},
    )
    theirs = str(northside.patient.pk)
    for route in LISTS:
        for query in ({}, {"patient_id": theirs}):
            text = client.get(f"/api/v1/clinic/{route}", query).content.decode()
            assert "Nora" not in text and "Northside" not in text, (route, query)
            items = json.loads(text)["items"]
            assert all(i.get("patient_id", i["id"]) != northside.patient.pk for i in items)
    program = northside.version.program_id
    for path in (
        f"/api/v1/clinic/patients/{theirs}",
        f"/api/v1/clinic/patients/{theirs}/fhir",
        f"/api/v1/clinic/programs/{program}",
    ):
        response = client.get(path)
        assert response.status_code == 404 and body(response)["code"] == "not_found", path
    refused = post(client, admission(template_id=template.pk))
    assert refused.status_code == 422 and body(refused)["field"] == "template_id"
    booked = client.post(
        f"/api/v1/clinic/patients/{theirs}/visits",
        {"starts_at": "2026-12-09T10:00:00+11:00", "kind": "review"},
        content_type="application/json",
    )
    moved = client.patch(
        f"/api/v1/clinic/visits/{their_visit.pk}",
        {"status": "missed"},
        content_type="application/json",
    )
    assert (booked.status_code, moved.status_code) == (404, 404)
    their_visit.refresh_from_db()
    assert their_visit.status == "booked" and northside.patient.visits.count() == 1
    mine = add_visit(harbour)
    wrong_staff = client.post(
        f"/api/v1/clinic/patients/{harbour.patient.pk}/visits",
        {
            "starts_at": "2026-12-09T10:00:00+11:00",
            "kind": "review",
            "practitioner_id": northside.staff.pk,
        },
        content_type="application/json",
    )
    assert wrong_staff.status_code == 422 and body(wrong_staff)["field"] == "practitioner_id"
    assert harbour.patient.visits.get() == mine


def test_a_missing_and_a_foreign_patient_answer_alike(harbour: Side, northside: Side) -> None:
    client, _ = key_client(harbour)
    foreign = client.get(f"/api/v1/clinic/patients/{northside.patient.pk}")
    missing = client.get(f"/api/v1/clinic/patients/{northside.patient.pk + 1000}")
    assert (foreign.status_code, body(foreign)) == (missing.status_code, body(missing))


def test_the_openapi_schema_documents_every_clinic_route(harbour: Side) -> None:
    schema = body(Client().get("/api/openapi.json"))
    clinic = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/clinic/")}
    assert set(clinic) == {
        "/api/v1/clinic/patients",
        "/api/v1/clinic/patients/{patient_id}",
        "/api/v1/clinic/patients/{patient_id}/fhir",
        "/api/v1/clinic/programs",
        "/api/v1/clinic/programs/{program_id}",
        "/api/v1/clinic/program-versions",
        "/api/v1/clinic/session-logs",
        "/api/v1/clinic/checkins",
        "/api/v1/clinic/visits",
        "/api/v1/clinic/visits/{visit_id}",
        "/api/v1/clinic/patients/{patient_id}/visits",
    }
    for ops in clinic.values():
        for op in ops.values():
            assert op["security"] and "401" in op["responses"] and op["summary"]


# Visits ---------------------------------------------------------------------------------------


def test_a_visit_is_recorded_listed_and_marked_missed(harbour: Side, clock: Clock) -> None:
    client, _ = key_client(harbour, "read_write")
    pid = harbour.patient.pk
    booked = client.post(
        f"/api/v1/clinic/patients/{pid}/visits",
        {
            "starts_at": "2026-12-08T10:30:00+11:00",
            "kind": "treatment",
            "practitioner_id": harbour.staff.pk,
            "note": "Bring the exercise sheet",
        },
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    visit = Visit.objects.get(pk=body(booked)["id"])
    assert visit.starts_at == dt.datetime(2026, 12, 7, 23, 30, tzinfo=dt.UTC)
    assert body(booked)["practitioner"] == "Priya Shah" and body(booked)["status"] == "booked"
    done = client.post(
        f"/api/v1/clinic/patients/{pid}/visits",
        {"starts_at": "2026-11-24T09:00:00+11:00", "kind": "assessment", "status": "attended"},
        content_type="application/json",
    )
    assert body(done)["status"] == "attended"
    mark = clock.now
    clock.move_to(mark + dt.timedelta(seconds=5))
    missed = client.patch(
        f"/api/v1/clinic/visits/{visit.pk}", {"status": "missed"}, content_type="application/json"
    )
    assert missed.status_code == 200 and body(missed)["status"] == "missed"
    changed = body(client.get("/api/v1/clinic/visits", {"updated_since": mark.isoformat()}))
    assert [v["id"] for v in changed["items"]] == [visit.pk]
    every = body(client.get("/api/v1/clinic/visits", {"patient_id": pid}))["items"]
    assert {v["status"] for v in every} == {"missed", "attended"}
    changes = AuditEvent.objects.filter(object_type="Visit", action="update").first()
    assert changes is not None and changes.changes == {"status": ["booked", "missed"]}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"starts_at": "2026-12-08T10:30:00", "kind": "treatment"}, "starts_at"),
        ({"starts_at": "1765000000", "kind": "treatment"}, "starts_at"),
        ({"starts_at": "2026-12-08T10:30:00Z", "kind": "massage"}, "kind"),
        ({"starts_at": "2026-12-08T10:30:00Z", "kind": "review", "status": "done"}, "status"),
        ({"starts_at": "2026-12-08T10:30:00Z", "kind": "review", "note": "x" * 1001}, "note"),
    ],
)
def test_a_bad_visit_is_refused_by_name_and_nothing_is_saved(
    harbour: Side, data: dict[str, Any], field: str
) -> None:
    client, _ = key_client(harbour, "read_write")
    response = client.post(
        f"/api/v1/clinic/patients/{harbour.patient.pk}/visits",
        data,
        content_type="application/json",
    )
    assert response.status_code == 422 and body(response)["field"] == field, response.content
    assert not Visit.objects.exists()
