"""`midback plan` and POST /api/v1/plans/preview: the same intake in, the same plan out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from midback.plans.intake import example_intake

INTAKE: dict[str, Any] = example_intake()


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(data))
    return path


def test_the_command_prints_the_plan_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("plan", "--intake", str(write(tmp_path, INTAKE)))
    out = json.loads(capsys.readouterr().out)
    assert out["status"] == "ok" and out["protocol"] == "v1"
    assert [i["exercise"] for i in out["items"]] == [
        "cat-camel",
        "thoracic-extension",
        "seated-twist",
        "wall-angel",
        "childs-pose",
    ]
    assert set(out["schedule"][0]) == {"day", "time", "exercises", "minutes"}


def test_the_command_prints_a_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("plan", "--intake", str(write(tmp_path, INTAKE)), "--text")
    text = capsys.readouterr().out
    assert "Cat-Camel Stretch" in text and "Reasons" in text


def test_the_command_names_the_bad_field(tmp_path: Path) -> None:
    bad = {**INTAKE, "pain_now": 11}
    with pytest.raises(CommandError, match=r"field 'pain_now'"):
        call_command("plan", "--intake", str(write(tmp_path, bad)))


def test_the_command_exits_non_zero_on_a_bad_file(tmp_path: Path) -> None:
    path = write(tmp_path, {**INTAKE, "work": {**INTAKE["work"], "end": "09:00"}})
    result = subprocess.run(
        [sys.executable, "-m", "midback", "plan", "--intake", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "work.end" in result.stderr


def test_the_command_names_a_missing_file() -> None:
    with pytest.raises(CommandError, match=r"--intake: cannot read /nonexistent\.json"):
        call_command("plan", "--intake", "/nonexistent.json")


@pytest.mark.django_db
def test_the_api_returns_the_same_plan_as_the_command(
    client: Client, tmp_path: Path, capsys: pytest.CaptureFixture[str], library: None
) -> None:
    call_command("plan", "--intake", str(write(tmp_path, INTAKE)))
    from_command = json.loads(capsys.readouterr().out)
    response = client.post("/api/v1/plans/preview", INTAKE, content_type="application/json")
    assert response.status_code == 200
    assert response.json() == from_command


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"pain_now": 11}, "pain_now", "out_of_range"),
        ({"pain_now": True}, "pain_now", "wrong_type"),
        ({"colour": "blue"}, "colour", "unknown_key"),
        ({"constraints": ["bad_knee"]}, "constraints.0", "invalid_choice"),
        (
            {"work": {**INTAKE["work"], "timezone": "Mars/Olympus"}},
            "work.timezone",
            "unknown_timezone",
        ),
        ({"work": {**INTAKE["work"], "end": "09:00"}}, "work.end", "end_equals_start"),
    ],
)
def test_the_api_answers_422_naming_the_field(
    client: Client, change: dict[str, Any], field: str, code: str
) -> None:
    response = client.post(
        "/api/v1/plans/preview", {**INTAKE, **change}, content_type="application/json"
    )
    assert response.status_code == 422
    body = response.json()
    assert (body["field"], body["code"]) == (field, code)
    assert body["error"].startswith(f"{field}: ")


@pytest.mark.django_db
def test_the_api_answers_a_red_flag_with_seek_care(client: Client) -> None:
    response = client.post(
        "/api/v1/plans/preview",
        {**INTAKE, "red_flags": ["chest_pain"]},
        content_type="application/json",
    )
    body = response.json()
    assert (body["status"], body["urgency"], body["items"], body["schedule"]) == (
        "seek_care",
        "emergency",
        [],
        [],
    )


@pytest.mark.django_db
def test_the_api_refuses_malformed_json(client: Client) -> None:
    response = client.post("/api/v1/plans/preview", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"error", "field", "code"}
