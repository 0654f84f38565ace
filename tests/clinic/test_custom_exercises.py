"""A clinic's own exercises: same fields as the library's, a picture checked by content, versions."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.content.models import Exercise
from tests.clinic.conftest import Side


def png(size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 110)).save(buffer, format="PNG")
    return buffer.getvalue()


def form(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Foam roller extension",
        "summary": "Lie over a foam roller across the upper back and let it open.",
        "aims": ["mobility"],
        "role": "extension",
        "position": "Lying on your back over a foam roller, hands behind the head.",
        "equipment": ["mat"],
        "demands": ["floor"],
        "step_1_text": "Lie back over the roller",
        "step_1_breath": "Breathe normally",
        "step_1_seconds": 8,
        "step_2_text": "Lean back over the roller",
        "step_2_breath": "Breathe in",
        "step_2_seconds": 3,
        "step_3_text": "Come back up",
        "step_3_breath": "Breathe out",
        "step_3_seconds": 3,
        "measure": "reps",
        "low": 6,
        "high": 10,
        "sets_high": 2,
        "safety": "Stop with sharp pain or tingling.",
        "image": SimpleUploadedFile("roller.png", png(), content_type="image/png"),
    }
    data.update(extra)
    return data


def test_a_clinic_adds_an_exercise_with_a_picture(harbour: Side) -> None:
    response = harbour.client.post("/clinic/exercises/new/", form())
    assert response.status_code == 302
    exercise = Exercise.objects.get(clinic=harbour.clinic)
    assert exercise.slug == f"c{harbour.clinic.pk}-foam-roller-extension"
    assert exercise.current is not None and exercise.current.image_type == "image/png"
    spec = exercise.current.spec
    assert [s.kind for s in spec.steps] == ["setup", "move", "move"]
    assert spec.dose.reps == (6, 10)
    picture = harbour.client.get(f"/exercises/{exercise.slug}/illustration.svg")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/png"
    # The bytes served are the stored picture's, and they decode to the uploaded picture.
    assert picture.content == bytes(exercise.current.image or b"")
    with Image.open(io.BytesIO(picture.content)) as served:
        assert served.format == "PNG" and served.size == (40, 30)


def test_a_file_that_only_claims_to_be_a_picture_is_refused(harbour: Side) -> None:
    fake = SimpleUploadedFile("roller.png", b"<html>not a png</html>", content_type="image/png")
    response = harbour.client.post("/clinic/exercises/new/", form(image=fake))
    assert "not a PNG, JPEG or WebP picture (checked by its content)" in response.content.decode()
    assert not Exercise.objects.filter(clinic=harbour.clinic).exists()


def test_a_picture_over_two_megabytes_is_refused(harbour: Side) -> None:
    big = SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (2 * 1024 * 1024))
    response = harbour.client.post("/clinic/exercises/new/", form(image=big))
    assert "larger than 2 MB" in response.content.decode()


def test_a_dose_range_the_wrong_way_round_is_named(harbour: Side) -> None:
    response = harbour.client.post("/clinic/exercises/new/", form(low=12, high=8))
    assert "Must be at least the dose it starts from." in response.content.decode()
    assert not Exercise.objects.filter(clinic=harbour.clinic).exists()


def test_editing_adds_a_version_and_keeps_the_picture(harbour: Side) -> None:
    harbour.client.post("/clinic/exercises/new/", form())
    exercise = Exercise.objects.get(clinic=harbour.clinic)
    data = form(summary="Roll the upper back open, one segment at a time.")
    data.pop("image")
    harbour.client.post(f"/clinic/exercises/{exercise.pk}/", data)
    exercise.refresh_from_db()
    assert exercise.current is not None and exercise.current.number == 2
    assert bytes(exercise.current.image or b"").startswith(b"\x89PNG")


def test_the_editor_offers_the_clinics_own_exercises(harbour: Side) -> None:
    harbour.client.post("/clinic/exercises/new/", form())
    html = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/program/").content.decode()
    assert "Foam roller extension" in html


def test_another_clinic_never_sees_it(harbour: Side, northside: Side) -> None:
    harbour.client.post("/clinic/exercises/new/", form())
    exercise = Exercise.objects.get(clinic=harbour.clinic)
    assert northside.client.get(f"/clinic/exercises/{exercise.pk}/").status_code == 404
    assert northside.client.get(f"/exercises/{exercise.slug}/illustration.svg").status_code == 404
    assert Client().get(f"/exercises/{exercise.slug}/illustration.svg").status_code == 404
    assert "Foam roller" not in northside.client.get("/clinic/exercises/").content.decode()
    assert "Foam roller" not in Client().get("/exercises/").content.decode()
    assert Client().get("/api/v1/exercises/" + exercise.slug).status_code == 404


def test_the_clinics_patient_sees_the_picture(harbour: Side) -> None:
    from django.test import RequestFactory

    harbour.client.post("/clinic/exercises/new/", form())
    exercise = Exercise.objects.get(clinic=harbour.clinic)
    _, token = do_start_device_session(RequestFactory().get("/"), harbour.patient)
    patient = Client()
    patient.cookies[COOKIE_NAME] = token
    assert patient.get(f"/exercises/{exercise.slug}/illustration.svg").status_code == 200


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares `width` x `height` pixels (a decompression bomb's shape)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def test_a_picture_declaring_fifty_thousand_pixels_square_is_refused(harbour: Side) -> None:
    bomb = SimpleUploadedFile("bomb.png", png_declaring(50_000, 50_000))
    response = harbour.client.post("/clinic/exercises/new/", form(image=bomb))
    assert response.status_code == 200
    assert "too many pixels" in response.content.decode()
    assert not Exercise.objects.filter(clinic=harbour.clinic).exists()


def test_a_small_file_of_nine_thousand_pixels_square_is_refused(harbour: Side) -> None:
    buffer = io.BytesIO()
    Image.new("1", (9000, 9000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    response = harbour.client.post(
        "/clinic/exercises/new/", form(image=SimpleUploadedFile("huge.png", buffer.getvalue()))
    )
    assert "too many pixels" in response.content.decode()
    assert not Exercise.objects.filter(clinic=harbour.clinic).exists()


def test_a_large_photo_is_stored_as_a_smaller_reencoded_copy(harbour: Side) -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (3200, 2400), (200, 120, 40)).save(buffer, format="JPEG", quality=95)
    response = harbour.client.post(
        "/clinic/exercises/new/", form(image=SimpleUploadedFile("photo.jpg", buffer.getvalue()))
    )
    assert response.status_code == 302
    stored = Exercise.objects.get(clinic=harbour.clinic).current
    assert stored is not None and stored.image_type == "image/jpeg"
    with Image.open(io.BytesIO(bytes(stored.image or b""))) as served:
        assert served.size == (1600, 1200)
    assert bytes(stored.image or b"") != buffer.getvalue()


def test_exercise_zero_is_an_id_not_a_new_exercise(harbour: Side) -> None:
    assert harbour.client.get("/clinic/exercises/0/").status_code == 404


def test_steps_are_rows_of_fields_and_an_empty_text_is_named(harbour: Side) -> None:
    html = harbour.client.get("/clinic/exercises/new/").content.decode()
    assert 'name="step_1_text"' in html and 'name="step_8_seconds"' in html
    response = harbour.client.post(
        "/clinic/exercises/new/", form(step_2_text="", step_3_text="", step_3_breath="In")
    )
    text = response.content.decode()
    assert "Say what to do in this step, or clear its cue." in text
    assert "Give at least two steps" in text
    assert not Exercise.objects.filter(clinic=harbour.clinic).exists()
