"""The patient's pages: welcome, join by invite, today, the player, progress, check-in, devices,
plus the service worker and the web app manifest that make the app installable and offline.

Every page after sign-in finds its patient through `patient_required` (`get_patient_for_device`).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError

from midback.care.devices import (
    COOKIE_NAME,
    InviteError,
    current_device,
    do_redeem_invite,
    do_revoke_devices,
    do_sign_out_device,
    get_patient_for_device,
    invite_problem,
    patient_required,
    set_device_cookie,
)
from midback.care.errors import LogError
from midback.care.models import CheckIn, DeviceSession, Patient, RotationCheck
from midback.care.outcomes import asks_global_change
from midback.care.patient_actions import (
    do_password_sign_in,
    do_record_checkin,
    do_record_rotation_check,
    do_set_account,
)
from midback.care.ratelimit import too_many, too_many_sign_ins
from midback.care.schemas import CheckInIn, RotationCheckIn
from midback.plans.outcomes import GROC_WORDS
from midback.plans.schedule import blocks_on
from midback.practice import jinja, programs
from midback.practice.accounts import AccountForm, SignInForm
from midback.practice.frames import framed
from midback.practice.progress import progress_for
from midback.practice.week import play_url, today_for

STATIC_DIR = Path(__file__).parent / "static" / "practice"
# Ten tries in ten minutes per address is plenty for a person and useless for guessing.
JOIN_LIMIT, JOIN_WINDOW = 10, 600


def _patient(request: HttpRequest) -> Patient:
    patient = getattr(request, "patient", None)
    assert isinstance(patient, Patient)
    return patient


@require_GET
def welcome(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "practice/welcome.html",
        {"signed_in": get_patient_for_device(request) is not None},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Email and password, for a patient who set them up on their first device."""
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and too_many_sign_ins(request):
        error = "Too many sign-in attempts from this network. Wait 15 minutes and try again."
        return render(request, "practice/sign_in.html", {"form": form, "error": error}, status=429)
    if request.method == "POST" and form.is_valid():
        result = do_password_sign_in(
            request, form.cleaned_data["email"], form.cleaned_data["password"]
        )
        if isinstance(result, str):
            error = result
        else:
            response = redirect("practice:today")
            set_device_cookie(response, result[1])
            return response
    return render(
        request,
        "practice/sign_in.html",
        {"form": form, "error": error},
        status=401 if error else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link. GET asks to confirm (so a link preview never uses the invite); POST signs in."""
    if too_many(request, "join", JOIN_LIMIT, JOIN_WINDOW):
        response = render(request, "practice/join.html", {"limited": True}, status=429)
        response["Retry-After"] = str(JOIN_WINDOW)
        return response
    if request.method == "GET":
        problem = invite_problem(code)
        if problem:
            return render(request, "practice/join.html", {"error": problem}, status=410)
        return render(request, "practice/join.html", {"code": code})
    try:
        _, token = do_redeem_invite(request, code)
    except InviteError as exc:
        return render(request, "practice/join.html", {"error": str(exc)}, status=400)
    response = redirect("practice:today")
    set_device_cookie(response, token)
    return response


@lru_cache(maxsize=64)
def _day_words(day: date, language: str | None) -> str:
    """ "Tuesday 1 December", in the active language (the same day is asked for all day)."""
    return date_format(day, "l j F")


@cache
def _status_words(language: str | None) -> dict[str, str]:
    return {
        "done": gettext("Done"),
        "partial": gettext("Partly done"),
        "now": gettext("Now"),
        "next": gettext("Next"),
        "missed": gettext("Not done"),
        "dropped": gettext("Left out"),
        "later": gettext("Later"),
    }


@patient_required
@require_GET
def today(request: HttpRequest) -> HttpResponse:
    """The day's blocks: the cached week of the current version plus the day's logs, as content
    (Jinja2) in the page's frame (rendered once: practice/frames.py)."""
    patient = _patient(request)
    day = today_for(patient, timezone.now())
    context: dict[str, Any] = {
        "patient": patient,
        "day_words": _day_words(day.day, get_language()),
        "today": day,
        "week": day.week,
        "start": day.start,
        "blocks": day.blocks,
        "full_url": play_url(day.day, programs.FULL),
        "status_words": _status_words(get_language()),
        "self_guided": request.self_guided,  # type: ignore[attr-defined]
        "checkin_url": _checkin_url(),
    }
    return framed(
        request,
        "practice/today.html",
        "today",
        mark_safe(jinja.template("practice/today_body.html").render(context)),
    )


@cache
def _checkin_url() -> str:
    return reverse("practice:checkin")


@patient_required
@require_GET
def play(request: HttpRequest, day: str, block: str) -> HttpResponse:
    patient = _patient(request)
    try:
        when = date.fromisoformat(day)
    except ValueError:
        raise Http404("No such day") from None
    try:
        data = programs.player_data(patient, when, block)
    except LogError:
        raise Http404("No such block") from None
    data["urls"] = {
        "sessions": "/api/v1/me/sessions",
        "today": reverse("practice:today"),
        "progress": reverse("practice:progress"),
    }
    data["coach"] = coach_urls()
    names = [e["name"] for e in data["exercises"].values()]
    return render(
        request,
        "practice/play.html",
        {
            "data": data,
            "names": names,
            "when": when,
            "block_time": data["block_time"],
            "scale": range(11),
        },
    )


@patient_required
@require_GET
def progress(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    return render(
        request,
        "practice/progress.html",
        {"patient": patient, "section": "progress", **progress_for(patient, timezone.now())},
    )


@patient_required
@require_http_methods(["GET", "POST"])
def rotation(request: HttpRequest) -> HttpResponse:
    """The weekly phone rotation check: guided by script (the phone's orientation sensor), saved
    as a plain form post so "saved" means stored."""
    patient = _patient(request)
    error = ""
    if request.method == "POST":
        try:
            data = RotationCheckIn.model_validate(
                {
                    "id": request.POST.get("id", ""),
                    "left_degrees": _whole(request.POST.get("left_degrees", "")),
                    "right_degrees": _whole(request.POST.get("right_degrees", "")),
                }
            )
            do_record_rotation_check(request, patient, data)
        except ValidationError:
            error = "The turn could not be measured. Please try the check again."
        except LogError as exc:
            error = exc.message
        else:
            messages.success(request, "Thanks, your rotation check is saved.")
            return redirect("practice:progress")
    last = RotationCheck.objects.filter(patient=patient).first()
    return render(
        request,
        "practice/rotation.html",
        {
            "patient": patient,
            "section": "progress",
            "id": str(uuid.uuid4()),
            "last": last,
            "error": error,
        },
        status=422 if error else 200,
    )


def _whole(value: str) -> Any:
    try:
        return int(value)
    except ValueError:
        return value


def _checkin_data(post: Any) -> dict[str, Any]:
    """The check-in form as the API's JSON: numbers as numbers, blanks left out."""

    def number(value: str) -> Any:
        value = value.strip()
        try:
            return float(value) if "." in value else int(value)
        except ValueError:
            return value

    data: dict[str, Any] = {"id": post.get("id") or str(uuid.uuid4())}
    for name in ("pain_now", "pain_worst", "global_change", "work_impact", "work_hours_missed"):
        if post.get(name, "").strip():
            data[name] = number(post[name])
    activities = []
    for n in range(3):
        activity = post.get(f"activity_{n}", "").strip()
        score = post.get(f"score_{n}", "").strip()
        if activity or score:
            activities.append({"activity": activity, "score": number(score) if score else None})
    data["activities"] = activities
    return data


def _form_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = [str(p) for p in error["loc"]]
        if loc[:1] == ["activities"] and len(loc) >= 3:
            field = f"{'activity' if loc[2] == 'activity' else 'score'}_{loc[1]}"
        else:
            field = loc[0] if loc else "form"
        message = str(error["msg"]).removeprefix("Value error, ")
        if field == "global_change":
            message = "Choose one of the answers."
        elif error["type"] in ("less_than_equal", "greater_than_equal", "int_type", "int_parsing"):
            message = "Choose a whole number from 0 to 10."
        elif error["type"] in ("missing", "string_too_short"):
            message = "Please fill this in."
        elif error["type"] == "string_too_long":
            message = "Please keep this shorter."
        elif error["type"] == "value_error" and message:
            # The shared input checks say what is wrong ("must not contain a null character"):
            # keep their words, as a sentence.
            message = message[:1].upper() + message[1:].rstrip(".") + "."
        elif not message.endswith("."):
            message = "Please check this answer."
        errors.setdefault(field, message)
    return errors


@patient_required
@require_http_methods(["GET", "POST"])
def checkin(request: HttpRequest) -> HttpResponse:
    """The weekly check-in as a plain form (works without JavaScript)."""
    patient = _patient(request)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"id": str(uuid.uuid4())}
    ask_groc = asks_global_change(patient, timezone.now())
    last = CheckIn.objects.filter(patient=patient).first()
    if last is not None:
        # Same activities as last time, so the scores can be compared week to week.
        for n, a in enumerate(last.activities[:3]):
            values[f"activity_{n}"] = a.get("activity", "")
    if request.method == "POST":
        values = request.POST.dict()
        try:
            data = CheckInIn.model_validate(_checkin_data(request.POST))
            do_record_checkin(request, patient, data)
        except ValidationError as exc:
            errors = _form_errors(exc)
        except LogError as exc:
            errors = {exc.field: exc.message}
        else:
            messages.success(request, "Thanks, your check-in is saved.")
            return redirect("practice:progress")
    return render(
        request,
        "practice/checkin.html",
        {
            "patient": patient,
            "section": "checkin",
            "values": values,
            "errors": errors,
            "scale": range(11),
            "ask_groc": ask_groc or "global_change" in values,
            "groc_scale": [(n, GROC_WORDS[n]) for n in range(7, -8, -1)],
            "slots": [
                {
                    "n": n,
                    "activity": values.get(f"activity_{n}", ""),
                    "score": values.get(f"score_{n}", ""),
                    "activity_error": errors.get(f"activity_{n}", ""),
                    "score_error": errors.get(f"score_{n}", ""),
                }
                for n in range(3)
            ],
        },
        status=422 if errors else 200,
    )


@patient_required
@require_http_methods(["GET", "POST"])
def devices(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    me = current_device(request)
    account = AccountForm(
        request.POST if request.POST.get("action") == "account" else None,
        patient=patient,
        initial={"email": patient.user.email if patient.user else ""},
    )
    if request.method == "POST" and request.POST.get("action") == "account":
        if account.is_valid():
            do_set_account(
                request, patient, account.cleaned_data["email"], account.cleaned_data["password"]
            )
            messages.success(request, "Saved. Sign in on another device with this email.")
            return redirect("practice:devices")
    elif request.method == "POST":
        if request.POST.get("action") == "this":
            if me is not None:
                do_sign_out_device(request, me)
            response = redirect("practice:welcome")
            response.delete_cookie(COOKIE_NAME)
            # On a shared device the next person must not find this person's cached pages,
            # queued logs or service worker.
            response["Clear-Site-Data"] = '"cache", "storage"'
            return response
        count = do_revoke_devices(request, patient, keep=me)
        messages.success(
            request,
            "Signed out of 1 other device."
            if count == 1
            else f"Signed out of {count} other devices.",
        )
        return redirect("practice:devices")
    signed_in = DeviceSession.objects.filter(patient=patient, revoked_at=None).order_by(
        "-last_seen_at"
    )
    return render(
        request,
        "practice/devices.html",
        {
            "patient": patient,
            "devices": signed_in,
            "me": me,
            "section": "devices",
            "account": account,
        },
    )


# Days of blocks the offline cache holds: the week ahead, so every block can be played offline.
OFFLINE_DAYS = 7


@patient_required
@require_GET
def offline_urls(request: HttpRequest) -> JsonResponse:
    """What the device keeps for offline use: Today, Progress, the check-in, every block of the
    coming week (and the whole routine on each day), and each exercise's page and pictures
    (moving, and the still frames shown with reduced motion)."""
    patient = _patient(request)
    today_local = programs.local_now(patient, timezone.now()).date()
    urls = [reverse("practice:today"), reverse("practice:progress"), reverse("practice:checkin")]
    version = programs.current_version(patient)
    key = f"{today_local.isoformat()}:none"
    if version is not None:
        key = f"{today_local.isoformat()}:{version.pk}:{version.created_at.isoformat()}"
        plan = programs.parse_plan(version.plan)
        for n in range(OFFLINE_DAYS):
            day = today_local + timedelta(days=n)
            keys = [b.time.replace(":", "") for b in blocks_on(plan, day)]
            for block in [*keys, programs.FULL]:
                urls.append(reverse("practice:play", args=[day.isoformat(), block]))
        for slug in programs.version_library(version):
            picture = reverse("content:illustration", args=[slug])
            urls += [
                reverse("content:detail", args=[slug]),
                picture,
                f"{picture}?frame=start",
                f"{picture}?frame=end",
            ]
    return JsonResponse({"key": key, "urls": urls})


def coach_urls() -> dict[str, Any]:
    """Where the camera coach's files are; nothing of it loads until "Use camera" is pressed."""
    vendor = "coach/vendor/"
    wasm = (
        "tfjs-backend-wasm.wasm",
        "tfjs-backend-wasm-simd.wasm",
        "tfjs-backend-wasm-threaded-simd.wasm",
    )
    return {
        "module": static("practice/coach/player-coach.js"),
        "worker": static("practice/coach/pose-worker.js"),
        "targets": static("practice/coach/targets.json"),
        "core": static(vendor + "tf-core.min.js"),
        "converter": static(vendor + "tf-converter.min.js"),
        "backend": static(vendor + "tf-backend-wasm.min.js"),
        "poseDetection": static(vendor + "pose-detection.min.js"),
        "wasm": {name: static(vendor + name) for name in wasm},
        "detector": static(vendor + "models/blazepose-detector.json"),
        "lite": static(vendor + "models/blazepose-lite.json"),
        "full": static(vendor + "models/blazepose-full.json"),
    }


# The static folders whose files the worker keeps (the patient app, the site, reminders). The
# camera coach is cached when it is first used, not before (cache first, like all static files).
CACHED_STATIC = ("practice/", "midback/", "reminders/")
NOT_PRECACHED = ("practice/sw.js", "practice/coach/")


def _cached_static() -> list[tuple[str, bytes]]:
    """Every static file the worker precaches, by name, with its bytes as the finders see them."""
    found: dict[str, bytes] = {}
    for finder in finders.get_finders():
        for name, storage in finder.list(["*.map", "*.gz", "*.br"]):
            name = name.replace("\\", "/")
            if (
                name.startswith(CACHED_STATIC)
                and name not in found
                and not name.startswith(NOT_PRECACHED)
            ):
                with storage.open(name) as handle:
                    found[name] = handle.read()
    return sorted(found.items())


@cache
def _worker_source() -> tuple[str, str]:
    """The service worker with its cache version: a hash of the worker and of every file it
    caches, so changing any one of them makes installed apps fetch everything afresh."""
    source = (STATIC_DIR / "sw.js").read_text(encoding="utf-8")
    digest = hashlib.sha256(source.encode())
    urls = []
    for name, content in _cached_static():
        digest.update(name.encode() + b"\0" + hashlib.sha256(content).digest())
        urls.append(static(name))
    urls.append("/manifest.webmanifest")
    config = {
        "version": digest.hexdigest()[:12],
        "precache": urls,
        "push": static("reminders/push-sw.js"),
    }
    return source, json.dumps(config)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, from the site root so its scope covers the whole app."""
    source, config = _worker_source()
    response = HttpResponse(
        f"const CONFIG = {config};\n{source}", content_type="text/javascript; charset=utf-8"
    )
    response["Service-Worker-Allowed"] = "/"
    # Browsers re-check the worker at most daily anyway; never let a proxy pin an old one.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "MidBack",
        "short_name": "MidBack",
        "description": "Short, guided exercises for mid back pain that fit into your working day.",
        "id": "/app/",
        "start_url": "/app/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f7f5f0",
        "theme_color": "#16485b",
        "icons": [
            {"src": static("practice/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("practice/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("practice/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("midback/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data)
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "max-age=3600"
    return response
