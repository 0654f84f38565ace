"""The care record's tables. Models move here from `clinic` and `practice` (issue 16), keeping
their tables; new record models (visits, outcomes, clinic API keys, webhooks) start here.
"""

from __future__ import annotations

from django.db import models


class Visit(models.Model):
    """A manual-therapy visit: the rhythm of care the home program fills in between.

    `starts_at` is an aware moment; it is entered and shown in the clinic's zone (to the patient,
    in theirs). The note is short (1000 characters, enforced by `do_add_visit`/`do_update_visit`).
    """

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", "Assessment"
        TREATMENT = "treatment", "Treatment"
        REVIEW = "review", "Review"

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        ATTENDED = "attended", "Attended"
        CANCELLED = "cancelled", "Cancelled"
        MISSED = "missed", "Missed"

    patient = models.ForeignKey("clinic.Patient", related_name="visits", on_delete=models.CASCADE)
    practitioner = models.ForeignKey(
        "clinic.StaffMember",
        null=True,
        blank=True,
        related_name="visits",
        on_delete=models.SET_NULL,
    )
    starts_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["patient", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} visit of {self.patient_id} at {self.starts_at:%Y-%m-%d %H:%M}"
