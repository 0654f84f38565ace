"""Keyframes for every illustrated exercise: the prop, the view, the grounding and the poses.

The joint angles here are also the camera coach's targets (DESIGN.md section 8), so they are
kept as plain numbers; small solvers place hands and feet exactly where a keyframe says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import cache
from typing import Literal

from midback.content.illustration.body import (
    ANKLE_HEIGHT,
    RADII,
    SEGMENT_LENGTHS,
    Pose,
    Side,
    Skeleton,
    View,
    forward_kinematics,
    interpolate,
    mirror_limbs,
)
from midback.content.illustration.props import Chair, Mat, Prop, Table, Wall
from midback.content.loader import LIBRARY_DIR, load_file

PropKind = Literal["mat", "chair", "wall", "table", "chair+table"]
SupportKind = Literal["floor", "seated", "standing"]

SEAT_CLEARANCE = 8.0  # hip joint above the seat: the sitting bones and a little flesh
KNEE_HEIGHT = RADII["shin"] + 0.3  # knee joint above the floor when kneeling
HAND_HEIGHT = RADII["hand"] + 0.8  # wrist joint above a surface the palm lies flat on
SEAT_Y = 44.0 + SEAT_CLEARANCE


class UnknownIllustration(KeyError):
    """There is no illustration for this slug."""


@dataclass(frozen=True)
class Support:
    """How the figure is grounded: `anchor` is held at height `y` and depth `z` in every frame."""

    kind: SupportKind
    anchor: str
    y: float
    z: float
    floor_contacts: tuple[str, ...]  # points whose skin must touch the floor


@dataclass(frozen=True)
class Plant:
    """A hand resting on a surface: the wrist is solved onto (y, z), the hand laid at `hand_dir`."""

    side: Side
    y: float
    z: float
    hand_dir: float = 90.0  # sagittal direction of the hand, degrees from straight down


@dataclass(frozen=True)
class Keyframe:
    """One key position of the movement."""

    name: str
    pose: Pose
    plants: tuple[Plant, ...] = ()


@dataclass(frozen=True)
class Arrow:
    """A curved arrow following `point` from the start keyframe to the end keyframe."""

    point: str
    offset: tuple[float, float] = (0.0, 0.0)  # screen centimetres, x right and y up
    bend: float = 0.3  # bulge of the curve as a share of its length; sign picks the side
    trim: float = 0.0  # centimetres cut from each end
    min_length: float = 0.0  # small movements get an arrow at least this long (cm)


@dataclass(frozen=True)
class TurnArrow:
    """An arc around the body's vertical axis, for rotations (a transverse-plane cue)."""

    point: str
    radius: float
    start: float  # degrees around the vertical, 0 in front of the figure, + toward its left
    end: float
    lift: float = 0.0  # centimetres above `point`


@dataclass(frozen=True)
class Illustration:
    """Everything needed to draw one exercise."""

    slug: str
    prop: PropKind
    props: tuple[Prop, ...]
    view: View
    support: Support
    keyframes: tuple[Keyframe, ...]
    arrows: tuple[Arrow | TurnArrow, ...]
    seat: Chair | None = None
    inset: Literal["turn", "knees"] | None = None  # a small top view: the transverse-plane cue


# --- solvers ------------------------------------------------------------------------------------
# In the sagittal plane every frame is a pitch; a direction is given in degrees from straight down
# toward forward (0 down, 90 forward, 180 up, -90 backward), and directions simply add up.


def _direction(dy: float, dz: float) -> float:
    return math.degrees(math.atan2(dz, -dy))


def seated_legs(pose: Pose, *, shin_tilt: float = 6.0, knees_apart: float = 4.0) -> Pose:
    """Thighs on the seat and feet flat on the floor, whatever the pelvis is doing."""
    L = SEGMENT_LENGTHS
    drop = SEAT_Y - ANKLE_HEIGHT - L["shin"] * math.cos(math.radians(shin_tilt))
    thigh = 90.0 - math.degrees(math.asin(drop / L["thigh"]))
    return mirror_limbs(
        pose,
        hip_flexion=thigh + pose.lower_spine,
        hip_abduction=knees_apart,
        knee=thigh - shin_tilt,
        ankle=-shin_tilt,
    )


