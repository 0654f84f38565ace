"""Every change through an action: the audit row says who, why and what changed."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from midback.care.models import AuditEvent, StaffMember
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
