"""The follow-up dashboard: a clinic's patients sorted by who needs attention first.

Reads two queries whatever the clinic's size: the patients with their program's sessions per
week, and their `PatientDay` rollups of the last 28 days grouped by patient. The suggestion shown
here is a quick read of the same rules as `plans.progression.review`; the patient page runs the
full review before anything is applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Max, Q, Sum

from midback.care.models import Clinic, Patient, PatientDay
from midback.care.rollup import catch_up
from midback.plans.protocol import DEFAULT_PROTOCOL, Protocol

INACTIVE_DAYS = 5


@dataclass
class PatientRow:
    patient_id: int
    name: str
    blocks_per_week: int
    baseline: int | None
    last_activity: dt.datetime | None
    red_flags: list[str]
    done7: int = 0
    done28: int = 0
    pain_after7: float | None = None
    pain_during_max7: int | None = None
    worse7: int = 0
    stops7: int = 0
    adherence7: float | None = None
    adherence28: float | None = None
    flags: list[str] = field(default_factory=list)
    suggestion: str = ""
    need: int = 0

    @property
    def pain_rise(self) -> float | None:
        if self.pain_after7 is None or self.baseline is None:
            return None
        return round(self.pain_after7 - self.baseline, 1)


def _ratio(done: int, expected: float) -> float | None:
    return None if expected <= 0 else min(1.0, done / expected)


def dashboard_rows(
    clinic: Clinic, today: dt.date, now: dt.datetime, protocol: Protocol = DEFAULT_PROTOCOL
) -> list[PatientRow]:
    """Every current patient of the clinic with adherence, pain trend and flags, neediest first."""
    catch_up(clinic.pk)
    current = Patient.objects.filter(clinic=clinic, archived_at=None)
    # A patient has one program, so this join adds no rows and needs no GROUP BY. Red flags
    # come separately: decoding a JSON column for every patient costs more than the query.
    patients = current.values_list(
        "pk",
        "display_name",
        "programs__current__blocks_per_week",
        "baseline_pain",
        "last_activity_at",
    )
    rows = {
        pk: PatientRow(pk, name, blocks or 0, baseline, last, [])
        for pk, name, blocks, baseline, last in patients
    }
    for pk, flags in current.exclude(red_flags=[]).values_list("pk", "red_flags"):
        rows[pk].red_flags = list(flags)
    week = today - dt.timedelta(days=6)
    recent = Q(day__gte=week)
    days = (
        PatientDay.objects.filter(
            clinic=clinic, day__gte=today - dt.timedelta(days=27), day__lte=today
        )
        .values("patient_id")
        .annotate(
            done7=Sum("sessions_done", filter=recent),
            done28=Sum("sessions_done"),
            after_sum7=Sum("pain_after_sum", filter=recent),
            after_n7=Sum("pain_after_n", filter=recent),
            during7=Max("pain_during_max", filter=recent),
            worse7=Sum("worse_after", filter=recent),
            stops7=Sum("stops", filter=recent),
        )
        .order_by()
    )
    for d in days:
        row = rows.get(d["patient_id"])
        if row is None:
            continue
        row.done7, row.done28 = d["done7"] or 0, d["done28"] or 0
        if d["after_n7"]:
            row.pain_after7 = round(d["after_sum7"] / d["after_n7"], 1)
        row.pain_during_max7 = d["during7"]
        row.worse7, row.stops7 = d["worse7"] or 0, d["stops7"] or 0
    for row in rows.values():
        _assess(row, now, protocol)
    return sorted(rows.values(), key=lambda r: (-r.need, r.name.lower(), r.patient_id))


def _assess(row: PatientRow, now: dt.datetime, protocol: Protocol) -> None:
    row.adherence7 = _ratio(row.done7, row.blocks_per_week)
    row.adherence28 = _ratio(row.done28, row.blocks_per_week * 4)
    if row.red_flags:
        row.flags.append("Red-flag answers")
        row.need += 100
    if row.stops7:
        row.flags.append(f"Stopped an exercise {row.stops7}× this week")
        row.need += 40
    rise = row.pain_rise
    if rise is not None and rise >= 2:
        row.flags.append(f"Pain up {rise:g} from baseline")
        row.need += 30
    if row.worse7 >= protocol.worse_after_sessions:
        row.flags.append(f"Worse after {row.worse7} sessions")
        row.need += 30
    idle = (now - row.last_activity).days if row.last_activity else None
    if row.blocks_per_week and (idle is None or idle >= INACTIVE_DAYS):
        row.flags.append("No activity yet" if idle is None else f"No activity for {idle} days")
        row.need += 20
    if row.adherence7 is not None and row.adherence7 < 0.5:
        row.need += 10
    if row.stops7 or row.worse7 >= protocol.worse_after_sessions:
        row.suggestion = "Step down"
    elif (
        row.adherence7 is not None
        and row.adherence7 >= protocol.step_up_adherence
        and (
            row.pain_during_max7 is None or row.pain_during_max7 <= protocol.acceptable_pain_during
        )
        and row.worse7 == 0
    ):
        row.suggestion = "Step up"
        row.need += 5
