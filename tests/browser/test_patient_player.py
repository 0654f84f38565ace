"""The guided player in Chromium at a phone size: a whole session under Playwright's clock,
offline logging that syncs exactly once, and the player working from the offline cache."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.templatetags.static import static
from django.utils import timezone

from midback.care.actions import do_create_patient
from midback.care.models import ExerciseLog, Patient, SessionLog
from midback.core.demo import do_create_demo_clinic
from midback.practice.programs import local_now
from tests.practice.browser_helpers import axe_violations
from tests.practice.conftest import give_program, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]

SPY = """
window.__spoken = [];
if (window.speechSynthesis) {
  window.speechSynthesis.speak = (utterance) => { window.__spoken.push(utterance.text); };
}
"""


@pytest.fixture
def patient(live_library: None) -> Patient:
    clinic = do_create_demo_clinic().clinic
    person = do_create_patient(None, clinic, "Priya", "Australia/Melbourne")
    give_program(person)
    return person


def _phone(browser: Any, devices: dict[str, Any], live_server: Any, patient: Patient) -> Any:
    context = browser.new_context(**devices["Pixel 7"])
    token = sign_in(patient).cookies["midback_device"].value
    context.add_cookies([{"name": "midback_device", "value": token, "url": live_server.url}])
    return context


def _play_url(live_server: Any, patient: Patient) -> str:
    day = local_now(patient, timezone.now()).date().isoformat()
    return f"{live_server.url}/app/play/{day}/full/"


def open_player(
    browser: Any, devices: dict[str, Any], live_server: Any, patient: Patient
) -> tuple[Any, Any]:
    """A phone's context and page, opened at the patient's first block with the page's clock
    paused a minute after the block started (20 minutes ago)."""
    context = _phone(browser, devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    t0 = time.time() - 20 * 60
    page.clock.install(time=t0)
    page.goto(_play_url(live_server, patient))
    page.clock.pause_at(t0 + 60)
    return context, page


def _start(page: Any, pain: int = 3) -> None:
    page.check(f"input[name=pain_before][value='{pain}']")
    page.click("[data-action=start]")


def test_a_whole_session_plays_every_step_and_cue_in_order(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
) -> None:
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    # Start 20 minutes ago so the whole session ends before the server's "now".
    t0 = time.time() - 20 * 60
    page.clock.install(time=t0)
    page.goto(_play_url(live_server, patient))
    page.clock.pause_at(t0 + 60)
    data = page.evaluate("JSON.parse(document.getElementById('player-data').textContent)")
    steps = data["steps"]
    assert len(steps) > 20
    _start(page)
    hold_shot = False
    for step in steps:
        assert page.locator("[data-cue]").inner_text() == step["text"], step
        assert page.locator("[data-countdown]").inner_text() == f"{step['seconds']} s"
        if step["kind"] == "hold" and not hold_shot:
            page.clock.run_for(step["seconds"] * 1000 // 2)
            page.screenshot(path=str(artifacts / "patient-player-hold-phone.png"), full_page=True)
            page.clock.run_for(step["seconds"] * 1000 - step["seconds"] * 1000 // 2)
            hold_shot = True
        else:
            page.clock.run_for(step["seconds"] * 1000)
    assert hold_shot
    assert page.locator("[data-phase=after]").is_visible()
    assert page.evaluate("window.__spoken") == [step["say"] for step in steps]

    page.check("input[name=pain_after][value='2']")
    page.check("input[name=difficulty][value='about_right']")
    page.click("[data-action=save]")
    page.wait_for_selector("[data-phase=saved]:not([hidden])")
    assert page.locator("[data-saved-detail]").inner_text() == "Your session is recorded."
    log = SessionLog.objects.get(patient=patient)
    assert (log.pain_before, log.pain_after, log.difficulty) == (3, 2, "about_right")
    assert log.completed and not log.stopped and log.block_time is None
    assert set(ExerciseLog.objects.filter(session=log).values_list("exercise", flat=True)) == set(
        data["exercises"]
    )
    context.close()


def test_every_phase_of_the_player_passes_axe(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
) -> None:
    # No fake clock here: axe itself waits on timers.
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    page.goto(_play_url(live_server, patient))
    assert axe_violations(page) == []
    steps = page.evaluate("JSON.parse(document.getElementById('player-data').textContent).steps")
    _start(page)
    first_hold = next(s["index"] for s in steps if s["kind"] == "hold")
    for _ in range(first_hold):
        page.keyboard.press("ArrowRight")
    assert page.locator("[data-cue]").inner_text() == steps[first_hold]["text"]
    page.click("[data-action=pause]")
    assert axe_violations(page) == []
    page.click("[data-action=hurt]")
    assert axe_violations(page) == []
    page.check("input[name=stop_reason][value='numbness']")
    page.click("[data-action=confirm-stop]")
    assert axe_violations(page) == []
    page.screenshot(path=str(artifacts / "patient-player-stopped-phone.png"), full_page=True)
    context.close()

    desktop = browser.new_context(viewport={"width": 1280, "height": 900})
    token = sign_in(patient).cookies["midback_device"].value
    desktop.add_cookies([{"name": "midback_device", "value": token, "url": live_server.url}])
    page = desktop.new_page()
    page.add_init_script(SPY)
    page.goto(_play_url(live_server, patient))
    _start(page)
    for _ in range(first_hold):
        page.keyboard.press("ArrowRight")
    page.click("[data-action=pause]")
    page.screenshot(path=str(artifacts / "patient-player-hold-desktop.png"), full_page=True)
    desktop.close()


def test_pause_holds_the_clock_and_the_keyboard_drives_the_player(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, patient: Patient
) -> None:
    context, page = open_player(browser, playwright_devices, live_server, patient)
    steps = page.evaluate("JSON.parse(document.getElementById('player-data').textContent).steps")
    _start(page)
    page.clock.run_for(1000)
    page.locator("body").press("Space")  # focus sits on Pause, which Space presses
    assert page.locator("[data-action=pause]").inner_text() == "Resume"
    page.clock.run_for(60_000)  # a minute paused: still the first step
    assert page.locator("[data-cue]").inner_text() == steps[0]["text"]
    page.click("[data-action=pause]")
    page.clock.run_for(steps[0]["seconds"] * 1000 - 1000)
    assert page.locator("[data-cue]").inner_text() == steps[1]["text"]
    page.keyboard.press("ArrowRight")
    assert page.locator("[data-cue]").inner_text() == steps[2]["text"]
    page.keyboard.press("ArrowLeft")
    assert page.locator("[data-cue]").inner_text() == steps[1]["text"]
    page.click("[data-action=speech]")
    assert page.locator("[data-action=speech]").get_attribute("aria-pressed") == "false"
    spoken = len(page.evaluate("window.__spoken"))
    page.clock.run_for(steps[1]["seconds"] * 1000)
    assert page.locator("[data-cue]").inner_text() == steps[2]["text"]
    assert len(page.evaluate("window.__spoken")) == spoken  # speech off: nothing more said

    # "Stop: this hurts" with sharp pain skips just that exercise; the session goes on.
    first = steps[2]["exercise"]
    page.click("[data-action=hurt]")
    page.check("input[name=stop_reason][value='sharp_pain']")
    page.click("[data-action=confirm-stop]")
    assert page.locator("[data-phase=play]").is_visible()
    assert "skipped" in page.locator("[data-skip-note]").inner_text()
    nxt = next(i for i, s in enumerate(steps) if i > 2 and s.get("exercise") not in (None, first))
    assert page.locator("[data-cue]").inner_text() == steps[nxt - 1]["text"] or (
        page.locator("[data-cue]").inner_text() == steps[nxt]["text"]
    )
    # Numbness is a seek-care sign: the session ends, with urgent advice and a number to tap.
    second = page.evaluate("JSON.parse(document.getElementById('player-data').textContent).steps")[
        nxt
    ]["exercise"]
    page.click("[data-action=hurt]")
    page.check("input[name=stop_reason][value='numbness']")
    page.click("[data-action=confirm-stop]")
    advice = page.locator("[data-stop-advice]")
    assert advice.is_visible() and "Get medical help now" in advice.inner_text()
    assert page.locator("[data-call]").get_attribute("href") == "tel:000"
    page.check("input[name=pain_after][value='5']")
    page.click("[data-action=save]")
    page.wait_for_selector("[data-phase=saved]:not([hidden])")
    log = SessionLog.objects.get(patient=patient)
    assert log.stopped and not log.completed
    stopped = {
        (e.exercise, e.stop_reason, e.hurt)
        for e in ExerciseLog.objects.filter(session=log, stopped=True)
    }
    assert stopped == {(first, "sharp_pain", True), (second, "numbness", True)}
    # Today acknowledges the stop.
    page.goto(f"{live_server.url}/app/")
    ack = page.locator(".stop-ack")
    assert ack.count() == 2 and "numbness or tingling" in ack.nth(1).inner_text()
    context.close()


def test_a_session_finished_offline_is_stored_exactly_once_when_back_online(
    browser: Any, playwright_devices: dict[str, Any], live_server: Any, patient: Patient
) -> None:
    context, page = open_player(browser, playwright_devices, live_server, patient)
    steps = page.evaluate("JSON.parse(document.getElementById('player-data').textContent).steps")
    _start(page)
    half = len(steps) // 2
    for step in steps[:half]:
        page.clock.run_for(step["seconds"] * 1000)
    context.set_offline(True)
    for step in steps[half:]:
        page.clock.run_for(step["seconds"] * 1000)
    page.check("input[name=pain_after][value='2']")
    page.click("[data-action=save]")
    page.wait_for_selector("[data-phase=saved]:not([hidden])")
    assert "back online" in page.locator("[data-saved-detail]").inner_text()
    assert page.evaluate(f"import('{static('practice/queue.js')}').then(q => q.pending())") == 1
    assert page.locator("[data-sync-status]").inner_text().startswith("1 session saved")
    assert SessionLog.objects.count() == 0

    context.set_offline(False)  # the browser's "online" event sends the outbox
    page.wait_for_selector("[data-sync-status]", state="hidden")
    assert page.evaluate(f"import('{static('practice/queue.js')}').then(q => q.pending())") == 0
    assert SessionLog.objects.filter(patient=patient).count() == 1
    # The outbox retrying the same log (a lost acknowledgement) stores nothing new.
    status = page.evaluate(
        """async () => {
          const logs = await (await fetch('/api/v1/me/sessions')).json();
          return logs.length;
        }"""
    )
    assert status == 1
    context.close()


def test_the_player_works_offline_after_one_visit(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    patient: Patient,
    artifacts: Path,
) -> None:
    context = _phone(browser, playwright_devices, live_server, patient)
    page = context.new_page()
    page.add_init_script(SPY)
    page.goto(f"{live_server.url}/app/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now the worker controls the page
    assert page.evaluate("Boolean(navigator.serviceWorker.controller)")
    play = _play_url(live_server, patient)
    page.goto(play)
    page.wait_for_load_state("networkidle")

    context.set_offline(True)
    page.reload()
    assert page.locator("h1").inner_text() == "Whole routine"
    steps = page.evaluate("JSON.parse(document.getElementById('player-data').textContent).steps")
    page.clock.install()
    _start(page)
    page.clock.run_for(steps[0]["seconds"] * 1000)
    assert page.locator("[data-cue]").inner_text() == steps[1]["text"]
    page.goto(f"{live_server.url}/app/")  # today, from the cache too
    assert page.locator("h1").inner_text() == "Hello, Priya"
    context.close()
