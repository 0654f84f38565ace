"""The patient's pages and the self-guided intake in Chromium: axe on each, no sideways scroll on
a phone, and screenshots at Pixel 7 and desktop sizes under build/test-artifacts/."""

from __future__ import annotations

import uuid
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from midback.care.actions import do_create_patient
from midback.care.models import Patient, SessionLog
from midback.core.demo import do_create_demo_clinic
from midback.practice.programs import current_version, local_now
from tests.practice.browser_helpers import axe_violations
from tests.practice.conftest import give_program, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

SIZES = {"phone": None, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def patient(live_library: None) -> Patient:
    clinic = do_create_demo_clinic().clinic
    person = do_create_patient(None, clinic, "Priya", "Australia/Melbourne")
    give_program(person)
    version = current_version(person)
    assert version is not None
    today = local_now(person, timezone.now()).date()
    # Three weeks of history, so the calendar and the pain trend have something to show.
    for back in range(1, 21):
        day = today - timedelta(days=back)
        if back % 4 == 0:
            continue
        for n, at in enumerate(("09:30", "11:00", "13:30")):
            if (back + n) % 3 == 0:
                continue
            SessionLog.objects.create(
                id=uuid.uuid4(),
                clinic=person.clinic,
                patient=person,
                program_version=version,
                block_day=day,
                block_time=time.fromisoformat(at),
                started_at=timezone.now() - timedelta(days=back),
                pain_before=min(10, 3 + back // 4),
                pain_after=max(0, 2 + back // 5 - n),
                completed=n != 2,
            )
    return person


def _context(browser: Any, devices: dict[str, Any], size: str) -> Any:
    if size == "phone":
        return browser.new_context(**devices["Pixel 7"])
    return browser.new_context(viewport=SIZES[size])


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_patient_pages_pass_axe_and_fit_the_screen(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
    size: str,
) -> None:
    context = _context(browser, playwright_devices, size)
    token = sign_in(patient).cookies["midback_device"].value
    context.add_cookies([{"name": "midback_device", "value": token, "url": live_server.url}])
    page = context.new_page()
    for name, url in [
        ("today", "/app/"),
        ("progress", "/app/progress/"),
        ("checkin", "/app/check-in/"),
        ("devices", "/app/devices/"),
    ]:
        page.goto(f"{live_server.url}{url}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"patient-{name}-{size}.png"), full_page=True)
        assert axe_violations(page) == [], name
        width = page.evaluate("window.innerWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    context.close()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_self_guided_intake_steps_pass_axe(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    artifacts: Path,
    size: str,
) -> None:
    context = _context(browser, playwright_devices, size)
    page = context.new_page()
    page.goto(f"{live_server.url}/start/")

    def check(name: str) -> None:
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(artifacts / f"intake-{name}-{size}.png"), full_page=True)
        assert axe_violations(page) == [], name
        width = page.evaluate("window.innerWidth")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    check("1-safety")
    page.get_by_role("button", name="Continue").click()
    check("2-pain")
    page.check("input[name=pain_now][value='5']")
    page.check("input[name=pain_worst_24h][value='7']")
    page.check("input[name=irritability][value='moderate']")
    page.get_by_role("button", name="Continue").click()
    check("3-work")
    # The browser's own time zone fills the field (Chromium headless: the machine's zone).
    assert page.input_value("input[name=timezone]") != ""
    page.fill("input[name=timezone]", "Australia/Melbourne")
    page.check("input[name=type][value='desk']")
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.check(f"input[name=days][value='{day}']")
    page.fill("input[name=start]", "09:00")
    page.fill("input[name=end]", "17:30")
    page.check("input[name=breaks][value='yes']")
    page.fill("input[name=hours_sitting]", "7")
    page.get_by_role("button", name="Continue").click()
    check("4-fit")
    page.check("input[name=minutes_per_day][value='15']")
    page.check("input[name=preference][value='auto']")
    page.get_by_role("button", name="Continue").click()
    check("5-plan")
    page.fill("input[name=display_name]", "Alex")
    page.get_by_role("button", name="Save my plan").click()
    page.wait_for_url(f"{live_server.url}/app/")
    assert page.locator("h1").inner_text() == "Hello, Alex"
    context.close()


def test_the_seek_care_page_passes_axe(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, artifacts: Path
) -> None:
    context = _context(browser, playwright_devices, "phone")
    page = context.new_page()
    page.goto(f"{live_server.url}/start/")
    page.check("input[name=red_flags][value='chest_pain']")
    page.get_by_role("button", name="Continue").click()
    assert page.locator("h1").inner_text() == "Get medical help now"
    page.screenshot(path=str(artifacts / "intake-seek-care-phone.png"), full_page=True)
    assert axe_violations(page) == []
    context.close()
