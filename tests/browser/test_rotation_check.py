"""The weekly phone rotation check in Chromium, its orientation sensor driven through the
DevTools protocol (DeviceOrientation.setDeviceOrientationOverride)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from midback.care.actions import do_create_patient
from midback.care.models import Patient, RotationCheck
from midback.core.demo import do_create_demo_clinic
from tests.practice.browser_helpers import axe_violations
from tests.practice.conftest import give_program, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]


@pytest.fixture
def patient(live_library: None) -> Patient:
    clinic = do_create_demo_clinic().clinic
    person = do_create_patient(None, clinic, "Priya", "Australia/Melbourne")
    give_program(person)
    return person


def _phone(browser: Any, devices: dict[str, Any], live_server: Any, patient: Patient) -> Any:
    context = browser.new_context(**devices["Pixel 7"])
    token = sign_in(patient).cookies["midback_device"].value
    context.add_cookies([{"name": "midback_device", "value": token, "url": live_server.url}])
    return context


def _face(cdp: Any, alpha: float, beta: float = 88.0, gamma: float = 2.0) -> None:
    cdp.send(
        "DeviceOrientation.setDeviceOrientationOverride",
        {"alpha": alpha, "beta": beta, "gamma": gamma},
    )


def test_the_check_measures_each_way_and_is_stored(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
) -> None:
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    _face(cdp, 10.0)
    page.goto(f"{live_server.url}/app/progress/")
    page.wait_for_selector("[data-rotation-link]:not([hidden])", timeout=5000)
    page.click("text=Do this week's rotation check")
    assert axe_violations(page) == []
    page.click("[data-action=begin]")
    page.wait_for_selector("[data-action=next]:not([hidden])")
    for alpha in (25.0, 40.0, 55.0, 48.0):  # turning left (counter-clockwise from above)
        _face(cdp, alpha)
        page.wait_for_function(
            "(a) => document.querySelector('[data-angle]').textContent === a",
            arg=f"{round(alpha - 10)}°",
        )
    page.click("[data-action=next]")
    for alpha in (10.0, 350.0, 330.0, 340.0):  # back through the middle and round to the right
        _face(cdp, alpha)
        page.wait_for_function(
            "(a) => document.querySelector('[data-angle]').textContent === a",
            arg=f"{abs(round(((alpha - 10 + 540) % 360) - 180))}°",
        )
    page.screenshot(path=str(artifacts / "rotation-phone.png"))
    page.click("[data-action=next]")
    assert page.text_content("[data-result]") == "You turned 45° to the left and 40° to the right."
    page.click("[data-save] [type=submit]")
    page.wait_for_url("**/app/progress/")
    assert "Thanks, your rotation check is saved." in page.content()
    check = RotationCheck.objects.get(patient=patient)
    assert (check.left_degrees, check.right_degrees) == (45, 40)
    assert (
        page.locator("table.data", has_text="Rotation checks").locator("td", has_text="45°").count()
        == 1
    )
    context.close()


def test_without_a_sensor_the_check_stays_hidden_and_says_why_if_opened(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, patient: Patient
) -> None:
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/progress/")
    page.wait_for_timeout(500)  # a moment for any sensor reading to arrive (none does)
    assert page.locator("[data-rotation-link]").is_hidden()
    page.goto(f"{live_server.url}/app/rotation/")
    page.click("[data-action=begin]")
    page.wait_for_selector("[data-no-sensor]:not([hidden])", timeout=5000)
    assert page.locator("[data-action=begin]").is_hidden()
    assert not RotationCheck.objects.exists()
    context.close()
