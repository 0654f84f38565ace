"""Clinics the record itself needs, whatever the deployment (not demo data)."""

from __future__ import annotations

from midback.care.models import Clinic

SELF_GUIDED_SLUG = "self-guided"


def self_guided_clinic() -> Clinic:
    """The built-in clinic that self-guided people belong to, so every row has a clinic."""
    clinic, _ = Clinic.objects.get_or_create(
        slug=SELF_GUIDED_SLUG, defaults={"name": "MidBack self-guided", "time_zone": "UTC"}
    )
    return clinic
