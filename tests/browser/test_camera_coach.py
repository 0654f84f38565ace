"""The camera coach in Chromium with a fake camera and no network: the pose model loads from
MidBack's own static files, finds a person's landmarks in the video, and the player follows."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from midback.care.actions import do_create_patient
from midback.care.models import Patient
from midback.core.demo import do_create_demo_clinic
from midback.practice.programs import local_now
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.practice.browser_helpers import axe_violations
from tests.practice.conftest import give_program, sign_in

REPO = Path(__file__).resolve().parent.parent.parent

sys.path.insert(0, str(REPO / "tools"))
from fake_camera import RASTER, write_y4m, y4m_frame  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]


@pytest.fixture
def patient(live_library: None) -> Patient:
    clinic = do_create_demo_clinic().clinic
    person = do_create_patient(None, clinic, "Priya", "Australia/Melbourne")
    give_program(person)
    return person


@pytest.fixture
def figure_video(browser: Any, live_server: Any, tmp_path: Path) -> Path:
    """A video of MidBack's own wall-angel figure, start and raised positions, 1 s each."""
    page = browser.new_page()
    page.goto(f"{live_server.url}/exercises/")
    frames = []
    for frame in ("start", "end"):
        src = f"{live_server.url}/exercises/wall-angel/illustration.svg?frame={frame}"
        frames.append(y4m_frame(page.evaluate(RASTER, src)))
    page.close()
    video = tmp_path / "figure.y4m"
    write_y4m(video, frames, repeat=30)
    return video


@contextmanager
def camera_context(
    playwright: Any, live_server: Any, patient: Patient, video: Path
) -> Iterator[Any]:
    """A desktop Chromium whose camera plays `video`, with the patient signed in; closed after."""
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.grant_permissions(["camera"], origin=live_server.url)
        token = sign_in(patient).cookies["midback_device"].value
        context.add_cookies([{"name": "midback_device", "value": token, "url": live_server.url}])
        yield context
    finally:
        browser.close()


def test_the_coach_loads_from_midback_and_finds_the_person_with_the_network_blocked(
    playwright: Any, live_server: Any, patient: Patient, figure_video: Path, artifacts: Path
) -> None:
    with camera_context(playwright, live_server, patient, figure_video) as context:
        local, outside = [], []

        def only_midback(route: Any) -> None:
            url = route.request.url
            if url.startswith(live_server.url):
                local.append(url)
                route.continue_()
            else:
                outside.append(url)
                route.abort()

        context.route("**/*", only_midback)
        page = context.new_page()
        before = time.time()
        day = local_now(patient, timezone.now()).date().isoformat()
        page.goto(f"{live_server.url}/app/play/{day}/full/")
        loaded_without_coach = [u for u in local if "/coach/" in u]
        assert loaded_without_coach == [], "the coach loads only when asked for"
        page.check("input[name=pain_before][value='2']")
        page.click("[data-action=start]")
        page.evaluate(
            """() => { window.__poses = [];
            document.querySelector('[data-coach-canvas]').addEventListener('coach-pose',
              (e) => window.__poses.push(e.detail)); }"""
        )
        page.click("[data-action=camera]")
        page.wait_for_function(
            "() => window.__poses.filter((p) => p.keypoints).length >= 10", timeout=90_000
        )
        poses = page.evaluate("() => window.__poses.filter((p) => p.keypoints)")
        page.wait_for_selector("[data-coach][data-status=seen]", timeout=30_000)
        page.screenshot(path=str(artifacts / "coach-desktop.png"))
        assert axe_violations(page) == []
        took = time.time() - before
        # The same on a phone: the preview, the placement hint and the status fit above the dock.
        phone = context.browser.new_context(**playwright.devices["Pixel 7"])
        phone.grant_permissions(["camera"], origin=live_server.url)
        phone.add_cookies(
            [c for c in context.cookies(live_server.url) if c["name"] == "midback_device"]
        )
        phone.route("**/*", only_midback)
        small = phone.new_page()
        small.goto(f"{live_server.url}/app/play/{day}/full/")
        small.check("input[name=pain_before][value='2']")
        small.click("[data-action=start]")
        small.click("[data-action=camera]")
        small.wait_for_selector("[data-coach][data-status=seen]", timeout=90_000)
        assert small.locator("[data-action=pause]").is_visible()
        small.screenshot(path=str(artifacts / "coach-phone.png"))

    assert outside == [], f"requests left the machine: {outside[:3]}"
    vendor = [u for u in local if "/static/coach/vendor/" in u]
    for name in (
        "tf-core.min",
        "tf-backend-wasm.min",
        "pose-detection.min",
        "blazepose-detector",
        "blazepose-lite",
    ):
        assert any(name in u for u in vendor), f"{name} was not loaded from MidBack: {vendor}"
    assert any(u.endswith(".wasm") for u in vendor)
    # Nose, shoulders and hips found, inside the picture, where a standing figure has them.
    pose = poses[-1]
    points = {
        n: pose["keypoints"][i]
        for n, i in (("nose", 0), ("l_sh", 11), ("r_sh", 12), ("l_hip", 23), ("r_hip", 24))
    }
    for name, (x, y, score) in points.items():
        assert score > 0.8, f"{name} score {score}"
        assert 0 <= x <= 640 and 0 <= y <= 480, f"{name} outside the picture: {x}, {y}"
    assert (
        points["nose"][1]
        < min(points["l_sh"][1], points["r_sh"][1])
        < min(points["l_hip"][1], points["r_hip"][1])
    )
    print(f"coach found the figure in {len(poses)} frames, {took:.1f} s from page open")


