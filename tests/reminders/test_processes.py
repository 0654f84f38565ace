"""Workers as separate processes on PostgreSQL: two at once send each block once, and one killed
with SIGKILL loses nothing (what it may send twice carries the same Topic)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from midback.reminders.models import Reminder
from tests.reminders.conftest import make_person
from tests.reminders.helpers import due_blocks, subscribe
from tests.reminders.loopback import PushService

pytestmark = [
    pytest.mark.real_clock,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL (DATABASE_URL=postgres://...): worker processes share the "
        "database, and SKIP LOCKED concurrency is what is tested; the SQLite claim is tested "
        "in-process in test_worker.py",
    ),
]


def database_url() -> str:
    db = settings.DATABASES["default"]  # pytest-django has pointed NAME at the test database
    auth = quote(str(db["USER"]), safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(str(db["PASSWORD"]), safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def start_worker() -> Iterator[Any]:
    started: list[subprocess.Popen[str]] = []

    def start(name: str, lease: int = 60, concurrency: int = 8) -> subprocess.Popen[str]:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "midback.settings",
            "DATABASE_URL": database_url(),
            "REMINDER_PUSH_ALLOW_HTTP": "1",
            "REMINDER_LEASE_SECONDS": str(lease),
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "midback", "worker", "--until-idle", "--name", name,
             "--schedule-every", "0", "--poll", "0.2", "--batch", "50",
             "--concurrency", str(concurrency)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()
    # A worker killed mid-query can leave its server session behind for a moment; end it so the
    # test database can be dropped.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def finish(process: subprocess.Popen[str]) -> str:
    out, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    return out


def people_with_due_blocks(push_service: PushService, people: int, blocks: int) -> set[str]:
    ids = set()
    now = timezone.now()
    for n in range(people):
        person = make_person("harbour-street", f"P{n}", "Australia/Melbourne", "")
        subscribe(person, push_service, f"device-{n}")
        ids |= {r.block_id for r in due_blocks(person, blocks, now - timedelta(seconds=1))}
    connection.close()  # let the workers have the database to themselves
    return ids


def test_two_concurrent_workers_send_each_block_once(
    library: None, push_service: PushService, start_worker: Any
) -> None:
    ids = people_with_due_blocks(push_service, people=50, blocks=60)
    assert len(ids) == 3000
    first, second = start_worker("w1"), start_worker("w2")
    reports = finish(first) + finish(second)
    topics = Counter((r.subscription, r.topic) for r in push_service.received)
    assert len(topics) == 3000 and set(topics.values()) == {1}, "each block sent once"
    assert {t for _, t in topics} == ids
    rows = Reminder.objects.all()
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    by_worker = Counter(owner.split(":")[0] for owner in rows.values_list("lease_owner", flat=True))
    assert set(by_worker) == {"w1", "w2"}, f"both workers took a share: {by_worker} {reports}"


def test_a_worker_killed_mid_run_loses_no_block_and_repeats_carry_the_same_topic(
    library: None, push_service: PushService, start_worker: Any
) -> None:
    ids = people_with_due_blocks(push_service, people=20, blocks=50)
    push_service.delay = 0.01  # a push service with some latency: sends are in flight
    doomed = start_worker("doomed", lease=5)
    assert push_service.wait_for(200), "the first worker got going"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    push_service.delay = 0.0
    # The survivor takes the pending blocks at once and the dead worker's when its lease ends.
    finish(start_worker("survivor", lease=5))

    rows = Reminder.objects.all()
    assert set(rows.values_list("status", flat=True)) == {"sent"}, "no block lost or missed"
    received = Counter(r.topic for r in push_service.received)
    assert set(received) == ids
    repeated = {topic for topic, count in received.items() if count > 1}
    for r in push_service.received:
        assert r.topic == r.payload["tag"]  # a repeat replaces the notification, never stacks
    assert len(repeated) <= 8, "only sends in flight at the kill may repeat"
    print(f"blocks sent twice after SIGKILL: {len(repeated)} of {len(ids)}")
