"""The printable handout: a patient's program on paper (A4 or Letter), made with WeasyPrint.

The page is a Django template with a print stylesheet; this module turns a stored plan into the
words and pictures the template lays out: the weekly schedule grouped by identical days, each
exercise with its start and end illustrations, steps, dose and safety notes, and a log grid.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import fontpkg_atkinson_hyperlegible
import segno
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from midback.content.illustration import UnknownIllustration, render_svg
from midback.content.loader import Library
from midback.content.schema import ExerciseSpec
from midback.plans.intake import DAYS
from midback.plans.protocol import DEFAULT_PROTOCOL
from midback.plans.schema import Block, Plan, PlanItem
from midback.plans.vocabulary import WEEKDAYS, choices

Paper = Literal["A4", "Letter"]
PAPERS: tuple[Paper, ...] = ("A4", "Letter")
DAY_SHORT = dict(choices(WEEKDAYS, "patient"))
# Sentences of the plan's advice that the handout's safety box already says in its own words.
_GENERIC_ADVICE = ("out of 10", "seek medical care", "does not diagnose")
_TEMPLATE_DIR = Path(__file__).parent / "templates" / "clinic"
# The handout carries its own font, so a program prints the same on any server whatever fonts
# it has: Atkinson Hyperlegible (Braille Institute, OFL 1.1; the licence sits beside the files in
# the `fontpkg-atkinson-hyperlegible` package), drawn for legibility at low vision. It is
# declared under a name of MidBack's own, so no installed font can ever stand in for it.
HANDOUT_FONT = "MidBack Handout Atkinson Hyperlegible"
_FONT_FILES = Path(fontpkg_atkinson_hyperlegible.ROOT) / "files"
_FONT_FACES = (
    ("Regular", "normal", "normal"),
    ("Bold", "bold", "normal"),
    ("Italic", "normal", "italic"),
    ("BoldItalic", "bold", "italic"),
)
_MAX_TIME_COLUMNS = 7
_MORNING = frozenset({"before", "morning"})
_EVENING = frozenset({"after", "evening"})
KIND_WORDS = {
    "break": gettext_lazy("short break"),
    "before": gettext_lazy("before work"),
    "after": gettext_lazy("after work"),
    "before_shift": gettext_lazy("before your shift"),
    "after_shift": gettext_lazy("after your shift"),
    "morning": gettext_lazy("morning"),
    "evening": gettext_lazy("evening"),
}


@dataclass(frozen=True)
class Session:
    """One scheduled session as the handout prints it."""

    time: str
    what: str
    minutes: int


@dataclass(frozen=True)
class DayGroup:
    """Days that share the same sessions, e.g. "Mon–Fri: 09:30, 11:00 … (short breaks at work)"."""

    days: tuple[str, ...]
    label: str
    summary: str
    sessions: tuple[Session, ...]


@dataclass(frozen=True)
class LogRow:
    """One day of the "My week" grid: the session times of that day, padded to the widest day."""

    day: str
    cells: tuple[str | None, ...]


def dose_words(item: PlanItem) -> str:
    """The prescribed dose in words: "1 set of 12 reps", "hold 20 s each side, 2 sets"."""
    sets = ngettext("%(n)d set", "%(n)d sets", item.sets) % {"n": item.sets}
    side = _(" each side") if item.per_side else ""
    if item.reps is not None:
        text = _("%(sets)s of %(reps)d reps") % {"sets": sets, "reps": item.reps} + side
        if item.hold_seconds is not None:
            text += _(", holding %(hold)d s each time") % {"hold": item.hold_seconds}
    else:
        text = _("hold %(hold)d s") % {"hold": item.hold_seconds or 0} + side + ", " + sets
    if item.sets > 1:
        text += _(", %(rest)d s rest between sets") % {"rest": item.rest_seconds}
    return text


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return _("%(first)s and %(last)s") % {"first": ", ".join(words[:-1]), "last": words[-1]}


def _day_ranges(days: Sequence[str]) -> str:
    """ "Mon–Fri", "Sat–Sun", "Mon, Wed, Fri": runs of consecutive days joined by a dash."""
    indexes = sorted(DAYS.index(d) for d in days)
    runs: list[list[int]] = []
    for i in indexes:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    parts = [
        DAY_SHORT[DAYS[r[0]]]
        if len(r) == 1
        else f"{DAY_SHORT[DAYS[r[0]]]}–{DAY_SHORT[DAYS[r[-1]]]}"
        for r in runs
    ]
    return ", ".join(parts)


def _summary(sessions: Sequence[tuple[str, str]]) -> str:
    """ "09:30, 11:00 and 13:30 (short breaks at work)", or each time with what it is for."""
    kinds = {kind for _time, kind in sessions}
    times = [time for time, _kind in sessions]
    if kinds == {"break"}:
        return _("%(times)s (short breaks at work)") % {"times": _join(times)}
    if kinds <= {"morning", "evening"}:
        return _("%(times)s (the whole routine)") % {"times": _join(times)}
    breaks = [time for time, kind in sessions if kind == "break"]
    if breaks:
        # Short breaks at work, then the routine outside work (the floor and kneeling exercises).
        rest = [(time, kind) for time, kind in sessions if kind != "break"]
        return "; ".join([_summary([(t, "break") for t in breaks]), _summary(rest)])
    return _join([f"{time} ({KIND_WORDS[kind]})" if kind else time for time, kind in sessions])


def _names(slugs: Sequence[str], library: Library, total: int) -> str:
    if len(slugs) == total and total > 2:
        return _("All %(n)d exercises") % {"n": total}
    return " + ".join(_name(library, s) for s in slugs)


def _name(library: Library, slug: str) -> str:
    spec = library.get(slug)
    return spec.name if spec is not None else slug


def schedule_groups(plan: Plan, library: Library) -> list[DayGroup]:
    """The week summarised: days with the same sessions grouped, in week order."""
    by_day: dict[str, list[Block]] = {d: [] for d in DAYS}
    for block in plan.schedule:
        by_day.setdefault(block.day, []).append(block)
    keyed: dict[tuple[tuple[str, str, tuple[str, ...], int], ...], list[str]] = {}
    for day in DAYS:
        key = tuple(
            (b.time, b.kind or "", tuple(b.exercises), b.minutes)
            for b in sorted(by_day[day], key=lambda b: b.time)
        )
        keyed.setdefault(key, []).append(day)
    total = len(plan.items)
    groups = []
    for same, days in keyed.items():
        sessions = tuple(Session(t, _names(ex, library, total), m) for t, _k, ex, m in same)
        summary = _summary([(t, k) for t, k, _e, _m in same]) if sessions else _("no sessions")
        groups.append(DayGroup(tuple(days), _day_ranges(days), summary, sessions))
    return groups


def log_grid(plan: Plan) -> tuple[list[str], list[LogRow]]:
    """Column headings and rows (Mon–Sun) for the pen-and-paper log of one week.

    Columns are morning and evening for whole-routine plans, else the week's distinct session
    times (so a 09:30 column means 09:30 every day), else "Session 1…N" when there are too many.
    """
    days = {d: sorted((b for b in plan.schedule if b.day == d), key=lambda b: b.time) for d in DAYS}
    width = max(len(blocks) for blocks in days.values())
    kinds = {b.kind for b in plan.schedule}
    if width == 0 or (width <= 2 and kinds <= _MORNING | _EVENING):
        headings = [_("Morning"), _("Evening")]
        cells = {
            d: tuple(
                next((b.time for b in blocks if b.kind in part), None) if width else ""
                for part in (_MORNING, _EVENING)
            )
            for d, blocks in days.items()
        }
    elif len(times := sorted({b.time for b in plan.schedule})) <= _MAX_TIME_COLUMNS:
        headings = times
        cells = {
            d: tuple("" if t in {b.time for b in blocks} else None for t in times)
            for d, blocks in days.items()
        }
    else:
        headings = [_("Session %(n)d") % {"n": i + 1} for i in range(width)]
        cells = {
            d: tuple(blocks[i].time if i < len(blocks) else None for i in range(width))
            for d, blocks in days.items()
        }
    return headings, [LogRow(DAY_SHORT[d], cells[d]) for d in DAYS]


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def _caption(svg: str) -> str:
    """The keyframe name from the SVG's title, e.g. "cow" from "…: start position (cow)"."""
    match = re.search(r"<title[^>]*>[^<]*?\(([^)<]+)\)", svg)
    return match.group(1) if match else ""