def kneeling_legs(pose: Pose, *, thigh: float, abduction: float = 0.0) -> Pose:
    """Knees and shins on the floor with the tops of the feet flat; `thigh` is its direction."""
    rise = 2.0  # the ankle rests a little higher than the knee
    shin = _direction(rise, -math.sqrt(SEGMENT_LENGTHS["shin"] ** 2 - rise**2))
    return mirror_limbs(
        pose,
        hip_flexion=thigh + pose.lower_spine,
        hip_abduction=abduction,
        knee=thigh - shin,
        # Toes pointed until the top of the foot rests on the floor; wide knees roll the shin.
        ankle=-65.0 if abduction else -62.0,
    )


def standing_legs(pose: Pose) -> Pose:
    """Straight legs under a level pelvis."""
    return mirror_limbs(pose, hip_flexion=pose.lower_spine, knee=0.0, ankle=0.0)


def ground(pose: Pose, support: Support) -> Skeleton:
    """Forward kinematics, then moved so the support's anchor sits where it must."""
    skeleton = forward_kinematics(pose)
    _, y, z = skeleton.points[support.anchor]
    return skeleton.moved((0.0, support.y - y, support.z - z))


def plant_hands(pose: Pose, support: Support, plants: tuple[Plant, ...]) -> Pose:
    """Bend shoulder, elbow and wrist (in the sagittal plane) so each wrist reaches its spot."""
    skeleton = ground(pose, support)
    L1, L2 = SEGMENT_LENGTHS["upper_arm"], SEGMENT_LENGTHS["forearm"]
    chest_pitch = pose.lower_spine + pose.upper_spine
    for plant in plants:
        _, sy, sz = skeleton.points[f"{plant.side}_shoulder"]
        dy, dz = plant.y - sy, plant.z - sz
        reach = min(math.hypot(dy, dz), L1 + L2 - 1e-6)
        toward = _direction(dy, dz)
        cos_shoulder = (L1**2 + reach**2 - L2**2) / (2 * L1 * reach)
        cos_elbow = (L1**2 + L2**2 - reach**2) / (2 * L1 * L2)
        offset = math.degrees(math.acos(max(-1.0, min(1.0, cos_shoulder))))
        elbow = 180.0 - math.degrees(math.acos(max(-1.0, min(1.0, cos_elbow))))
        upper = toward - offset  # the elbow sits behind the line, as a real elbow bends
        forearm = upper + elbow
        limbs = replace(
            pose.limbs(plant.side),
            shoulder_elevation=upper + chest_pitch,
            shoulder_plane=0.0,
            shoulder_rotation=0.0,
            elbow=elbow,
            wrist=plant.hand_dir - forearm,
        )
        pose = replace(pose, left=limbs) if plant.side == "left" else replace(pose, right=limbs)
    return pose


def _mix_plants(a: tuple[Plant, ...], b: tuple[Plant, ...], t: float) -> tuple[Plant, ...]:
    return tuple(
        replace(p, y=p.y + (q.y - p.y) * t, z=p.z + (q.z - p.z) * t, hand_dir=p.hand_dir)
        for p, q in zip(a, b, strict=True)
    )


def ease(t: float) -> float:
    """Smooth ease in and out (slow at both ends, like a calm movement)."""
    return (1.0 - math.cos(math.pi * t)) / 2.0


