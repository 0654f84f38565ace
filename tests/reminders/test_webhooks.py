"""Webhooks: endpoints only on allowed addresses; events written in the action's transaction;
delivered signed (verified here with the README's recipe, by a receiver on loopback), retried
with backoff under one stable id; a killed worker repeats at most the events in flight."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.utils import timezone

from midback.care.actions import do_add_visit, do_record_red_flags, do_save_program, do_update_visit
from midback.care.events import emit
from midback.care.integrations import do_add_webhook
from midback.care.models import WebhookDelivery, WebhookEndpoint
from midback.care.outbound import OutboundRefused
from midback.reminders.webhooks import BACKOFF_FIRST, MAX_ATTEMPTS, WebhookSender
from tests.clinic.conftest import Side, make_side
from tests.conftest import Clock
from tests.practice.conftest import sign_in
from tests.reminders.test_processes import database_url


def verify(secret: str, headers: Any, body: bytes, tolerance: int = 300) -> dict[str, Any]:
    """The README's verification recipe, as a receiver would write it."""
    timestamp = headers["MidBack-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest("v1=" + expected, headers["MidBack-Signature"]):
        raise ValueError("bad signature")
    if abs(time.time() - int(timestamp)) > tolerance:
        raise ValueError("too old: a replay?")
    return json.loads(body)


@dataclass
class Receiver:
    """An HTTP receiver on loopback that checks every event's signature."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)  # status per request, then 200
    delay: float = 0.0
    events: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/midback/events"

    def handle(self, headers: Any, body: bytes) -> int:
        if self.delay:
            time.sleep(self.delay)
        try:
            event = verify(self.secret, headers, body)
        except (ValueError, KeyError) as exc:
            self.refused.append(str(exc))
            return 400
        status = self.answers.pop(0) if self.answers else 200
        if status == 200:
            self.events.append(event)
            self.headers.append(dict(headers))
        return status

    def wait_for(self, count: int, timeout: float = 60.0) -> bool:
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return len(self.events) >= count


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = state.handle(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def loopback_allowed(settings: Any) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = True


@pytest.fixture
def harbour(library: None) -> Side:
    return make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")


def registered(side: Side, receiver: Receiver) -> WebhookEndpoint:
    endpoint, secret = do_add_webhook(None, side.staff, receiver.url)
    receiver.secret = secret
    return endpoint


def send_all(sender: WebhookSender) -> dict[str, int]:
    total: Counter[str] = Counter()
    while True:
        counts = sender.run_once()
        total.update(counts)
        if not counts["claimed"]:
            return dict(total)


# Registering ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.9/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest",
        "http://93.184.216.34/hook",
        "ftp://93.184.216.34/hook",
        "https://user:pw@93.184.216.34/hook",
    ],
)
def test_an_endpoint_on_a_private_or_plain_address_is_refused(harbour: Side, url: str) -> None:
    page = harbour.client.post("/clinic/integrations/", {"make": "webhook", "url": url})
    assert page.status_code == 200
    error = page.content.decode().split('<p class="error"')[1].split("</p>")[0]
    assert "https://" in error
    assert not WebhookEndpoint.objects.exists()


def test_loopback_is_allowed_only_where_the_setting_says(
    harbour: Side, receiver: Receiver, loopback_allowed: None
) -> None:
    page = harbour.client.post("/clinic/integrations/", {"make": "webhook", "url": receiver.url})
    secret = page.content.decode().split('<code class="copy">')[1].split("</code>")[0]
    endpoint = WebhookEndpoint.objects.get()
    assert secret.startswith("whsec_") and endpoint.secret == secret
    assert secret not in harbour.client.get("/clinic/integrations/").content.decode()
    with pytest.raises(OutboundRefused):
        do_add_webhook(None, harbour.staff, "https://10.0.0.1/hook")


# Events in the action's transaction ---------------------------------------------------------


def test_each_kind_of_event_is_written_with_the_change_that_made_it(
    harbour: Side, receiver: Receiver, loopback_allowed: None
) -> None:
    registered(harbour, receiver)
    patient = harbour.patient
    client = sign_in(patient)
    exercise = harbour.version.plan["items"][0]["exercise"]
    today = timezone.now().astimezone(ZoneInfo(patient.time_zone))
    log = {
        "id": str(uuid.uuid4()),
        "program_version": harbour.version.pk,
        "block_day": today.date().isoformat(),
        "started_at": (timezone.now() - dt.timedelta(minutes=8)).isoformat(),
        "ended_at": (timezone.now() - dt.timedelta(minutes=5)).isoformat(),
        "pain_before": 4,
        "pain_after": 5,
        "completed": False,
        "stopped": True,
        "exercises": [
            {
                "id": str(uuid.uuid4()),
                "exercise": exercise,
                "sets_done": 1,
                "reps_done": 3,
                "stopped": True,
                "stop_reason": "numbness",
                "note": "Pins and needles in my hand",
            }
        ],
    }
    assert client.post("/api/v1/me/sessions", log, content_type="application/json").status_code in (
        200,
        201,
    )
    sharp = {**log, "id": str(uuid.uuid4())}
    sharp["exercises"] = [
        {**log["exercises"][0], "id": str(uuid.uuid4()), "stop_reason": "sharp_pain", "note": ""}
    ]
    assert client.post(
        "/api/v1/me/sessions", sharp, content_type="application/json"
    ).status_code in (
        200,
        201,
    )
    checkin = {"id": str(uuid.uuid4()), "pain_now": 3, "global_change": 2}
    assert client.post(
        "/api/v1/me/checkins", checkin, content_type="application/json"
    ).status_code in (
        200,
        201,
    )
    # A refused check-in (worst below now) writes no event.
    bad = {"id": str(uuid.uuid4()), "pain_now": 6, "pain_worst": 2}
    assert (
        client.post("/api/v1/me/checkins", bad, content_type="application/json").status_code == 422
    )
    do_save_program(None, patient, harbour.version.plan, reason="Step up", author=harbour.staff)
    visit = do_add_visit(None, patient, starts_at=timezone.now(), kind="review")
    do_update_visit(None, visit, status="missed", note="No call")

    rows = WebhookDelivery.objects.order_by("created_at", "pk")
    kinds = [row.event_type for row in rows]
    assert kinds == [
        "red_flag.raised",
        "stop.flagged",
        "checkin.recorded",
        "program.changed",
        "visit.missed",
    ]
    bodies = [json.loads(row.body) for row in rows]
    assert bodies[0]["data"]["note"] == "Pins and needles in my hand"
    assert bodies[0]["data"]["source"] == "stop" and bodies[1]["data"]["reason"] == "sharp_pain"
    assert bodies[2]["data"]["pain_now"] == 3 and bodies[3]["data"]["version"] == 2
    assert bodies[4]["data"]["visit_id"] == visit.pk
    assert all(
        b["id"] == str(r.event_id) and b["type"] == r.event_type
        for b, r in zip(bodies, rows, strict=True)
    )
    assert {b["data"]["patient_id"] for b in bodies} == {patient.pk}


@pytest.mark.django_db(transaction=True)
def test_an_event_exists_only_if_its_change_commits(harbour: Side, loopback_allowed: None) -> None:
    WebhookEndpoint.objects.create(clinic=harbour.clinic, url="http://127.0.0.1:9/x", secret="s")
    with pytest.raises(RuntimeError, match="transaction"):
        emit(harbour.clinic.pk, "checkin.recorded", {"patient_id": harbour.patient.pk})
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        emit(harbour.clinic.pk, "checkin.recorded", {"patient_id": harbour.patient.pk})
        _ = 1 / 0
    assert not WebhookDelivery.objects.exists()


def test_one_event_goes_to_every_live_endpoint_with_one_id(harbour: Side) -> None:
    for n in range(2):
        WebhookEndpoint.objects.create(
            clinic=harbour.clinic, url=f"https://a{n}.example/", secret="s"
        )
    WebhookEndpoint.objects.create(
        clinic=harbour.clinic, url="https://gone.example/", secret="s", removed_at=timezone.now()
    )
    with transaction.atomic():
        event_id = emit(harbour.clinic.pk, "program.changed", {"patient_id": harbour.patient.pk})
    rows = WebhookDelivery.objects.all()
    assert rows.count() == 2 and {r.event_id for r in rows} == {event_id}


# Delivery -------------------------------------------------------------------------------------


def test_events_arrive_signed_and_the_recipe_verifies_them(
    harbour: Side, receiver: Receiver, loopback_allowed: None
) -> None:
    endpoint = registered(harbour, receiver)
    for pain in (3, 4, 5):
        with transaction.atomic():
            emit(
                harbour.clinic.pk,
                "checkin.recorded",
                {"patient_id": harbour.patient.pk, "pain_now": pain},
            )
    sender = WebhookSender("test")
    try:
        counts = send_all(sender)
    finally:
        sender.close()
    assert counts["delivered"] == 3 and receiver.refused == []
    assert sorted(e["data"]["pain_now"] for e in receiver.events) == [3, 4, 5]
    for event, headers in zip(receiver.events, receiver.headers, strict=True):
        assert headers["MidBack-Event-Id"] == event["id"]
        assert headers["MidBack-Event"] == "checkin.recorded"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    # The recipe refuses a changed body, another secret, and an old timestamp.
    row = WebhookDelivery.objects.first()
    assert row is not None
    stamp = str(int(time.time()))
    good = hmac.new(
        endpoint.secret.encode(), f"{stamp}.".encode() + row.body.encode(), hashlib.sha256
    )
    headers = {"MidBack-Timestamp": stamp, "MidBack-Signature": "v1=" + good.hexdigest()}
    assert verify(endpoint.secret, headers, row.body.encode())["id"] == str(row.event_id)
    with pytest.raises(ValueError, match="signature"):
        verify(endpoint.secret, headers, row.body.encode().replace(b"3", b"9"))
    with pytest.raises(ValueError, match="signature"):
        verify("whsec_other", headers, row.body.encode())
    old = str(int(time.time()) - 600)
    stale = hmac.new(
        endpoint.secret.encode(), f"{old}.".encode() + row.body.encode(), hashlib.sha256
    )
    with pytest.raises(ValueError, match="too old"):
        verify(
            endpoint.secret,
            {"MidBack-Timestamp": old, "MidBack-Signature": "v1=" + stale.hexdigest()},
            row.body.encode(),
        )


def test_a_failing_receiver_gets_the_same_event_again_after_a_backoff(
    harbour: Side, receiver: Receiver, loopback_allowed: None, clock: Clock
) -> None:
    registered(harbour, receiver)
    receiver.answers = [500, 503]
    with transaction.atomic():
        event_id = emit(harbour.clinic.pk, "program.changed", {"patient_id": harbour.patient.pk})
    sender = WebhookSender("test")
    try:
        start = clock.now
        assert sender.run_once()["retried"] == 1
        row = WebhookDelivery.objects.get()
        assert row.status == "pending" and row.attempts == 1 and "500" in row.last_error
        assert row.not_before >= start + dt.timedelta(seconds=BACKOFF_FIRST)
        assert sender.run_once()["claimed"] == 0, "nothing is due before the backoff ends"
        clock.move_to(row.not_before + dt.timedelta(seconds=1), tick=True)
        assert sender.run_once()["retried"] == 1
        row.refresh_from_db()
        assert row.not_before >= clock.now + dt.timedelta(seconds=BACKOFF_FIRST * 2 - 1)
        clock.move_to(row.not_before + dt.timedelta(seconds=1), tick=True)
        assert sender.run_once()["delivered"] == 1
    finally:
        sender.close()
    assert [e["id"] for e in receiver.events] == [str(event_id)]
    assert WebhookDelivery.objects.get().attempts == 3


def test_an_endpoint_that_never_answers_ends_failed_after_the_last_attempt(
    harbour: Side, loopback_allowed: None, clock: Clock
) -> None:
    WebhookEndpoint.objects.create(clinic=harbour.clinic, url="http://127.0.0.1:9/x", secret="s")
    with transaction.atomic():
        emit(harbour.clinic.pk, "program.changed", {"patient_id": harbour.patient.pk})
    sender = WebhookSender("test")
    try:
        for _ in range(MAX_ATTEMPTS):
            sender.run_once()
            row = WebhookDelivery.objects.get()
            clock.move_to(row.not_before + dt.timedelta(seconds=1), tick=True)
    finally:
        sender.close()
    row = WebhookDelivery.objects.get()
    assert row.status == "failed" and row.attempts == MAX_ATTEMPTS and row.last_error


# A worker killed with SIGKILL (separate processes on PostgreSQL, like the reminders' test) ----


@pytest.mark.real_clock
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="needs PostgreSQL (DATABASE_URL=postgres://...): worker processes share the database",
)
def test_a_killed_worker_repeats_at_most_the_events_in_flight_with_the_same_ids(
    live_library: None, receiver: Receiver, loopback_allowed: None
) -> None:
    side = make_side("harbour", "Harbour Street Physio", "Priya Shah", "Paul Harbour")
    registered(side, receiver)
    for n in range(300):
        with transaction.atomic():
            emit(side.clinic.pk, "checkin.recorded", {"patient_id": side.patient.pk, "n": n})
    ids = {str(i) for i in WebhookDelivery.objects.values_list("event_id", flat=True)}
    connection.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "midback.settings",
        "DATABASE_URL": database_url(),
        "WEBHOOK_ALLOW_LOOPBACK": "1",
        "REMINDER_LEASE_SECONDS": "5",
    }
    command = [
        sys.executable, "-m", "midback", "worker", "--until-idle", "--schedule-every", "0",
        "--poll", "0.2", "--concurrency", "8",
    ]  # fmt: skip
    receiver.delay = 0.01
    doomed = subprocess.Popen(
        [*command, "--name", "doomed"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert receiver.wait_for(60), "the first worker got going"
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
        receiver.delay = 0.0
        survivor = subprocess.run(
            [*command, "--name", "survivor"], env=env, capture_output=True, text=True, timeout=180
        )
        assert survivor.returncode == 0, survivor.stderr
    finally:
        if doomed.poll() is None:
            doomed.kill()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
    received = Counter(e["id"] for e in receiver.events)
    assert set(received) == ids, "no event lost"
    repeated = {i for i, count in received.items() if count > 1}
    assert len(repeated) <= 8, "only events in flight at the kill may repeat"
    bodies: dict[str, set[str]] = {}
    for event in receiver.events:
        bodies.setdefault(event["id"], set()).add(json.dumps(event, sort_keys=True))
    assert all(len(b) == 1 for b in bodies.values()), "a repeat is the same event"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    print(f"events delivered twice after SIGKILL: {len(repeated)} of {len(ids)}")


def test_red_flags_answered_at_an_intake_are_sent_once(harbour: Side) -> None:
    WebhookEndpoint.objects.create(clinic=harbour.clinic, url="https://a.example/", secret="s")
    do_record_red_flags(None, harbour.patient, ["chest_pain"])
    do_record_red_flags(None, harbour.patient, ["chest_pain"])  # nothing new
    do_record_red_flags(None, harbour.patient, ["chest_pain", "breathlessness"])
    events = [json.loads(r.body) for r in WebhookDelivery.objects.order_by("created_at", "pk")]
    assert [(e["type"], e["data"]["source"], e["data"]["flags"]) for e in events] == [
        ("red_flag.raised", "intake", ["chest_pain"]),
        ("red_flag.raised", "intake", ["breathlessness"]),
    ]
    assert events[1]["data"]["flag_words"] == ["Breathlessness"]
