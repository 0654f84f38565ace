"""The clinic portal through HTTP: sign-in, patients, the program editor, follow-up, data duties."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pyotp
from django.test import Client
from django.utils import timezone

from midback.care.models import (
    AuditEvent,
    Invite,
    Patient,
    ProgramTemplate,
    ProgramVersion,
    SessionLog,
    StaffMember,
)
from midback.care.rollup import refresh_patient_day
from tests.clinic.conftest import INTAKE, PASSWORD, Side, log_stop, started_weeks_ago


def editor_post(side: Side, **extra: Any) -> dict[str, Any]:
    """The editor form as the browser posts it, from the side's current version."""
    work = INTAKE["work"]
    data: dict[str, Any] = {
        "pain_now": INTAKE["pain_now"],
        "pain_worst_24h": INTAKE["pain_worst_24h"],
        "irritability": INTAKE["irritability"],
        "work_type": work["type"],
        "work_days": work["days"],
        "work_start": work["start"],
        "work_end": work["end"],
        "work_lunch": work["lunch"],
        "work_timezone": work["timezone"],
        "work_breaks": work["breaks"],
        "work_hours_sitting": work["hours_sitting"],
        "minutes_per_day": INTAKE["minutes_per_day"],
        "preference": INTAKE["preference"],
    }
    items = side.version.plan["items"]
    data["item_count"] = len(items)
    for n, item in enumerate(items):
        data[f"item-{n}-exercise"] = item["exercise"]
        data[f"item-{n}-sets"] = item["sets"]
        data[f"item-{n}-reps"] = item["reps"] or ""
        data[f"item-{n}-hold_seconds"] = item["hold_seconds"] or ""
        data[f"item-{n}-range"] = item["range"]
    data.update(extra)
    return data


# Sign-in ---------------------------------------------------------------------------------------


