"""The illustration body model, keyframes and SVG output (plain Python, no database)."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from midback.content.illustration import (
    BLAZEPOSE_LANDMARKS,
    ILLUSTRATED_SLUGS,
    Limbs,
    Pose,
    UnknownIllustration,
    joint_violations,
    landmarks,
    render_svg,
)
from midback.content.illustration.body import RADII, SEGMENT_LENGTHS, SEGMENTS, Skeleton
from midback.content.illustration.poses import (
    SEAT_CLEARANCE,
    Illustration,
    exercise_name,
    ground,
    illustration,
    path,
)
from midback.content.loader import load_library

SVG = "{http://www.w3.org/2000/svg}"
FLOOR_TOLERANCE = 1.0  # cm of skin allowed to press into the floor or mat


def _radius(point: str) -> float:
    """Half-thickness of the body part around a named point, as drawn."""
    for suffix, part in (
        ("knee", "shin"),
        ("ankle", "shin"),
        ("heel", "foot"),
        ("foot_index", "foot"),
        ("wrist", "hand"),
        ("index", "hand"),
        ("pinky", "hand"),
        ("thumb", "hand"),
        ("elbow", "forearm"),
        ("shoulder", "upper_arm"),
        ("hip", "thigh"),
    ):
        if point.endswith(suffix):
            return RADII[part]
    return {"head_centre": RADII["head"], "hip_centre": RADII["torso"]}.get(point, 0.0)


def _frames(ill: Illustration) -> list[tuple[str, Skeleton, Pose]]:
    keys = [(f"key {k.name}", k.pose) for k in ill.keyframes]
    between = [(f"frame {i}", pose) for i, pose in enumerate(path(ill))]
    return [(label, ground(pose, ill.support), pose) for label, pose in keys + between]


ALL = [illustration(slug) for slug in ILLUSTRATED_SLUGS]
IDS = list(ILLUSTRATED_SLUGS)


def test_every_library_exercise_is_illustrated() -> None:
    assert set(ILLUSTRATED_SLUGS) == set(load_library())
    assert len(ILLUSTRATED_SLUGS) == 14


@pytest.mark.parametrize("ill", ALL, ids=IDS)
def test_forward_kinematics_keeps_every_segment_length(ill: Illustration) -> None:
    for label, skeleton, _ in _frames(ill):
        for a, b, segment in SEGMENTS:
            length = math.dist(skeleton.points[a], skeleton.points[b])
            assert length == pytest.approx(SEGMENT_LENGTHS[segment], abs=1e-6), (label, a, b)


@pytest.mark.parametrize("ill", ALL, ids=IDS)
def test_every_frame_is_within_joint_limits(ill: Illustration) -> None:
    for label, _, pose in _frames(ill):
        assert joint_violations(pose) == [], label


@pytest.mark.parametrize("ill", ALL, ids=IDS)
def test_nothing_goes_through_the_floor(ill: Illustration) -> None:
    for label, skeleton, _ in _frames(ill):
        for name, (_, y, _) in skeleton.points.items():
            assert y - _radius(name) >= -FLOOR_TOLERANCE, (label, name, y)


@pytest.mark.parametrize("ill", ALL, ids=IDS)
def test_the_grounded_points_touch_the_floor(ill: Illustration) -> None:
    for label, skeleton, _ in _frames(ill):
        for name in ill.support.floor_contacts:
            skin = skeleton.points[name][1] - _radius(name)
            assert abs(skin) <= FLOOR_TOLERANCE, (label, name, skin)


@pytest.mark.parametrize("ill", [i for i in ALL if i.support.kind == "seated"], ids=str)
def test_a_seated_pelvis_rests_on_the_seat(ill: Illustration) -> None:
    assert ill.seat is not None
    for label, skeleton, _ in _frames(ill):
        _, y, z = skeleton.points["hip_centre"]
        assert y - SEAT_CLEARANCE == pytest.approx(ill.seat.seat_top, abs=0.5), label
        assert ill.seat.back_z < z < ill.seat.front_z, label


@pytest.mark.parametrize("ill", [i for i in ALL if i.keyframes[0].plants], ids=str)
def test_planted_hands_stay_where_they_were_put(ill: Illustration) -> None:
    for key in ill.keyframes:
        skeleton = ground(key.pose, ill.support)
        for plant in key.plants:
            _, y, z = skeleton.points[f"{plant.side}_wrist"]
            assert (y, z) == pytest.approx((plant.y, plant.z), abs=0.5), (key.name, plant.side)


def test_cat_camel_arches_then_rounds_on_all_fours() -> None:
    cow, cat = (k.pose for k in illustration("cat-camel").keyframes)
    assert cow.upper_spine < -20 and cow.neck < 0  # back arched, head up
    assert cat.upper_spine > 30 and cat.neck > 0  # back rounded, chin tucked
    assert illustration("cat-camel").support.anchor.endswith("knee")


def test_the_seated_twist_brings_the_right_elbow_to_the_left_knee() -> None:
    ill = illustration("seated-twist")
    end = ground(ill.keyframes[-1].pose, ill.support).points
    to_left = math.dist(end["right_elbow"], end["left_knee"])
    assert to_left < RADII["forearm"] + RADII["thigh"] + 4.0
    assert to_left < math.dist(end["right_elbow"], end["right_knee"])


def test_the_upright_rotation_turns_without_bending() -> None:
    start, end = (k.pose for k in illustration("seated-rotation-upright").keyframes)
    assert end.trunk_rotation - start.trunk_rotation >= 30
    assert end.lower_spine == start.lower_spine == 0 and end.upper_spine == 0


def test_wall_angels_raise_the_arms_from_ninety_degrees() -> None:
    start, end = (k.pose for k in illustration("wall-angel").keyframes)
    assert start.right.shoulder_elevation == pytest.approx(90, abs=5)
    assert start.right.elbow == pytest.approx(90, abs=5)
    assert end.right.shoulder_elevation > 140


def test_the_low_wall_slide_stays_below_shoulder_height() -> None:
    for key in illustration("wall-slide-low").keyframes:
        assert key.pose.right.shoulder_elevation < 90


def test_it_reports_joints_outside_their_limits() -> None:
    problems = joint_violations(Pose(right=Limbs(knee=-15.0, elbow=170.0)))
    assert len(problems) == 2
    assert any("right.knee" in p for p in problems)


def test_landmarks_use_the_blazepose_names() -> None:
    points = landmarks(Pose())
    assert list(points) == list(BLAZEPOSE_LANDMARKS)
    assert len(points) == 33
    # Standing, the nose is above the shoulders, which are above the hips and the ankles.
    assert points["nose"][1] > points["right_shoulder"][1] > points["right_hip"][1]
    assert points["right_hip"][1] > points["right_ankle"][1]


@pytest.mark.parametrize("slug", ILLUSTRATED_SLUGS)
@pytest.mark.parametrize("frame", ["start", "end", None])
def test_every_form_is_a_standalone_svg(slug: str, frame: str | None) -> None:
    svg = render_svg(slug, frame)  # type: ignore[arg-type]
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert len((root.get("viewBox") or "").split()) == 4
    title = root.find(f"{SVG}title")
    assert title is not None and title.text is not None
    assert exercise_name(slug) in title.text
    assert (frame or "animation") in title.text
    assert "<script" not in svg and "href" not in svg and "url(" not in svg


@pytest.mark.parametrize("slug", ILLUSTRATED_SLUGS)
def test_the_animation_is_a_flipbook_that_respects_reduced_motion(slug: str) -> None:
    svg = render_svg(slug)
    root = ET.fromstring(svg)
    style = root.find(f"{SVG}style")
    assert style is not None and style.text is not None
    frames = [g for g in root.iter(f"{SVG}g") if re.fullmatch(r"i\w+ i\w+\d+", g.get("class", ""))]
    transitions = len(illustration(slug).keyframes) - 1
    assert len(frames) >= 12 * transitions + 1
    assert "steps(1,end) infinite" in style.text
    reduced = style.text.split("@media (prefers-reduced-motion:reduce)")[1]
    assert "animation:none" in reduced
    # The first frame is the start pose and stays visible when the animation is off.
    first = frames[0].get("class", "").split()[1]
    assert f".{first}{{opacity:1}}" in reduced
    assert len(svg.encode()) < 60_000


def test_an_unknown_slug_raises() -> None:
    with pytest.raises(UnknownIllustration):
        render_svg("handstand")
    with pytest.raises(KeyError):
        illustration("handstand")


def test_a_bad_frame_name_raises() -> None:
    with pytest.raises(ValueError, match="frame"):
        render_svg("cat-camel", "middle")  # type: ignore[arg-type]
