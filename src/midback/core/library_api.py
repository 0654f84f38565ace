"""Library endpoints: GET /api/v1/exercises and /api/v1/exercises/{slug}."""

from __future__ import annotations

import orjson
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Schema

from midback.care.api_errors import ErrorOut
from midback.care.compiled import Compiled
from midback.content.access import get_library_exercise, library_exercises
from midback.content.models import Exercise
from midback.content.schema import ExerciseSpec
from midback.frozen import digest, frozen_bytes

router = Router(tags=["library"])


class StepOut(Schema):
    number: int
    kind: str
    text: str
    breath: str
    seconds: int | None


class DoseOut(Schema):
    kind: str
    reps: list[int] | None
    hold_seconds: list[int] | None
    per_side: bool
    sets: list[int]
    rest_seconds: int
    text: str


class ExerciseOut(Schema):
    slug: str
    version: int
    name: str
    summary: str
    aims: list[str]
    position: str
    equipment: list[str]
    demands: list[str]
    steps: list[StepOut]
    dose: DoseOut
    safety: list[str]
    swaps: list[str]
    replaces: str | None
    serves: list[str]
    illustration: dict[str, str]
    url: str


def dose_text(spec: ExerciseSpec) -> str:
    """The dose in words, e.g. '10–15 reps' or 'hold 10–20 s each side'."""
    dose = spec.dose

    def span(pair: tuple[int, int]) -> str:
        return f"{pair[0]}" if pair[0] == pair[1] else f"{pair[0]}–{pair[1]}"

    parts = []
    if dose.reps:
        parts.append(f"{span(dose.reps)} reps")
    if dose.hold_seconds:
        parts.append(f"hold {span(dose.hold_seconds)} s")
    text = ", ".join(parts)
    return f"{text} each side" if dose.per_side else text


def exercise_out(exercise: Exercise) -> dict[str, object]:
    assert exercise.current is not None
    spec = exercise.current.spec
    svg = reverse("content:illustration", args=[spec.slug])
    data = spec.model_dump(mode="json")
    data.pop("schema_version")
    data.pop("gentle_drops")
    data.pop("gentle_range")
    data.pop("role")
    return {
        **data,
        "version": exercise.current.number,
        "steps": [
            {"number": n, **step.model_dump(mode="json")} for n, step in enumerate(spec.steps, 1)
        ],
        "dose": {
            **spec.dose.model_dump(mode="json"),
            "kind": spec.dose.kind,
            "text": dose_text(spec),
        },
        "illustration": {
            "animated": svg,
            "start": f"{svg}?frame=start",
            "end": f"{svg}?frame=end",
        },
        "url": reverse("content:detail", args=[spec.slug]),
    }


# Bump when the list's JSON changes shape (old cache entries are then never read again).
LIST_FORMAT = 1


# Which versions are current: the one query of a list request, compiled once (care/compiled.py).
_CURRENT_IDS = Compiled(lambda: library_exercises().values_list("current_id"))


def _list_json() -> tuple[bytes, str]:
    """The list as bytes, built once per set of current exercise versions (a version never
    changes) and shared by every worker; a request only reads which versions are current."""
    current = [version_id for (version_id,) in _CURRENT_IDS.rows()]
    key = digest(current)

    def build() -> bytes:
        exercises = library_exercises().filter(current_id__in=current)
        return orjson.dumps(
            [ExerciseOut.model_validate(exercise_out(e)).model_dump(mode="json") for e in exercises]
        )

    return frozen_bytes("library", LIST_FORMAT, key, build), f'"{LIST_FORMAT}-{key}"'


@router.get("exercises", response=list[ExerciseOut], summary="List the exercise library")
def list_exercises(request: HttpRequest) -> HttpResponse:
    body, etag = _list_json()
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    return response


@router.get(
    "exercises/{slug}",
    response={200: ExerciseOut, 404: ErrorOut},
    summary="One exercise, current version",
)
def get_exercise(request: HttpRequest, slug: str) -> dict[str, object]:
    return exercise_out(get_library_exercise(slug))
