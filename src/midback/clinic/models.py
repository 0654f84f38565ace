"""Clinics and their staff. Every tenant-owned row elsewhere carries a `clinic` key."""

from __future__ import annotations

from typing import Any

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
    totp_secret = models.CharField(max_length=64, blank=True)
    totp_enabled = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.display_name} ({self.clinic})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class LoginThrottle(models.Model):
    """Failed sign-ins per username (known or not, so nothing tells which accounts exist)."""

    username = models.CharField(max_length=254, unique=True)
    failures = models.PositiveSmallIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.username}: {self.failures} failures"


class StaffInvite(models.Model):
    """An owner's invitation for a new practitioner; only the code's hash is stored."""

    clinic = models.ForeignKey(Clinic, related_name="staff_invites", on_delete=models.CASCADE)
    email = models.EmailField()
    role = models.CharField(
        max_length=20, choices=StaffMember.Role.choices, default=StaffMember.Role.PRACTITIONER
    )
    code_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(StaffMember, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invite {self.email} to {self.clinic}"


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
    baseline_pain = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="pain now at the first intake, for the trend"
    )
    red_flags = models.JSONField(default=list, blank=True, help_text="red flags last answered yes")
    last_activity_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(
        default=timezone.now, help_text="last change to this row, for the clinic API's sync"
    )

    class Meta:
        indexes = [
            models.Index(fields=["clinic", "display_name"]),
            models.Index(fields=["clinic", "updated_at", "id"], name="patient_sync"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every save marks the row changed, even one that names only some fields.
        self.updated_at = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "updated_at"}
        super().save(*args, **kwargs)


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
    blocks_per_week = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="program_version_unique"),
        ]
        ordering = ["program", "number"]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class ProgramTemplate(models.Model):
    """A clinic's reusable starting point ("Desk worker — gentle"): items and schedule."""

    clinic = models.ForeignKey(Clinic, related_name="templates", on_delete=models.CASCADE)
    name = models.CharField(max_length=120)
    plan = models.JSONField()
    created_by = models.ForeignKey(
        StaffMember, null=True, blank=True, related_name="+", on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "name"], name="template_name_unique"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PatientDay(models.Model):
    """A day of one patient's activity, rolled up from the logs for the follow-up dashboard."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="days", on_delete=models.CASCADE)
    day = models.DateField()
    sessions_done = models.PositiveSmallIntegerField(default=0)
    sessions_partial = models.PositiveSmallIntegerField(default=0)
    pain_before_sum = models.PositiveIntegerField(default=0)
    pain_before_n = models.PositiveSmallIntegerField(default=0)
    pain_after_sum = models.PositiveIntegerField(default=0)
    pain_after_n = models.PositiveSmallIntegerField(default=0)
    pain_during_max = models.PositiveSmallIntegerField(null=True, blank=True)
    worse_after = models.PositiveSmallIntegerField(
        default=0, help_text="sessions with pain after at least 2 points above pain before"
    )
    stops = models.PositiveSmallIntegerField(default=0)
    pain_rose = models.PositiveSmallIntegerField(
        default=0, db_default=0, help_text="sessions with pain after above pain before"
    )
    stopped = models.JSONField(
        null=True, blank=True, help_text='[exercise or "", stop-reason code or ""] per stop'
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "day"], name="patient_day_unique"),
        ]
        indexes = [
            models.Index(fields=["clinic", "day"]),
            # PostgreSQL answers the dashboard from this index alone (SQLite skips it).
            models.Index(
                fields=["clinic", "day"],
                include=[
                    "patient",
                    "sessions_done",
                    "pain_after_sum",
                    "pain_after_n",
                    "pain_during_max",
                    "worse_after",
                    "stops",
                ],
                name="patientday_dashboard_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient_id} {self.day}"


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
    changes = models.JSONField(
        null=True, blank=True, help_text='what changed: {"field": [before, after], ...}'
    )

    class Meta:
        indexes = [models.Index(fields=["clinic", "at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"
