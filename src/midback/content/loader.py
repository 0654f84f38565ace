"""Read and validate the exercise data files. Plain Python, no Django."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from midback.content.schema import ExerciseSpec

LIBRARY_DIR = Path(__file__).parent / "library"
SOURCE_FIVE = ("cat-camel", "thoracic-extension", "seated-twist", "wall-angel", "childs-pose")


class LibraryError(ValueError):
    """A data file is missing, unreadable or breaks the schema; the message names file and field."""


@dataclass(frozen=True)
class Library(Mapping[str, ExerciseSpec]):
    """The exercises by slug, in file order (the source five first)."""

    exercises: dict[str, ExerciseSpec]

    def __getitem__(self, slug: str) -> ExerciseSpec:
        return self.exercises[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self.exercises)

    def __len__(self) -> int:
        return len(self.exercises)

    def alternatives_for(self, slug: str) -> list[ExerciseSpec]:
        """Alternatives that name `slug` as what they replace, in the order `swaps` prefers."""
        listed = [self.exercises[s] for s in self.exercises[slug].swaps]
        others = [e for e in self.exercises.values() if e.replaces == slug and e not in listed]
        return listed + others


def load_file(path: Path) -> ExerciseSpec:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LibraryError(f"{path.name}: cannot read: {exc}") from exc
    try:
        spec = ExerciseSpec.model_validate_json(json.dumps(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(file)"
        raise LibraryError(f"{path.name}: field '{field}': {first['msg']}") from exc
    if spec.slug != path.stem:
        raise LibraryError(f"{path.name}: field 'slug': '{spec.slug}' must match the file name")
    return spec


def load_library(directory: Path = LIBRARY_DIR) -> Library:
    """Load every `*.toml` in `directory`, checking the links between exercises."""
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise LibraryError(f"{directory}: no exercise files found")
    specs = {spec.slug: spec for spec in map(load_file, files)}
    for spec in specs.values():
        for target in spec.swaps:
            if target not in specs:
                raise LibraryError(f"{spec.slug}.toml: field 'swaps': unknown exercise '{target}'")
            if specs[target].replaces != spec.slug:
                raise LibraryError(
                    f"{target}.toml: field 'replaces': must be '{spec.slug}', which lists it in swaps"
                )
        if spec.replaces is not None and spec.replaces not in specs:
            raise LibraryError(
                f"{spec.slug}.toml: field 'replaces': unknown exercise '{spec.replaces}'"
            )
    order = [s for s in SOURCE_FIVE if s in specs] + [s for s in specs if s not in SOURCE_FIVE]
    return Library({slug: specs[slug] for slug in order})
