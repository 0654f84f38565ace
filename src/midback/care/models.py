"""The care record's tables. Models move here from `clinic` and `practice` (issue 16), keeping
their tables; new record models (visits, outcomes, clinic API keys, webhooks) start here.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class CalendarLink(models.Model):
    """A person's own work calendar, read so that breaks can dodge meetings (issue 21).

    The secret address is stored encrypted (`care.calendars.seal`) and shown back only as its
    host; nothing of the calendar's events is kept but busy intervals (`BusyInterval`).
    """

    class Source(models.TextChoices):
        URL = "url", "A calendar address, read every 15 minutes"
        UPLOAD = "upload", "An .ics file uploaded once"

    clinic = models.ForeignKey("clinic.Clinic", related_name="+", on_delete=models.CASCADE)
    patient = models.OneToOneField(
        "clinic.Patient", related_name="calendar_link", on_delete=models.CASCADE
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

    clinic = models.ForeignKey("clinic.Clinic", related_name="+", on_delete=models.CASCADE)
    patient = models.ForeignKey(
        "clinic.Patient", related_name="busy_intervals", on_delete=models.CASCADE
    )
    start = models.DateTimeField()
    end = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["patient", "start"], name="busy_patient_start")]

    def __str__(self) -> str:
        return f"busy {self.start:%Y-%m-%d %H:%M}-{self.end:%H:%M} UTC"
