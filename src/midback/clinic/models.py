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