def path(illustration: Illustration, steps_per_transition: int = 13) -> list[Pose]:
    """Poses from the first keyframe to the last, eased over the whole path, hands re-planted."""
    keys = illustration.keyframes
    transitions = len(keys) - 1
    total = transitions * steps_per_transition
    poses = []
    for i in range(total + 1):
        u = ease(i / total) * transitions
        k = min(int(u), transitions - 1)
        a, b, t = keys[k], keys[k + 1], u - k
        pose = interpolate(a.pose, b.pose, t)
        if a.plants and len(a.plants) == len(b.plants):
            pose = plant_hands(pose, illustration.support, _mix_plants(a.plants, b.plants, t))
        poses.append(pose)
    return poses


@dataclass(frozen=True)
class Timing:
    """Seconds for the movement there and back and the pauses at each end."""

    forward: float
    back: float
    pause_start: float
    pause_end: float


@cache
def exercise_name(slug: str) -> str:
    """The exercise's display name from its data file."""
    return load_file(LIBRARY_DIR / f"{slug}.toml").name


@cache
def timing(slug: str) -> Timing:
    """Timing from the data file's step seconds; a long hold is shown as a short pause."""
    spec = load_file(LIBRARY_DIR / f"{slug}.toml")
    moving = [s for s in spec.steps if s.kind != "setup"]
    timed = [float(s.seconds) for s in moving if s.seconds is not None]
    forward = timed[0] if timed else 3.0
    back = timed[-1] if len(timed) > 1 else forward
    middle = timed[1:-1]  # e.g. "hold for a few seconds"
    has_hold = any(s.kind == "hold" for s in spec.steps)
    pause_end = middle[0] if middle else (2.0 if has_hold else 0.6)
    return Timing(forward=forward, back=back, pause_start=0.8, pause_end=min(pause_end, 3.0))


# --- the exercises ------------------------------------------------------------------------------

# Straight from the front and a little above: left and right stay where a reader expects them.
_FRONT_3Q = View(yaw=0.0, elevation=14.0)
_FRONT = View(yaw=12.0, elevation=6.0)


def _seated(hip_z: float = 0.0) -> Support:
    return Support("seated", "hip_centre", SEAT_Y, hip_z, ("left_foot_index", "right_foot_index"))


_KNEELING = Support(
    "floor",
    "right_knee",
    KNEE_HEIGHT,
    0.0,
    ("left_knee", "right_knee", "left_foot_index", "right_foot_index"),
)
_STANDING = Support(
    "standing",
    "right_ankle",
    ANKLE_HEIGHT,
    0.0,
    ("left_heel", "right_heel", "left_foot_index", "right_foot_index"),
)


def _both(pose: Pose, **angles: float) -> Pose:
    return mirror_limbs(pose, **angles)


def _key(name: str, pose: Pose, support: Support, *plants: Plant) -> Keyframe:
    return Keyframe(name, plant_hands(pose, support, plants) if plants else pose, plants)


def _hands_on(y: float, z: float, hand_dir: float = 90.0) -> tuple[Plant, Plant]:
    return (Plant("left", y, z, hand_dir), Plant("right", y, z, hand_dir))


def _cat_camel() -> Illustration:
    support = _KNEELING
    # Shoulders sit about 10 cm above the hips on all fours (arms are longer than thighs), so
    # the arch and the round are both measured around a slightly rising trunk.
    hands = _hands_on(HAND_HEIGHT, 46.0, 90.0)
    cow = kneeling_legs(
        Pose(lower_spine=100.0, upper_spine=-36.0, neck=-36.0, head=-12.0), thigh=0.0
    )
    cat = kneeling_legs(Pose(lower_spine=48.0, upper_spine=54.0, neck=36.0, head=14.0), thigh=0.0)
    return Illustration(
        slug="cat-camel",
        prop="mat",
        props=(Mat(front_z=95.0),),
        view=View(),
        support=support,
        keyframes=(
            _key("cow", cow, support, *hands),
            _key("cat", cat, support, *hands),
        ),
        arrows=(Arrow("waist", offset=(0.0, 18.0), bend=0.0),),
    )


