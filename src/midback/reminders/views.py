"""The patient's reminder pages, the one-off .ics download and the secret calendar feed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from midback.care import calendars
from midback.care.audit import audit
from midback.care.devices import patient_required
from midback.care.models import Patient
from midback.plans.schema import parse_plan
from midback.reminders import actions, workcal
from midback.reminders.feed import patient_calendar
from midback.reminders.forms import CalendarLinkForm, CalendarUploadForm, ReminderSettingsForm
from midback.reminders.models import CalendarFeed, PushSubscription, Reminder
from midback.reminders.vapid import vapid_keys

NEW_FEED_SESSION_KEY = "reminders_new_feed"


def _patient(request: HttpRequest) -> Patient:
    # patient_required has already run get_patient_for_device and set this.
    patient: Patient = request.patient  # type: ignore[attr-defined]
    return patient


def feed_links(token: str) -> dict[str, str]:
    """The feed URL and one-tap links to subscribe in common calendar apps."""
    url = f"{settings.SITE_URL}/calendar/{token}.ics"
    webcal = "webcal://" + url.split("://", 1)[1]
    return {
        "url": url,
        "webcal": webcal,
        "google": "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe=""),
        "outlook": "https://outlook.live.com/calendar/0/addfromweb?url="
        + quote(url, safe="")
        + "&name=MidBack",
    }


@patient_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Channels, quiet hours, days off, email, the calendar link and the work calendar."""
    patient = _patient(request)
    if request.method == "POST":
        form = ReminderSettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            actions.do_save_settings(
                request,
                patient,
                push_enabled=data["push_enabled"],
                email=data["email"],
                digest_time=data["digest_time"],
                quiet_start=data["quiet_start"],
                quiet_end=data["quiet_end"],
                days_off=data["days_off"],
                email_address=data["email_address"] or patient.email,
                nudge=data["nudge"],
            )
            return redirect(f"{request.path}?saved=1")
        return _settings_page(request, patient, form=form)
    return _settings_page(request, patient)


