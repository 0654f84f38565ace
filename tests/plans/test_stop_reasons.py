"""Stop reasons: one list, seek-care signs at the right urgency, the API accepts every code."""

from __future__ import annotations

import typing

from midback.care.schemas import StopReason
from midback.plans import stop_reasons


def test_the_api_accepts_exactly_the_listed_codes() -> None:
    assert set(typing.get_args(StopReason)) - {""} == set(stop_reasons.CODES)


def test_numbness_spreading_pain_and_dizziness_are_seek_care_signs() -> None:
    signs = {r.code: r.urgency for r in stop_reasons.REASONS if r.seek_care}
    assert signs == {"numbness": "emergency", "spreading": "emergency", "dizzy": "today"}
    for code in signs:
        reason = stop_reasons.BY_CODE[code]
        assert reason.ends_session
        assert "emergency number" in reason.advice


def test_ordinary_pain_skips_just_that_exercise() -> None:
    for code in ("sharp_pain", "pain_above_5"):
        reason = stop_reasons.BY_CODE[code]
        assert not reason.seek_care and not reason.ends_session
        assert "skipped this exercise" in reason.advice


def test_every_reason_has_words_for_the_patient_and_the_clinic_and_no_code_shows() -> None:
    for reason in stop_reasons.REASONS:
        assert reason.patient and reason.clinician and reason.advice
        assert "_" not in reason.patient + reason.clinician + reason.advice


def test_the_number_to_call_is_the_one_where_the_person_lives() -> None:
    assert stop_reasons.emergency_number("Australia/Melbourne") == "000"
    assert stop_reasons.emergency_number("America/Los_Angeles") == "911"
    assert stop_reasons.emergency_number("Europe/London") == "999"
    assert stop_reasons.emergency_number("Europe/Berlin") == "112"
    assert stop_reasons.emergency_number("UTC") == "112"
