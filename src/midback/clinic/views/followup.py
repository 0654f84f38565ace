"""The dashboard: every patient's follow-up at a glance, with filters."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from midback.care.access import require_staff, staff_required
from midback.care.assessing import dashboard_rows
from midback.care.models import Clinic, Visit
from midback.care.programs import current_library
from midback.plans.cleaning import zone_or_utc

FILTERS = {
    "all": "Everyone",
    "flags": "With flags",
    "inactive": "No activity",
    "adjust": "Suggested adjustment",
}


@staff_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    staff = require_staff(request)
    zone = zone_or_utc(staff.clinic.time_zone)
    today = timezone.localdate(timezone=zone)
    rows = dashboard_rows(staff.clinic, timezone.now(), current_library(staff.clinic))
    shown = request.GET.get("show", "all")
    if shown == "flags":
        rows = [r for r in rows if r.flags]
    elif shown == "inactive":
        rows = [r for r in rows if "inactive" in r.flag_codes]
    elif shown == "adjust":
        rows = [r for r in rows if r.suggestion]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    soon = visits_today_and_tomorrow(staff.clinic, today, zone)
    by_patient: dict[int, Visit] = {}
    for visit in soon:
        by_patient.setdefault(visit.patient_id, visit)
    for row in page:
        row.visit = by_patient.get(row.patient_id)  # type: ignore[attr-defined]
    return render(
        request,
        "clinic/dashboard.html",
        {
            "staff": staff,
            "page": page,
            "shown": shown,
            "filters": FILTERS,
            "today": today,
            "todays_visits": [v for v in soon if v.starts_at.astimezone(zone).date() == today],
            "tomorrows_visits": [v for v in soon if v.starts_at.astimezone(zone).date() > today],
        },
    )


def visits_today_and_tomorrow(clinic: Clinic, today: dt.date, zone: dt.tzinfo) -> list[Visit]:
    """The clinic's booked and attended visits today and tomorrow (clinic's zone), in order."""
    start = dt.datetime.combine(today, dt.time(), tzinfo=zone)
    end = dt.datetime.combine(today + dt.timedelta(days=2), dt.time(), tzinfo=zone)
    return list(
        Visit.objects.filter(
            patient__clinic=clinic,
            patient__archived_at=None,
            starts_at__gte=start,
            starts_at__lt=end,
            status__in=[Visit.Status.BOOKED, Visit.Status.ATTENDED],
        )
        .select_related("patient", "practitioner")
        .order_by("starts_at")
    )
