"""A clinic's own exercises: the same fields as the library's, and an uploaded picture.

The form is turned into the data-file schema (`ExerciseSpec`) and validated by it, so a custom
exercise can do everything a built-in one can: be tailored, scripted for the player and printed.
Pictures are checked by their content (PNG, JPEG or WebP signature, then decoded by Pillow),
never by their name; a re-encoded copy of reasonable size (not the upload) is kept in the
database next to the version it belongs to.
"""

from __future__ import annotations

import io
import json
import warnings
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.text import slugify
from pydantic import ValidationError

from midback.care.audit import audit
from midback.care.models import Clinic
from midback.care.validators import CleanInputForm
from midback.content.models import Exercise, ExerciseVersion
from midback.content.schema import AIM_LABELS, ExerciseSpec

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 24_000_000  # what a phone camera takes; more is refused before decoding
SERVED_SIDE = 1600  # the longest side of the stored copy: sharp on a phone, light to send
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", "PNG"),
    b"\xff\xd8\xff": ("image/jpeg", "JPEG"),
}
DEMANDS = [
    ("floor", "Kneeling or getting down to the floor"),
    ("overhead", "Arms overhead"),
    ("wall", "A free wall"),
    ("hands_weight", "Weight on the hands"),
    ("end_range_bending", "End-range or loaded forward bending"),
    ("bending_twisting", "Bending with twisting"),
    ("belly_pressure", "Pressure on the belly"),
]


