"""A database that goes away in the middle of a log submit: the client gets a retryable server
error, nothing is half-saved (no session without its exercises), and the retry stores it.

PostgreSQL: the request is held on a table lock just before its exercise rows are written, and
its backend is terminated (`pg_terminate_backend`). SQLite: another process holds the database's
write lock, so the request's transaction cannot begin before the busy timeout runs out.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from typing import Any

import pytest

from tests.faults.appserver import Deployment


def submit_in_thread(app: Deployment, log: dict[str, Any]) -> tuple[threading.Thread, list[Any]]:
    result: list[Any] = []
    thread = threading.Thread(
        target=lambda: result.append(app.post_json("/api/v1/me/sessions", log, timeout=30)),
        daemon=True,
    )
    thread.start()
    return thread, result


def stored(app: Deployment, log: dict[str, Any]) -> tuple[int, int]:
    """(session rows, exercise rows) stored for this log."""
    session_id = uuid.UUID(log["id"])
    key = session_id.hex if app.kind == "sqlite" else str(session_id)
    sessions = app.query("SELECT COUNT(*) FROM practice_sessionlog WHERE id = %s", (key,))
    exercises = app.query("SELECT COUNT(*) FROM practice_exerciselog WHERE session_id = %s", (key,))
    return sessions[0][0], exercises[0][0]


def cut_postgres_mid_request(app: Deployment, log: dict[str, Any]) -> tuple[int, Any]:
    import psycopg

    dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={app.pg_name}"
    with psycopg.connect(dsn) as locker, psycopg.connect(dsn, autocommit=True) as admin:
        # EXCLUSIVE lets reads through (the request reads exercise logs) and holds writes.
        locker.execute("LOCK TABLE practice_exerciselog IN EXCLUSIVE MODE")
        thread, result = submit_in_thread(app, log)
        deadline = time.monotonic() + 20
        pid = None
        while pid is None and time.monotonic() < deadline:
            row = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'"
                " AND query LIKE 'INSERT INTO \"practice_exerciselog\"%%'",
                [app.pg_name],
            ).fetchone()
            pid = row[0] if row else None
            time.sleep(0.01)  # polling until the request waits on the lock
        assert pid is not None, "the request never reached the exercise rows"
        # Its session row is written but not committed: the cut must take it away too.
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        thread.join(timeout=20)
        locker.rollback()
    assert result, "the client got no answer"
    status, body = result[0]
    return int(status), body


def lock_sqlite_during_request(app: Deployment, log: dict[str, Any]) -> tuple[int, Any]:
    locker = sqlite3.connect(app.tmp / "midback.sqlite3", isolation_level=None, timeout=0)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        thread, result = submit_in_thread(app, log)
        thread.join(timeout=30)  # the app gives up after its busy timeout (5 s)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert result, "the client got no answer"
    status, body = result[0]
    return int(status), body


def test_a_lost_database_gives_a_retryable_error_and_no_half_saved_log(
    deployment: Deployment,
) -> None:
    app = deployment
    log = app.session_log(exercises=3)
    if app.kind == "postgres":
        status, body = cut_postgres_mid_request(app, log)
    else:
        status, body = lock_sqlite_during_request(app, log)

    assert 500 <= status < 600, (status, body)
    assert stored(app, log) == (0, 0)

    status, body = app.post_json("/api/v1/me/sessions", log)
    assert status == 201, (status, body)
    assert stored(app, log) == (1, 3)


def test_a_lost_database_answers_503_in_the_error_shape(deployment: Deployment) -> None:
    app = deployment
    if app.kind != "postgres":
        pytest.skip("shown on PostgreSQL, where the cut is quick")
    status, body = cut_postgres_mid_request(app, app.session_log(exercises=2))
    assert status == 503
    assert isinstance(body, dict) and set(body) == {"error", "field", "code"}
