"""Library pages: the list, one exercise, and its illustration."""

from __future__ import annotations

from typing import Literal

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from midback.care.access import get_exercise_for_viewer
from midback.content.access import library_exercises
from midback.content.schema import AIM_LABELS
from midback.core.library_api import dose_text
from midback.plans.vocabulary import CONSTRAINTS, words

# The SVG is its own document: it may style itself but never run or load anything.
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


@require_GET
def exercise_list(request: HttpRequest) -> HttpResponse:
    exercises = list(library_exercises())
    specs = [(e, e.current.spec) for e in exercises if e.current]
    source = [(e, s, dose_text(s)) for e, s in specs if s.replaces is None]
    alternatives = [(e, s, dose_text(s)) for e, s in specs if s.replaces is not None]
    return render(
        request,
        "content/exercise_list.html",
        {"source": source, "alternatives": alternatives},
    )


@require_GET
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # A clinic's own exercise is shown to that clinic's staff and patients (404 to others).
    exercise = get_exercise_for_viewer(request, slug)
    assert exercise.current is not None
    spec = exercise.current.spec
    related_slugs = list(spec.swaps) + ([spec.replaces] if spec.replaces else [])
    names = {
        e.slug: e.current.spec.name
        for e in library_exercises().filter(slug__in=related_slugs)
        if e.current
    }
    return render(
        request,
        "content/exercise_detail.html",
        {
            "exercise": exercise,
            "spec": spec,
            "version": exercise.current.number,
            "aims": [AIM_LABELS[a] for a in spec.aims],
            "dose": dose_text(spec),
            "swaps": [(s, names.get(s, s)) for s in spec.swaps],
            "replaces": (spec.replaces, names.get(spec.replaces, spec.replaces))
            if spec.replaces
            else None,
            "serves": [_lower_first(words(CONSTRAINTS, c, "clinician")) for c in spec.serves],
        },
    )


@require_GET
def illustration(request: HttpRequest, slug: str) -> HttpResponse:
    from midback.content.illustration import UnknownIllustration, render_svg

    asked = request.GET.get("frame") or None
    frames: dict[str | None, Literal["start", "end"] | None] = {
        None: None,
        "start": "start",
        "end": "end",
    }
    if asked not in frames:
        return HttpResponse(
            "frame must be 'start' or 'end' (or absent for the animation)",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    frame = frames[asked]
    exercise = get_exercise_for_viewer(request, slug)
    version = exercise.current
    if exercise.clinic_id is not None and version is not None:
        if not version.image:
            raise Http404(f"No picture for '{slug}'")
        picture = HttpResponse(bytes(version.image), content_type=version.image_type)
        picture["Cache-Control"] = "private, max-age=3600"
        return picture
    try:
        svg = render_svg(slug, frame)
    except UnknownIllustration:
        raise Http404(f"No illustration for '{slug}'") from None
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Security-Policy"] = SVG_CSP
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
