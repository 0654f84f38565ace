"""Clinics and their staff. Every tenant-owned row elsewhere carries a `clinic` key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Clinic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=64, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class StaffMember(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        PRACTITIONER = "practitioner", "Practitioner"

    clinic = models.ForeignKey(Clinic, related_name="staff", on_delete=models.CASCADE)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, related_name="staff", on_delete=models.CASCADE
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PRACTITIONER)
    display_name = models.CharField(max_length=120)

    def __str__(self) -> str:
        return f"{self.display_name} ({self.clinic})"


class Patient(models.Model):
    """A person doing a program. Self-guided people belong to the built-in self-guided clinic."""

    clinic = models.ForeignKey(Clinic, related_name="patients", on_delete=models.PROTECT)
    display_name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        related_name="patient",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "display_name"])]

    def __str__(self) -> str:
        return self.display_name


class Program(models.Model):
    """One person's program; what they should do now is its current version."""

    clinic = models.ForeignKey(Clinic, related_name="programs", on_delete=models.PROTECT)
    patient = models.ForeignKey(Patient, related_name="programs", on_delete=models.CASCADE)
    current = models.ForeignKey(
        "ProgramVersion", null=True, blank=True, related_name="+", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Program of {self.patient}"


class ProgramVersion(models.Model):
    """An immutable revision: items, schedule and reasons, with who made it and why."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.PROTECT)
    program = models.ForeignKey(Program, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField()
    intake = models.JSONField(null=True, blank=True)
    plan = models.JSONField(help_text="the plan in the interchange format of DESIGN.md section 7")
    exercise_versions = models.ManyToManyField("content.ExerciseVersion", related_name="+")
    author = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    reason = models.CharField(max_length=300)
    note_to_patient = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_version_unique"),
        ]
        ordering = ["program", "number"]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class AuditEvent(models.Model):
    """Who read or changed whose data, when and from where. Keeps that it happened, not the data."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=160, help_text="e.g. 'staff:12 sam@clinic' or 'patient:5'")
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["clinic", "at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"
