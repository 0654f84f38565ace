"""Session scripts: the exact timed steps the player plays."""

from __future__ import annotations

from typing import Any

from midback.plans.planner import plan
from midback.plans.schema import PlanItem
from midback.plans.script import breath_of, script, script_for_block

from .helpers import LIBRARY, make_intake


def item(exercise: str, **dose: Any) -> PlanItem:
    return PlanItem(exercise=exercise, **dose)


def test_cat_camel_breathes_in_to_arch_and_out_to_round_on_every_rep() -> None:
    steps = script([item("cat-camel", sets=1, reps=10)], LIBRARY).steps
    kinds = [s.kind for s in steps]
    assert kinds == ["intro", "position"] + ["move"] * 20 + ["done"]
    position = steps[1]
    assert position.text.startswith("Cat-Camel Stretch. Come onto all fours")
    assert position.seconds == 8
    arch, round_ = steps[2], steps[3]
    assert (arch.breath, arch.seconds, arch.rep, arch.reps) == ("in", 3, 1, 10)
    assert (
        arch.text
        == "Rep 1 of 10: Arch your back, lifting your head and tailbone (cow). Breathe in."
    )
    assert arch.say == "Arch your back, lifting your head and tailbone (cow)."
    assert (round_.breath, round_.seconds) == ("out", 3)
    third = steps[2 + 2 * 2]
    assert third.text.startswith("Rep 3 of 10: Arch")
    assert third.say == "3. Breathe in."
    assert [s.index for s in steps] == list(range(len(steps)))


def test_total_seconds_add_up() -> None:
    result = script([item("cat-camel", sets=1, reps=10)], LIBRARY)
    # intro 3 + position 8 + 10 reps x (3 + 3) + done 3
    assert result.total_seconds == 3 + 8 + 60 + 3 == sum(s.seconds for s in result.steps)
    assert result.minutes == 2


def test_a_hold_takes_the_prescribed_seconds_and_never_cues_a_held_breath() -> None:
    steps = script([item("childs-pose", sets=1, hold_seconds=30)], LIBRARY).steps
    holds = [s for s in steps if s.kind == "hold"]
    assert len(holds) == 1
    assert holds[0].seconds == 30
    assert holds[0].breath == "easy"
    assert holds[0].rep is None
    assert all(s.breath != "hold" for s in steps)
    # the finish step closes the set
    assert steps[-2].text.startswith("Walk your hands back")


def test_per_side_exercises_do_each_side_with_a_switch_between() -> None:
    steps = script([item("seated-twist", sets=1, hold_seconds=15, per_side=True)], LIBRARY).steps
    kinds = [(s.kind, s.side) for s in steps]
    assert kinds == [
        ("intro", None),
        ("position", None),
        ("move", "right"),
        ("hold", "right"),
        ("move", "right"),
        ("switch_sides", "left"),
        ("move", "left"),
        ("hold", "left"),
        ("move", "left"),
        ("done", None),
    ]
    assert [s.seconds for s in steps if s.kind == "hold"] == [15, 15]
    assert steps[3].text.startswith("Right side: Hold the twist.")


def test_sets_are_separated_by_a_rest_and_exercises_by_a_transition() -> None:
    steps = script(
        [
            item("wall-angel", sets=2, reps=10, rest_seconds=30),
            item("thoracic-extension", sets=1, reps=8),
        ],
        LIBRARY,
    ).steps
    rests = [s for s in steps if s.kind == "rest"]
    assert len(rests) == 1
    assert rests[0].seconds == 30
    assert rests[0].text == "Rest. Set 2 of 2 next."
    transitions = [s for s in steps if s.kind == "transition"]
    assert [t.text for t in transitions] == ["Next: Thoracic Extension Stretch."]
    wall_moves = [s for s in steps if s.exercise == "wall-angel" and s.kind == "move"]
    assert len(wall_moves) == 2 * 10 * 2
    assert {s.set for s in wall_moves} == {1, 2}


def test_the_position_step_says_gentle_range() -> None:
    steps = script([item("cat-camel", sets=1, reps=10, range="gentle")], LIBRARY).steps
    assert "Gentle range: Move only in the comfortable middle" in steps[1].text
    assert "gentle" in steps[1].say


def test_breath_cues_map_to_the_pacer() -> None:
    assert breath_of("Breathe in") == "in"
    assert breath_of("Breathe out as you turn") == "out"
    assert breath_of("Breathe slowly and deeply") == "easy"
    assert breath_of("Keep breathing") == "easy"


def test_scripts_are_deterministic_and_serialisable() -> None:
    items = [
        item("cat-camel", sets=1, reps=12),
        item("seated-twist", sets=1, hold_seconds=15, per_side=True),
    ]
    first = script(items, LIBRARY).model_dump()
    assert first == script(items, LIBRARY).model_dump()
    assert {
        "index",
        "kind",
        "exercise",
        "text",
        "say",
        "seconds",
        "breath",
        "rep",
        "reps",
        "side",
        "set",
        "sets",
    } <= set(first["steps"][0])


def test_every_step_lasts_at_least_a_second_for_every_exercise_at_every_dose() -> None:
    for spec in LIBRARY.values():
        dose = spec.dose
        for sets in range(dose.sets[0], dose.sets[1] + 1):
            chosen = item(
                spec.slug,
                sets=sets,
                reps=dose.reps[1] if dose.reps else None,
                hold_seconds=dose.hold_seconds[1] if dose.hold_seconds else None,
                per_side=dose.per_side,
            )
            result = script([chosen], LIBRARY)
            assert all(s.seconds >= 1 for s in result.steps)
            assert all(s.text and s.say for s in result.steps)


def test_a_block_script_matches_the_minutes_the_schedule_shows() -> None:
    result = plan(make_intake(), LIBRARY)
    for index, block in enumerate(result.schedule):
        block_script = script_for_block(result, index, LIBRARY)
        assert block_script.minutes == block.minutes
        played = [s.exercise for s in block_script.steps if s.kind == "position"]
        assert played == block.exercises
        if block.kind == "break":
            assert all(s.set in (None, 1) for s in block_script.steps)
