"""The self-guided intake: short phone-first steps, the red-flag screen first.

Answers build up in the Django session; every step is checked by the tailoring engine's own
`parse_intake` (so the page and the engine can never disagree), keeping the errors that belong to
that step's fields. A red flag ends at the seek-care page; otherwise the plan is shown with its
reasons and "Save my plan" creates the person, their program and this device's sign-in.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from midback.care.devices import set_device_cookie
from midback.care.patient_actions import do_self_guided_signup
from midback.care.programs import current_library
from midback.plans import vocabulary as v
from midback.plans.cleaning import clean_line
from midback.plans.intake import IntakeError, parse_intake
from midback.plans.planner import plan as make_plan
from midback.plans.schema import Plan
from midback.practice.programs import DAYS

SESSION_KEY = "self_guided_intake"

RED_FLAGS = v.choices(v.RED_FLAGS, "patient")
IRRITABILITY = [(t.code, t.patient, t.hint) for t in v.IRRITABILITY]
WORK_TYPES = v.choices(v.WORK_TYPES, "patient")
BREAKS = v.choices(v.BREAKS, "patient")
DAY_NAMES = dict(v.choices(v.WEEKDAYS, "patient"))
CONSTRAINTS = v.choices(v.CONSTRAINTS, "patient")
MINUTES = list(v.MINUTE_CHOICES)
PREFERENCES = [(t.code, t.patient, t.hint) for t in v.PREFERENCES]

# Answers used only to check one step before the later steps are filled in.
PLACEHOLDER: dict[str, Any] = {
    "red_flags": [],
    "pain_now": 3,
    "pain_worst_24h": 5,
    "irritability": "moderate",
    "work": {
        "type": "desk",
        "days": ["mon", "tue", "wed", "thu", "fri"],
        "start": "09:00",
        "end": "17:00",
        "lunch": None,
        "timezone": "UTC",
        "breaks": "yes",
        "hours_sitting": 6,
    },
    "constraints": [],
    "minutes_per_day": 15,
    "preference": "auto",
}

LABELS = {
    "pain_now": "Pain now",
    "pain_worst_24h": "Worst pain in the last 24 hours",
    "irritability": "How easily it flares",
    "work.type": "Work",
    "work.days": "Work days",
    "work.start": "Start",
    "work.end": "Finish",
    "work.lunch": "Lunch",
    "work.timezone": "Time zone",
    "work.breaks": "Breaks",
    "work.hours_sitting": "Hours sitting",
    "minutes_per_day": "Minutes a day",
    "preference": "Routine",
    "constraints": "Limits",
}


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]


STEPS = [
    Step("safety", "First, a safety check", ("red_flags",)),
    Step("pain", "How your back feels", ("pain_now", "pain_worst_24h", "irritability")),
    Step("work", "Your working day", ("work",)),
    Step("fit", "What suits you", ("constraints", "minutes_per_day", "preference")),
]
STEP_BY_SLUG = {s.slug: s for s in STEPS}


@cache
def time_zones() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z and "Etc" not in z)


def _answers(request: HttpRequest) -> dict[str, Any]:
    answers = request.session.get(SESSION_KEY)
    return answers if isinstance(answers, dict) else {}


def _merged(answers: dict[str, Any]) -> dict[str, Any]:
    data = {
        **PLACEHOLDER,
        **{k: v for k, v in answers.items() if k not in ("work", "cleared_flags")},
    }
    data["work"] = {**PLACEHOLDER["work"], **answers.get("work", {})}
    return data


def _number(value: str) -> Any:
    """A form's digits as a number; anything else is passed on for the engine to reject."""
    value = value.strip()
    return int(value) if value.isdigit() else value


