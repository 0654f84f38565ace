"""The library as a person sees it in Chromium, on a phone and a desktop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]


def test_an_exercise_page_on_a_phone(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, artifacts: Path, axe: Any
) -> None:
    context = browser.new_context(**playwright_devices["Pixel 7"])
    page = context.new_page()
    page.goto(f"{live_server.url}/exercises/cat-camel/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == "Cat-Camel Stretch"
    image = page.locator(".illustration img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 412
    page.screenshot(path=str(artifacts / "exercise-cat-camel-phone.png"), full_page=True)
    assert axe(page) == []
    context.close()


def test_the_library_list_on_a_desktop(
    browser: Any, live_server: Any, artifacts: Path, axe: Any
) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/exercises/")
    page.wait_for_load_state("networkidle")
    broken = page.evaluate(
        "[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
    )
    assert broken == []
    assert page.locator(".exercise-card").count() == 14
    page.screenshot(path=str(artifacts / "library-desktop.png"), full_page=True)
    assert axe(page) == []
    page.close()
