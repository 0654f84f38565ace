"""Library ranges and restrictions are the default and the warning, not a wall: the editor warns
with the reason and the alternative, and a practitioner may go ahead with a clinical reason that
the version, its history and the audit trail keep."""

from __future__ import annotations

from typing import Any

from midback.care.models import AuditEvent, ProgramVersion
from tests.clinic.conftest import Side
from tests.clinic.test_portal import editor_post


def one_row(side: Side, exercise: str, reps: int, **extra: Any) -> dict[str, Any]:
    data = editor_post(side, item_count=1, **extra)
    for key in [k for k in data if k.startswith("item-") and not k.startswith("item-0-")]:
        del data[key]
    data.update(
        {
            "item-0-exercise": exercise,
            "item-0-sets": 1,
            "item-0-reps": reps,
            "item-0-hold_seconds": "",
            "item-0-range": "full",
        }
    )
    return data


def latest(side: Side) -> ProgramVersion:
    return ProgramVersion.objects.filter(program__patient=side.patient).latest("number")


def test_a_restricted_exercise_warns_and_offers_the_alternative(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    data = one_row(harbour, "cat-camel", 10, constraints=["no_floor"], action="preview")
    html = harbour.client.post(url, data).content.decode()
    assert "Cat-Camel Stretch needs kneeling or getting down to the floor" in html
    assert 'value="swap-0"' in html and "Use Seated Cat-Camel" in html

    refused = harbour.client.post(url, {**data, "action": "save", "reason": "Kneeling ok"})
    assert "Give a clinical reason to go ahead" in refused.content.decode()
    assert latest(harbour).number == 1

    swapped = harbour.client.post(url, {**data, "action": "swap-0"}).content.decode()
    assert 'name="item-0-exercise" value="seated-cat-camel"' in swapped
    assert "needs kneeling" not in swapped


def test_keeping_a_restricted_exercise_records_the_choice_and_reason(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    why = "Kneels on a cushion without trouble; checked in clinic"
    data = one_row(harbour, "cat-camel", 10, constraints=["no_floor"], action="save")
    data.update({"reason": "Keep cat-camel", "item-0-why": why})
    assert harbour.client.post(url, data).status_code == 302
    version = latest(harbour)
    assert version.number == 2
    item = version.plan["items"][0]
    assert item["exercise"] == "cat-camel" and why in item["reason"]
    assert "needs kneeling" in item["reason"]
    history = harbour.client.get(f"{url}history/").content.decode()
    assert "Clinical decisions recorded" in history and why in history
    event = AuditEvent.objects.filter(clinic=harbour.clinic, action="create").latest("pk")
    assert why in event.detail


def test_a_dose_outside_the_library_range_saves_with_a_reason(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    why = "Trained rower; 20 reps is her usual warm-up"
    data = one_row(harbour, "cat-camel", 20, action="save", reason="More reps")
    assert "Give a clinical reason" in harbour.client.post(url, data).content.decode()
    data.update({"item-0-why": why, "budget": "keep"})
    assert harbour.client.post(url, data).status_code == 302
    assert latest(harbour).plan["items"][0]["reps"] == 20
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "Reps 20 is outside the library&#x27;s range" in page and why in page


def test_a_dose_past_the_hard_limit_is_an_error_whatever_the_reason(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    data = one_row(harbour, "cat-camel", 500, action="save", reason="x", **{"item-0-why": "y"})
    html = harbour.client.post(url, data).content.decode()
    assert "Reps must be from 1 to 100." in html
    assert latest(harbour).number == 1


def test_a_practitioner_proceeds_past_a_red_flag_with_a_reason(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    data = editor_post(harbour, action="save", reason="Cleared", red_flags=["cancer_history"])
    blocked = harbour.client.post(url, data).content.decode()
    assert "no program saved" in blocked
    why = "Past breast cancer, cleared for exercise by her GP in October"
    data["proceed_reason"] = why
    assert harbour.client.post(url, data).status_code == 302
    version = latest(harbour)
    assert version.plan["status"] == "ok" and version.plan["items"]
    assert any(why in reason for reason in version.plan["reasons"])
    assert version.intake is not None and version.intake["red_flags"] == ["cancer_history"]
    page = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/").content.decode()
    assert "history of cancer" in page and why in page


def test_the_clinic_copy_of_the_handout_carries_the_reason(harbour: Side, tmp_path: Any) -> None:
    import subprocess

    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    why = "Trained rower; twenty reps is her usual warm-up"
    data = one_row(harbour, "cat-camel", 20, action="save", reason="More reps")
    data.update({"item-0-why": why, "budget": "keep"})
    assert harbour.client.post(url, data).status_code == 302
    texts = {}
    for copy in ("clinic", "patient"):
        response = harbour.client.get(
            f"/clinic/patients/{harbour.patient.pk}/handout.pdf?paper=A4&copy={copy}"
        )
        pdf = tmp_path / f"{copy}.pdf"
        pdf.write_bytes(response.content)
        texts[copy] = " ".join(
            subprocess.run(
                ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
            ).stdout.split()
        )
    assert "Clinic copy" in texts["clinic"] and why in texts["clinic"]
    assert "Priya Shah" in texts["patient"]
    assert why not in texts["patient"] and "Clinic copy" not in texts["patient"]
