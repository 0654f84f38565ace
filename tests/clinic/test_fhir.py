"""The FHIR R4 export of a patient: from the clinic API and as a download on the patient page,
it validates with `fhir.resources`, round-trips exactly, and says what the record says."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from django.test import Client
from fhir.resources.R4B.bundle import Bundle

from midback.care.actions import do_add_visit, do_save_program, do_update_visit
from midback.care.fhir import dose_words
from midback.care.integrations import do_create_api_key
from midback.care.models import AuditEvent, CheckIn
from tests.clinic.conftest import Side, log_stop

ALLOWED = {
    "CarePlan.status": {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error"},
    "CarePlan.intent": {"proposal", "plan", "order", "option"},
    "activity.status": {
        "not-started", "scheduled", "in-progress", "on-hold", "completed", "cancelled",
        "stopped", "unknown", "entered-in-error",
    },
    "Observation.status": {"registered", "preliminary", "final", "amended"},
    "QuestionnaireResponse.status": {"in-progress", "completed", "amended"},
    "dayOfWeek": {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
}  # fmt: skip


def record(side: Side) -> None:
    """Four check-ins, a second program version and a stopped exercise with its words."""
    log_stop(side, reason="numbness", note="Tingling down my left arm")
    for n, pain in enumerate((6, 5, 4, 3)):
        CheckIn.objects.create(
            clinic=side.clinic,
            patient=side.patient,
            day=dt.date(2026, 11, 2) + dt.timedelta(weeks=n),
            pain_now=pain,
            pain_worst=pain + 2,
            pain_average=pain + 1,
            activities=[
                {"activity": "Sitting through a meeting", "score": 3 + n},
                {"activity": "Reversing the car", "score": 2 + n},
            ],
            global_change=None if n % 2 else n + 1,
        )
    melbourne = ZoneInfo("Australia/Melbourne")
    for day, status in ((10, "attended"), (17, "missed"), (24, "booked")):
        visit = do_add_visit(
            None,
            side.patient,
            starts_at=dt.datetime(2026, 11, day, 10, 30, tzinfo=melbourne),
            kind="treatment",
            practitioner=side.staff,
        )
        if status != "booked":
            do_update_visit(None, visit, status=status)
    plan = dict(side.version.plan)
    plan["items"] = [{**plan["items"][0], "sets": 2}, *plan["items"][1:]]
    do_save_program(None, side.patient, plan, reason="Step up", author=side.staff)


def fetch(side: Side) -> tuple[str, str]:
    _, key = do_create_api_key(None, side.staff, "EHR", "read")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get(
        f"/api/v1/clinic/patients/{side.patient.pk}/fhir"
    )
    page = side.client.get(f"/clinic/patients/{side.patient.pk}/fhir.json")
    assert api.status_code == 200 and page.status_code == 200
    assert "attachment" in page["Content-Disposition"]
    return api.content.decode(), page.content.decode()


def resources(data: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == kind]


def test_the_bundle_validates_and_round_trips_exactly(harbour: Side) -> None:
    record(harbour)
    api_text, page_text = fetch(harbour)
    for text in (api_text, page_text):
        bundle = Bundle.model_validate_json(text)  # raises on anything invalid
        again = bundle.model_dump_json()
        assert Bundle.model_validate_json(again).model_dump_json() == again
        assert json.loads(again) == json.loads(text)
        assert bundle.type == "collection"
    same = {k: v for k, v in json.loads(api_text).items() if k != "timestamp"}
    assert same == {k: v for k, v in json.loads(page_text).items() if k != "timestamp"}


def test_it_says_what_the_record_says(harbour: Side) -> None:
    record(harbour)
    data = json.loads(fetch(harbour)[0])
    full_urls = {e["fullUrl"] for e in data["entry"]}
    references = [
        value
        for e in data["entry"]
        for value in _walk(e["resource"])
        if isinstance(value, str) and value.startswith("urn:uuid:")
    ]
    assert references and set(references) <= full_urls, "every reference resolves in the bundle"

    (patient,) = resources(data, "Patient")
    assert patient["name"][0]["text"] == "Paul Harbour"

    plans = resources(data, "CarePlan")
    assert [p["status"] for p in plans] == ["revoked", "active"]
    current = harbour.patient.programs.get().current
    items = current.plan["items"]
    activities = plans[-1]["activity"]
    assert len(activities) == len(items)
    for activity, item in zip(activities, items, strict=True):
        detail = activity["detail"]
        assert detail["code"]["coding"][0]["code"] == item["exercise"]
        assert detail["description"] == dose_words(item)
        repeat = detail["scheduledTiming"]["repeat"]
        blocks = [b for b in current.plan["schedule"] if item["exercise"] in b["exercises"]]
        assert repeat["frequency"] == len(blocks) and repeat["periodUnit"] == "wk"
        assert set(repeat["dayOfWeek"]) == {b["day"] for b in blocks}
        assert set(repeat["timeOfDay"]) == {f"{b['time']}:00" for b in blocks}
    assert activities[0]["detail"]["description"].startswith("2 sets")

    observations = resources(data, "Observation")
    pain = [o for o in observations if o["code"]["coding"][0]["code"] == "72514-3"]
    assert [o["valueInteger"] for o in pain] == [6, 5, 4, 3]
    assert all(o["code"]["coding"][0]["system"] == "http://loinc.org" for o in pain)
    assert [o["effectiveDateTime"] for o in pain] == [
        "2026-11-02",
        "2026-11-09",
        "2026-11-16",
        "2026-11-23",
    ]
    sessions = [o for o in observations if o["code"]["coding"][0]["code"] == "exercise-session"]
    assert len(sessions) == 3
    before_after = [
        [c["valueInteger"] for c in s["component"] if c["code"]["coding"][0]["code"] == "72514-3"]
        for s in sessions
    ]
    assert before_after == [[4, 3]] * 3
    stops = [c for s in sessions for c in s["component"] if "valueString" in c]
    assert [c["valueString"] for c in stops] == ["numbness: Tingling down my left arm"]

    questionnaires = {q["name"]: q for q in resources(data, "Questionnaire")}
    assert set(questionnaires) == {"PSFS", "GROC"}
    responses = resources(data, "QuestionnaireResponse")
    psfs = [r for r in responses if r["questionnaire"] == questionnaires["PSFS"]["url"]]
    groc = [r for r in responses if r["questionnaire"] == questionnaires["GROC"]["url"]]
    assert len(psfs) == 4 and len(groc) == 2
    assert psfs[0]["item"][0]["item"][0]["answer"][0]["valueString"] == "Sitting through a meeting"
    assert [r["item"][0]["answer"][0]["valueInteger"] for r in groc] == [1, 3]
    link_ids = {i["linkId"] for q in questionnaires.values() for i in _items(q)}
    assert {i["linkId"] for r in responses for i in _items(r)} <= link_ids

    encounters = resources(data, "Encounter")
    assert [(e["status"], e["period"]["start"]) for e in encounters] == [
        ("finished", "2026-11-10T10:30:00+11:00"),
        ("cancelled", "2026-11-17T10:30:00+11:00"),
        ("planned", "2026-11-24T10:30:00+11:00"),
    ]
    assert all(e["class"]["code"] == "AMB" for e in encounters)
    assert encounters[0]["participant"][0]["individual"]["display"] == "Priya Shah"
    assert [t["text"] for t in encounters[1]["type"]] == ["Treatment visit", "Did not attend"]

    for plan in plans:
        assert plan["status"] in ALLOWED["CarePlan.status"]
        assert plan["intent"] in ALLOWED["CarePlan.intent"]
        for activity in plan["activity"]:
            assert activity["detail"]["status"] in ALLOWED["activity.status"]
            days = activity["detail"]["scheduledTiming"]["repeat"]["dayOfWeek"]
            assert set(days) <= ALLOWED["dayOfWeek"]
    assert {o["status"] for o in observations} <= ALLOWED["Observation.status"]
    assert {r["status"] for r in responses} <= ALLOWED["QuestionnaireResponse.status"]


def test_exporting_twice_gives_the_same_ids_and_is_audited(harbour: Side) -> None:
    first, _ = fetch(harbour)
    second, _ = fetch(harbour)
    ids = [[e["fullUrl"] for e in json.loads(t)["entry"]] for t in (first, second)]
    assert ids[0] == ids[1]
    exports = AuditEvent.objects.filter(action="export", object_type="Patient")
    assert exports.count() == 4  # two through the API, two downloads


def test_another_clinics_patient_cannot_be_downloaded(harbour: Side, northside: Side) -> None:
    response = harbour.client.get(f"/clinic/patients/{northside.patient.pk}/fhir.json")
    assert response.status_code == 404
    assert "Nora" not in response.content.decode()


def _walk(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [v for value in node.values() for v in _walk(value)]
    if isinstance(node, list):
        return [v for value in node for v in _walk(value)]
    return [node]


def _items(node: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for item in node.get("item", []):
        found.append(item)
        found += _items(item)
    return found
