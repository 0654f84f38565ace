"""Erasure erases: after a patient with data in every table is erased over HTTP, no table and no
byte of the SQLite database or its WAL holds their name, email or words (run in its own process
on a real database file, searched while that process's connection is still open)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.real_clock
def test_erasing_a_patient_leaves_nothing_of_them(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.clinic.erasure_probe", str(tmp_path)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The search can find them: before erasure they are in the tables and in the files.
    before = report["before"]
    assert "clinic_patient.display_name" in before["tables"]
    assert "auth_user.email" in before["tables"]
    assert "django_admin_log.object_repr" in before["tables"]
    assert "clinic_loginthrottle.username" in before["tables"]
    assert "practice_exerciselog.note" in before["tables"]
    assert "practice_checkin.activities" in before["tables"]
    assert before["files"]
    # After: nowhere.
    assert report["after"] == {"tables": {}, "files": {}}
    erased = [e for e in report["audit"] if e["action"] == "erase"]
    assert len(erased) == 1 and erased[0]["actor"].startswith("staff:")
    assert not any(
        e["actor"].startswith("patient:") and e["actor"] != "patient:erased"
        for e in report["audit"]
    )
    assert all(e["ip"] is None for e in report["audit"] if e["actor"] == "patient:erased")
