"""The props an exercise uses (mat, chair, wall, table), as simple boxes in world centimetres."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from midback.content.illustration.body import Vec3

Tone = Literal["mat", "wood", "seat", "wall", "top"]


@dataclass(frozen=True)
class Box:
    """An axis-aligned box from corner `lo` to corner `hi`, drawn in one tone."""

    lo: Vec3
    hi: Vec3
    tone: Tone


@dataclass(frozen=True)
class Mat:
    """An exercise mat lying on the floor, running along z."""

    front_z: float
    length: float = 180.0
    half_width: float = 32.0
    thickness: float = 1.2

    def boxes(self) -> tuple[Box, ...]:
        lo = (-self.half_width, 0.0, self.front_z - self.length)
        return (Box(lo, (self.half_width, self.thickness, self.front_z), "mat"),)


@dataclass(frozen=True)
class Chair:
    """A plain four-legged chair facing +z; `back_height` is measured up from the seat."""

    back_z: float
    seat_top: float = 44.0
    depth: float = 42.0
    half_width: float = 22.0
    back_height: float = 42.0
    has_back: bool = True

    @property
    def front_z(self) -> float:
        return self.back_z + self.depth

    def boxes(self) -> tuple[Box, ...]:
        w, z0, z1, top = self.half_width, self.back_z, self.front_z, self.seat_top
        leg = 3.5
        out = [
            Box((x, 0.0, z), (x + leg, top - 4.0, z + leg), "wood")
            for x in (-w, w - leg)
            for z in (z0, z1 - leg)
        ]
        out.append(Box((-w, top - 4.0, z0), (w, top, z1), "seat"))
        if self.has_back:
            post = 3.0
            out += [
                Box((x, top, z0), (x + leg, top + self.back_height, z0 + post), "wood")
                for x in (-w, w - leg)
            ]
            panel_low = top + self.back_height * 0.45
            out.append(Box((-w, panel_low, z0), (w, top + self.back_height, z0 + post), "seat"))
        return tuple(out)


@dataclass(frozen=True)
class Table:
    """A table whose near edge faces the person (at `near_z`), top at desk height."""

    near_z: float
    height: float = 74.0
    depth: float = 70.0
    half_width: float = 55.0

    def boxes(self) -> tuple[Box, ...]:
        w, z0, z1, h, leg = self.half_width, self.near_z, self.near_z + self.depth, self.height, 4.0
        out = [
            Box((x, 0.0, z), (x + leg, h - 4.0, z + leg), "wood")
            for x in (-w + 4.0, w - 8.0)
            for z in (z0 + 4.0, z1 - 8.0)
        ]
        out.append(Box((-w, h - 4.0, z0), (w, h, z1), "top"))
        return tuple(out)


@dataclass(frozen=True)
class Wall:
    """A wall behind the figure; its face is the plane z = `face_z`."""

    face_z: float
    half_width: float = 70.0
    height: float = 205.0

    def boxes(self) -> tuple[Box, ...]:
        lo = (-self.half_width, 0.0, self.face_z - 10.0)
        return (Box(lo, (self.half_width, self.height, self.face_z), "wall"),)


Prop = Mat | Chair | Table | Wall
