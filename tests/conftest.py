"""Shared fixtures: the exercise library in the test database, and Chromium for browser tests."""

from __future__ import annotations

import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from midback.content.actions import do_sync_library

CHROMIUM = os.environ.get("MIDBACK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"


@pytest.fixture
def library(db: None) -> None:
    """The exercise library loaded into the test database (idempotent)."""
    do_sync_library()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Any) -> Iterator[Any]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def playwright_devices(playwright: Any) -> dict[str, dict[str, Any]]:
    return dict(playwright.devices)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def live_library(transactional_db: None) -> None:
    """The library for tests that drive a live server (transactions really commit)."""
    do_sync_library()


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


@functools.cache
def _axe_source() -> str:
    return AXE.read_text(encoding="utf-8")


def axe_violations(page: object) -> list[dict[str, object]]:
    """Run axe-core on the page; return its violations (empty when the page passes)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `npm ci` (make test does)")
    # Evaluated through DevTools rather than a <script> tag, which the page's CSP rightly refuses.
    page.evaluate(_axe_source() + "\n;0")  # type: ignore[attr-defined]
    result = page.evaluate(  # type: ignore[attr-defined]
        "axe.run(document, {resultTypes: ['violations']})"
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


@pytest.fixture
def axe() -> object:
    return axe_violations
