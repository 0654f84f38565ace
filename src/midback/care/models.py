"""The care record's tables: clinics and their staff, patients, programs and their versions,
invites and device sessions, what the patient recorded (session and exercise logs, check-ins),
the daily rollups and the audit trail.

These models moved here from `clinic` and `practice` (issue 16) and keep their tables
(`db_table` names the old ones), so no data moved. New record models start here too.
Every tenant-owned row carries a `clinic` key.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

# Clinics and their staff (tables from the `clinic` app).


class Clinic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=64, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    created_at = models.DateTimeField(default=timezone.now)
    address = models.CharField(max_length=300, blank=True, help_text="printed on handouts")
    phone = models.CharField(max_length=40, blank=True, help_text="printed on handouts")
    logo = models.BinaryField(null=True, blank=True, help_text="a re-encoded PNG or JPEG")
    logo_type = models.CharField(max_length=32, blank=True)

    class Meta:
        db_table = "clinic_clinic"

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
    recovery_codes = models.JSONField(
        default=list, blank=True, help_text="SHA-256 digests of the unused recovery codes"
    )

    class Meta:
        db_table = "clinic_staffmember"

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

    class Meta:
        db_table = "clinic_loginthrottle"

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

    class Meta:
        db_table = "clinic_staffinvite"

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
        db_table = "clinic_patient"
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

    class Meta:
        db_table = "clinic_program"

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
        db_table = "clinic_programversion"
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
    retired_at = models.DateTimeField(
        null=True, blank=True, help_text="no longer offered for new programs"
    )

    class Meta:
        db_table = "clinic_programtemplate"
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
        db_table = "clinic_patientday"
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
        db_table = "clinic_auditevent"
        indexes = [models.Index(fields=["clinic", "at"])]
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}:{self.object_id}"


# How the patient gets in and what they record (tables from the `practice` app).


class Invite(models.Model):
    """A single-use link that signs a patient in on a device. Only the code's hash is stored."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="invites", on_delete=models.CASCADE)
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "practice_invite"

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

    class Meta:
        db_table = "practice_devicesession"

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
    rolled_up = models.BooleanField(
        default=False, help_text="counted in its day's PatientDay (care/rollup.py)"
    )

    class Meta:
        db_table = "practice_sessionlog"
        indexes = [
            models.Index(fields=["patient", "block_day"]),
            models.Index(fields=["clinic", "started_at"]),
            # Only the few logs not rolled up yet: finding them stays cheap however many logs.
            models.Index(
                fields=["clinic", "patient", "block_day"],
                condition=models.Q(rolled_up=False),
                name="sessionlog_pending_rollup",
            ),
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

    class Meta:
        db_table = "practice_exerciselog"

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
        db_table = "practice_checkin"
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.patient} check-in {self.day}"


class ClinicApiKey(models.Model):
    """A clinic's key for the clinic API (an integrator's practice system). Only the SHA-256 of
    the key is stored; the key itself is shown once, when it is made."""

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        READ_WRITE = "read_write", "Read and write"

    clinic = models.ForeignKey("care.Clinic", related_name="+", on_delete=models.CASCADE)
    name = models.CharField(max_length=80, help_text="what the key is for, e.g. the system's name")
    prefix = models.CharField(
        max_length=16, help_text="the key's first characters, to tell keys apart"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=12, choices=Scope.choices, default=Scope.READ)
    created_by = models.ForeignKey(
        "care.StaffMember", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
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

    clinic = models.ForeignKey("care.Clinic", related_name="+", on_delete=models.CASCADE)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=80)
    created_by = models.ForeignKey(
        "care.StaffMember", null=True, blank=True, related_name="+", on_delete=models.SET_NULL
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

    clinic = models.ForeignKey("care.Clinic", related_name="+", on_delete=models.CASCADE)
    endpoint = models.ForeignKey(
        WebhookEndpoint, related_name="deliveries", on_delete=models.CASCADE
    )
    patient = models.ForeignKey(
        "care.Patient",
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

    patient = models.ForeignKey("care.Patient", related_name="visits", on_delete=models.CASCADE)
    practitioner = models.ForeignKey(
        "care.StaffMember",
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


class CalendarLink(models.Model):
    """A person's own work calendar, read so that breaks can dodge meetings (issue 21).

    The secret address is stored encrypted (`care.calendars.seal`) and shown back only as its
    host; nothing of the calendar's events is kept but busy intervals (`BusyInterval`).
    """

    class Source(models.TextChoices):
        URL = "url", "A calendar address, read every 15 minutes"
        UPLOAD = "upload", "An .ics file uploaded once"

    clinic = models.ForeignKey("care.Clinic", related_name="+", on_delete=models.CASCADE)
    patient = models.OneToOneField(
        "care.Patient", related_name="calendar_link", on_delete=models.CASCADE
    )
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.URL)
    sealed_url = models.TextField(blank=True, help_text="the address, encrypted")
    url_hint = models.CharField(max_length=120, blank=True, help_text="its host only, to show")
    own_email = models.EmailField(blank=True, help_text="whose PARTSTAT=DECLINED counts")
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    fetched_at = models.DateTimeField(null=True, blank=True, help_text="last successful read")
    checked_at = models.DateTimeField(null=True, blank=True, help_text="last attempt")
    last_error = models.CharField(max_length=300, blank=True, help_text="in plain words")

    def __str__(self) -> str:
        return f"Calendar of {self.patient}"


class BusyInterval(models.Model):
    """One stretch of busy time from the person's calendar, in UTC. Never a title, attendee,
    place or description: only when."""

    clinic = models.ForeignKey("care.Clinic", related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(
        "care.Patient", related_name="busy_intervals", on_delete=models.CASCADE
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["patient", "start"], name="busy_patient_start")]

    def __str__(self) -> str:
        return f"busy {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"


class RotationCheck(models.Model):
    """The weekly phone check of thoracic rotation: the phone held flat on the breastbone, the
    person turns left and right as far as is comfortable; the phone's orientation sensor gives
    the angle each way. An outcome, charted beside pain. The id comes from the client."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    clinic = models.ForeignKey("care.Clinic", related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(
        "care.Patient", related_name="rotation_checks", on_delete=models.CASCADE
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
