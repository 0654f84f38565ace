"""Every change through an action: the audit row says who, why and what changed."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from midback.care.actions import do_save_program
from midback.care.models import AuditEvent, StaffMember
from midback.content.models import Exercise
from tests.clinic.conftest import Side


def last_event(side: Side, action: str) -> AuditEvent:
    event = AuditEvent.objects.filter(clinic=side.clinic, action=action).order_by("-at").first()
    assert event is not None
    return event


def test_archiving_records_before_and_after(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/archive/"
    harbour.client.post(url, {"archive": "1", "confirm": "yes"})
    archived = last_event(harbour, "archive")
    before, after = archived.changes["archived_at"]
    assert before is None and after is not None
    assert archived.actor.startswith(f"staff:{harbour.staff.user.pk}")
    harbour.client.post(url, {"archive": "0"})
    assert last_event(harbour, "unarchive").changes == {"archived_at": [after, None]}


def test_inviting_and_removing_staff_record_what_changed(harbour: Side) -> None:
    page = harbour.client.post(
        "/clinic/staff/", {"email": "Sam@Harbour.example", "role": "practitioner"}
    )
    assert page.status_code == 200
    invited = last_event(harbour, "create")
    assert invited.changes == {
        "email": [None, "sam@harbour.example"],
        "role": [None, "practitioner"],
    }
    user = get_user_model().objects.create_user(username="tom@harbour.example", password="x" * 12)
    member = StaffMember.objects.create(clinic=harbour.clinic, user=user, display_name="Tom")
    harbour.client.post(f"/clinic/staff/{member.pk}/remove/", {"confirm": "yes"})
    removed = last_event(harbour, "delete")
    assert removed.changes == {"role": ["practitioner", None], "is_active": [True, False]}
    user.refresh_from_db()
    assert not user.is_active and not StaffMember.objects.filter(pk=member.pk).exists()


def test_turning_authenticator_codes_off_is_recorded(harbour: Side) -> None:
    harbour.client.post("/clinic/account/", {"action": "disable"})
    event = last_event(harbour, "update")
    assert event.changes == {"totp_enabled": [False, False]}
    assert event.detail == "turned off authenticator codes"


def test_saving_a_program_records_each_dose_exercise_and_block_that_changed(harbour: Side) -> None:
    first = AuditEvent.objects.get(clinic=harbour.clinic, object_type="ProgramVersion")
    plan = copy.deepcopy(harbour.version.plan)
    items = plan["items"]
    assert len(items) >= 3 and plan["schedule"]
    # The first version lists every exercise as added, with its dose.
    assert first.changes["version"] == [None, 1]
    assert first.changes[f"items.{items[0]['exercise']}"] == [None, dose(items[0])]
    assert "schedule" in first.changes

    changed, removed = items[0], items[1]
    unused = (
        Exercise.objects.filter(clinic=None)
        .exclude(slug__in=[i["exercise"] for i in items])
        .exclude(current=None)
        .order_by("slug")
        .first()
    )
    assert unused is not None
    old_sets = changed["sets"]
    changed["sets"] = old_sets + 1
    added = {"exercise": unused.slug, "sets": 2, "reps": 8, "rest_seconds": 20}
    plan["items"] = [changed, *items[2:], added]
    for block in plan["schedule"]:
        block["exercises"] = [s for s in block["exercises"] if s != removed["exercise"]]
    old_time = plan["schedule"][0]["time"]
    plan["schedule"][0]["time"] = "06:05"

    with transaction.atomic():
        do_save_program(None, harbour.patient, plan, reason="Adjusted", author=harbour.staff)
    changes = last_version_event(harbour).changes
    assert changes["version"] == [1, 2]
    assert changes[f"items.{changed['exercise']}.sets"] == [old_sets, old_sets + 1]
    assert changes[f"items.{removed['exercise']}"] == [dose(removed), None]
    assert changes[f"items.{unused.slug}"] == [None, {"sets": 2, "reps": 8, "rest_seconds": 20}]
    before_blocks, after_blocks = changes["schedule"]
    assert before_blocks[0]["time"] == old_time and after_blocks[0]["time"] == "06:05"
    assert removed["exercise"] not in {s for b in after_blocks for s in b["exercises"]}
    assert "blocks_per_week" not in changes and "mode" not in changes
    # Nothing unchanged is listed: the other exercises kept their doses.
    for item in items[2:]:
        key = f"items.{item['exercise']}"
        assert not any(k == key or k.startswith(key + ".") for k in changes), key


def test_saving_the_same_program_again_records_no_plan_change(harbour: Side) -> None:
    plan = copy.deepcopy(harbour.version.plan)
    with transaction.atomic():
        do_save_program(None, harbour.patient, plan, reason="Same again", author=harbour.staff)
    assert last_version_event(harbour).changes == {"version": [1, 2]}


def last_version_event(side: Side) -> AuditEvent:
    events = AuditEvent.objects.filter(clinic=side.clinic, object_type="ProgramVersion")
    event = events.order_by("-pk").first()
    assert event is not None and event.action == "create"
    return event


def dose(item: dict[str, Any]) -> dict[str, Any]:
    fields = ("sets", "reps", "hold_seconds", "per_side", "range", "rest_seconds")
    return {f: item[f] for f in fields if f in item}