def picture_kind(data: bytes) -> tuple[str, str] | None:
    """(MIME type, Pillow format) read from the picture's signature, or None."""
    kind = next((v for sig, v in SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        kind = ("image/webp", "WEBP")
    return kind


def reencode_picture(data: bytes, side: int = SERVED_SIDE) -> tuple[bytes, str]:
    """A re-encoded copy of the upload, at most `side` pixels on its longest side, without
    the upload's metadata; ValueError (in a person's words) when it is not a picture we take.

    The pixel count is read from the header and refused before anything is decoded, so a small
    file that declares an enormous picture costs nothing."""
    kind = picture_kind(data)
    if kind is None:
        raise ValueError("That file is not a PNG, JPEG or WebP picture (checked by its content).")
    from PIL import Image, ImageOps, UnidentifiedImageError

    too_big = (
        f"The picture has too many pixels; please use one of at most "
        f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels (for example 4000 x 3000)."
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=[kind[1]])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(too_big) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValueError(
            "That file could not be read as a PNG, JPEG or WebP picture (checked by its content)."
        ) from exc
    try:
        with picture:
            width, height = picture.size
            if width * height > MAX_IMAGE_PIXELS:
                raise ValueError(too_big)
            picture.load()
            upright = ImageOps.exif_transpose(picture)
            upright.thumbnail((side, side))
            if kind[1] == "JPEG" and upright.mode not in ("RGB", "L"):
                upright = upright.convert("RGB")
            out = io.BytesIO()
            options: dict[str, Any] = {"optimize": True}
            if kind[1] in ("JPEG", "WEBP"):
                options["quality"] = 85
            upright.save(out, format=kind[1], **options)
    except ValueError:
        raise
    except (Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise ValueError(
            "That file could not be read as a PNG, JPEG or WebP picture (checked by its content)."
        ) from exc
    return out.getvalue(), kind[0]


# Rows of step fields the form offers (the library's own exercises have at most six steps).
STEP_ROWS = 8


class CustomExerciseForm(CleanInputForm, forms.Form):
    """A clinic's exercise in the library's fields; steps as rows of text, breathing cue and
    seconds (the first row gets into position; for a hold, the last row is the hold)."""

    name = forms.CharField(max_length=80)
    summary = forms.CharField(max_length=300, help_text="One sentence: what it does.")
    aims = forms.MultipleChoiceField(
        choices=list(AIM_LABELS.items()), widget=forms.CheckboxSelectMultiple
    )
    role = forms.ChoiceField(
        label="Trains",
        choices=[
            ("flexion-extension", "Arching and rounding"),
            ("extension", "Extension of the upper back"),
            ("rotation", "Rotation"),
            ("shoulder-blades", "Shoulder blades and posture"),
            ("stretch", "Stretch"),
        ],
    )
    position = forms.CharField(max_length=300)
    equipment = forms.MultipleChoiceField(
        required=False,
        choices=[("mat", "Mat"), ("chair", "Chair"), ("wall", "Wall"), ("table", "Table")],
        widget=forms.CheckboxSelectMultiple,
    )
    demands = forms.MultipleChoiceField(
        required=False,
        choices=DEMANDS,
        widget=forms.CheckboxSelectMultiple,
        help_text="What it asks of the body, so the planner keeps it from people who can't.",
    )
    measure = forms.ChoiceField(choices=[("reps", "Repetitions"), ("hold", "A hold")])
    low = forms.IntegerField(min_value=1, max_value=120, label="Dose from")
    high = forms.IntegerField(min_value=1, max_value=120, label="Dose to")
    per_side = forms.BooleanField(required=False, label="Each side")
    sets_high = forms.IntegerField(min_value=1, max_value=5, initial=2, label="Sets up to")
    safety = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), help_text="When to stop: one note per line."
    )
    image = forms.FileField(
        required=False,
        label="Picture (PNG, JPEG or WebP, up to 2 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(1, STEP_ROWS + 1):
            self.fields[f"step_{n}_text"] = forms.CharField(
                label=f"Step {n}", max_length=200, required=False
            )
            self.fields[f"step_{n}_breath"] = forms.CharField(
                label=f"Step {n}: breathing cue", max_length=80, required=False
            )
            self.fields[f"step_{n}_seconds"] = forms.IntegerField(
                label=f"Step {n}: seconds", min_value=1, max_value=600, required=False
            )

    def main_fields(self) -> list[forms.BoundField]:
        return [f for f in self if not f.name.startswith("step_")]

    def step_rows(self) -> list[tuple[int, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (n, self[f"step_{n}_text"], self[f"step_{n}_breath"], self[f"step_{n}_seconds"])
            for n in range(1, STEP_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        filled = [n for n in range(1, STEP_ROWS + 1) if (data.get(f"step_{n}_text") or "").strip()]
        for n in range(1, STEP_ROWS + 1):
            if n not in filled and (data.get(f"step_{n}_breath") or data.get(f"step_{n}_seconds")):
                self.add_error(f"step_{n}_text", "Say what to do in this step, or clear its cue.")
        if len(filled) < 2:
            self.add_error(
                "step_1_text", "Give at least two steps: getting into position, then the movement."
            )
        return data

    def clean_image(self) -> tuple[bytes, str] | None:
        upload: UploadedFile | None = self.cleaned_data.get("image")
        if not upload:
            return None
        if upload.size is not None and upload.size > MAX_IMAGE_BYTES:
            raise forms.ValidationError("The picture is larger than 2 MB; please make it smaller.")
        data = upload.read(MAX_IMAGE_BYTES + 1)
        if len(data) > MAX_IMAGE_BYTES:
            raise forms.ValidationError("The picture is larger than 2 MB; please make it smaller.")
        try:
            return reencode_picture(data)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def spec(self, slug: str) -> ExerciseSpec | None:
        """The exercise in the data-file schema, or None with errors added to the fields."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        if data["low"] > data["high"]:
            self.add_error("high", "Must be at least the dose it starts from.")
            return None
        steps = []
        rows = [
            (
                data[f"step_{n}_text"].strip(),
                (data[f"step_{n}_breath"] or "").strip(),
                data[f"step_{n}_seconds"],
            )
            for n in range(1, STEP_ROWS + 1)
            if (data.get(f"step_{n}_text") or "").strip()
        ]
        for number, (text, breath, seconds) in enumerate(rows):
            last = number == len(rows) - 1
            kind = (
                "setup"
                if number == 0
                else ("hold" if data["measure"] == "hold" and last else "move")
            )
            steps.append(
                {
                    "kind": kind,
                    "text": text,
                    "breath": breath or "Breathe normally",
                    "seconds": seconds or (None if kind == "hold" else 3),
                }
            )
        span = [data["low"], data["high"]]
        raw: dict[str, Any] = {
            "slug": slug,
            "name": data["name"].strip(),
            "summary": data["summary"].strip(),
            "aims": data["aims"],
            "role": data["role"],
            "position": data["position"].strip(),
            "equipment": data["equipment"],
            "demands": data["demands"],
            "steps": steps,
            "dose": {
                "reps": span if data["measure"] == "reps" else None,
                "hold_seconds": span if data["measure"] == "hold" else None,
                "per_side": data["per_side"],
                "sets": [1, data["sets_high"]],
            },
            "safety": [line.strip() for line in data["safety"].splitlines() if line.strip()],
        }
        try:
            return ExerciseSpec.model_validate_json(json.dumps(raw))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = str(first["loc"][0]) if first["loc"] else "name"
            field = where if where in self.fields else "step_1_text"
            self.add_error(field, f"{'.'.join(map(str, first['loc']))}: {first['msg']}")
            return None


def initial_of(spec: ExerciseSpec) -> dict[str, Any]:
    dose = spec.dose
    span = dose.reps or dose.hold_seconds or (1, 1)
    return {
        "name": spec.name,
        "summary": spec.summary,
        "aims": list(spec.aims),
        "role": spec.role,
        "position": spec.position,
        "equipment": list(spec.equipment),
        "demands": list(spec.demands),
        **{
            f"step_{n}_{part}": value
            for n, step in enumerate(spec.steps, start=1)
            for part, value in (
                ("text", step.text),
                ("breath", step.breath),
                ("seconds", step.seconds),
            )
        },
        "measure": dose.kind,
        "low": span[0],
        "high": span[1],
        "per_side": dose.per_side,
        "sets_high": dose.sets[1],
        "safety": "\n".join(spec.safety),
    }


def new_slug(clinic: Clinic, name: str) -> str:
    base = f"c{clinic.pk}-{slugify(name)[:40] or 'exercise'}"
    slug, n = base, 2
    while Exercise.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def do_save_custom_exercise(
    request: HttpRequest,
    clinic: Clinic,
    exercise: Exercise | None,
    form: CustomExerciseForm,
) -> Exercise | None:
    """Create the exercise or add a version when its content or picture changed."""
    slug = exercise.slug if exercise else new_slug(clinic, form.data.get("name", ""))
    spec = form.spec(slug)
    if spec is None:
        return None
    picture = form.cleaned_data.get("image")
    previous = exercise.current if exercise else None
    if previous is None and picture is None:
        form.add_error("image", "Add a picture so patients can see the position.")
        return None
    if exercise is None:
        exercise = Exercise.objects.create(slug=slug, clinic=clinic, order=1000)
    digest = spec.content_hash()
    if previous is not None and previous.content_hash == digest and picture is None:
        return exercise
    image, kind = picture if picture else (bytes(previous.image or b""), previous.image_type)  # type: ignore[union-attr]
    exercise.current = ExerciseVersion.objects.create(
        exercise=exercise,
        clinic=clinic,
        number=(previous.number + 1) if previous else 1,
        content=spec.model_dump(mode="json"),
        content_hash=digest,
        image=image,
        image_type=kind,
    )
    exercise.save(update_fields=["current"])
    audit(request, clinic, "update" if previous else "create", exercise, spec.name)
    return exercise