def _read_step(step: Step, post: Any) -> dict[str, Any]:
    if step.slug == "safety":
        return {"red_flags": [f for f in post.getlist("red_flags") if f]}
    if step.slug == "pain":
        out: dict[str, Any] = {}
        for name in ("pain_now", "pain_worst_24h", "irritability"):
            if post.get(name, "") != "":
                out[name] = _number(post[name]) if name != "irritability" else post[name]
        return out
    if step.slug == "work":
        work: dict[str, Any] = {"days": post.getlist("days"), "lunch": post.get("lunch") or None}
        for name in ("type", "start", "end", "timezone", "breaks"):
            if post.get(name, "") != "":
                work[name] = post[name].strip()
        if post.get("hours_sitting", "") != "":
            work["hours_sitting"] = _number(post["hours_sitting"])
        return {"work": work}
    out = {"constraints": [c for c in post.getlist("constraints") if c]}
    for name in ("minutes_per_day", "preference"):
        if post.get(name, "") != "":
            out[name] = _number(post[name]) if name == "minutes_per_day" else post[name]
    return out


# The engine names fields for integrators; a person gets the problem in their own words.
WORDS = {
    ("work.end", "end_equals_start"): (
        "Finish must be a different time from Start (a finish earlier than the start means a "
        "night shift)."
    ),
    ("pain_worst_24h", "inconsistent"): (
        "The worst pain in the last 24 hours cannot be lower than your pain now."
    ),
    ("work.timezone", "unknown_timezone"): "Choose your time zone from the list.",
    ("work.timezone", "missing"): "Choose your time zone from the list.",
}


def _in_words(key: str, name: str, error: dict[str, str]) -> str:
    """One intake problem as a person reads it: never a field code or a library's phrase."""
    code = error.get("code", "")
    if (key, code) in WORDS:
        return WORDS[(key, code)]
    label = LABELS.get(key, "This answer")
    if code == "missing":
        return f"Please answer this: {label.lower()}."
    if code == "invalid_choice":
        return f"Please choose one of the options for {label.lower()}."
    if code == "invalid_time":
        return f"{label}: write a time such as 09:00."
    if code == "duplicate":
        return f"{label}: choose each one only once."
    message = error.get("error", "")
    if message.startswith(name):
        message = message[len(name) :].strip(" :")
    # Anything else: the engine's words about the value, after the person's name for the field.
    for code_name, words in LABELS.items():
        message = message.replace(code_name, words.lower())
    return f"{label} {message}".strip() + ("" if message.endswith(".") else ".")


def _errors_for(step: Step, given: dict[str, Any], answers: dict[str, Any]) -> dict[str, str]:
    """This step's problems, as the engine words them, keyed by field."""
    data = _merged({**answers, **given})
    # A field this step asks for but did not get is "required", not filled in from placeholders.
    for name in step.fields:
        if name not in given:
            data.pop(name, None)
    if step.slug == "work":
        for name in ("type", "start", "end", "timezone", "breaks", "hours_sitting"):
            if name not in given["work"]:
                data["work"].pop(name, None)
    try:
        parse_intake(data)
    except IntakeError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors:
            name = error["field"]
            if name.split(".")[0] not in step.fields:
                continue
            key = ".".join(name.split(".")[:2])
            errors.setdefault(key, _in_words(key, name, error))
        return errors
    return {}


def _plan_for(answers: dict[str, Any]) -> tuple[Plan, dict[str, Any]]:
    intake = parse_intake(_merged(answers))
    return make_plan(intake, current_library()), intake.model_dump(mode="json")


def _context(step: Step, answers: dict[str, Any], **extra: Any) -> dict[str, Any]:
    number = STEPS.index(step) + 1
    return {
        "step": step,
        "number": number,
        "count": len(STEPS) + 1,
        "back": reverse("practice:start_step", args=[STEPS[number - 2].slug])
        if number > 1
        else None,
        "answers": _merged(answers) if step.slug != "safety" else answers,
        "given": answers,
        "red_flags": RED_FLAGS,
        "irritability": IRRITABILITY,
        "work_types": WORK_TYPES,
        "breaks": BREAKS,
        "days": list(DAY_NAMES.items()),
        "constraints": CONSTRAINTS,
        "minutes": MINUTES,
        "preferences": PREFERENCES,
        "scale": range(11),
        "time_zones": time_zones() if step.slug == "work" else [],
        "errors": {},
        **extra,
        # The work step's messages by field, so each sits next to its own field.
        "work_errors": {
            key.split(".", 1)[1]: message
            for key, message in extra.get("errors", {}).items()
            if key.startswith("work.")
        },
    }


