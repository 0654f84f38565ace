"""Reminder texts name exercises as the patient's program version pinned them."""

from __future__ import annotations

from midback.content.models import Exercise, ExerciseVersion
from midback.reminders.feed import patient_calendar
from midback.reminders.messages import exercise_names, pinned_names
from tests.reminders.conftest import Person


def rename(slug: str, name: str) -> None:
    exercise = Exercise.objects.select_related("current").get(slug=slug)
    assert exercise.current is not None
    version = ExerciseVersion.objects.create(
        exercise=exercise,
        number=exercise.current.number + 1,
        content={**exercise.current.content, "name": name},
        content_hash=f"renamed-{name}",
    )
    exercise.current = version
    exercise.save(update_fields=["current"])


def test_a_library_rename_waits_for_the_next_program_version(mia: Person) -> None:
    first = mia.save_program()
    rename("cat-camel", "Cat and Camel")
    names = pinned_names(mia.patient.pk)
    assert exercise_names(["cat-camel", "seated-twist"], names) == (
        "Cat-Camel Stretch, Seated Twists"
    )
    assert "Cat-Camel Stretch" in patient_calendar(mia.patient).to_ical().decode()

    mia.save_program()
    assert pinned_names(mia.patient.pk)["cat-camel"] == "Cat and Camel"
    # a reminder made for version 1 still says what version 1 said
    assert pinned_names(mia.patient.pk, first.number)["cat-camel"] == "Cat-Camel Stretch"


def test_an_exercise_the_version_does_not_know_is_never_shown_as_a_code(mia: Person) -> None:
    mia.save_program()
    names = pinned_names(mia.patient.pk)
    assert exercise_names(["clinic-own-stretch"], names) == "your exercises"
    assert exercise_names(["clinic-own-stretch", "cat-camel"], names) == "Cat-Camel Stretch"