def _settings_page(
    request: HttpRequest,
    patient: Patient,
    *,
    form: ReminderSettingsForm | None = None,
    link_form: CalendarLinkForm | None = None,
    upload_form: CalendarUploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    current = actions.settings_for(patient)
    if form is None:
        form = ReminderSettingsForm(
            initial={
                "push_enabled": current.push_enabled,
                "email": current.email,
                "email_address": patient.email,
                "digest_time": current.digest_time,
                "quiet_start": current.quiet_start,
                "quiet_end": current.quiet_end,
                "days_off": current.days_off,
                "nudge": current.nudge,
            }
        )
    new_token = request.session.pop(NEW_FEED_SESSION_KEY, None)
    upcoming = (
        Reminder.objects.filter(
            patient=patient, status=Reminder.Status.PENDING, due_at__gte=timezone.now()
        )
        .exclude(channel__in=[Reminder.Channel.DIGEST, Reminder.Channel.NUDGE])
        .order_by("due_at")
        .values("local_date", "due_at")
        .distinct()[:3]
    )
    return render(
        request,
        "reminders/settings.html",
        {
            "form": form,
            "saved": request.GET.get("saved") == "1" and request.method == "GET",
            "feed": actions.active_feed(patient),
            "new_feed": feed_links(new_token) if new_token else None,
            "devices": PushSubscription.objects.filter(patient=patient).count(),
            "vapid_public_key": vapid_keys().public_key,
            "upcoming": upcoming,
            "patient": patient,
            "section": "reminders",
            "work_calendar": _work_calendar(patient),
            "link_form": link_form or CalendarLinkForm(initial={"own_email": patient.email}),
            "upload_form": upload_form or CalendarUploadForm(initial={"own_email": patient.email}),
            "calendar_note": request.GET.get("calendar", ""),
        },
        status=status,
    )


def _work_calendar(patient: Patient) -> dict[str, Any] | None:
    """What the page says of the linked work calendar: never the address, never a meeting."""
    link = calendars.link_of(patient)
    if link is None:
        return None
    zone = actions.zone_of(patient)
    today = timezone.now().astimezone(zone).date()
    plan, _ = actions.current_plan(patient)
    summary = calendars.week_summary(
        patient,
        parse_plan(plan) if plan.get("schedule") else None,
        actions.current_intake(patient),
        today,
    )
    return {
        "link": link,
        "busy_days": workcal.busy_days(patient, today, today + timedelta(days=13)),
        "moved": summary.moved,
        "dropped": summary.dropped,
    }


@patient_required
@require_POST
def work_calendar_link(request: HttpRequest) -> HttpResponse:
    """Link the work calendar's secret address and read it at once."""
    patient = _patient(request)
    form = CalendarLinkForm(request.POST)
    if form.is_valid():
        try:
            _, result = workcal.do_link_address(
                request, patient, form.cleaned_data["url"], form.cleaned_data["own_email"]
            )
        except workcal.CalendarProblem as exc:
            form.add_error("url", str(exc))
        else:
            note = "linked" if result in ("changed", "unchanged") else "linked-problem"
            return redirect(reverse("reminders:settings") + f"?calendar={note}#work-h")
    return _settings_page(request, patient, link_form=form, status=400)


@patient_required
@require_POST
def work_calendar_upload(request: HttpRequest) -> HttpResponse:
    """Read an uploaded .ics once; a file MidBack cannot use is refused whole, with why."""
    patient = _patient(request)
    form = CalendarUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = workcal.max_bytes()
        try:
            if upload.size > limit:
                raise workcal.CalendarProblem(workcal.too_big(upload.size, limit))
            workcal.do_upload(request, patient, upload.read(), form.cleaned_data["own_email"])
        except workcal.CalendarProblem as exc:
            form.add_error("file", str(exc))
        else:
            return redirect(reverse("reminders:settings") + "?calendar=uploaded#work-h")
    return _settings_page(request, patient, upload_form=form, status=400)


@patient_required
@require_POST
def work_calendar_refresh(request: HttpRequest) -> HttpResponse:
    """Read the linked address now ("refresh now")."""
    patient = _patient(request)
    link = calendars.link_of(patient)
    if link is None:
        raise Http404("No calendar linked")
    if link.checked_at and timezone.now() - link.checked_at < workcal.REFRESH_AT_MOST:
        # Read moments ago: say so rather than ask the calendar's server again.
        return redirect(reverse("reminders:settings") + "?calendar=refreshed#work-h")
    result = workcal.refresh(link)
    note = "refreshed" if result in ("changed", "unchanged") else "linked-problem"
    return redirect(reverse("reminders:settings") + f"?calendar={note}#work-h")


@patient_required
@require_POST
def work_calendar_unlink(request: HttpRequest) -> HttpResponse:
    """Forget the work calendar: the link and every busy interval are deleted."""
    workcal.do_unlink(request, _patient(request))
    return redirect(reverse("reminders:settings") + "?calendar=unlinked#work-h")


@patient_required
@require_POST
def feed_new(request: HttpRequest) -> HttpResponse:
    """Make a new secret calendar link (the old one stops working) and show it once."""
    _, token = actions.do_create_feed(request, _patient(request))
    # Kept in the session only until the next page shows it; the database has its hash alone.
    request.session[NEW_FEED_SESSION_KEY] = token
    return redirect("reminders:settings")


@patient_required
@require_POST
def feed_revoke(request: HttpRequest) -> HttpResponse:
    actions.do_revoke_feeds(request, _patient(request))
    return redirect("reminders:settings")


@patient_required
@require_GET
def calendar_help(request: HttpRequest) -> HttpResponse:
    """How to subscribe to the feed in Google Calendar, Apple Calendar and Outlook."""
    return render(
        request,
        "reminders/calendar_help.html",
        {"feed": actions.active_feed(_patient(request)), "section": "reminders"},
    )


def _ics_response(request: HttpRequest, patient: Patient, *, attachment: bool) -> HttpResponse:
    # With SITE_URL unset (as under `make run` on any port), links go where this request came.
    base = settings.SITE_URL if settings.SITE_URL_SET else request.build_absolute_uri("/")
    response = HttpResponse(
        patient_calendar(patient, base_url=base).to_ical(),
        content_type="text/calendar; charset=utf-8",
    )
    if attachment:
        response["Content-Disposition"] = 'attachment; filename="midback.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@patient_required
@require_GET
def download(request: HttpRequest) -> HttpResponse:
    """A one-off .ics copy of the coming weeks (does not update; the feed does)."""
    patient = _patient(request)
    audit(request, patient.clinic, "read", patient, "calendar download")
    return _ics_response(request, patient, attachment=True)


@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret feed a calendar app subscribes to. Unknown and revoked tokens answer 404."""
    found = actions.feed_for_token(token)
    if found is None:
        raise Http404("No such calendar")
    patient = found.patient
    request.patient = patient  # type: ignore[attr-defined]
    now = timezone.now()
    CalendarFeed.objects.filter(pk=found.pk).update(last_fetched_at=now)
    audit(request, patient.clinic, "read", found, "calendar feed fetched")
    return _ics_response(request, patient, attachment=False)
