"""The check-ins as `plans.outcomes` input: each answer against its baseline at the program's
start. The patient page, the pre-visit summary and the check-in form all ask here."""

from __future__ import annotations

import datetime as dt

from midback.care import visits
from midback.care.assessing import zone
from midback.care.models import CheckIn, Patient, Program
from midback.plans.outcomes import Change, OutcomePoint, changes, groc_due


def program_start(patient: Patient) -> dt.date | None:
    """The local day (patient's zone) the patient's program was made, or None."""
    program = Program.objects.filter(patient=patient).only("created_at").first()
    if program is None:
        return None
    return program.created_at.astimezone(zone(patient.time_zone)).date()


def outcome_points(patient: Patient, since: dt.date | None = None) -> list[OutcomePoint]:
    """The patient's check-ins as outcome points, oldest first."""
    rows = CheckIn.objects.filter(patient=patient).order_by("day", "created_at")
    if since is not None:
        rows = rows.filter(day__gte=since)
    return [
        OutcomePoint(
            day=c.day,
            pain=c.pain_now,
            psfs=tuple(int(a["score"]) for a in c.activities or [] if a.get("score") is not None),
            groc=c.global_change,
            work=c.work_impact,
        )
        for c in rows
    ]


def outcome_changes(
    patient: Patient, started: dt.date | None = None
) -> tuple[dt.date | None, list[OutcomePoint], list[Change]]:
    """The program's start, the check-ins since then and each measure's change."""
    started = started or program_start(patient)
    if started is None:
        return None, [], []
    points = outcome_points(patient, started)
    return started, points, changes(points, started=started, baseline_pain=patient.baseline_pain)


def asks_global_change(patient: Patient, now: dt.datetime) -> bool:
    """Whether today's check-in asks the global-change question (at visits, else fortnightly)."""
    tz = zone(patient.time_zone)
    today = now.astimezone(tz).date()
    since = today - dt.timedelta(days=60)
    answered = CheckIn.objects.filter(
        patient=patient, day__gte=since, global_change__isnull=False
    ).values_list("day", flat=True)
    start = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(), tzinfo=tz)
    return groc_due(today, list(answered), visits.visit_days(patient, tz, start, until=now))
