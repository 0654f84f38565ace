"""The program editor at 412 px with JavaScript: add, move and remove happen in place (no page
load), and saving stores exactly the rows the table showed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from midback.care.models import ProgramVersion
from tests.browser.test_clinic_browser import sign_in
from tests.clinic.conftest import make_side

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

ROWS = "#editor-items tbody tr[data-name]"


def shown_rows(page: Any) -> list[tuple[str, str, str, str]]:
    """(exercise slug, sets, reps, hold) of each row as the table shows it now."""
    return [
        tuple(v or "" for v in row)
        for row in page.eval_on_selector_all(
            ROWS,
            "rows => rows.map((r, i) => ['exercise', 'sets', 'reps', 'hold_seconds'].map("
            "f => { const e = r.querySelector(`[name='item-${i}-${f}']`); return e && e.value; }))",
        )
    ]


def names(page: Any) -> list[str]:
    return page.eval_on_selector_all(ROWS, "rows => rows.map(r => r.dataset.name)")


def test_adding_moving_and_removing_happen_in_place_and_save_what_was_shown(
    browser: Any, live_server: Any, artifacts: Path, axe: Any
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    base = live_server.url
    context = browser.new_context(
        viewport={"width": 412, "height": 915}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    sign_in(page, base, side.staff.user.username)
    page.goto(f"{base}/clinic/patients/{side.patient.pk}/program/")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.evaluate("window.sameDocument = 'yes'")
    before = names(page)
    assert len(before) >= 3

    adding = page.locator("#add_exercise option").first.inner_text()
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.locator(ROWS)).to_have_count(len(before) + 1)
    assert names(page) == [*before, adding]
    assert page.locator("#editor-live").inner_text() == f"Added {adding}."

    page.get_by_role("button", name=f"Move {adding} up").click()
    expect(page.locator(ROWS).nth(len(before) - 1)).to_have_attribute("data-name", adding)
    assert names(page) == [*before[:-1], adding, before[-1]]
    # Focus follows the moved row, so a keyboard user can press again.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == (
        f"Move {adding} up"
    )

    page.get_by_role("button", name=f"Remove {before[0]}").click()
    expect(page.locator(ROWS)).to_have_count(len(before))
    expected = [*before[1:-1], adding, before[-1]]
    assert names(page) == expected
    assert page.locator("#editor-live").inner_text() == f"Removed {before[0]}."

    assert loads == [] and page.evaluate("window.sameDocument") == "yes"
    assert page.evaluate("document.documentElement.scrollWidth") <= 412
    page.screenshot(path=str(artifacts / "clinic-editor-in-place-412.png"), full_page=True)
    assert axe(page) == []

    shown = shown_rows(page)
    keep = page.get_by_role("button", name="Keep these doses")
    if keep.count():
        keep.click()  # over the budget: the practitioner keeps the doses the table shows
        page.wait_for_load_state()
        assert shown_rows(page) == shown
    page.get_by_label("Why this change (for the history)").fill("Swapped in a new exercise")
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_url(f"{base}/clinic/patients/{side.patient.pk}/")
    saved = ProgramVersion.objects.filter(program__patient=side.patient).order_by("-number")[0]
    assert saved.number == 2
    assert [
        (
            i["exercise"],
            str(i["sets"]),
            str(i["reps"] or ""),
            str(i["hold_seconds"] or ""),
        )
        for i in saved.plan["items"]
    ] == shown
    context.close()


def test_without_javascript_the_same_buttons_post_the_page(browser: Any, live_server: Any) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    base = live_server.url
    context = browser.new_context(viewport={"width": 412, "height": 915}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, base, side.staff.user.username)
    page.goto(f"{base}/clinic/patients/{side.patient.pk}/program/")
    before = names_without_js(page)
    with page.expect_navigation():
        page.get_by_role("button", name=f"Remove {before[0]}").click()
    assert names_without_js(page) == before[1:]
    context.close()


def names_without_js(page: Any) -> list[str]:
    return [
        page.locator(ROWS).nth(i).get_attribute("data-name") or ""
        for i in range(page.locator(ROWS).count())
    ]