@never_cache
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, step: str = "safety") -> HttpResponse:
    """One step of the intake: GET shows it, POST checks it and moves on."""
    current = STEP_BY_SLUG.get(step)
    if current is None:
        raise Http404("No such step")
    answers = _answers(request)
    index = STEPS.index(current)
    if index > 0 and answers.get("red_flags"):
        return redirect("practice:seek_care")
    # Coming in halfway (a bookmark, an old tab) starts at the first unanswered step.
    for earlier in STEPS[:index]:
        if not all(f in answers for f in earlier.fields):
            return redirect("practice:start_step", earlier.slug)
    if request.method == "GET":
        return render(request, "practice/start.html", _context(current, answers))
    given = _read_step(current, request.POST)
    errors = _errors_for(current, given, answers)
    if errors:
        context = _context(current, {**answers, **given}, errors=errors)
        return render(request, "practice/start.html", context, status=422)
    answers.update(given)
    request.session[SESSION_KEY] = answers
    if answers.get("red_flags"):
        return redirect("practice:seek_care")
    if index + 1 < len(STEPS):
        return redirect("practice:start_step", STEPS[index + 1].slug)
    return redirect("practice:start_plan")


@never_cache
@require_http_methods(["GET", "POST"])
def seek_care(request: HttpRequest) -> HttpResponse:
    """Seek-care advice. POST: "a doctor has seen me and said exercise is fine" carries on with
    the intake; the flags and that answer are kept and recorded with the program."""
    answers = _answers(request)
    if not answers.get("red_flags"):
        return redirect("practice:start")
    if request.method == "POST" and request.POST.get("doctor_cleared") == "yes":
        answers["cleared_flags"] = answers["red_flags"]
        answers["red_flags"] = []
        request.session[SESSION_KEY] = answers
        return redirect("practice:start_step", STEPS[1].slug)
    result, _ = _plan_for({"red_flags": answers["red_flags"]})
    flags = dict(RED_FLAGS)
    return render(
        request,
        "practice/seek_care.html",
        {
            "plan": result,
            "flags": [flags.get(f, f) for f in answers["red_flags"]],
            "emergency": result.urgency == "emergency",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def plan_page(request: HttpRequest) -> HttpResponse:
    """The plan with its reasons; POST ("Save my plan") stores it and signs this device in."""
    answers = _answers(request)
    if answers.get("red_flags"):
        return redirect("practice:seek_care")
    if not all(f in answers for s in STEPS for f in s.fields):
        return redirect("practice:start")
    result, intake = _plan_for(answers)
    error = ""
    if request.method == "POST":
        name = request.POST.get("display_name", "").strip()
        try:
            clean_line(name)
        except ValueError as exc:
            error = f"Your name {exc}."
        if not error and len(name) > 120:
            error = "Please use a name of at most 120 characters."
        if not error:
            _, _, _, token = do_self_guided_signup(
                request,
                display_name=name,
                intake=intake,
                plan=result.model_dump(mode="json"),
                cleared_flags=answers.get("cleared_flags") or None,
            )
            request.session.pop(SESSION_KEY, None)
            response = redirect("practice:today")
            set_device_cookie(response, token)
            return response
    library = current_library()
    names = {slug: spec.name for slug, spec in library.items()}
    week: dict[str, list[Any]] = {d: [] for d in DAYS}
    for block in result.schedule:
        week[block.day].append((block, [names.get(s, s) for s in block.exercises]))
    return render(
        request,
        "practice/start_plan.html",
        {
            "plan": result,
            "items": [(item, names.get(item.exercise, item.exercise)) for item in result.items],
            "week": [(DAY_NAMES[d], blocks) for d, blocks in week.items()],
            "error": error,
            "count": len(STEPS) + 1,
            "back": reverse("practice:start_step", args=[STEPS[-1].slug]),
            "timezone": intake["work"]["timezone"],
        },
        status=422 if error else 200,
    )
