"""The camera coach in Chromium with a fake camera and no network: the pose model loads from
MidBack's own static files, finds a person's landmarks in the video, and the player follows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from midback.clinic.actions import do_create_patient
from midback.clinic.demo import do_create_demo_clinic
from midback.clinic.models import Patient
from midback.practice.programs import local_now
from tests.conftest import CHROMIUM, CHROMIUM_FLAGS
from tests.practice.conftest import give_program, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

# Draw an image on a white 640x480 canvas (contained, centred) and hand back its RGBA bytes.
RASTER = """async (src) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const c = document.createElement("canvas");
  c.width = 640; c.height = 480;
  const ctx = c.getContext("2d");
  ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, 640, 480);
  const k = Math.min(640 / img.naturalWidth, 480 / img.naturalHeight);
  const w = img.naturalWidth * k, h = img.naturalHeight * k;
  ctx.drawImage(img, (640 - w) / 2, (480 - h) / 2, w, h);
  return Array.from(ctx.getImageData(0, 0, 640, 480).data);
}"""


def y4m_frame(rgba: list[int], width: int = 640, height: int = 480) -> bytes:
    """One 4:2:0 frame (BT.601, full range) from RGBA bytes."""
    ys = bytearray(width * height)
    us = bytearray((width // 2) * (height // 2))
    vs = bytearray((width // 2) * (height // 2))
    for i in range(width * height):
        r, g, b = rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]
        ys[i] = min(255, max(0, round(0.299 * r + 0.587 * g + 0.114 * b)))
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            i = 4 * (y * width + x)
            r, g, b = rgba[i], rgba[i + 1], rgba[i + 2]
            j = (y // 2) * (width // 2) + x // 2
            us[j] = min(255, max(0, round(128 - 0.168736 * r - 0.331264 * g + 0.5 * b)))
            vs[j] = min(255, max(0, round(128 + 0.5 * r - 0.418688 * g - 0.081312 * b)))
    return b"FRAME\n" + bytes(ys) + bytes(us) + bytes(vs)


def write_y4m(path: Path, frames: list[bytes], repeat: int) -> None:
    with path.open("wb") as out:
        out.write(b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n")
        for frame in frames:
            for _ in range(repeat):
                out.write(frame)


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


def test_the_coach_loads_from_midback_and_finds_the_person_with_the_network_blocked(
    playwright: Any, live_server: Any, patient: Patient, figure_video: Path, artifacts: Path
) -> None:
    flags = [
        *CHROMIUM_FLAGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={figure_video}",
    ]
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.grant_permissions(["camera"], origin=live_server.url)
        token = sign_in(patient).cookies["midback_device"].value
        context.add_cookies([{"name": "midback_device", "value": token, "url": live_server.url}])
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
        took = time.time() - before
    finally:
        browser.close()

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