def _pictures(slug: str) -> dict[str, str] | None:
    try:
        start, end = render_svg(slug, "start"), render_svg(slug, "end")
    except UnknownIllustration:
        return None  # a clinic's own exercise may have no drawing yet: the steps still print
    return {
        "start": _svg_uri(start),
        "end": _svg_uri(end),
        "start_caption": _caption(start),
        "end_caption": _caption(end),
    }


def _photo(image: tuple[bytes, str] | None) -> dict[str, str] | None:
    """A clinic's own exercise prints its uploaded picture (the drawings are the library's)."""
    if not image or not image[0]:
        return None
    data, kind = image
    return {"photo": f"data:{kind};base64," + base64.b64encode(data).decode("ascii")}


def _exercise(
    number: int, item: PlanItem, spec: ExerciseSpec | None, image: tuple[bytes, str] | None = None
) -> dict[str, Any]:
    if spec is None:
        return {"number": number, "name": item.exercise, "dose": dose_words(item), "steps": []}
    gentle = ""
    if item.range == "gentle":
        gentle = spec.gentle_range or _("Move only within a smaller, comfortable range.")
    return {
        "number": number,
        "name": spec.name,
        "summary": spec.summary,
        "position": spec.position,
        "equipment": ", ".join(spec.equipment),
        "steps": spec.steps,
        "dose": dose_words(item),
        "gentle": gentle,
        "safety": spec.safety,
        "pictures": _pictures(spec.slug) or _photo(image),
    }


