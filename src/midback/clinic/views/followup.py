"""The dashboard: every patient's follow-up at a glance, with filters."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from midback.care.access import require_staff, staff_required
from midback.care.assessing import dashboard_rows
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
    today = timezone.localdate(timezone=zone_or_utc(staff.clinic.time_zone))
    rows = dashboard_rows(staff.clinic, timezone.now(), current_library(staff.clinic))
    shown = request.GET.get("show", "all")
    if shown == "flags":
        rows = [r for r in rows if r.flags]
    elif shown == "inactive":
        rows = [r for r in rows if "inactive" in r.flag_codes]
    elif shown == "adjust":
        rows = [r for r in rows if r.suggestion]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "clinic/dashboard.html",
        {"staff": staff, "page": page, "shown": shown, "filters": FILTERS, "today": today},
    )
