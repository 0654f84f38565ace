"""The pages issue 18's last items touched, in Chromium at phone and desktop size: axe-clean,
no sideways scroll, screenshots to look at; and a recovery code used at sign-in in the browser."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.browser.test_clinic_browser import sign_in
from tests.clinic.conftest import PASSWORD, Side, make_side
from tests.clinic.test_clinic_exercise_everywhere import with_clinic_exercise
from tests.clinic.test_portal import editor_post

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

SIZES = {"phone": (412, 915), "desktop": (1280, 800)}


def furnish(side: Side) -> dict[str, str]:
    """A retired clinic exercise in the patient's program, a live and a retired template, and
    the clinic's address, phone and logo; the pages that show them."""
    exercise, _ = with_clinic_exercise(side)
    side.client.post(f"/clinic/exercises/{exercise.pk}/retire/", {"retire": "yes"})
    for name in ("Desk worker, gentle", "Night shift, first week"):
        side.client.post(
            f"/clinic/patients/{side.patient.pk}/program/",
            {**editor_post(side), "action": "save_template", "template_name": name},
        )
    template = side.clinic.templates.get(name="Night shift, first week")
    side.client.post(f"/clinic/templates/{template.pk}/retire/", {"retire": "yes"})
    logo = io.BytesIO()
    Image.new("RGB", (240, 80), (22, 72, 91)).save(logo, format="PNG")
    side.client.post(
        "/clinic/settings/",
        {
            "address": "12 Harbour Street, Williamstown VIC 3016",
            "phone": "+61 3 9123 4567",
            "logo": SimpleUploadedFile("logo.png", logo.getvalue(), content_type="image/png"),
        },
    )
    return {
        "settings": "/clinic/settings/",
        "templates": "/clinic/templates/",
        "exercises": "/clinic/exercises/",
        "exercise-retired": f"/clinic/exercises/{exercise.pk}/",
        "editor-retired-row": f"/clinic/patients/{side.patient.pk}/program/",
    }


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_touched_pages_pass_axe_and_fit(
    browser: Any, live_server: Any, axe: Any, artifacts: Path, size: str
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    pages = furnish(side)
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=size == "phone"
    )
    page = context.new_page()
    sign_in(page, live_server.url, side.staff.user.username)
    problems: dict[str, Any] = {}
    for name, path in pages.items():
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        page.screenshot(path=str(artifacts / f"leftovers-{name}-{size}.png"), full_page=True)
        if violations := axe(page):
            problems[name] = violations
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name

    # The Account page as it shows the recovery codes, once.
    page.goto(live_server.url + "/clinic/account/")
    page.get_by_role("button", name="Set up authenticator codes").click()
    secret = page.locator("main code").inner_text()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.wait_for_load_state()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.screenshot(path=str(artifacts / f"leftovers-recovery-codes-{size}.png"), full_page=True)
    if violations := axe(page):
        problems["account-codes"] = violations
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.goto(live_server.url + "/clinic/account/")
    assert page.locator(".recovery-codes").count() == 0
    assert page.locator("#codes-left").inner_text().startswith("10 recovery codes left.")

    # Signing in elsewhere with one of them.
    other = browser.new_context(
        viewport={"width": width, "height": height}, is_mobile=size == "phone"
    )
    signing = other.new_page()
    signing.goto(f"{live_server.url}/clinic/login/")
    signing.get_by_label("Email").fill(side.staff.user.username)
    signing.get_by_label("Password").fill(PASSWORD)
    signing.get_by_role("button", name="Sign in").click()
    signing.wait_for_url(re.compile(r".*/clinic/login/code/.*"))
    if violations := axe(signing):
        problems["login-code"] = violations
    signing.get_by_label("Code").fill(codes[0])
    signing.get_by_role("button", name="Verify").click()
    signing.wait_for_url(f"{live_server.url}/clinic/")
    assert signing.get_by_text(
        "You signed in with a recovery code; 9 of them are left."
    ).is_visible()
    other.close()
    context.close()
    assert problems == {}
