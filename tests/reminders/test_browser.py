"""The reminder page and the push handler in Chromium: layout on a phone and a desktop, turning
notifications on and off, and a real push through the service worker (delivered over CDP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory

from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.reminders.messages import push_payload
from midback.reminders.models import PushSubscription, Reminder
from tests.reminders.conftest import Person, make_person
from tests.reminders.helpers import subscribe
from tests.reminders.loopback import start_push_service

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("live_library")]


@pytest.fixture
def mia_live(monkeypatch: pytest.MonkeyPatch) -> tuple[Person, str]:
    monkeypatch.setenv("REMINDER_PUSH_ALLOW_HTTP", "1")
    person = make_person("harbour-street", "Mia", "Australia/Melbourne", "mia@example.org")
    person.save_program()
    _, token = do_start_device_session(RequestFactory().get("/"), person.patient)
    return person, token


def signed_in(context: Any, live_server: Any, token: str) -> Any:
    context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": live_server.url}])
    return context.new_page()


@pytest.mark.parametrize("device", ["Pixel 7", "desktop"])
def test_the_reminder_page_on_a_phone_and_a_desktop(
    browser: Any,
    playwright_devices: dict[str, Any],
    live_server: Any,
    artifacts: Path,
    axe: Any,
    mia_live: tuple[Person, str],
    device: str,
) -> None:
    options = (
        playwright_devices["Pixel 7"]
        if device == "Pixel 7"
        else {"viewport": {"width": 1280, "height": 900}}
    )
    context = browser.new_context(**options)
    page = signed_in(context, live_server, mia_live[1])
    page.goto(f"{live_server.url}/app/reminders/")
    page.get_by_role("button", name="Make a calendar link").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#feed-url").input_value().startswith("http")
    assert page.get_by_role("button", name="Copy").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], "nothing wider than the screen"
    name = "phone" if device == "Pixel 7" else "desktop"
    page.screenshot(path=str(artifacts / f"reminders-settings-{name}.png"), full_page=True)
    assert axe(page) == []
    context.close()


FAKE_PUSH = """
  (subscriptionJson) => {
    let current = null;
    const subscription = {
      endpoint: subscriptionJson.endpoint,
      toJSON: () => subscriptionJson,
      unsubscribe: async () => { current = null; return true; },
    };
    const registration = { active: {}, pushManager: {
      getSubscription: async () => current,
      subscribe: async () => { current = subscription; return subscription; },
    } };
    Object.defineProperty(navigator.serviceWorker, "register", { value: async () => registration });
    window.Notification.requestPermission = async () => "granted";
  }
"""


def test_turning_notifications_on_and_off_for_this_device(
    browser: Any, live_server: Any, mia_live: tuple[Person, str]
) -> None:
    # Headless Chromium has no push service to subscribe to, so the browser's PushManager is
    # replaced by a stand-in holding a real subscription's keys; the page's module is what runs.
    service = start_push_service()
    try:
        body = service.device("phone").subscription_json()
        context = browser.new_context()
        context.add_init_script(f"({FAKE_PUSH})({json.dumps(body)})")
        page = signed_in(context, live_server, mia_live[1])
        page.goto(f"{live_server.url}/app/reminders/")
        page.get_by_role("button", name="Turn on for this device").click()
        page.get_by_text("Notifications are on for this device.").wait_for()
        assert PushSubscription.objects.get().endpoint == body["endpoint"]
        assert Reminder.objects.filter(channel="push").exists()
        page.get_by_role("button", name="Turn off for this device").click()
        page.get_by_text("Notifications are off for this device.").wait_for()
        assert not PushSubscription.objects.exists()
        context.close()
    finally:
        service.server.shutdown()


def test_the_service_worker_shows_the_push_by_tag_and_snoozes_from_its_button(
    browser: Any, live_server: Any, mia_live: tuple[Person, str]
) -> None:
    person, token = mia_live
    service = start_push_service()
    try:
        subscribe(person, service, "phone")
    finally:
        service.server.shutdown()
    reminder = Reminder.objects.filter(channel="push").order_by("due_at")[0]
    context = browser.new_context()
    context.grant_permissions(["notifications"], origin=live_server.url)
    page = signed_in(context, live_server, token)
    page.goto(f"{live_server.url}/app/reminders/")
    cdp = context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: registrations.extend(e["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    page.evaluate(
        """async () => {
          const reg = await navigator.serviceWorker.register('/static/reminders/push-sw.js');
          const worker = reg.installing || reg.waiting || reg.active;
          if (worker.state !== 'activated') {
            await new Promise((ok) => worker.addEventListener('statechange',
              () => worker.state === 'activated' && ok()));
          }
        }"""
    )
    page.wait_for_function("navigator.serviceWorker.getRegistration('/static/reminders/')")
    registration = next(r for r in registrations if r["scopeURL"].endswith("/static/reminders/"))
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": registration["registrationId"],
            "data": push_payload(reminder).decode(),
        },
    )
    shown = page.evaluate(
        """async () => {
          const reg = await navigator.serviceWorker.getRegistration('/static/reminders/');
          // The push is handled asynchronously in the worker: ask again until it is shown.
          for (let tries = 0; tries < 2400; tries++) {  // up to a minute on a loaded machine
            const list = await reg.getNotifications();
            if (list.length) return list.map((n) => ({tag: n.tag, title: n.title, body: n.body,
              actions: n.actions.map((a) => a.action), data: n.data}));
            await new Promise((next) => setTimeout(next, 25));
          }
          return [];
        }"""
    )
    assert [n["tag"] for n in shown] == [reminder.block_id]
    assert shown[0]["actions"][:2] == ["snooze-15", "skip-today"]
    assert shown[0]["body"] == "Cat-Camel Stretch, Seated Twists · 3 min"
    worker = next(w for w in context.service_workers if w.url.endswith("push-sw.js"))
    assert worker.evaluate(
        "(data) => self.midbackReminderAction('snooze-15', data)", shown[0]["data"]
    )
    reminder.refresh_from_db()
    assert reminder.snoozed and reminder.status == "pending"
    context.close()
