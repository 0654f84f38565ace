"""The care record's tables. Models move here from `clinic` and `practice` (issue 16), keeping
their tables; new record models (visits, outcomes, clinic API keys, webhooks) start here.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class ClinicApiKey(models.Model):
    """A clinic's key for the clinic API (an integrator's practice system). Only the SHA-256 of
    the key is stored; the key itself is shown once, when it is made."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    clinic = models.ForeignKey("clinic.Clinic", related_name="+", on_delete=models.CASCADE)
    name = models.CharField(max_length=80, help_text="what the key is for, e.g. the system's name")
    prefix = models.CharField(
        max_length=16, help_text="the key's first characters, to tell keys apart"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        "clinic.StaffMember", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="to the minute")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE


class WebhookEndpoint(models.Model):
    """An https:// address of the clinic's that is sent signed events. The secret signs them, so
    it is kept as it is (shown to the owner once, when the endpoint is registered)."""

    clinic = models.ForeignKey("clinic.Clinic", related_name="+", on_delete=models.CASCADE)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80)
    created_by = models.ForeignKey(
        "clinic.StaffMember", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint: the outbox row written in the transaction that made the event,
    and the worker's unit of work (claimed with a lease, like a reminder).

    Life: pending -> claimed -> delivered | failed (after the last retry); a claimed row whose
    lease has run out may be taken by any worker. `event_id` is the same for every endpoint and
    every attempt, so a receiver drops repeats by it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed by a worker"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed after every retry"

    clinic = models.ForeignKey("clinic.Clinic", related_name="+", on_delete=models.CASCADE)
    endpoint = models.ForeignKey(
        WebhookEndpoint, related_name="deliveries", on_delete=models.CASCADE
    )
    patient = models.ForeignKey(
        "clinic.Patient",
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.CASCADE,
        help_text="whom the event is about: erasing them drops what is not yet sent",
    )
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=40)
    body = models.TextField(help_text="the JSON sent, fixed when the event happened")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    not_before = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_id"], name="webhook_delivery_once_per_endpoint"
            ),
        ]
        indexes = [models.Index(fields=["status", "not_before"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} {self.status}"


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
