"""Reminder preferences, calendar feeds, push subscriptions, VAPID keys and due reminders."""

from __future__ import annotations

import secrets
from datetime import time

from django.db import models
from django.utils import timezone

from midback.care.models import Clinic, Patient


def new_salt() -> str:
    return secrets.token_urlsafe(16)


class ReminderSettings(models.Model):
    """One patient's reminder choices. Made with defaults the first time it is needed."""

    class Email(models.TextChoices):
        OFF = "off", "No email"
        PER_BLOCK = "per_block", "An email at each block"
        DAILY = "daily", "One summary each morning"

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.OneToOneField(
        Patient, related_name="reminder_settings", on_delete=models.CASCADE
    )
    push_enabled = models.BooleanField(default=True)
    email = models.CharField(max_length=12, choices=Email.choices, default=Email.OFF)
    digest_time = models.TimeField(default=time(7, 30), help_text="local time of the summary")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    days_off = models.JSONField(default=list, blank=True, help_text='weekday codes, e.g. ["sat"]')
    block_salt = models.CharField(
        max_length=32, default=new_salt, help_text="makes block ids opaque and stable"
    )
    nudge = models.BooleanField(
        default=True, help_text="one follow-up 20 minutes after a break with nothing logged"
    )
    calendar_revision = models.PositiveIntegerField(
        default=0, help_text="bumped when busy time moves breaks: added to the feed's SEQUENCE"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Reminder settings of {self.patient}"


class CalendarFeed(models.Model):
    """A secret, revocable ICS feed URL. Only the SHA-256 of its token is stored."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="calendar_feeds", on_delete=models.CASCADE)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient}"


class PushSubscription(models.Model):
    """A browser's Web Push subscription (endpoint and its RFC 8291 keys)."""

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(
        Patient, related_name="push_subscriptions", on_delete=models.CASCADE
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=40)
    label = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_success_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Push subscription of {self.patient}"

    def info(self) -> dict[str, object]:
        """The subscription as pywebpush expects it."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class VapidKey(models.Model):
    """The site's VAPID key pair, made on first use when none is given in the environment."""

    private_key = models.CharField(max_length=64, help_text="raw P-256 scalar, base64url")
    public_key = models.CharField(max_length=100, help_text="uncompressed point, base64url")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"VAPID key {self.public_key[:12]}…"


class Reminder(models.Model):
    """One block occurrence on one channel, due at a UTC instant; the worker's unit of work.

    Life: pending -> claimed (leased to one worker) -> sent | missed | failed; pending -> skipped.
    A claimed row whose lease has run out is pending again in all but name: any worker may take it.
    """

    class Channel(models.TextChoices):
        PUSH = "push", "Web push"
        EMAIL = "email", "Email at each block"
        DIGEST = "digest", "Daily summary email"
        NUDGE = "nudge", "One follow-up after a missed break"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CLAIMED = "claimed", "Claimed by a worker"
        SENT = "sent", "Sent"
        MISSED = "missed", "Missed (no worker ran within the grace period)"
        SKIPPED = "skipped", "Skipped by the person"
        FAILED = "failed", "Failed (nowhere to send)"

    clinic = models.ForeignKey(Clinic, related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(Patient, related_name="reminders", on_delete=models.CASCADE)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    block_id = models.CharField(max_length=32)
    local_date = models.DateField()
    local_time = models.TimeField(help_text="scheduled local wall time (before any DST shift)")
    due_at = models.DateTimeField(help_text="when the block happens, UTC")
    not_before = models.DateTimeField(help_text="earliest next attempt: due_at, snooze or backoff")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    program_version = models.PositiveIntegerField(default=0)
    exercises = models.JSONField(default=list, blank=True)
    minutes = models.PositiveSmallIntegerField(default=0)
    snoozed = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "block_id", "channel"], name="reminder_once_per_block_channel"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "not_before"], name="reminder_due"),
            models.Index(fields=["patient", "local_date"], name="reminder_patient_day"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.block_id} {self.status}"
