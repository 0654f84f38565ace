"""MidBack under gunicorn in a subprocess, on its own database, for the fault tests.

`Deployment` prepares a fresh database (a SQLite file in a temporary folder, or a PostgreSQL
database created for the test and dropped afterwards), then starts, kills and restarts gunicorn
on a port the OS picked. Rows are read back with the database's own driver, not through Django.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent.parent
VENV_BIN = Path(sys.executable).parent
PG_ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"

PREPARE = """
import json
import django
django.setup()
from django.core.management import call_command
from django.test import RequestFactory
from django.utils import timezone
from midback.core.demo import do_create_demo_clinic
from midback.practice import programs
from midback.care.devices import do_start_device_session
call_command("migrate", verbosity=0, interactive=False)
call_command("loadlibrary", verbosity=0)
patient = do_create_demo_clinic().patient
_, token = do_start_device_session(RequestFactory().get("/"), patient)
version = programs.current_version(patient)
plan = programs.parse_plan(version.plan)
day = programs.local_now(patient, timezone.now()).date().isoformat()
print(json.dumps({"token": token, "program_version": version.pk, "day": day,
                  "exercises": [i.exercise for i in plan.items]}))
"""


def postgres_reachable() -> bool:
    """True when PostgreSQL answers on 127.0.0.1:5432 as user postgres."""
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True):
            return True
    except Exception:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Deployment:
    """One app on one fresh database, served by gunicorn (two sync workers)."""

    def __init__(self, kind: str, tmp: Path) -> None:
        self.kind = kind
        self.tmp = tmp
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.pg_name = f"midback_faults_{secrets.token_hex(4)}"
        self.env = dict(os.environ)
        self.env.update(
            DJANGO_SETTINGS_MODULE="midback.settings",
            MIDBACK_DATA_DIR=str(tmp),
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL="",
            LOG_LEVEL="CRITICAL",
        )
        if kind == "postgres":
            self.env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{self.pg_name}"
        self.info: dict[str, Any] = {}

    # Database

    def prepare(self) -> dict[str, Any]:
        """Create and fill the database; returns the device token and the program version."""
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{self.pg_name}"')
        out = subprocess.run(
            [sys.executable, "-c", PREPARE],
            env=self.env,
            cwd=REPO,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        self.info = json.loads(out.strip().splitlines()[-1])
        return self.info

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Rows straight from the database (placeholders written as %s)."""
        if self.kind == "postgres":
            import psycopg

            dsn = f"host=127.0.0.1 port=5432 user=postgres dbname={self.pg_name}"
            with psycopg.connect(dsn, autocommit=True) as conn:
                return list(conn.execute(sql, params).fetchall())
        with sqlite3.connect(self.tmp / "midback.sqlite3") as conn:
            return list(conn.execute(sql.replace("%s", "?"), params).fetchall())

    def drop(self) -> None:
        if self.kind == "postgres":
            import psycopg

            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    # Server

    def start(self, timeout: float = 30.0) -> None:
        """Start gunicorn in its own process group and poll /healthz until it answers."""
        self.proc = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "--workers=2",
                "--no-control-socket",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=critical",
                "--graceful-timeout=1",
                "midback.wsgi:application",
            ],
            env=self.env,
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.02)  # polling for readiness
        raise RuntimeError("gunicorn did not become ready")

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a crash would."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)

    # Requests

    def session_log(self, exercises: int = 2) -> dict[str, Any]:
        """A new session log of the whole routine with fresh client ids."""
        started = datetime.now(UTC) - timedelta(minutes=20)
        return {
            "id": str(uuid.uuid4()),
            "program_version": self.info["program_version"],
            "block_day": self.info["day"],
            "started_at": started.isoformat(),
            "ended_at": (started + timedelta(minutes=8)).isoformat(),
            "pain_before": 4,
            "pain_after": 3,
            "completed": True,
            "exercises": [
                {"id": str(uuid.uuid4()), "exercise": slug, "sets_done": 2, "reps_done": 10}
                for slug in self.info["exercises"][:exercises]
            ],
        }

    def post_json(self, path: str, body: dict[str, Any], timeout: float = 10) -> tuple[int, Any]:
        """POST JSON with the device cookie; returns (status, parsed body or raw text)."""
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            headers={
                "Content-Type": "application/json",
                "Cookie": f"midback_device={self.info['token']}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as exc:
            status, raw = exc.code, exc.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")
