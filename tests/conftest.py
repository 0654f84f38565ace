"""Shared fixtures: the exercise library in the test database, and Chromium for browser tests."""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

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


# The clock. Every test that is not a browser test starts at one chosen instant: `--clock=ISO`
# (or MIDBACK_TEST_CLOCK), else the moment this session started (which an outside fake clock
# sets). `make test-clock-sweep` runs the suite at the instants where dates and zones part ways.
SESSION_START = dt.datetime.now(dt.UTC)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock",
        default=os.environ.get("MIDBACK_TEST_CLOCK", ""),
        help="ISO instant (UTC if no offset) at which every non-browser test starts",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "real_clock: runs other processes, so it keeps the machine's own clock"
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The fault tests run the app under gunicorn in other processes, on the machine's clock.
    for item in items:
        if item.nodeid.startswith("tests/faults/"):
            item.add_marker(pytest.mark.real_clock)


class Clock:
    """The test's clock: now, today in any zone, and moving time to a chosen moment."""

    def __init__(self, traveller: Any = None) -> None:
        self._traveller = traveller

    @property
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def local(self, zone: str) -> dt.datetime:
        return self.now.astimezone(ZoneInfo(zone))

    def today(self, zone: str) -> dt.date:
        return self.local(zone).date()

    def move_to(self, moment: dt.datetime, *, tick: bool = False) -> None:
        """Stop time at an aware moment (or let it run on from there with `tick=True`)."""
        if self._traveller is None:
            raise RuntimeError("this test keeps the real clock (browser or real_clock)")
        if moment.tzinfo is None:
            raise ValueError("move_to needs an aware datetime")
        # A UTC destination: a zone-aware one would set TZ for the whole process.
        self._traveller.move_to(moment.astimezone(dt.UTC), tick=tick)


def chosen_instant(config: pytest.Config) -> dt.datetime:
    text = config.getoption("--clock")
    if not text:
        return SESSION_START
    instant = dt.datetime.fromisoformat(text)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(dt.UTC)


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest) -> Iterator[Clock]:
    """Travel to the chosen instant (time then runs on from it) for the length of the test.

    Browser tests keep the real clock (the page's clock is set with Playwright's), and so do
    tests marked `real_clock`, which start servers in other processes.
    """
    node = request.node
    if node.get_closest_marker("browser") or node.get_closest_marker("real_clock"):
        yield Clock()
        return
    instant = chosen_instant(request.config)
    # A UTC-aware destination: a zone-aware one would set TZ for the whole process.
    with time_machine.travel(instant, tick=True) as traveller:
        yield Clock(traveller)


@pytest.fixture(autouse=True)
def fresh_frozen_cache() -> None:
    """Each test's database hands out ids afresh: forget this process's copy of cached bytes and
    of what each program version computes (the shared cache lives in the test database and
    rolls back with it), so a test also counts the same queries whatever ran before it."""
    from midback.frozen import forget_local

    forget_local()


@pytest.fixture(scope="session", autouse=True)
def quick_password_hashing() -> Iterator[None]:
    """Argon2 with production's cost takes a large part of a second per hash on this machine, and
    the sign-in tests hash hundreds of times; tests check who may sign in, not the hash's cost.
    (The fault tests' gunicorn keeps production's settings.)"""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Static files under their content-hashed names, as `serve` and a deployment have them.

    The live server then serves them as production does, through WhiteNoise: Django's test
    static handler looks files up by their plain names only, so it is told to pass them on.
    """
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.utils import override_settings

    # Each run collects into its own folder, so two runs at once never trip over each other.
    collected = override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static"))
    collected.enable()
    call_command("collectstatic", interactive=False, verbosity=0)
    StaticFilesHandler._should_handle = lambda self, path: False  # type: ignore[method-assign]
    yield
    collected.disable()


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
