"""axe-core on every page not already checked by the other browser tests, at phone size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from midback.care.devices import do_create_invite
from tests.clinic.conftest import PASSWORD, make_side

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

PUBLIC = [
    "/",
    "/welcome/",
    "/sign-in/",
    "/clinic/login/",
    "/clinic/password-reset/",
    "/exercises/seated-chest-opener/",
]
CLINIC = [
    "/clinic/patients/",
    "/clinic/patients/new/",
    "/clinic/patients/{patient}/program/history/",
    "/clinic/patients/{patient}/erase/",
    "/clinic/templates/",
    "/clinic/exercises/",
    "/clinic/exercises/new/",
    "/clinic/staff/",
    "/clinic/audit/",
    "/clinic/integrations/",
    "/clinic/account/",
    "/clinic/account/password/",
    "/clinic/patients/{patient}/program/versions/1/",
]


def test_every_remaining_page_passes_axe_on_a_phone(
    browser: Any, live_server: Any, playwright_devices: dict[str, Any], axe: Any, artifacts: Path
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    _, code = do_create_invite(None, side.patient)
    context = browser.new_context(**playwright_devices["Pixel 7"])
    page = context.new_page()
    problems: dict[str, Any] = {}
    for path in [*PUBLIC, f"/join/{code}"]:
        page.goto(live_server.url + path)
        if violations := axe(page):
            problems[path] = violations
    page.goto(f"{live_server.url}/clinic/login/")
    page.get_by_label("Email").fill(side.staff.user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/clinic/")
    for template in CLINIC:
        path = template.format(patient=side.patient.pk)
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        if violations := axe(page):
            problems[path] = violations
    page.goto(f"{live_server.url}/clinic/exercises/new/")
    page.screenshot(path=str(artifacts / "clinic-exercise-form-phone.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 412
    context.close()
    assert problems == {}
