"""The one assessment, seen from both clinic screens: whatever the logs, the dashboard (from the
daily rollups) and the patient page (from the logs) agree, and a suggestion applies once."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midback.care.assessing import assessment_for, dashboard_rows
from midback.care.models import ExerciseLog, Patient, PatientDay, ProgramVersion, SessionLog
from midback.care.programs import current_library
from midback.care.rollup import refresh_patient_day
from tests.clinic.conftest import Side

pain = st.none() | st.integers(0, 10)
session = st.fixed_dictionaries(
    {
        "days_ago": st.integers(0, 20),  # the program started 14 days ago: some come before
        "completed": st.booleans(),
        "before": pain,
        "after": pain,
        "stopped": st.booleans(),
        "exercises": st.lists(
            st.tuples(
                st.sampled_from(["cat-camel", "wall-angel", "not-in-the-program"]),
                pain,
                st.sampled_from(["", "sharp_pain", "pain_above_5", "numbness", "dizzy", "other"])
                | st.none(),
            ),
            max_size=3,
        ),
    }
)


def store(side: Side, sessions: list[dict]) -> None:
    patient = side.patient
    SessionLog.objects.filter(patient=patient).delete()
    PatientDay.objects.filter(patient=patient).delete()
    today = timezone.localdate(timezone=ZoneInfo(patient.time_zone))
    days = set()
    for s in sessions:
        day = today - dt.timedelta(days=s["days_ago"])
        log = SessionLog.objects.create(
            clinic=side.clinic,
            patient=patient,
            program_version=side.version,
            block_day=day,
            started_at=timezone.now() - dt.timedelta(days=s["days_ago"], minutes=5),
            pain_before=s["before"],
            pain_after=s["after"],
            completed=s["completed"],
            stopped=s["stopped"],
        )
        for exercise, during, reason in s["exercises"]:
            ExerciseLog.objects.create(
                clinic=side.clinic,
                session=log,
                exercise=exercise,
                pain_during=during,
                stopped=reason is not None,
                stop_reason=reason or "",
            )
        days.add(day)
    for day in days:
        refresh_patient_day(side.clinic.pk, patient.pk, day)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sessions=st.lists(session, max_size=12))
def test_whatever_the_logs_the_dashboard_and_the_patient_page_agree(
    harbour: Side, sessions: list[dict]
) -> None:
    store(harbour, sessions)
    now = timezone.now()
    library = current_library(harbour.clinic)
    row = next(
        r
        for r in dashboard_rows(harbour.clinic, now, library)
        if r.patient_id == harbour.patient.pk
    )
    page = assessment_for(Patient.objects.get(pk=harbour.patient.pk), now, library)
    assert row.assessment == page
    assert page is not None
    # Adherence is never counted over days before the program started.
    assert all(c.scheduled == 0 and c.done == 0 for c in page.daily if c.day < page.started)
    assert page.done28 == sum(
        1 for s in sessions if s["completed"] and s["days_ago"] <= (page.today - page.started).days
    )


def stop_today(side: Side) -> None:
    store(
        side,
        [
            {
                "days_ago": 0,
                "completed": False,
                "before": 3,
                "after": 5,
                "stopped": True,
                "exercises": [("wall-angel", 6, "sharp_pain")],
            }
        ],
    )


def test_both_screens_suggest_a_step_down_and_it_applies_once(harbour: Side) -> None:
    stop_today(harbour)
    dashboard = harbour.client.get("/clinic/?show=adjust").content.decode()
    assert harbour.patient.display_name in dashboard and "Step down" in dashboard
    assert "Stopped an exercise 1× this week" in dashboard
    url = f"/clinic/patients/{harbour.patient.pk}/"
    page = harbour.client.get(url).content.decode()
    assert "Suggested: step the dose down" in page
    assert "Stopped an exercise 1× this week" in page
    assert "Pain during exercise was 6/10" in page

    response = harbour.client.post(f"{url}adjust/", {"version": 1}, follow=True)
    assert "Suggestion applied as version 2." in response.content.decode()
    assert ProgramVersion.objects.filter(program__patient=harbour.patient).count() == 2
    page = harbour.client.get(url).content.decode()
    assert "Suggested: step the dose" not in page
    assert (
        harbour.patient.display_name
        not in harbour.client.get("/clinic/?show=adjust").content.decode()
    )

    again = harbour.client.post(f"{url}adjust/", {"version": 2}, follow=True).content.decode()
    assert "There is no suggested change to apply now." in again
    assert ProgramVersion.objects.filter(program__patient=harbour.patient).count() == 2


def test_a_patient_added_today_has_no_missed_days_on_either_screen(harbour: Side) -> None:
    from midback.care.actions import do_create_patient, do_save_program

    new = do_create_patient(None, harbour.clinic, "Nell New", "Australia/Melbourne")
    do_save_program(None, new, harbour.version.plan, reason="First", intake=harbour.version.intake)
    now = timezone.now()
    assessment = assessment_for(new, now, current_library(harbour.clinic))
    assert assessment is not None
    # Blocks before the program was made were never asked for; later ones are not yet due.
    assert assessment.due28 == 0 and assessment.adherence28 is None
    assert not assessment.flags
    dashboard = harbour.client.get("/clinic/").content.decode()
    row = dashboard[dashboard.index("Nell New") :].split("</tr>")[0]
    assert "0%" not in row and "No activity" not in row