def test_the_practitioner_sees_the_range_chart(
    browser: Any, live_server: Any, patient: Patient, artifacts: Path
) -> None:
    from midback.care.models import ExerciseLog, SessionLog
    from midback.core.demo import DEMO_PRACTITIONER_EMAIL, DEMO_PRACTITIONER_PASSWORD

    today = local_now(patient, timezone.now()).date()
    version = patient.programs.get().current
    for days_ago, degrees in ((20, 44), (13, 51), (6, 57), (1, 62)):
        started = timezone.now() - dt.timedelta(days=days_ago)
        log = SessionLog.objects.create(
            clinic=patient.clinic,
            patient=patient,
            program_version=version,
            block_day=today - dt.timedelta(days=days_ago),
            started_at=started,
            ended_at=started + dt.timedelta(minutes=6),
            completed=True,
        )
        ExerciseLog.objects.create(
            clinic=patient.clinic,
            session=log,
            exercise="wall-angel",
            sets_done=1,
            reps_done=10,
            best_range=degrees,
        )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/clinic/login/")
    page.fill("input[name=email]", DEMO_PRACTITIONER_EMAIL)
    page.fill("input[name=password]", DEMO_PRACTITIONER_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/clinic/patients/{patient.pk}/")
    chart = page.locator("figure", has_text="Wall Angels: 44°")
    chart.scroll_into_view_if_needed()
    # The drawing that fits the screen shows one dot per day seen (the other fit is hidden).
    shown = chart.locator("svg:visible")
    assert shown.count() == 1
    assert shown.locator("circle").count() == 4
    page.screenshot(path=str(artifacts / "range-chart.png"))
    context.close()


def test_the_coach_counts_the_reps_it_sees_and_the_range_is_saved_with_the_log(
    playwright: Any, live_server: Any, patient: Patient, figure_video: Path
) -> None:
    """The fake camera plays the wall-angel figure going up and down (a rep every 2 s); on the
    wall-angel steps the coach moves the player on by the reps it sees, and the best range
    reaches the stored exercise log."""
    from midback.care.models import ExerciseLog

    with camera_context(playwright, live_server, patient, figure_video) as context:
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if route.request.url.startswith(live_server.url)
                else route.abort()
            ),
        )
        page = context.new_page()
        page.add_init_script("window.speechSynthesis && (window.speechSynthesis.speak = () => {});")
        day = local_now(patient, timezone.now()).date().isoformat()
        page.goto(f"{live_server.url}/app/play/{day}/full/")
        page.check("input[name=pain_before][value='2']")
        page.click("[data-action=start]")
        # Skip to the first wall-angel rep.
        page.evaluate(
            """() => { for (let i = 0; i < 400; i += 1) {
              const meta = document.querySelector('[data-meta]').textContent;
              if (meta.startsWith('Wall Angels') && meta.includes('Rep 1 of')) return;
              document.querySelector('[data-action=skip]').click(); } }"""
        )
        assert "Wall Angels" in page.text_content("[data-meta]")
        page.click("[data-action=camera]")
        page.wait_for_selector("[data-coach][data-status=seen]", timeout=90_000)
        page.wait_for_function(
            "() => Number(document.querySelector('[data-coach]').dataset.reps || 0) >= 2",
            timeout=90_000,
        )
        shown = page.text_content("[data-coach-range]")
        assert "reps seen" in shown
        # On to the end, then save: the best range goes with the wall-angel log.
        page.evaluate(
            """() => { for (let i = 0; i < 400 && document.querySelector('[data-phase=after]').hidden; i += 1)
              document.querySelector('[data-action=skip]').click(); }"""
        )
        page.check("input[name=pain_after][value='2']")
        page.click("[data-action=save]")
        page.wait_for_selector("[data-phase=saved][data-outcome=sent]", timeout=30_000)
    wall = ExerciseLog.objects.get(exercise="wall-angel")
    assert wall.best_range is not None and 20 <= wall.best_range <= 120, wall.best_range


def test_once_used_the_coach_works_offline(
    playwright: Any, live_server: Any, patient: Patient, figure_video: Path
) -> None:
    """The service worker keeps the coach's files (cache first) after the first use: with the
    network off, the player reloads from the cache and the coach starts and sees the person."""
    with camera_context(playwright, live_server, patient, figure_video) as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/app/")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.reload()  # now the worker controls the page
        assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")
        day = local_now(patient, timezone.now()).date().isoformat()
        page.goto(f"{live_server.url}/app/play/{day}/full/")
        for attempt in ("online", "offline"):
            if attempt == "offline":
                context.set_offline(True)
                page.reload()
            page.check("input[name=pain_before][value='2']")
            page.click("[data-action=start]")
            page.click("[data-action=camera]")
            page.wait_for_selector("[data-coach][data-status=seen]", timeout=90_000)
            assert page.locator("[data-coach]").get_attribute("data-status") == "seen", attempt
            if attempt == "online":
                # The worker's cache now holds the model and the runtime (not only the HTTP cache).
                kept = page.evaluate(
                    """async () => {
                      const names = [];
                      for (const key of await caches.keys()) {
                        for (const request of await (await caches.open(key)).keys()) names.push(request.url);
                      }
                      return names.filter((u) => u.includes('/coach/'));
                    }"""
                )
                for name in (
                    "blazepose-lite.bin",
                    "blazepose-detector.bin",
                    "tf-core.min",
                    ".wasm",
                    "player-coach",
                ):
                    assert any(name in u for u in kept), f"{name} not in the service worker's cache"
