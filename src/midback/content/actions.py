"""Changes to the library in the database."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from midback.content.loader import Library, load_library
from midback.content.models import Exercise, ExerciseVersion


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@transaction.atomic
def do_sync_library(library: Library | None = None) -> SyncReport:
    """Bring the database in line with the data files. Idempotent; a changed file adds a version."""
    library = load_library() if library is None else library
    report = SyncReport()
    for order, (slug, spec) in enumerate(library.items()):
        exercise, created = Exercise.objects.select_for_update().get_or_create(
            slug=slug, defaults={"order": order}
        )
        digest = spec.content_hash()
        if exercise.current is not None and exercise.current.content_hash == digest:
            report.unchanged.append(slug)
        else:
            number = (exercise.current.number + 1) if exercise.current else 1
            exercise.current = ExerciseVersion.objects.create(
                exercise=exercise,
                number=number,
                content=spec.model_dump(mode="json"),
                content_hash=digest,
            )
            (report.created if created else report.updated).append(slug)
        exercise.order = order
        exercise.save(update_fields=["current", "order"])
    return report