def _special_advice(advice: str) -> list[str]:
    sentences = re.split(r"(?<=\.)\s+(?=[A-Z])", advice.strip())
    return [s for s in sentences if s and not any(g in s for g in _GENERIC_ADVICE)]


def _qr_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#16485b")


def _context(
    *,
    clinic_name: str,
    patient_name: str,
    made_on: date,
    version_number: int,
    plan: Plan,
    library: Library,
    note: str,
    paper: Paper,
    invite_url: str | None,
    images: dict[str, tuple[bytes, str]] | None = None,
    practitioner: str = "",
    clinical: list[str] | None = None,
    clinic_address: str = "",
    clinic_phone: str = "",
    logo: tuple[bytes, str] | None = None,
) -> dict[str, Any]:
    headings, rows = log_grid(plan)
    p = DEFAULT_PROTOCOL
    photo = _photo(logo)
    return {
        "clinic_name": clinic_name,
        "clinic_address": clinic_address.strip(),
        "clinic_phone": clinic_phone.strip(),
        "logo_uri": photo["photo"] if photo else "",
        "patient_name": patient_name,
        "practitioner": practitioner,
        "clinical": clinical or [],
        "made_on": date_format(made_on, "j F Y"),
        "version_number": version_number,
        "note": note.strip(),
        "paper": paper,
        "groups": schedule_groups(plan, library),
        "minutes_a_day": _minutes_a_day(plan),
        "exercises": [
            _exercise(n, item, library.get(item.exercise), (images or {}).get(item.exercise))
            for n, item in enumerate(plan.items, start=1)
        ],
        "special_advice": _special_advice(plan.advice),
        "log_headings": headings,
        "log_rows": rows,
        "pain_scale": range(11),
        "qr_uri": _qr_uri(invite_url) if invite_url else None,
        "pain_ok": p.acceptable_pain_during,
        "pain_stop": p.stop_pain_above,
        "settle_minutes": p.settle_minutes,
        "timezone_note": next((r for r in plan.reasons if r.startswith("Times are local")), ""),
        "font_family": HANDOUT_FONT,
        "font_faces": font_faces(),
    }


def font_faces() -> str:
    """The `@font-face` rules for the handout's own font, pointing at the packaged files."""
    return "\n".join(
        f'@font-face {{ font-family: "{HANDOUT_FONT}"; font-weight: {weight}; '
        f'font-style: {style}; src: url("{(_FONT_FILES / f"AtkinsonHyperlegible-{face}.ttf").as_uri()}"); }}'
        for face, weight, style in _FONT_FACES
    )


def _minutes_a_day(plan: Plan) -> str:
    totals = sorted({sum(b.minutes for b in plan.schedule if b.day == d) for d in DAYS} - {0})
    if not totals:
        return ""
    if len(totals) == 1:
        return _("about %(n)d minutes a day") % {"n": totals[0]}
    return _("%(low)d–%(high)d minutes a day") % {"low": totals[0], "high": totals[-1]}


def render_handout(
    *,
    clinic_name: str,
    patient_name: str,
    made_on: date,
    version_number: int,
    plan: dict[str, Any],
    library: Library,
    note: str,
    paper: Paper,
    invite_url: str | None = None,
    images: dict[str, tuple[bytes, str]] | None = None,
    practitioner: str = "",
    clinical: list[str] | None = None,
    clinic_address: str = "",
    clinic_phone: str = "",
    logo: tuple[bytes, str] | None = None,
) -> bytes:
    """The handout as PDF bytes: a stored plan dict laid out for print on A4 or Letter.

    `clinical` (the clinic's copy only): the practitioner's recorded clinical reasons, printed
    at the end for the clinic's file; the patient's copy never carries them. The clinic's
    address, phone and logo (image bytes and MIME type) go in the masthead when given.
    Raises `ValueError` for an unknown paper size or a `seek_care` plan (it has no program).
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be 'A4' or 'Letter', not {paper!r}")
    program = Plan.model_validate(plan)
    if program.status != "ok":
        raise ValueError("a seek_care plan has no program to print: show its advice instead")
    context = _context(
        clinic_name=clinic_name,
        patient_name=patient_name,
        made_on=made_on,
        version_number=version_number,
        plan=program,
        library=library,
        note=note,
        paper=paper,
        invite_url=invite_url,
        images=images,
        practitioner=practitioner,
        clinical=clinical,
        clinic_address=clinic_address,
        clinic_phone=clinic_phone,
        logo=logo,
    )
    return render_pdf(render_to_string("clinic/handout.html", context))


def render_pdf(html: str) -> bytes:
    """A printable HTML document (with its own `@page` and font-face rules) as PDF bytes."""
    from weasyprint import HTML  # a 0.5 s import: only pay for it when a PDF is made

    pdf = HTML(string=html, base_url=str(_TEMPLATE_DIR)).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when no target is given
    return bytes(pdf)
