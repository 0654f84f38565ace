"""One vocabulary: every intake code has the clinician's and the patient's words, and both the
clinic's intake form and the self-guided intake offer exactly those codes in those words."""

from __future__ import annotations

from typing import get_args

import pytest

from midback.plans import vocabulary as v
from midback.plans.intake import Breaks, Day, Irritability, Preference, RedFlag, WorkType
from midback.plans.intake import ConstraintName as Constraint

GROUPS = [
    (v.RED_FLAGS, RedFlag),
    (v.CONSTRAINTS, Constraint),
    (v.WORK_TYPES, WorkType),
    (v.IRRITABILITY, Irritability),
    (v.BREAKS, Breaks),
    (v.PREFERENCES, Preference),
    (v.WEEKDAYS, Day),
]


@pytest.mark.parametrize(("terms", "codes"), GROUPS)
def test_every_code_the_intake_accepts_has_words_for_both_readers(
    terms: tuple[v.Term, ...], codes: object
) -> None:
    assert sorted(t.code for t in terms) == sorted(get_args(codes))
    for t in terms:
        for text in (t.clinician, t.patient):
            assert text and text != t.code and "_" not in text


def test_sentence_words_exist_where_sentences_use_them() -> None:
    assert all(t.clause for t in (*v.RED_FLAGS, *v.CONSTRAINTS, *v.WEEKDAYS))
    assert v.words(v.RED_FLAGS, "no_such_code", "patient") == "another answer"


def test_both_intakes_offer_the_same_codes_and_minutes() -> None:
    from midback.clinic.editor import IntakeForm
    from midback.practice import signup

    form = IntakeForm()
    assert [c for c, _ in form.fields["red_flags"].choices] == [c for c, _ in signup.RED_FLAGS]
    assert [c for c, _ in form.fields["constraints"].choices] == [c for c, _ in signup.CONSTRAINTS]
    assert [c for c, _ in form.fields["work_type"].choices] == [c for c, _ in signup.WORK_TYPES]
    assert [n for n, _ in form.fields["minutes_per_day"].choices] == signup.MINUTES
    assert dict(form.fields["red_flags"].choices)["chest_pain"] == "Chest pain"
    assert dict(signup.RED_FLAGS)["chest_pain"].startswith("Chest pain, or pain")
