"""What the patient does: how they get in (invites, device sessions) and what they record."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone

from midback.clinic.models import Clinic, Patient, ProgramVersion


class Invite(models.Model):
    """A single-use link that signs a patient in on a device. Only the code's hash is stored."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="invites", on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Invite for {self.patient}"


class DeviceSession(models.Model):
    """A long-lived, revocable sign-in of a patient on one device. Only the token's hash is stored."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="devices", on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=120, blank=True, help_text="from the browser's user agent")
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Device of {self.patient}: {self.label}"


class Difficulty(models.TextChoices):
    TOO_EASY = "too_easy", "Too easy"
    ABOUT_RIGHT = "about_right", "About right"
    TOO_HARD = "too_hard", "Too hard"


class SessionLog(models.Model):
    """One block of exercise as done. The id comes from the client, so a replay is stored once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="session_logs", on_delete=models.CASCADE)
    program_version = models.ForeignKey(ProgramVersion, related_name="+", on_delete=models.PROTECT)
    block_day = models.DateField(help_text="the local day of the scheduled block")
    block_time = models.TimeField(null=True, blank=True, help_text="scheduled local time, if any")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    pain_before = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True)
    difficulty = models.CharField(max_length=12, choices=Difficulty.choices, blank=True)
    completed = models.BooleanField(default=False)
    stopped = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["patient", "block_day"]),
            models.Index(fields=["clinic", "started_at"]),
        ]
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.patient} {self.block_day} {self.block_time or ''}"


class ExerciseLog(models.Model):
    """One exercise within a session: what was done and whether it hurt."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    session = models.ForeignKey(SessionLog, related_name="exercises", on_delete=models.CASCADE)
    exercise = models.SlugField(max_length=64)
    sets_done = models.PositiveSmallIntegerField(default=0)
    reps_done = models.PositiveSmallIntegerField(default=0)
    hurt = models.BooleanField(default=False)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True)
    stopped = models.BooleanField(default=False)
    stop_reason = models.CharField(max_length=40, blank=True)
    note = models.CharField(max_length=500, blank=True)
    best_range = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="best range of the set in degrees, seen by the camera coach",
    )

    def __str__(self) -> str:
        return f"{self.exercise} in {self.session_id}"


class CheckIn(models.Model):
    """The weekly outcome check-in: pain, the patient-specific functional scale and work impact."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="checkins", on_delete=models.CASCADE)
    day = models.DateField()
    pain_now = models.PositiveSmallIntegerField()
    pain_worst = models.PositiveSmallIntegerField(null=True, blank=True)
    pain_average = models.PositiveSmallIntegerField(null=True, blank=True)
    activities = models.JSONField(
        default=list, help_text='up to three {"activity": str, "score": 0-10} (PSFS)'
    )
    global_change = models.SmallIntegerField(null=True, blank=True, help_text="-7..7")
    work_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    work_hours_missed = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.patient} check-in {self.day}"
