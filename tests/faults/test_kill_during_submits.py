"""Logs submitted with retries while the server is killed with SIGKILL: after restarts, every
log the client saw acknowledged is stored exactly once, with all its exercises."""

from __future__ import annotations

import http.client
import subprocess
import sys
import threading
import time
import urllib.error
import uuid
from typing import Any

from tests.faults.appserver import REPO, Deployment

LOGS = 1000
KILL_AFTER = (300, 650)  # acknowledged logs before each SIGKILL
EXERCISES = 2


class Submitter(threading.Thread):
    """Posts each log until it is acknowledged (2xx); connection errors and 5xx retry the same id."""

    def __init__(self, app: Deployment, logs: list[dict[str, Any]]) -> None:
        super().__init__(daemon=True)
        self.app = app
        self.logs = logs
        self.acknowledged: list[str] = []
        self.refused: list[tuple[str, int, Any]] = []
        self.retries = 0
        self.progress = threading.Condition()

    def run(self) -> None:
        for log in self.logs:
            while True:
                try:
                    status, body = self.app.post_json("/api/v1/me/sessions", log, timeout=10)
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError):
                    status, body = 0, None
                if 200 <= status < 300:
                    with self.progress:
                        self.acknowledged.append(log["id"])
                        self.progress.notify_all()
                    break
                if status and status < 500:
                    self.refused.append((log["id"], status, body))
                    break
                self.retries += 1
                time.sleep(0.01)  # back off a little while the server is down

    def wait_for(self, count: int, timeout: float = 60) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: len(self.acknowledged) >= count, timeout)


def normal(value: object) -> str:
    return str(uuid.UUID(str(value)))


def test_no_acknowledged_log_is_lost_or_stored_twice(deployment: Deployment) -> None:
    app = deployment
    logs = [app.session_log(EXERCISES) for _ in range(LOGS)]
    submitter = Submitter(app, logs)
    submitter.start()
    for count in KILL_AFTER:
        submitter.wait_for(count)
        app.kill()
        app.start()
    submitter.join(timeout=120)
    assert not submitter.is_alive()

    assert submitter.refused == []
    assert len(submitter.acknowledged) == LOGS
    assert submitter.retries > 0, "the kills never reached the client"
    stored = [normal(r[0]) for r in app.query("SELECT id FROM practice_sessionlog")]
    assert len(stored) == len(set(stored)) == LOGS
    assert set(stored) == {normal(i) for i in submitter.acknowledged}
    per_session = app.query(
        "SELECT session_id, COUNT(*) FROM practice_exerciselog GROUP BY session_id"
    )
    assert len(per_session) == LOGS
    assert {count for _, count in per_session} == {EXERCISES}
    audited = app.query(
        "SELECT object_id, COUNT(*) FROM clinic_auditevent "
        "WHERE object_type = 'SessionLog' AND action = 'create' GROUP BY object_id"
    )
    assert {normal(object_id) for object_id, _ in audited} == set(stored)
    assert {count for _, count in audited} == {1}

    # The dashboard's rollup is made from the logs after they are stored (a kill can come at any
    # point of that too): the worker's passes count every acknowledged log once and leave none
    # pending, and a full rebuild from the logs agrees.
    app.stop()
    midback(app, "-c", ROLL_UP)
    assert app.query("SELECT COUNT(*) FROM practice_sessionlog WHERE NOT rolled_up") == [(0,)]
    (done,) = app.query("SELECT SUM(sessions_done) FROM clinic_patientday")[0]
    assert done == LOGS
    midback(app, "-m", "midback", "rebuildrollups", "--all")
    (done,) = app.query("SELECT SUM(sessions_done) FROM clinic_patientday")[0]
    assert done == LOGS


# What the reminder worker does on each pass, until nothing is pending.
ROLL_UP = """
import django
django.setup()
from midback.care.rollup import roll_up_pending
while roll_up_pending().logs:
    pass
"""


def midback(app: Deployment, *args: str) -> None:
    subprocess.run([sys.executable, *args], env=app.env, cwd=REPO, check=True, capture_output=True)
