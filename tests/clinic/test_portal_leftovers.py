"""Issue 18, the last items: recovery codes for authenticator users (13), retiring clinic
exercises and templates (3), the clinic's address, phone and logo on the handout (11), errors
next to over-long fields (14) and an Admin link that works for whoever sees it (15)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pyotp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from midback.care.models import AuditEvent, ProgramTemplate, StaffMember
from midback.content.models import Exercise
from tests.clinic.conftest import PASSWORD, Side
from tests.clinic.test_clinic_exercise_everywhere import with_clinic_exercise
from tests.clinic.test_portal import editor_post

# Recovery codes (13) ---------------------------------------------------------------------------


def turn_on_codes(side: Side) -> list[str]:
    """Set up the authenticator through the Account page; the recovery codes it shows once."""
    side.client.post("/clinic/account/", {"action": "start"})
    secret = side.client.session["totp_setup"]
    page = side.client.post(
        "/clinic/account/", {"action": "confirm", "code": pyotp.TOTP(secret).now()}
    )
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    codes = re.findall(
        r"<li><code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code></li>", page.content.decode()
    )
    return codes


def password_step(side: Side) -> Client:
    client = Client()
    response = client.post(
        "/clinic/login/", {"email": side.staff.user.username, "password": PASSWORD}
    )
    assert response["Location"].startswith("/clinic/login/code/")
    return client


def test_setting_up_the_authenticator_shows_ten_codes_once_and_stores_only_hashes(
    harbour: Side,
) -> None:
    codes = turn_on_codes(harbour)
    assert len(codes) == 10 and len(set(codes)) == 10
    harbour.staff.refresh_from_db()
    assert harbour.staff.totp_enabled and len(harbour.staff.recovery_codes) == 10
    stored = " ".join(harbour.staff.recovery_codes)
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)
    again = harbour.client.get("/clinic/account/").content.decode()
    assert not any(code in again for code in codes)
    assert "10 recovery codes left." in again


def test_a_recovery_code_signs_in_once_and_each_use_is_audited(harbour: Side) -> None:
    codes = turn_on_codes(harbour)
    client = password_step(harbour)
    typed = codes[3].upper().replace("-", " ")  # read off paper: case and spacing do not matter
    response = client.post("/clinic/login/code/", {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == "/clinic/"
    assert "You signed in with a recovery code; 9 of them are left." in response.content.decode()
    used = AuditEvent.objects.filter(
        clinic=harbour.clinic, object_type="StaffMember", detail__startswith="used a recovery code"
    )
    assert [e.detail for e in used] == ["used a recovery code to sign in (9 left)"]
    assert used[0].changes == {"recovery_codes_left": [10, 9]}
    assert AuditEvent.objects.filter(action="sign_in", detail="with a recovery code").exists()
    account = client.get("/clinic/account/").content.decode()
    assert "9 recovery codes left." in account

    second = password_step(harbour)
    refused = second.post("/clinic/login/code/", {"code": codes[3]})
    assert refused.status_code == 401
    assert "That recovery code is not right, or it was used before." in refused.content.decode()
    assert "_auth_user_id" not in second.session
    assert second.post("/clinic/login/code/", {"code": codes[4]}).status_code == 302


def test_wrong_recovery_codes_count_towards_the_lock_like_wrong_codes(harbour: Side) -> None:
    codes = turn_on_codes(harbour)
    client = password_step(harbour)
    for _ in range(4):
        assert client.post("/clinic/login/code/", {"code": "aaaa-bbbb-cccc"}).status_code == 401
    last = client.post("/clinic/login/code/", {"code": "aaaa-bbbb-cccc"})
    assert "Sign in with your password again" in last.content.decode()
    # The account is locked now: even a right recovery code does not get in, and stays unused.
    locked = password_step_or_none(harbour)
    assert locked is None
    harbour.staff.refresh_from_db()
    assert len(harbour.staff.recovery_codes) == 10 and codes


def password_step_or_none(side: Side) -> Client | None:
    client = Client()
    response = client.post(
        "/clinic/login/", {"email": side.staff.user.username, "password": PASSWORD}
    )
    return client if response.status_code == 302 else None


def test_making_new_codes_replaces_the_old_ones(harbour: Side) -> None:
    old = turn_on_codes(harbour)
    page = harbour.client.post("/clinic/account/", {"action": "recovery"})
    new = re.findall(r"<li><code>([a-z0-9-]{14})</code></li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert AuditEvent.objects.filter(detail="made new recovery codes").count() == 1
    client = password_step(harbour)
    assert client.post("/clinic/login/code/", {"code": old[0]}).status_code == 401
    assert client.post("/clinic/login/code/", {"code": new[0]}).status_code == 302


def test_turning_off_the_authenticator_drops_the_codes(harbour: Side) -> None:
    turn_on_codes(harbour)
    harbour.client.post("/clinic/account/", {"action": "disable"})
    harbour.staff.refresh_from_db()
    assert not harbour.staff.totp_enabled and harbour.staff.recovery_codes == []
    # Without an authenticator there is nothing to recover, and no codes are made.
    page = harbour.client.post("/clinic/account/", {"action": "recovery"}).content.decode()
    assert "<code>" not in page
    harbour.staff.refresh_from_db()
    assert harbour.staff.recovery_codes == []


# Retiring clinic exercises and templates (3) ---------------------------------------------------


def test_a_retired_exercise_is_not_offered_but_programs_keep_it(harbour: Side) -> None:
    exercise, version = with_clinic_exercise(harbour)
    patient = harbour.patient.pk
    response = harbour.client.post(
        f"/clinic/exercises/{exercise.pk}/retire/", {"retire": "yes"}, follow=True
    )
    assert "Foam roller extension is retired" in response.content.decode()
    exercise.refresh_from_db()
    assert exercise.retired_at is not None
    event = AuditEvent.objects.get(action="retire", object_type="Exercise")
    assert event.changes is not None and event.changes["retired_at"][0] is None

    editor = harbour.client.get(f"/clinic/patients/{patient}/program/").content.decode()
    assert f'value="{exercise.slug}"' in editor  # still a row of the program
    assert f'<option value="{exercise.slug}"' not in editor  # not offered to add
    assert "(retired: kept here, not offered for new programs)" in editor
    added = harbour.client.post(
        f"/clinic/patients/{patient}/program/",
        {**editor_post(harbour), "action": "add", "add_exercise": exercise.slug},
    ).content.decode()
    assert "Foam roller extension is retired and no longer offered" in added
    # The patient's program still plays and prints it.
    pdf = harbour.client.get(f"/clinic/patients/{patient}/handout.pdf")
    assert pdf.status_code == 200
    listing = harbour.client.get(f"/clinic/patients/{patient}/").content.decode()
    assert "Foam roller extension" in listing and version.number == 2

    page = harbour.client.get("/clinic/exercises/").content.decode()
    retired_part = page.split("<h2>Retired</h2>")[1]
    assert "Foam roller extension" in retired_part
    harbour.client.post(f"/clinic/exercises/{exercise.pk}/retire/", {"retire": "no"})
    exercise.refresh_from_db()
    assert exercise.retired_at is None
    editor = harbour.client.get(f"/clinic/patients/{patient}/program/").content.decode()
    assert "(retired:" not in editor


def test_a_used_exercise_cannot_be_deleted_and_an_unused_one_can(harbour: Side) -> None:
    exercise, _ = with_clinic_exercise(harbour)
    harbour.client.post(f"/clinic/exercises/{exercise.pk}/delete/", {"confirm": "yes"})
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_another_clinic_cannot_retire_it(harbour: Side, northside: Side) -> None:
    exercise, _ = with_clinic_exercise(harbour)
    response = northside.client.post(f"/clinic/exercises/{exercise.pk}/retire/", {"retire": "yes"})
    assert response.status_code == 404
    exercise.refresh_from_db()
    assert exercise.retired_at is None


def save_template(side: Side, name: str) -> ProgramTemplate:
    side.client.post(
        f"/clinic/patients/{side.patient.pk}/program/",
        {**editor_post(side), "action": "save_template", "template_name": name},
    )
    return ProgramTemplate.objects.get(clinic=side.clinic, name=name)


def test_a_template_is_renamed_retired_restored_and_deleted(harbour: Side, northside: Side) -> None:
    template = save_template(harbour, "Desk worker, gentle")
    save_template(harbour, "Taken")
    renamed = harbour.client.post(
        f"/clinic/templates/{template.pk}/rename/", {"name": "Desk worker, first week"}
    )
    assert renamed.status_code == 302
    template.refresh_from_db()
    assert template.name == "Desk worker, first week"
    clash = harbour.client.post(f"/clinic/templates/{template.pk}/rename/", {"name": "Taken"})
    assert clash.status_code == 400
    html = clash.content.decode()
    assert "A template called “Taken” exists already" in html and 'value="Taken"' in html
    long_name = "x" * 130
    too_long = harbour.client.post(
        f"/clinic/templates/{template.pk}/rename/", {"name": long_name}
    ).content.decode()
    field = too_long.split(f'id="name-{template.pk}"')[1].split("</form>")[0]
    assert "This name is 130 characters long; shorten it to 120 or fewer." in field
    assert f'value="{long_name}"' in too_long
    assert (
        northside.client.post(
            f"/clinic/templates/{template.pk}/retire/", {"retire": "yes"}
        ).status_code
        == 404
    )

    harbour.client.post(f"/clinic/templates/{template.pk}/retire/", {"retire": "yes"})
    template.refresh_from_db()
    assert template.retired_at is not None
    editor = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/program/").content.decode()
    offered = (
        editor.split('id="template_id"')[1].split("</select>")[0] if "template_id" in editor else ""
    )
    assert f'value="{template.pk}"' not in offered and "Taken" in offered
    used = harbour.client.post(
        f"/clinic/patients/{harbour.patient.pk}/program/",
        {**editor_post(harbour), "action": "template", "template_id": template.pk},
    ).content.decode()
    assert "is retired; restore it on the Templates page to use it." in used
    harbour.client.post(f"/clinic/templates/{template.pk}/retire/", {"retire": "no"})
    template.refresh_from_db()
    assert template.retired_at is None
    assert AuditEvent.objects.filter(object_type="ProgramTemplate", action="restore").exists()
    harbour.client.post(f"/clinic/templates/{template.pk}/delete/")
    assert not ProgramTemplate.objects.filter(pk=template.pk).exists()


# The clinic's details on the handout (11) ------------------------------------------------------


def logo_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (120, 48), (22, 72, 91)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_handout_prints_the_clinics_address_phone_logo_and_practitioner(
    harbour: Side, tmp_path: Path
) -> None:
    response = harbour.client.post(
        "/clinic/settings/",
        {
            "address": "12 Harbour Street,\nWilliamstown VIC 3016",
            "phone": "+61 3 9123 4567",
            "logo": SimpleUploadedFile("logo.png", logo_png(), content_type="image/png"),
        },
        follow=True,
    )
    assert "Saved: handouts now carry these details." in response.content.decode()
    event = AuditEvent.objects.get(object_type="Clinic", detail="clinic settings")
    assert event.changes is not None and event.changes["phone"] == ["", "+61 3 9123 4567"]
    assert harbour.client.get("/clinic/settings/logo/")["Content-Type"] == "image/png"

    pdf = tmp_path / "handout.pdf"
    pdf.write_bytes(
        harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/handout.pdf").content
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "12 Harbour Street, Williamstown VIC 3016" in text
    assert "Phone +61 3 9123 4567" in text
    assert "Priya Shah" in text  # the practitioner who made the version
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert ["120", "48"] in [line.split()[3:5] for line in listing.splitlines()[2:]]

    harbour.client.post("/clinic/settings/", {"address": "", "phone": "", "remove_logo": "on"})
    harbour.clinic.refresh_from_db()
    assert not harbour.clinic.logo and harbour.clinic.address == ""
    pdf.write_bytes(
        harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/handout.pdf").content
    )
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    assert ["120", "48"] not in [line.split()[3:5] for line in listing.splitlines()[2:]]


def test_bad_logos_and_phones_are_refused_by_name_and_nothing_is_saved(harbour: Side) -> None:
    gif = SimpleUploadedFile("logo.png", b"GIF89a" + b"\0" * 40, content_type="image/png")
    page = harbour.client.post(
        "/clinic/settings/", {"address": "1 New St", "phone": "call me", "logo": gif}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "That file is not a PNG or JPEG picture (checked by its content)." in html
    assert "Use digits, spaces and + ( ) - . only" in html
    assert 'value="call me"' in html and "1 New St" in html
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024))
    assert (
        "The logo is larger than 1 MB"
        in harbour.client.post("/clinic/settings/", {"logo": big}).content.decode()
    )
    harbour.clinic.refresh_from_db()
    assert harbour.clinic.address == "" and harbour.clinic.phone == "" and not harbour.clinic.logo


def test_only_owners_change_the_clinics_details(harbour: Side) -> None:
    harbour.staff.role = StaffMember.Role.PRACTITIONER
    harbour.staff.save()
    assert harbour.client.get("/clinic/settings/").status_code == 404
    assert harbour.client.post("/clinic/settings/", {"phone": "1"}).status_code == 404
    assert "/clinic/settings/" not in harbour.client.get("/clinic/").content.decode()


# Over-long text is named next to its field and kept (14) ---------------------------------------


def test_an_over_long_reason_and_note_are_named_next_to_their_fields(harbour: Side) -> None:
    note = "Stretch gently. " * 130  # 2,080 characters
    reason = "Review " * 50
    html = harbour.client.post(
        f"/clinic/patients/{harbour.patient.pk}/program/",
        {**editor_post(harbour, reps=1), "action": "save", "note": note, "reason": reason},
    ).content.decode()
    note_field = html.split('<label for="note">')[1].split("</div>")[0]
    assert "This note is 2079 characters long; shorten it to 2000 or fewer." in note_field
    assert note.strip() in note_field  # what was typed is kept
    reason_field = html.split('<label for="reason">')[1].split("</div>")[0]
    assert "This reason is 349 characters long; shorten it to 300 or fewer." in reason_field
    assert f'value="{reason}"' in reason_field
    assert "Nothing saved: see the fields marked below." in html
    long_fields = r'<(?:textarea|input)[^>]*name="(?:note|reason|proceed_reason)"[^>]*maxlength'
    assert not re.search(long_fields, html)  # a browser cuts none of them short silently
    assert harbour.patient.programs.get().current_id == harbour.version.pk


# The Admin link (15) ---------------------------------------------------------------------------


def test_the_owners_admin_link_opens_and_every_link_in_it_works(harbour: Side) -> None:
    dashboard = harbour.client.get("/clinic/").content.decode()
    assert 'href="/clinic/admin/"' in dashboard
    index = harbour.client.get("/clinic/admin/")
    assert index.status_code == 200
    html = index.content.decode()
    assert "Patients" in html and "not authorized" not in html
    for link in sorted(set(re.findall(r'href="(/clinic/admin/[^"#?]+)"', html))):
        response = harbour.client.get(link, follow=True)
        assert response.status_code == 200, link
        assert "not authorized" not in response.content.decode(), link
    # The admin's own password page is the portal's (validators and audit).
    moved = harbour.client.get("/clinic/admin/password_change/")
    assert moved["Location"] == "/clinic/account/password/"


def test_a_practitioner_is_not_shown_the_admin_link(harbour: Side) -> None:
    harbour.staff.role = StaffMember.Role.PRACTITIONER
    harbour.staff.save()
    dashboard = harbour.client.get("/clinic/").content.decode()
    assert "/clinic/admin/" not in dashboard


def test_hostile_clinic_details_get_a_clear_answer_and_nothing_half_saved(harbour: Side) -> None:
    for address, phone in [
        ("12 Harbour St\x00", "+61 3 9123 4567"),
        ("x" * 301, "+61 3 9123 4567"),
        ("12 Harbour St", "1" * 41),
        ("\x1b[2J", "<script>"),
        ("😀" * 300, "+61 (3) 9123-4567"),
    ]:
        response = harbour.client.post("/clinic/settings/", {"address": address, "phone": phone})
        assert response.status_code in (200, 302)
        harbour.clinic.refresh_from_db()
        if response.status_code == 200:
            assert 'class="error"' in response.content.decode()
            assert harbour.clinic.address == "" and harbour.clinic.phone == ""
        else:
            assert harbour.clinic.address == " ".join(address.split())
            harbour.client.post("/clinic/settings/", {"address": "", "phone": ""})


def test_the_clinic_export_carries_the_details_and_what_is_retired(harbour: Side) -> None:
    exercise, _ = with_clinic_exercise(harbour)
    harbour.client.post(f"/clinic/exercises/{exercise.pk}/retire/", {"retire": "yes"})
    template = save_template(harbour, "Desk worker, gentle")
    harbour.client.post(f"/clinic/templates/{template.pk}/retire/", {"retire": "yes"})
    harbour.client.post("/clinic/settings/", {"address": "12 Harbour St", "phone": "+61 3 1"})
    archive = zipfile.ZipFile(io.BytesIO(harbour.client.get("/clinic/export/").content))
    clinic = json.loads(archive.read("clinic.json"))
    assert clinic["clinic"]["address"] == "12 Harbour St" and clinic["clinic"]["phone"] == "+61 3 1"
    assert clinic["clinic"]["logo"] is False
    assert clinic["exercises"][0]["retired_at"] is not None
    assert clinic["templates"][0]["retired_at"] is not None
    assert "recovery" not in json.dumps(clinic["staff"])
