"""The exercise data files: every one loads, bad ones are named, content is versioned."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from midback.content.actions import do_sync_library
from midback.content.loader import LIBRARY_DIR, SOURCE_FIVE, LibraryError, load_library
from midback.content.models import Exercise, ExerciseVersion

ALTERNATIVES = {
    "seated-cat-camel": "cat-camel",
    "thoracic-extension-arms-crossed": "thoracic-extension",
    "seated-rotation-upright": "seated-twist",
    "w-squeeze": "wall-angel",
    "wall-slide-low": "wall-angel",
    "table-forward-reach": "childs-pose",
    "childs-pose-arms-back": "childs-pose",
    "childs-pose-wide-knee": "childs-pose",
    "seated-chest-opener": "childs-pose",
}


def copy_library(tmp_path: Path) -> Path:
    target = tmp_path / "library"
    shutil.copytree(LIBRARY_DIR, target)
    return target


def test_every_data_file_loads() -> None:
    library = load_library()
    assert list(library)[:5] == list(SOURCE_FIVE)
    assert set(library) == set(SOURCE_FIVE) | set(ALTERNATIVES)


def test_the_source_five_keep_their_exact_names_and_doses() -> None:
    library = load_library()
    expected = {
        "cat-camel": ("Cat-Camel Stretch", (10, 15), None, False),
        "thoracic-extension": ("Thoracic Extension Stretch", (8, 10), None, False),
        "seated-twist": ("Seated Twists", None, (10, 20), True),
        "wall-angel": ("Wall Angels", (10, 12), None, False),
        "childs-pose": ("Child's Pose Stretch", None, (30, 30), False),
    }
    for slug, (name, reps, hold, per_side) in expected.items():
        spec = library[slug]
        assert (spec.name, spec.dose.reps, spec.dose.hold_seconds, spec.dose.per_side) == (
            name,
            reps,
            hold,
            per_side,
        )


def test_cat_camel_breathes_in_to_arch_and_out_to_round() -> None:
    moves = [s for s in load_library()["cat-camel"].steps if s.kind == "move"]
    assert ["Arch" in moves[0].text, moves[0].breath] == [True, "Breathe in"]
    assert ["Round" in moves[1].text, moves[1].breath] == [True, "Breathe out"]


def test_each_alternative_names_what_it_replaces_and_serves_a_constraint() -> None:
    library = load_library()
    for slug, replaces in ALTERNATIVES.items():
        spec = library[slug]
        assert spec.replaces == replaces
        assert spec.serves
        assert slug in [a.slug for a in library.alternatives_for(replaces)]


def test_every_source_exercise_has_an_alternative_for_each_constraint_it_breaks() -> None:
    library = load_library()
    for slug in SOURCE_FIVE:
        for constraint in ("no_floor", "no_overhead", "no_wall", "wrist_pain"):
            if not library[slug].breaks({constraint}):
                continue
            fits = [a for a in library.alternatives_for(slug) if not a.breaks({constraint})]
            assert fits, f"{slug} has no alternative for {constraint}"


def test_a_broken_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    folder = copy_library(tmp_path)
    path = folder / "wall-angel.toml"
    path.write_text(path.read_text().replace("reps = [10, 12]", 'reps = ["ten", 12]'))
    with pytest.raises(LibraryError, match=r"wall-angel\.toml: field 'dose\.reps\.0'"):
        load_library(folder)


def test_an_unknown_field_is_refused(tmp_path: Path) -> None:
    folder = copy_library(tmp_path)
    path = folder / "cat-camel.toml"
    path.write_text('colour = "blue"\n' + path.read_text())
    with pytest.raises(LibraryError, match=r"cat-camel\.toml: field 'colour'"):
        load_library(folder)


def test_a_file_whose_slug_differs_from_its_name_is_refused(tmp_path: Path) -> None:
    folder = copy_library(tmp_path)
    (folder / "cat-camel.toml").rename(folder / "cat-cow.toml")
    with pytest.raises(LibraryError, match=r"cat-cow\.toml: field 'slug'"):
        load_library(folder)


def test_a_swap_to_a_missing_exercise_is_refused(tmp_path: Path) -> None:
    folder = copy_library(tmp_path)
    (folder / "w-squeeze.toml").unlink()
    with pytest.raises(LibraryError, match=r"wall-angel\.toml: field 'swaps'.*w-squeeze"):
        load_library(folder)


def test_bad_toml_is_named(tmp_path: Path) -> None:
    folder = copy_library(tmp_path)
    (folder / "childs-pose.toml").write_text("slug = ")
    with pytest.raises(LibraryError, match=r"childs-pose\.toml: cannot read"):
        load_library(folder)


@pytest.mark.django_db
def test_loading_twice_changes_nothing() -> None:
    first = do_sync_library()
    second = do_sync_library()
    assert len(first.created) == len(load_library())
    assert second.created == second.updated == []
    assert ExerciseVersion.objects.count() == len(load_library())


@pytest.mark.django_db
def test_a_changed_file_makes_a_new_version_and_the_old_one_stays(tmp_path: Path) -> None:
    do_sync_library()
    old = Exercise.objects.get(slug="wall-angel").current
    assert old is not None
    folder = copy_library(tmp_path)
    path = folder / "wall-angel.toml"
    path.write_text(
        path.read_text().replace("Slowly lower your arms", "Slowly bring your arms down")
    )
    report = do_sync_library(load_library(folder))
    assert report.updated == ["wall-angel"]
    current = Exercise.objects.get(slug="wall-angel").current
    assert current is not None and current.number == old.number + 1
    old.refresh_from_db()
    assert "Slowly lower your arms" in str(old.content)
    assert "Slowly bring your arms down" in str(current.content)


@pytest.mark.django_db
def test_the_loadlibrary_command_reports_what_it_did(capsys: pytest.CaptureFixture[str]) -> None:
    from django.core.management import call_command

    call_command("loadlibrary")
    call_command("loadlibrary")
    out = capsys.readouterr().out
    assert "14 new" in out and "0 new, 0 updated, 14 unchanged" in out


@pytest.mark.django_db
def test_the_loadlibrary_command_names_a_bad_file(tmp_path: Path) -> None:
    from django.core.management import CommandError, call_command

    folder = copy_library(tmp_path)
    (folder / "seated-twist.toml").write_text('slug = "seated-twist"\n')
    with pytest.raises(CommandError, match=r"seated-twist\.toml: field '"):
        call_command("loadlibrary", "--dir", str(folder))
    assert Exercise.objects.count() == 0