def _childs_pose(slug: str, *, wide: bool = False, arms_back: bool = False) -> Illustration:
    support = _KNEELING
    abduction = 20.0 if wide else 0.0
    thigh = 65.0
    sit = kneeling_legs(
        _both(Pose(lower_spine=4.0, upper_spine=4.0), shoulder_elevation=8.0, elbow=10.0),
        thigh=thigh,
        abduction=abduction,
    )
    # Forehead on the mat in front of the knees, arms near overhead relative to the chest.
    end_lower, end_upper, end_neck = (79.0, 26.0, 6.0) if wide else (79.0, 26.0, 5.0)
    if arms_back:
        folded = kneeling_legs(
            _both(
                Pose(lower_spine=end_lower, upper_spine=end_upper, neck=end_neck),
            ),
            thigh=thigh,
            abduction=abduction,
        )
        by_feet = _hands_on(HAND_HEIGHT, -40.0, -95.0)
        keys: tuple[Keyframe, ...] = (
            _key("kneel", sit, support),
            _key("rest", folded, support, *by_feet),
        )
        arrows: tuple[Arrow | TurnArrow, ...] = (
            Arrow("neck_base", offset=(0.0, 16.0), bend=-0.35),
        )
    else:
        reach = kneeling_legs(
            Pose(lower_spine=55.0, upper_spine=20.0, neck=10.0), thigh=thigh, abduction=abduction
        )
        folded = kneeling_legs(
            Pose(lower_spine=end_lower, upper_spine=end_upper, neck=end_neck),
            thigh=thigh,
            abduction=abduction,
        )
        keys = (
            _key("kneel", sit, support),
            _key("reach", reach, support, *_hands_on(HAND_HEIGHT, 58.0, 92.0)),
            _key("sink", folded, support, *_hands_on(HAND_HEIGHT, 70.0, 92.0)),
        )
        arrows = (Arrow("neck_base", offset=(0.0, 18.0), bend=-0.35),)
    return Illustration(
        slug=slug,
        prop="mat",
        props=(Mat(front_z=110.0),),
        view=View(),
        # Wide knees do not show from the side, so a top view shows them apart.
        inset="knees" if wide else None,
        support=support,
        keyframes=keys,
        arrows=arrows,
    )


def _chair_side(hip_z: float = 0.0, *, back_gap: float = 3.0, back_height: float = 42.0) -> Chair:
    return Chair(back_z=hip_z - RADII["torso"] - back_gap - 3.0, back_height=back_height)


def _thoracic_extension(slug: str, *, crossed: bool) -> Illustration:
    support = _seated()
    # The chair back's top edge is level with the waist joint, where the upper back bends.
    chair = _chair_side(back_gap=0.0, back_height=SEGMENT_LENGTHS["lower_spine"] + 8.0)
    if crossed:
        arms = {"shoulder_elevation": 35.0, "shoulder_rotation": 70.0, "elbow": 125.0}
        arms_back = arms
    else:
        arms = {"shoulder_elevation": 165.0, "elbow": 10.0}
        arms_back = {"shoulder_elevation": 178.0, "elbow": 8.0}
    upright = seated_legs(_both(Pose(lower_spine=0.0, upper_spine=0.0), **arms))
    lean = seated_legs(
        _both(Pose(lower_spine=-4.0, upper_spine=-34.0, neck=-14.0, head=-6.0), **arms_back)
    )
    return Illustration(
        slug=slug,
        prop="chair",
        props=(chair,),
        view=View(),
        support=support,
        keyframes=(_key("upright", upright, support), _key("lean back", lean, support)),
        arrows=(
            Arrow("right_index" if not crossed else "head_centre", offset=(0.0, 16.0), bend=0.3),
        ),
        seat=chair,
    )


