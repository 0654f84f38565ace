"""The clinic portal in Chromium: sign in, dashboard, a patient, the editor; desktop and phone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.clinic.conftest import PASSWORD, make_side

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]


def sign_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/clinic/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/clinic/")


def chart_label_sizes(page: Any) -> list[float]:
    """The size on screen, in CSS pixels, of every label of the charts shown."""
    return page.eval_on_selector_all(
        "svg.chart",
        "svgs => svgs.filter(s => s.getBoundingClientRect().width > 0).flatMap(s => {"
        " const scale = s.getBoundingClientRect().width / s.viewBox.baseVal.width;"
        " return [...s.querySelectorAll('text')].map(t =>"
        " parseFloat(getComputedStyle(t).fontSize) * scale); })",
    )


def test_a_practitioner_follows_up_and_edits_a_program(
    browser: Any, live_server: Any, artifacts: Path, axe: Any, playwright_devices: dict[str, Any]
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, base, side.staff.user.username)
    assert page.get_by_role("link", name="Paul Harbour").is_visible()
    page.screenshot(path=str(artifacts / "clinic-dashboard-desktop.png"), full_page=True)
    assert axe(page) == []

    page.get_by_role("link", name="Paul Harbour").click()
    page.wait_for_load_state()
    assert page.locator("svg.chart:visible").count() == 2
    assert chart_label_sizes(page) and min(chart_label_sizes(page)) >= 11
    page.screenshot(path=str(artifacts / "clinic-patient-desktop.png"), full_page=True)
    assert axe(page) == []

    page.get_by_role("link", name="Edit program").click()
    page.wait_for_load_state()
    page.get_by_label("Reps").first.fill("30")
    page.get_by_role("button", name="Update preview").click()
    page.wait_for_load_state()
    assert page.get_by_text(
        "Reps 30 is outside the library's range for Cat-Camel Stretch (10–15)."
    ).is_visible()
    page.screenshot(path=str(artifacts / "clinic-editor-desktop.png"), full_page=True)
    assert axe(page) == []
    page.get_by_label("Reps").first.fill("12")
    page.get_by_role("button", name="Update preview").click()
    page.wait_for_load_state()
    assert page.get_by_role("rowheader", name="Mon–Fri").is_visible()
    page.screenshot(path=str(artifacts / "clinic-editor-preview-desktop.png"), full_page=True)
    assert axe(page) == []
    page.close()

    phone = browser.new_context(**playwright_devices["Pixel 7"])
    mobile = phone.new_page()
    sign_in(mobile, base, side.staff.user.username)
    mobile.goto(f"{base}/clinic/patients/{side.patient.pk}/")
    mobile.screenshot(path=str(artifacts / "clinic-patient-phone.png"), full_page=True)
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 412
    phone.close()


@pytest.mark.parametrize("width", [360, 412])
def test_dashboard_and_editor_fit_a_phone(
    browser: Any, live_server: Any, artifacts: Path, axe: Any, width: int
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    base = live_server.url
    context = browser.new_context(
        viewport={"width": width, "height": 800}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, base, side.staff.user.username)
    for name, path in [
        ("dashboard", "/clinic/"),
        ("editor", f"/clinic/patients/{side.patient.pk}/program/"),
        ("patient", f"/clinic/patients/{side.patient.pk}/"),
    ]:
        page.goto(base + path)
        page.screenshot(path=str(artifacts / f"clinic-{name}-{width}.png"), full_page=True)
        wide = page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right"
            " > document.documentElement.clientWidth + 1 && !e.closest('table'))"
            ".map(e => e.tagName + '.' + e.className + '#' + e.id + ':' +"
            " Math.round(e.getBoundingClientRect().right)).slice(0, 8)"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, wide)
        assert axe(page) == [], name
    page.goto(f"{base}/clinic/patients/{side.patient.pk}/")
    # The charts' labels are drawn for the phone, not a desktop drawing shrunk to fit it.
    assert page.locator("svg.chart:visible").count() == 2
    sizes = chart_label_sizes(page)
    assert sizes and min(sizes) >= 11, sizes
    page.goto(base + "/clinic/")
    # Every column is on screen: each cell of the patient's row lies within the viewport's width.
    cells = page.locator("table.dashboard tbody tr").first.locator("th, td").all()
    assert len(cells) == 6
    for cell in cells:
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    context.close()
