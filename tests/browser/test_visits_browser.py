"""Visits in Chromium: booked from the patient page, in "Today's visits", the pre-visit summary
on a desktop and a phone, and the next visit on the patient's Today; screenshots under
build/test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from midback.care.models import Visit
from tests.browser.test_clinic_browser import sign_in
from tests.clinic.conftest import make_side
from tests.clinic.test_visit_summary import four_weeks
from tests.practice.conftest import sign_in as patient_device

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]
MELBOURNE = ZoneInfo("Australia/Melbourne")
SIZES = {"desktop": (1280, 800), "phone": (412, 915)}


def test_a_visit_is_booked_and_its_summary_read_on_desktop_and_phone(
    browser: Any, live_server: Any, artifacts: Path, axe: Any
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    _, booked = four_weeks(side)
    booked.delete()  # booked again below, through the form
    base = live_server.url
    tomorrow = dt.datetime.now(dt.UTC).astimezone(MELBOURNE).date() + dt.timedelta(days=1)

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    sign_in(page, base, side.staff.user.username)
    page.goto(f"{base}/clinic/patients/{side.patient.pk}/")
    page.get_by_label("Day", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Time", exact=True).fill("10:30")
    page.get_by_label("Kind", exact=True).select_option("review")
    page.get_by_role("button", name="Book visit").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        f"Visit booked: {tomorrow:%a} {tomorrow.day} {tomorrow:%b}, 10:30."
    ).is_visible()
    visit = Visit.objects.get(patient=side.patient)
    assert visit.starts_at == dt.datetime.combine(tomorrow, dt.time(10, 30), tzinfo=MELBOURNE)
    page.screenshot(path=str(artifacts / "visits-patient-desktop.png"), full_page=True)
    assert axe(page) == []

    page.goto(f"{base}/clinic/")
    assert page.get_by_role("heading", name="Today's visits").is_visible()
    page.screenshot(path=str(artifacts / "visits-dashboard-desktop.png"), full_page=True)
    assert axe(page) == []
    page.get_by_role("link", name="Pre-visit summary").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Before the visit: Paul Harbour").is_visible()
    page.screenshot(path=str(artifacts / "visits-summary-desktop.png"), full_page=True)
    assert [(v["id"], v["nodes"]) for v in axe(page)] == []
    page.close()

    width, height = SIZES["phone"]
    phone = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=2, is_mobile=True
    )
    mobile = phone.new_page()
    sign_in(mobile, base, side.staff.user.username)
    for name, path in [
        ("dashboard", "/clinic/"),
        ("patient", f"/clinic/patients/{side.patient.pk}/"),
        ("summary", f"/clinic/patients/{side.patient.pk}/visits/{visit.pk}/summary/"),
    ]:
        mobile.goto(base + path)
        mobile.screenshot(path=str(artifacts / f"visits-{name}-phone.png"), full_page=True)
        assert mobile.evaluate("document.documentElement.scrollWidth") <= width, name
    phone.close()

    token = patient_device(side.patient).cookies["midback_device"].value
    for size, (width, height) in SIZES.items():
        context = browser.new_context(viewport={"width": width, "height": height})
        context.add_cookies([{"name": "midback_device", "value": token, "url": base}])
        today = context.new_page()
        today.goto(f"{base}/app/")
        assert today.get_by_text(
            f"Next visit: {tomorrow:%a} {tomorrow.day} {tomorrow:%b}, 10:30 with Priya Shah"
        ).is_visible()
        today.screenshot(path=str(artifacts / f"visits-today-{size}.png"), full_page=True)
        assert today.evaluate("document.documentElement.scrollWidth") <= width
        assert axe(today) == []
        context.close()