def _seated_cat_camel() -> Illustration:
    support = _seated(0.0)
    chair = _chair_side(0.0, back_gap=14.0)
    hands = _hands_on(SEAT_Y + RADII["thigh"] + HAND_HEIGHT - 1.0, 28.0, 88.0)
    arch = seated_legs(Pose(lower_spine=14.0, upper_spine=-24.0, neck=-18.0, head=-6.0))
    round_ = seated_legs(Pose(lower_spine=-10.0, upper_spine=42.0, neck=30.0, head=12.0))
    return Illustration(
        slug="seated-cat-camel",
        prop="chair",
        props=(chair,),
        view=View(),
        support=support,
        keyframes=(_key("arch", arch, support, *hands), _key("round", round_, support, *hands)),
        arrows=(Arrow("head_centre", offset=(0.0, 21.0), bend=-0.35),),
        seat=chair,
    )


def _seated_chest_opener() -> Illustration:
    support = _seated(0.0)
    # A chair back right behind clasped hands reads as holding the chair, so it is left out.
    chair = replace(_chair_side(0.0, back_gap=14.0), has_back=False)
    # Internal rotation carries the bent forearms behind the back, where the hands meet.
    tall = seated_legs(
        _both(Pose(), shoulder_elevation=-30.0, shoulder_rotation=80.0, elbow=75.0, wrist=-10.0)
    )
    open_ = seated_legs(
        _both(
            Pose(lower_spine=4.0, upper_spine=-16.0, neck=-8.0),
            shoulder_elevation=-50.0,
            shoulder_rotation=70.0,
            elbow=45.0,
        )
    )
    return Illustration(
        slug="seated-chest-opener",
        prop="chair",
        props=(chair,),
        view=View(),
        support=support,
        keyframes=(
            _key("sit tall", tall, support),
            _key("open", open_, support),
        ),
        arrows=(Arrow("right_elbow", offset=(-6.0, 4.0), bend=-0.3, min_length=14.0),),
        seat=chair,
    )


def _table_reach() -> Illustration:
    support = _seated(0.0)
    chair = _chair_side(0.0, back_gap=6.0)
    table = Table(near_z=24.0)
    on_table = table.height + HAND_HEIGHT
    sit = seated_legs(Pose(lower_spine=4.0, upper_spine=2.0, neck=5.0))
    sink = seated_legs(Pose(lower_spine=36.0, upper_spine=26.0, neck=12.0))
    return Illustration(
        slug="table-forward-reach",
        prop="chair+table",
        props=(chair, table),
        view=View(),
        support=support,
        keyframes=(
            _key("forearms on table", sit, support, *_hands_on(on_table, 50.0, 92.0)),
            _key("reach", sink, support, *_hands_on(on_table, 86.0, 92.0)),
        ),
        arrows=(Arrow("right_wrist", offset=(0.0, 10.0), bend=0.0, trim=4.0),),
        seat=chair,
    )


def _hands_on_shoulders(pose: Pose) -> Pose:
    # Elbows point forward, so turning and bending can bring one across to the other knee.
    return _both(pose, shoulder_plane=20.0, shoulder_elevation=85.0, elbow=150.0)


def _arms_crossed(pose: Pose) -> Pose:
    return _both(pose, shoulder_elevation=35.0, shoulder_rotation=70.0, elbow=125.0)


def _seated_twist() -> Illustration:
    support = _seated(0.0)
    chair = _chair_side(0.0, back_gap=2.0)
    start = seated_legs(_hands_on_shoulders(Pose()), knees_apart=12.0)
    # Turn, then bend toward the turned side: the right elbow meets the left knee.
    twist = seated_legs(
        _hands_on_shoulders(Pose(lower_spine=20.0, upper_spine=50.0, trunk_rotation=45.0)),
        knees_apart=12.0,
    )
    return Illustration(
        slug="seated-twist",
        prop="chair",
        props=(chair,),
        view=_FRONT_3Q,
        support=support,
        keyframes=(_key("upright", start, support), _key("twist", twist, support)),
        arrows=(Arrow("right_elbow", offset=(0.0, 0.0), bend=-0.35, trim=7.0),),
        seat=chair,
        inset="turn",
    )


