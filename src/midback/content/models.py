"""The exercise library in the database: each exercise and its content versions."""

from __future__ import annotations

import json

from django.db import models
from django.utils import timezone

from midback.content.schema import ExerciseSpec


class Exercise(models.Model):
    """An exercise; its content lives in versions so old programs keep what they had.

    Built-in exercises (from the data files) have no clinic; a clinic's own exercises do, and only
    that clinic's staff and patients ever see them.
    """

    slug = models.SlugField(max_length=64, unique=True)
    clinic = models.ForeignKey(
        "care.Clinic", null=True, blank=True, related_name="exercises", on_delete=models.CASCADE
    )
    order = models.PositiveSmallIntegerField(default=0)
    current = models.ForeignKey(
        "ExerciseVersion", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="a clinic's exercise no longer offered for new programs"
    )

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self) -> str:
        return self.slug


class ExerciseVersion(models.Model):
    """One immutable revision of an exercise's content, as its data file held it."""

    exercise = models.ForeignKey(Exercise, related_name="versions", on_delete=models.PROTECT)
    clinic = models.ForeignKey(
        "care.Clinic", null=True, blank=True, related_name="+", on_delete=models.CASCADE
    )
    number = models.PositiveIntegerField()
    content = models.JSONField()
    content_hash = models.CharField(max_length=64)
    image = models.BinaryField(null=True, blank=True, help_text="a clinic's own picture")
    image_type = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "number"], name="exercise_version_unique"),
        ]
        ordering = ["exercise", "number"]

    def __str__(self) -> str:
        return f"{self.exercise.slug} v{self.number}"

    @property
    def spec(self) -> ExerciseSpec:
        return ExerciseSpec.model_validate_json(json.dumps(self.content))
