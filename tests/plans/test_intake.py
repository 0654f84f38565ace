"""Intake validation: the interchange format, strictly, with errors that name the field."""

from __future__ import annotations

import json
from typing import Any

import pytest

from midback.plans.intake import IntakeError, parse_intake

from .helpers import BASE, intake_data


def error_of(data: Any) -> IntakeError:
    with pytest.raises(IntakeError) as caught:
        parse_intake(data)
    return caught.value


def test_it_accepts_the_design_example() -> None:
    intake = parse_intake(BASE)
    assert intake.pain_now == 4
    assert intake.work.days == ("mon", "tue", "wed", "thu", "fri")
    assert intake.work.start_minutes == 540
    assert intake.work.end_minutes == 1050
    assert intake.work.lunch_minutes == 750
    assert not intake.work.overnight


def test_it_accepts_json_text_and_bytes() -> None:
    assert parse_intake(json.dumps(BASE)) == parse_intake(BASE)
    assert parse_intake(json.dumps(BASE).encode()) == parse_intake(BASE)


def test_it_accepts_an_overnight_shift_ending_the_next_day() -> None:
    intake = parse_intake(intake_data({"start": "19:00", "end": "07:30", "lunch": "00:30"}))
    assert intake.work.overnight
    assert intake.work.end_minutes == 24 * 60 + 7 * 60 + 30
    assert intake.work.lunch_minutes == 24 * 60 + 30


def test_it_accepts_no_work_days_and_no_lunch() -> None:
    intake = parse_intake(intake_data({"days": [], "lunch": None}))
    assert intake.work.days == ()
    assert intake.work.lunch is None


def test_it_accepts_a_whole_number_written_as_a_float() -> None:
    assert parse_intake(intake_data(pain_now=4.0)).pain_now == 4


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        (intake_data(colour="blue"), "colour", "unknown_key"),
        (intake_data({"shoe_size": 9}), "work.shoe_size", "unknown_key"),
        (intake_data(pain_now=11), "pain_now", "out_of_range"),
        (intake_data(pain_now=-1), "pain_now", "out_of_range"),
        (intake_data(pain_worst_24h=12), "pain_worst_24h", "out_of_range"),
        (intake_data(pain_now=True), "pain_now", "wrong_type"),
        (intake_data(pain_now="4"), "pain_now", "wrong_type"),
        (intake_data(pain_now=4.5), "pain_now", "wrong_type"),
        (intake_data(pain_now=None), "pain_now", "wrong_type"),
        (intake_data(minutes_per_day=False), "minutes_per_day", "wrong_type"),
        (intake_data(minutes_per_day=2), "minutes_per_day", "out_of_range"),
        (intake_data(minutes_per_day=121), "minutes_per_day", "out_of_range"),
        (intake_data({"hours_sitting": "7"}), "work.hours_sitting", "wrong_type"),
        (intake_data({"hours_sitting": 25}), "work.hours_sitting", "out_of_range"),
        (intake_data({"end": "09:00"}), "work.end", "end_equals_start"),
        (intake_data({"end": "5pm"}), "work.end", "invalid_time"),
        (intake_data({"start": "24:00"}), "work.start", "invalid_time"),
        (intake_data({"start": "9:00"}), "work.start", "invalid_time"),
        (intake_data({"lunch": "12:60"}), "work.lunch", "invalid_time"),
        (intake_data({"start": 900}), "work.start", "wrong_type"),
        (intake_data({"lunch": "18:00"}), "work.lunch", "out_of_range"),
        (intake_data({"timezone": "Mars/Olympus_Mons"}), "work.timezone", "unknown_timezone"),
        (intake_data({"timezone": ""}), "work.timezone", "unknown_timezone"),
        (intake_data({"days": ["mon", "funday"]}), "work.days.1", "invalid_choice"),
        (intake_data({"days": ["mon", "mon"]}), "work.days", "duplicate"),
        (intake_data({"days": "mon"}), "work.days", "wrong_type"),
        (intake_data({"type": "astronaut"}), "work.type", "invalid_choice"),
        (intake_data({"breaks": "often"}), "work.breaks", "invalid_choice"),
        (intake_data(red_flags=["headache"]), "red_flags.0", "invalid_choice"),
        (intake_data(constraints=["no_floor", "bad_knee"]), "constraints.1", "invalid_choice"),
        (intake_data(constraints=["no_wall", "no_wall"]), "constraints", "duplicate"),
        (intake_data(irritability="extreme"), "irritability", "invalid_choice"),
        (intake_data(preference="evening"), "preference", "invalid_choice"),
        (intake_data(pain_now=7, pain_worst_24h=5), "pain_worst_24h", "inconsistent"),
        ({**BASE, "work": "desk"}, "work", "wrong_type"),
    ],
)
def test_it_rejects_bad_input_naming_the_field(data: dict[str, Any], field: str, code: str) -> None:
    error = error_of(data)
    assert (error.field, error.code) == (field, code)
    assert field in error.message
    assert str(error).startswith(field)
    assert error.errors[0] == {"field": field, "error": error.message, "code": code}


def test_it_reports_a_missing_key() -> None:
    data = intake_data()
    del data["work"]["timezone"]
    error = error_of(data)
    assert (error.field, error.code) == ("work.timezone", "missing")


def test_it_reports_every_error_at_once() -> None:
    error = error_of(intake_data({"breaks": "often"}, pain_now=True, extra=1))
    fields = {e["field"] for e in error.errors}
    assert fields == {"pain_now", "work.breaks", "extra"}


def test_messages_say_the_rule_in_plain_english() -> None:
    assert error_of(intake_data(pain_now=11)).message == "pain_now must be from 0 to 10, not 11"
    assert "boolean true" in error_of(intake_data(pain_now=True)).message
    assert "overnight shift" in error_of(intake_data({"end": "09:00"})).message


def test_it_rejects_text_that_is_not_json_or_not_an_object() -> None:
    assert error_of("{not json").code == "invalid_json"
    assert error_of("[1, 2]").code == "wrong_type"
    assert error_of("[1, 2]").field == "intake"


def test_it_is_immutable() -> None:
    intake = parse_intake(BASE)
    with pytest.raises(ValueError, match="frozen"):
        intake.pain_now = 5  # type: ignore[misc]
