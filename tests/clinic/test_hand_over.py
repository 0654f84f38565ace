"""Hand-over: the patient's sign-in links listed with their state, revoked, and sent by email."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from midback.care.models import Invite
from tests.clinic.conftest import Side


def test_links_are_listed_with_their_state_and_can_be_revoked(
    harbour: Side, northside: Side
) -> None:
    harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/invite/")
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "Sign-in links" in page and "open until" in page
    invite = Invite.objects.get(patient=harbour.patient)
    revoke = f"/clinic/patients/{harbour.patient.pk}/invites/{invite.pk}/revoke/"
    theirs = f"/clinic/patients/{northside.patient.pk}/invites/{invite.pk}/revoke/"
    assert northside.client.post(theirs).status_code == 404
    done = harbour.client.post(revoke, follow=True).content.decode()
    assert "The link is revoked" in done and "ended" in done
    invite.refresh_from_db()
    assert invite.used_at is None and "open until" not in done


def test_a_revoked_link_no_longer_signs_in(harbour: Side) -> None:
    html = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/invite/").content.decode()
    code = html.split("/join/")[1].split("/")[0].split("<")[0]
    invite = Invite.objects.get(patient=harbour.patient)
    harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/invites/{invite.pk}/revoke/")
    response = Client().post(f"/join/{code}")
    assert response.status_code == 400  # the patient app explains the link no longer works


def test_the_link_is_sent_by_email_when_the_patient_has_an_address(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/invite/"
    html = harbour.client.post(url, {"email": "1"}).content.decode()
    assert "Sent to paul@mail.example." in html
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["paul@mail.example"]
    assert "/join/" in mail.outbox[0].body and "Harbour Street Physio" in mail.outbox[0].subject
