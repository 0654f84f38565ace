"""The care record's tables. Models move here from `clinic` and `practice` (issue 16), keeping
their tables; new record models (visits, outcomes, clinic API keys, webhooks) start here.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class RotationCheck(models.Model):
    """The weekly phone check of thoracic rotation: the phone held flat on the breastbone, the
    person turns left and right as far as is comfortable; the phone's orientation sensor gives
    the angle each way. An outcome, charted beside pain. The id comes from the client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    clinic = models.ForeignKey("clinic.Clinic", related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(
        "clinic.Patient", related_name="rotation_checks", on_delete=models.CASCADE
    )
    day = models.DateField(help_text="the patient's local day")
    left_degrees = models.PositiveSmallIntegerField()
    right_degrees = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day", "-created_at"]
        indexes = [models.Index(fields=["patient", "day"])]

    def __str__(self) -> str:
        return f"{self.patient} rotation {self.day}: {self.left_degrees}° / {self.right_degrees}°"
