"""Lighthouse (mobile) on the landing, today, player and dashboard pages, against Debian's Chromium.

    .venv/bin/python bench/lighthouse/run.py [--out bench/out/lighthouse]

Starts MidBack under gunicorn on a fresh SQLite database in a temporary folder (DEBUG off),
signs in the demo patient (device cookie) and the demo practitioner (session cookie), runs
`npx lighthouse` once per page and prints performance, accessibility and best-practices scores.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync "
    "'--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


SIGN_IN = """
import django; django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from midback.core.demo import do_create_demo_clinic
from midback.care.devices import do_start_device_session
demo = do_create_demo_clinic()
_, token = do_start_device_session(RequestFactory().get("/"), demo.patient)
user = demo.practitioner.user
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(token, session.session_key)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "lighthouse")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="midback-lh-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "midback.settings",
        "MIDBACK_DATA_DIR": str(data),
        "DATABASE_URL": "",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    midback = [str(VENV_BIN / "midback")]
    for command in (["migrate", "-v", "0"], ["loadlibrary"], ["seeddemo"]):
        subprocess.run(midback + command, env=env, check=True, capture_output=True)
    signed = subprocess.run(
        [sys.executable, "-c", SIGN_IN], env=env, check=True, capture_output=True, text=True
    )
    token, session_key = signed.stdout.split()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "midback.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    try:
        wait_until_up(f"{base}/healthz")
        request = urllib.request.Request(
            f"{base}/api/v1/me/today", headers={"Cookie": f"midback_device={token}"}
        )
        with urllib.request.urlopen(request) as response:
            today = json.load(response)
        player = today["blocks"][0]["play_url"] if today["blocks"] else "/app/"
        pages = {
            "landing": ("/", ""),
            "today": ("/app/", f"midback_device={token}"),
            "player": (player, f"midback_device={token}"),
            "dashboard": ("/clinic/", f"sessionid={session_key}"),
        }
        print(f"{'page':<10} {'performance':>11} {'accessibility':>13} {'best practices':>14}")
        for name, (path, cookie) in pages.items():
            report = args.out / f"{name}.json"
            command = [
                "npx",
                "--no-install",
                "lighthouse",
                base + path,
                f"--chrome-flags={CHROME_FLAGS} --user-data-dir={data / ('chrome-' + name)}",
                "--form-factor=mobile",
                "--only-categories=performance,accessibility,best-practices",
                "--output=json",
                f"--output-path={report}",
                "--quiet",
            ]
            if cookie:
                command.append("--extra-headers=" + json.dumps({"Cookie": cookie}))
            subprocess.run(
                command, cwd=ROOT, env={**env, "CHROME_PATH": "/usr/bin/chromium"}, check=True
            )
            result = json.loads(report.read_text())
            scores = {k: round(v["score"] * 100) for k, v in result["categories"].items()}
            print(
                f"{name:<10} {scores['performance']:>11} {scores['accessibility']:>13} "
                f"{scores['best-practices']:>14}"
            )
            for audit in result["audits"].values():
                if (
                    audit.get("score") is not None
                    and audit["score"] < 0.9
                    and audit.get("scoreDisplayMode") in ("binary", "numeric")
                ):
                    print(f"    - {audit['id']}: {audit['title']}")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
