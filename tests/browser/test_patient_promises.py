"""The patient app keeps its word (issue 17): a refused log stays on the device and is shown, a
session done before its day counts for today, and the app works offline after one visit."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.templatetags.static import static
from django.utils import timezone

from midback.care.actions import do_create_patient
from midback.care.models import Patient, SessionLog
from midback.core.demo import do_create_demo_clinic
from midback.practice.programs import current_version, local_now, parse_plan
from tests.browser.test_patient_player import SPY, _phone, _play_url, _start, open_player
from tests.browser.test_patient_player import patient as patient  # the fixture
from tests.practice.conftest import give_program

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

OUTBOX = "import('{queue}').then(q => q.all())"


def _outbox(page: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = page.evaluate(OUTBOX.format(queue=static("practice/queue.js")))
    return items


def _play_through(page: Any, steps: list[dict[str, Any]]) -> None:
    for step in steps:
        page.clock.run_for(step["seconds"] * 1000)
    page.check("input[name=pain_after][value='2']")
    page.click("[data-action=save]")
    page.wait_for_selector("[data-phase=saved]:not([hidden])")


def _steps(page: Any) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = page.evaluate(
        "JSON.parse(document.getElementById('player-data').textContent).steps"
    )
    return steps


def test_a_refused_log_stays_on_the_device_and_the_person_is_told(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
) -> None:
    # A phone whose clock is two days fast: the server refuses a log from "the future".
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    fast = time.time() + 2 * 86400
    page.clock.install(time=fast)
    day = (local_now(patient, timezone.now()) + timedelta(days=2)).date().isoformat()
    page.goto(f"{live_server.url}/app/play/{day}/full/")
    page.clock.pause_at(fast + 60)
    _start(page)
    _play_through(page, _steps(page))
    assert page.locator("[data-saved-heading]").inner_text() == "Not saved yet"
    detail = page.locator("[data-saved-detail]").inner_text()
    assert "did not accept" in detail and "kept on this device" in detail
    assert "block_day" not in detail and "started_at" not in detail
    assert SessionLog.objects.count() == 0
    (item,) = _outbox(page)
    assert item["refused"]["status"] == 422 and item["body"]["block_day"] == day
    page.screenshot(path=str(artifacts / "player-refused.png"))

    page.goto(f"{live_server.url}/app/")
    refused = page.locator("[data-refused]")
    refused.wait_for(state="visible")
    assert "was not saved" in refused.inner_text()
    assert "kept on this device" in refused.inner_text()
    page.screenshot(path=str(artifacts / "today-refused.png"), full_page=True)
    page.click("text=Remove it from this device")
    refused.wait_for(state="hidden")
    assert _outbox(page) == []
    context.close()


def test_a_session_done_before_its_day_counts_for_today(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, patient: Patient
) -> None:
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    t0 = time.time() - 20 * 60
    page.clock.install(time=t0)
    today = local_now(patient, timezone.now()).date()
    later = today + timedelta(days=3)
    page.goto(f"{live_server.url}/app/play/{later.isoformat()}/full/")
    page.clock.pause_at(t0 + 60)
    note = page.locator("[data-early]")
    assert note.is_visible()
    assert "counts for today" in note.inner_text()
    _start(page)
    _play_through(page, _steps(page))
    assert page.locator("[data-saved-heading]").inner_text() == "Saved. Well done."
    log = SessionLog.objects.get(patient=patient)
    assert log.block_day == today and log.block_time is None
    context.close()


def test_everything_works_offline_after_exactly_one_online_visit(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
) -> None:
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    page.goto(f"{live_server.url}/app/")  # the one online visit, as after the invite link
    version = current_version(patient)
    assert version is not None
    today = local_now(patient, timezone.now()).date()
    plan = parse_plan(version.plan)
    week = [today + timedelta(days=n) for n in range(7)]
    wanted = ["/app/", "/app/progress/"]
    for day in week:
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
        for block in plan.schedule:
            if block.day == weekday:
                wanted.append(f"/app/play/{day.isoformat()}/{block.time.replace(':', '')}/")
    wanted += [f"/exercises/{item.exercise}/illustration.svg?frame=end" for item in plan.items]
    # The visit is over once the worker is installed and the page has warmed the cache.
    cached = """async (wanted) => {
      const cache = await caches.open('midback-pages');
      const have = new Set((await cache.keys()).map((r) => new URL(r.url).pathname
        + new URL(r.url).search));
      return wanted.filter((u) => !have.has(u));
    }"""
    missing = wanted
    for _ in range(120):
        missing = page.evaluate(cached, wanted)
        if not missing:
            break
        page.wait_for_timeout(500)
    assert missing == []
    page.wait_for_function("() => Boolean(navigator.serviceWorker.controller)", timeout=60000)
    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "Hello, Priya"
    copy = page.locator("[data-offline-copy]")
    assert copy.is_visible() and "copy saved on this device" in copy.inner_text()
    page.screenshot(path=str(artifacts / "today-offline.png"), full_page=True)
    page.click("nav >> text=Progress")
    assert page.locator("[data-offline-copy]").is_visible()
    last = week[-1].isoformat()
    block = next(u for u in wanted if u.startswith(f"/app/play/{last}/"))
    page.goto(f"{live_server.url}{block}")
    assert page.locator("[data-player]").count() == 1
    assert len(_steps(page)) > 3
    context.close()


@pytest.mark.parametrize("size", [(360, 640), (412, 839)], ids=["360x640", "412x839"])
def test_the_stop_button_stays_on_screen_throughout_a_whole_session(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
    size: tuple[int, int],
) -> None:
    width, height = size
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.add_init_script(SPY)
    t0 = time.time() - 20 * 60
    page.clock.install(time=t0)
    page.goto(_play_url(live_server, patient))
    page.clock.pause_at(t0 + 60)
    steps = _steps(page)
    _start(page)
    assert not page.locator(".site-header nav").is_visible()  # focus mode: no site menu
    stop = page.locator("[data-action=hurt]")
    longest = max(steps, key=lambda s: len(s["text"]))
    for step in steps:
        box = stop.bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height, (
            step["text"],
            box,
        )
        if step is longest:
            page.screenshot(path=str(artifacts / f"player-{width}x{height}.png"))
        page.clock.run_for(step["seconds"] * 1000)
    page.wait_for_selector("[data-phase=after]:not([hidden])")
    context.close()


def test_the_picture_follows_each_phase_of_the_script(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, patient: Patient
) -> None:
    context, page = open_player(browser, playwright_devices, live_server, patient)
    steps = _steps(page)
    _start(page)
    end_frame = page.locator("[data-illustration-end]")

    def opacity() -> float:
        return float(end_frame.evaluate("(img) => getComputedStyle(img).opacity"))

    seen: list[tuple[str, str, float, float]] = []
    for step in steps:
        if step.get("exercise") == "cat-camel" and step["kind"] == "move" and len(seen) < 4:
            assert page.locator("[data-cue]").inner_text() == step["text"]
            assert page.locator("[data-player]").get_attribute("data-pose") == step["pose"]
            page.clock.run_for(50)
            start_of_step = opacity()
            page.clock.run_for(step["seconds"] * 1000 // 2)
            halfway = opacity()
            page.clock.run_for(step["seconds"] * 1000 - step["seconds"] * 1000 // 2 - 100)
            seen.append((step["text"], step["pose"], start_of_step, halfway))
            # By the end of the phase the picture is at the phase's keyframe.
            assert abs(opacity() - (1.0 if step["pose"] == "end" else 0.0)) < 0.1, step["text"]
            page.clock.run_for(50)
        else:
            page.clock.run_for(step["seconds"] * 1000)
    assert [pose for _, pose, _, _ in seen] == ["start", "end", "start", "end"]
    assert "(cow)" in seen[0][0] and "(cat)" in seen[1][0]
    # Arch (cow) to round (cat): the picture moves across the phase, it does not jump.
    _, _, begin, middle = seen[1]
    assert begin < 0.2 and 0.3 < middle < 0.7
    _, _, begin, middle = seen[2]
    assert begin > 0.8 and 0.3 < middle < 0.7
    context.close()


def test_today_shows_the_date_of_a_patient_whose_date_differs_from_the_servers(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any
) -> None:
    now = timezone.now()
    # Kiritimati (UTC+14) is on tomorrow's date from 10:00 UTC; Pago Pago (UTC-11) on
    # yesterday's before 11:00 UTC: one of them always differs from the server's date.
    zone = "Pacific/Kiritimati" if now.hour >= 10 else "Pacific/Pago_Pago"
    clinic = do_create_demo_clinic().clinic
    person = do_create_patient(None, clinic, "Tala", zone)
    give_program(person)
    local = local_now(person, now).date()
    assert local != now.date()
    context = _phone(browser, playwright_devices, live_server, person)
    page = context.new_page()
    page.goto(f"{live_server.url}/app/")
    lead = page.locator(".lead").first.inner_text()
    assert lead.startswith(f"{local:%A} {local.day} {local:%B}")
    context.close()
