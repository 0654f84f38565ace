"""A clinic keeps its own exercises and templates tidy: delete what nothing uses."""

from __future__ import annotations

from midback.care.models import ProgramTemplate
from midback.content.models import Exercise
from tests.clinic.conftest import Side
from tests.clinic.test_clinic_exercise_everywhere import with_clinic_exercise
from tests.clinic.test_custom_exercises import form


def test_an_unused_clinic_exercise_can_be_deleted(harbour: Side, northside: Side) -> None:
    harbour.client.post("/clinic/exercises/new/", form())
    exercise = Exercise.objects.get(clinic=harbour.clinic)
    url = f"/clinic/exercises/{exercise.pk}/delete/"
    assert northside.client.post(url, {"confirm": "yes"}).status_code == 404
    assert "not deleted" in harbour.client.post(url, follow=True).content.decode()
    done = harbour.client.post(url, {"confirm": "yes"}, follow=True).content.decode()
    assert "Foam roller extension is deleted." in done
    assert not Exercise.objects.filter(clinic=harbour.clinic).exists()


def test_a_clinic_exercise_in_a_program_stays(harbour: Side) -> None:
    exercise, _ = with_clinic_exercise(harbour)
    url = f"/clinic/exercises/{exercise.pk}/delete/"
    page = harbour.client.post(url, {"confirm": "yes"}, follow=True).content.decode()
    assert "so it stays" in page
    assert Exercise.objects.filter(pk=exercise.pk).exists()


def test_a_template_can_be_deleted(harbour: Side, northside: Side) -> None:
    template = ProgramTemplate.objects.create(clinic=harbour.clinic, name="Old one", plan={})
    url = f"/clinic/templates/{template.pk}/delete/"
    assert northside.client.post(url).status_code == 404
    done = harbour.client.post(url, follow=True).content.decode()
    assert "Template “Old one” is deleted." in done
    assert not ProgramTemplate.objects.filter(pk=template.pk).exists()
