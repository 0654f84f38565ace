"""Visits as the rest of the record needs them: the next one, the last one attended, and the
days of visits (for the global-change question)."""

from __future__ import annotations

import datetime as dt

from midback.care.models import Patient, Visit


def next_visit(patient: Patient, now: dt.datetime) -> Visit | None:
    """The patient's next booked visit that has not started yet."""
    return (
        Visit.objects.select_related("practitioner")
        .filter(patient=patient, status=Visit.Status.BOOKED, starts_at__gte=now)
        .order_by("starts_at")
        .first()
    )


def last_attended(patient: Patient, before: dt.datetime) -> Visit | None:
    """The latest visit the patient attended that started before `before`."""
    return (
        Visit.objects.select_related("practitioner")
        .filter(patient=patient, status=Visit.Status.ATTENDED, starts_at__lt=before)
        .order_by("-starts_at")
        .first()
    )


def visit_days(
    patient: Patient, zone: dt.tzinfo, since: dt.datetime, until: dt.datetime
) -> list[dt.date]:
    """The local days (in `zone`) of visits attended, or booked, between `since` and `until`."""
    moments = Visit.objects.filter(
        patient=patient,
        status__in=[Visit.Status.ATTENDED, Visit.Status.BOOKED],
        starts_at__gte=since,
        starts_at__lte=until,
    ).values_list("starts_at", flat=True)
    return sorted({m.astimezone(zone).date() for m in moments})


def when_words(moment: dt.datetime, zone: dt.tzinfo) -> str:
    """A visit's day and time as people say it, in `zone`: "Tue 8 Dec, 10:30"."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def visit_words(visit: Visit, zone: dt.tzinfo) -> str:
    """ "Tue 8 Dec, 10:30 with Sam" (in `zone`); without a practitioner, just the moment."""
    words = when_words(visit.starts_at, zone)
    if visit.practitioner is not None:
        words += f" with {visit.practitioner.display_name}"
    return words
