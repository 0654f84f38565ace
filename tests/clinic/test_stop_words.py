"""The clinic reads stop reasons in the clinician's words from the one list."""

from __future__ import annotations

from midback.clinic.templatetags.clinic_tags import stop_reason
from midback.plans.stop_reasons import REASONS


def test_every_stop_reason_reads_in_the_clinicians_words() -> None:
    for reason in REASONS:
        assert stop_reason(reason.code) == reason.clinician
    assert stop_reason("numbness") == "Numbness or tingling (seek-care sign)"
    assert stop_reason("") == "no reason given"