def test_it_signs_in_with_email_and_password(harbour: Side) -> None:
    client = Client()
    response = client.post(
        "/clinic/login/", {"email": harbour.staff.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/clinic/"
    assert client.get("/clinic/").status_code == 200


def test_it_locks_the_account_after_five_failures(harbour: Side) -> None:
    client = Client()
    email = harbour.staff.user.username
    for _ in range(5):
        response = client.post("/clinic/login/", {"email": email, "password": "wrong"})
        assert response.status_code == 401
    response = client.post("/clinic/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 401
    assert "Too many failed attempts" in response.content.decode()


def test_unknown_and_wrong_passwords_get_the_same_message(harbour: Side) -> None:
    client = Client()
    a = client.post("/clinic/login/", {"email": "nobody@x.example", "password": "x"})
    b = client.post("/clinic/login/", {"email": harbour.staff.user.username, "password": "x"})
    assert "don&#x27;t match an account" in a.content.decode()
    assert "don&#x27;t match an account" in b.content.decode()


def test_it_asks_for_an_authenticator_code_when_turned_on(harbour: Side) -> None:
    secret = pyotp.random_base32()
    harbour.staff.totp_secret, harbour.staff.totp_enabled = secret, True
    harbour.staff.save()
    client = Client()
    response = client.post(
        "/clinic/login/", {"email": harbour.staff.user.username, "password": PASSWORD}
    )
    assert response["Location"].startswith("/clinic/login/code/")
    assert client.get("/clinic/").status_code == 302  # not signed in yet
    bad = client.post("/clinic/login/code/", {"code": "000000"})
    assert "not right" in bad.content.decode()
    good = client.post("/clinic/login/code/", {"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 302
    assert client.get("/clinic/").status_code == 200


def test_setting_up_the_authenticator_needs_a_valid_code(harbour: Side) -> None:
    client = harbour.client
    client.post("/clinic/account/", {"action": "start"})
    secret = client.session["totp_setup"]
    client.post("/clinic/account/", {"action": "confirm", "code": "123456"})
    harbour.staff.refresh_from_db()
    assert not harbour.staff.totp_enabled
    client.post("/clinic/account/", {"action": "confirm", "code": pyotp.TOTP(secret).now()})
    harbour.staff.refresh_from_db()
    assert harbour.staff.totp_enabled


def test_pages_need_a_signed_in_practitioner(harbour: Side) -> None:
    response = Client().get(f"/clinic/patients/{harbour.patient.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/clinic/login/")


# Patients --------------------------------------------------------------------------------------


def test_it_creates_searches_and_archives_patients(harbour: Side) -> None:
    client = harbour.client
    response = client.post(
        "/clinic/patients/new/",
        {"display_name": "Quinn Desk", "email": "", "time_zone": "Europe/London"},
    )
    quinn = Patient.objects.get(display_name="Quinn Desk")
    assert response["Location"] == f"/clinic/patients/{quinn.pk}/program/new/"
    assert quinn.clinic == harbour.clinic
    assert "Quinn Desk" in client.get("/clinic/patients/?q=quinn").content.decode()
    assert "Paul Harbour" not in client.get("/clinic/patients/?q=quinn").content.decode()
    archived = client.post(
        f"/clinic/patients/{quinn.pk}/archive/", {"archive": "1", "confirm": "yes"}, follow=True
    )
    assert "Quinn Desk is archived" in archived.content.decode()
    assert "Quinn Desk" not in client.get("/clinic/patients/").content.decode()
    assert "Quinn Desk" in client.get("/clinic/patients/?archived=1").content.decode()


def test_a_patient_needs_a_name(harbour: Side) -> None:
    response = harbour.client.post(
        "/clinic/patients/new/", {"display_name": "  ", "time_zone": "Europe/London"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode() or "Enter the patient" in (
        response.content.decode()
    )


def test_it_hides_other_clinics_patients(harbour: Side, northside: Side) -> None:
    client = harbour.client
    assert client.get(f"/clinic/patients/{northside.patient.pk}/").status_code == 404
    assert client.get("/clinic/patients/999999/").status_code == 404
    assert "Nora Northside" not in client.get("/clinic/patients/").content.decode()
    assert "Nora Northside" not in client.get("/clinic/").content.decode()


# Program editor --------------------------------------------------------------------------------


def test_the_editor_tailors_from_the_intake(harbour: Side) -> None:
    data = editor_post(harbour, action="tailor", item_count=0)
    response = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cat-Camel Stretch" in html and "Wall Angels" in html
    assert "Preview" in html


def test_a_dose_outside_the_range_is_refused_next_to_the_field(harbour: Side) -> None:
    data = editor_post(harbour, action="save", reason="More reps")
    index = next(
        n for n, item in enumerate(harbour.version.plan["items"]) if item["exercise"] == "cat-camel"
    )
    data[f"item-{index}-reps"] = 30
    response = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", data)
    html = response.content.decode()
    assert "Reps 30 is outside the library&#x27;s range for Cat-Camel Stretch (10–15)." in html
    assert "Give a clinical reason to go ahead with this, or change it." in html
    assert ProgramVersion.objects.filter(program__patient=harbour.patient).count() == 1


def test_saving_makes_a_new_version_with_author_and_reason(harbour: Side) -> None:
    data = editor_post(harbour, action="save", reason="Gentler after flare-up")
    data["item-0-range"] = "gentle"
    response = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", data)
    assert response.status_code == 302
    latest = ProgramVersion.objects.filter(program__patient=harbour.patient).latest("number")
    assert (latest.number, latest.reason, latest.author) == (
        2,
        "Gentler after flare-up",
        harbour.staff,
    )
    history = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/program/history/")
    assert "gentle range" in history.content.decode()


def test_saving_needs_a_reason(harbour: Side) -> None:
    data = editor_post(harbour, action="save", reason="")
    response = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", data)
    assert "Say why you are changing the program" in response.content.decode()


def test_rows_can_be_added_removed_and_reordered(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    first = harbour.version.plan["items"][0]["exercise"]
    second = harbour.version.plan["items"][1]["exercise"]
    html = harbour.client.post(url, editor_post(harbour, action="down-0")).content.decode()
    assert html.index(f'value="{second}"') < html.index(f'value="{first}"')
    html = harbour.client.post(url, editor_post(harbour, action="remove-0")).content.decode()
    assert f'name="item-0-exercise" value="{first}"' not in html
    data = editor_post(harbour, action="add", add_exercise="w-squeeze")
    html = harbour.client.post(url, data).content.decode()
    assert 'value="w-squeeze"' in html


def test_a_bad_work_time_is_named_next_to_its_field(harbour: Side) -> None:
    data = editor_post(harbour, action="preview", work_end="09:00")
    html = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", data)
    assert "must differ from work.start" in html.content.decode()


def test_a_program_can_be_saved_as_a_template_and_reused(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    harbour.client.post(
        url, editor_post(harbour, action="save_template", template_name="Desk worker — gentle")
    )
    template = ProgramTemplate.objects.get(clinic=harbour.clinic)
    assert template.name == "Desk worker — gentle"
    data = editor_post(harbour, action="template", template_id=template.pk, item_count=0)
    html = harbour.client.post(url, data).content.decode()
    assert 'name="item-0-exercise"' in html


def test_another_clinics_template_is_not_found(harbour: Side, northside: Side) -> None:
    theirs = ProgramTemplate.objects.create(clinic=northside.clinic, name="Theirs", plan={})
    data = editor_post(harbour, action="template", template_id=theirs.pk)
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    assert harbour.client.post(url, data).status_code == 404


# Hand-over -------------------------------------------------------------------------------------


def test_hand_over_makes_a_single_use_invite_with_a_qr_code(harbour: Side) -> None:
    response = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/invite/")
    html = response.content.decode()
    assert "<svg" in html and "/join/" in html
    invite = Invite.objects.get(patient=harbour.patient)
    code = html.split("/join/")[1].split("<")[0].strip("/ ")
    assert code not in invite.code_hash and len(code) >= 22


# Follow-up -------------------------------------------------------------------------------------


def test_the_dashboard_sorts_by_need_and_flags_a_rise_in_pain(harbour: Side) -> None:
    calm = harbour.patient
    sore = Patient.objects.create(
        clinic=harbour.clinic, display_name="Sam Sore", time_zone="UTC", baseline_pain=2
    )
    from midback.care.actions import do_save_program

    version = do_save_program(None, sore, harbour.version.plan, reason="x", intake=INTAKE)
    started_weeks_ago(version, 1)
    for days_ago in range(2):
        SessionLog.objects.create(
            clinic=harbour.clinic,
            patient=sore,
            program_version=version,
            block_day=timezone.localdate() - dt.timedelta(days=days_ago),
            started_at=timezone.now() - dt.timedelta(days=days_ago),
            pain_before=3,
            pain_after=6,
            completed=True,
        )
        refresh_patient_day(
            harbour.clinic.pk, sore.pk, timezone.localdate() - dt.timedelta(days=days_ago)
        )
    html = harbour.client.get("/clinic/").content.decode()
    assert html.index("Sam Sore") < html.index(calm.display_name)
    assert "Pain up 4 from baseline" in html
    assert "Worse after 2 sessions" in html


def test_the_dashboard_uses_a_fixed_number_of_queries(
    harbour: Side, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        Patient.objects.create(clinic=harbour.clinic, display_name=f"Extra {n}", time_zone="UTC")
    with django_assert_max_num_queries(10):
        assert harbour.client.get("/clinic/").status_code == 200


def test_a_stop_flag_suggests_stepping_down_and_applies_in_one_click(harbour: Side) -> None:
    log_stop(harbour, "cat-camel", "sharp pain", pain_during=7)
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "Suggested: step the dose down" in page
    assert "Stopped an exercise" in harbour.client.get("/clinic/").content.decode()
    harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/adjust/", {"version": 1})
    latest = ProgramVersion.objects.filter(program__patient=harbour.patient).latest("number")
    assert latest.number == 2 and "step down" in latest.reason


def test_the_patient_page_shows_timeline_and_charts(harbour: Side) -> None:
    html = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert html.count("<svg") >= 2
    assert "pain 4 → 3" in html


# Health-data duties ----------------------------------------------------------------------------


def test_reading_a_patient_writes_an_audit_row(harbour: Side) -> None:
    before = AuditEvent.objects.filter(clinic=harbour.clinic, action="read").count()
    harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/")
    event = AuditEvent.objects.filter(clinic=harbour.clinic, action="read").latest("at")
    assert AuditEvent.objects.filter(clinic=harbour.clinic, action="read").count() == before + 1
    assert event.actor.startswith(f"staff:{harbour.staff.user.pk}")
    assert event.ip == "127.0.0.1"


def test_the_audit_page_is_for_owners_only(harbour: Side) -> None:
    assert harbour.client.get("/clinic/audit/").status_code == 200
    harbour.staff.role = StaffMember.Role.PRACTITIONER
    harbour.staff.save()
    assert harbour.client.get("/clinic/audit/").status_code == 404


def test_a_patient_exports_as_json_and_csv(harbour: Side) -> None:
    data = json.loads(
        harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/export/?format=json").content
    )
    assert data["patient"]["name"] == "Paul Harbour"
    assert len(data["sessions"]) == 3 and len(data["program_versions"]) == 1
    assert {"reminder_settings", "push_subscriptions", "calendar_feeds"} <= set(data)
    csv_text = harbour.client.get(
        f"/clinic/patients/{harbour.patient.pk}/export/?format=csv"
    ).content.decode()
    assert csv_text.splitlines()[0].startswith("patient_id,patient,session_id,day,time")
    assert len(csv_text.splitlines()) == 4  # one row per exercise done


def test_the_clinic_export_is_a_zip_of_its_own_patients(harbour: Side, northside: Side) -> None:
    import io
    import zipfile

    response = harbour.client.get("/clinic/export/")
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert f"patients/{harbour.patient.pk}.json" in names
    assert f"patients/{northside.patient.pk}.json" not in names


def test_erasing_needs_the_name_and_removes_every_record(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/erase/"
    pk = harbour.patient.pk
    harbour.client.post(url, {"confirm_name": "someone else"})
    assert Patient.objects.filter(pk=pk).exists()
    harbour.client.post(url, {"confirm_name": "Paul Harbour"})
    assert not Patient.objects.filter(pk=pk).exists()
    assert not SessionLog.objects.filter(patient_id=pk).exists()
    assert not ProgramVersion.objects.filter(program__patient_id=pk).exists()
    event = AuditEvent.objects.filter(clinic=harbour.clinic, action="erase").get()
    assert event.object_id == "erased" and "Paul" not in event.detail


def test_owners_invite_and_remove_staff(harbour: Side) -> None:
    response = harbour.client.post(
        "/clinic/staff/", {"email": "new@harbour.example", "role": "practitioner"}
    )
    link = response.content.decode().split("/clinic/join/")[1].split("/")[0]
    newcomer = Client()
    newcomer.post(
        f"/clinic/join/{link}/", {"display_name": "Noah New", "password": "a long password 42"}
    )
    member = StaffMember.objects.get(display_name="Noah New")
    assert member.clinic == harbour.clinic and member.role == "practitioner"
    assert newcomer.get("/clinic/").status_code == 200
    assert Client().get(f"/clinic/join/{link}/").status_code == 404  # single use
    harbour.client.post(f"/clinic/staff/{member.pk}/remove/", {"confirm": "yes"})
    assert not StaffMember.objects.filter(pk=member.pk).exists()
    assert newcomer.get("/clinic/").status_code == 302


def test_the_handout_is_a_pdf_of_the_current_program(harbour: Side, northside: Side) -> None:
    response = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/handout.pdf?paper=Letter")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    bad = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/handout.pdf?paper=A3")
    assert bad.status_code == 400
    other = harbour.client.get(f"/clinic/patients/{northside.patient.pk}/handout.pdf")
    assert other.status_code == 404


def test_the_handout_with_a_qr_code_makes_an_invite(harbour: Side) -> None:
    response = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/handout.pdf")
    assert response.content.startswith(b"%PDF")
    assert Invite.objects.filter(patient=harbour.patient).count() == 1


# Django admin, scoped to the owner's clinic ----------------------------------------------------


def test_an_owner_sees_only_their_clinics_patients_in_the_admin(
    harbour: Side, northside: Side
) -> None:
    page = harbour.client.get("/clinic/admin/care/patient/").content.decode()
    assert "Paul Harbour" in page and "Nora Northside" not in page
    theirs = harbour.client.get(f"/clinic/admin/care/patient/{northside.patient.pk}/change/")
    assert theirs.status_code == 302  # the admin's "does not exist", never the record


def test_an_owner_edits_a_patient_in_the_admin_and_it_is_audited(harbour: Side) -> None:
    url = f"/clinic/admin/care/patient/{harbour.patient.pk}/change/"
    response = harbour.client.post(
        url,
        {
            "display_name": "Paul H.",
            "email": "paul@mail.example",
            "time_zone": "Australia/Melbourne",
            "archived_at_0": "",
            "archived_at_1": "",
        },
    )
    assert response.status_code == 302
    harbour.patient.refresh_from_db()
    assert harbour.patient.display_name == "Paul H."
    assert AuditEvent.objects.filter(clinic=harbour.clinic, detail="clinic admin").exists()


def test_practitioners_and_strangers_cannot_use_the_clinic_admin(harbour: Side) -> None:
    assert Client().get("/clinic/admin/").status_code == 302
    harbour.staff.role = StaffMember.Role.PRACTITIONER
    harbour.staff.save()
    response = harbour.client.get("/clinic/admin/care/patient/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/clinic/login/?next=")
    assert "Paul Harbour" not in response.content.decode()


def test_saving_an_intake_with_a_red_flag_records_it_and_saves_no_program(harbour: Side) -> None:
    data = editor_post(harbour, action="save", reason="Review", red_flags=["chest_pain"])
    html = harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", data)
    assert "Red flags recorded" in html.content.decode()
    harbour.patient.refresh_from_db()
    assert harbour.patient.red_flags == ["chest_pain"]
    assert ProgramVersion.objects.filter(program__patient=harbour.patient).count() == 1
    dashboard = harbour.client.get("/clinic/").content.decode()
    assert "Red-flag answers" in dashboard
    clean = editor_post(harbour, action="save", reason="Cleared by GP")
    harbour.client.post(f"/clinic/patients/{harbour.patient.pk}/program/", clean)
    harbour.patient.refresh_from_db()
    assert harbour.patient.red_flags == []