def _upright_rotation() -> Illustration:
    support = _seated(0.0)
    chair = _chair_side(0.0, back_gap=2.0)
    start = seated_legs(_arms_crossed(Pose()), knees_apart=8.0)
    turn = seated_legs(
        _arms_crossed(Pose(trunk_rotation=45.0, neck_rotation=20.0)), knees_apart=8.0
    )
    return Illustration(
        slug="seated-rotation-upright",
        prop="chair",
        props=(chair,),
        view=_FRONT_3Q,
        support=support,
        keyframes=(_key("facing forward", start, support), _key("turned", turn, support)),
        arrows=(),
        seat=chair,
        inset="turn",
    )


def _w_squeeze() -> Illustration:
    support = _seated(0.0)
    chair = replace(_chair_side(0.0, back_gap=2.0), has_back=False)
    w = {"shoulder_plane": 80.0, "shoulder_elevation": 78.0, "elbow": 95.0}
    start = seated_legs(_both(Pose(), **w), knees_apart=8.0)
    squeeze = seated_legs(
        _both(
            Pose(upper_spine=-8.0),
            shoulder_plane=118.0,
            shoulder_elevation=70.0,
            elbow=95.0,
        ),
        knees_apart=8.0,
    )
    return Illustration(
        slug="w-squeeze",
        prop="chair",
        props=(chair,),
        view=View(yaw=205.0, elevation=10.0),
        support=support,
        keyframes=(_key("W", start, support), _key("squeeze", squeeze, support)),
        arrows=(
            Arrow("left_scapula", bend=0.0, min_length=9.0),
            Arrow("right_scapula", bend=0.0, min_length=9.0),
        ),
        seat=chair,
    )


def _wall(slug: str, *, low: bool) -> Illustration:
    support = _STANDING
    wall = Wall(face_z=-RADII["torso"] - 1.0)
    if low:
        first = {"shoulder_plane": 100.0, "shoulder_elevation": 30.0, "elbow": 95.0}
        last = {"shoulder_plane": 100.0, "shoulder_elevation": 72.0, "elbow": 90.0}
    else:
        first = {"shoulder_plane": 100.0, "shoulder_elevation": 88.0, "elbow": 92.0}
        last = {"shoulder_plane": 100.0, "shoulder_elevation": 150.0, "elbow": 35.0}
    start = standing_legs(_both(Pose(), **first))
    end = standing_legs(_both(Pose(), **last))
    return Illustration(
        slug=slug,
        prop="wall",
        props=(wall,),
        view=_FRONT,
        support=support,
        keyframes=(_key("start", start, support), _key("raised", end, support)),
        arrows=(Arrow("left_wrist", offset=(8.0, 0.0), bend=-0.3, trim=4.0),),
    )


def _build() -> dict[str, Illustration]:
    items = [
        _cat_camel(),
        _thoracic_extension("thoracic-extension", crossed=False),
        _seated_twist(),
        _wall("wall-angel", low=False),
        _childs_pose("childs-pose"),
        _seated_cat_camel(),
        _thoracic_extension("thoracic-extension-arms-crossed", crossed=True),
        _upright_rotation(),
        _w_squeeze(),
        _wall("wall-slide-low", low=True),
        _table_reach(),
        _childs_pose("childs-pose-arms-back", arms_back=True),
        _childs_pose("childs-pose-wide-knee", wide=True),
        _seated_chest_opener(),
    ]
    return {item.slug: item for item in items}


ILLUSTRATIONS: dict[str, Illustration] = _build()
ILLUSTRATED_SLUGS: tuple[str, ...] = tuple(ILLUSTRATIONS)


def illustration(slug: str) -> Illustration:
    """The illustration for `slug`, or `UnknownIllustration` (a `KeyError`)."""
    try:
        return ILLUSTRATIONS[slug]
    except KeyError:
        raise UnknownIllustration(slug) from None


def posed(illustration: Illustration, pose: Pose) -> Skeleton:
    """`pose` grounded the way the exercise is."""
    return ground(pose, illustration.support)
