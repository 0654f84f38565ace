"""Small things a practitioner noticed: confirmations and what happened after each save, an
empty filter that says so, and an audit trail in names and words with filters."""

from __future__ import annotations

from midback.care.models import StaffMember
from tests.clinic.conftest import Side


def test_archiving_needs_a_confirmation_and_says_what_happened(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/archive/"
    page = harbour.client.post(url, {"archive": "1"}, follow=True).content.decode()
    assert "Not archived: tick the box" in page
    harbour.patient.refresh_from_db()
    assert harbour.patient.archived_at is None
    page = harbour.client.post(url, {"archive": "1", "confirm": "yes"}, follow=True)
    assert "Paul Harbour is archived" in page.content.decode()
    harbour.patient.refresh_from_db()
    assert harbour.patient.archived_at is not None


def test_removing_staff_needs_a_confirmation(harbour: Side) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(username="sam@harbour.example", password="x")
    sam = StaffMember.objects.create(clinic=harbour.clinic, user=user, display_name="Sam Lee")
    url = f"/clinic/staff/{sam.pk}/remove/"
    assert "Sam Lee was not removed" in harbour.client.post(url, follow=True).content.decode()
    assert StaffMember.objects.filter(pk=sam.pk).exists()
    done = harbour.client.post(url, {"confirm": "yes"}, follow=True).content.decode()
    assert "Sam Lee was removed" in done
    assert not StaffMember.objects.filter(pk=sam.pk).exists()


def test_an_empty_filter_says_so(harbour: Side) -> None:
    html = harbour.client.get("/clinic/?show=flags").content.decode()
    assert "No patients match this filter." in html and "No patients yet" not in html


def test_the_audit_trail_names_people_and_filters(harbour: Side, northside: Side) -> None:
    harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/")
    html = harbour.client.get("/clinic/audit/").content.decode()
    assert "<td>Priya Shah</td><td>Viewed</td><td>Paul Harbour</td>" in html
    assert "Patient " + str(harbour.patient.pk) not in html
    only = harbour.client.get(
        f"/clinic/audit/?patient={harbour.patient.pk}&action=read"
    ).content.decode()
    assert "<td>Viewed</td><td>Paul Harbour</td>" in only and "<td>Created</td>" not in only
