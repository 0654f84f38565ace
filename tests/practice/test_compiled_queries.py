"""Compiled querysets (care/compiled.py) give exactly what the same queryset gives through the
ORM, on whichever database the suite runs on, and refuse what they cannot do faithfully."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import DatabaseError, connection
from django.db.models import Count, Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext

from midback.care.compiled import Compiled
from midback.care.devices import digest
from midback.care.models import CheckIn, DeviceSession, Patient, SessionLog

from ..conftest import Clock
from .conftest import give_program, sign_in

pytestmark = pytest.mark.django_db

DEVICES: Compiled[DeviceSession] = Compiled(
    lambda token_hash: DeviceSession.objects.select_related("patient", "patient__clinic").filter(
        token_hash=token_hash, revoked_at=None, patient__archived_at=None
    ),
    token_hash=str,
)


def checkins_since(patient_id: int, since: date, now: datetime):  # type: ignore[no-untyped-def]
    return (
        Patient.objects.filter(pk=patient_id)
        .annotate(
            recent=Exists(CheckIn.objects.filter(patient=OuterRef("pk"), day__gt=since)),
            logs=Count("session_logs", filter=Q(session_logs__received_at__lte=now)),
        )
        .values_list("pk", "time_zone", "recent", "logs", "created_at")
    )


CHECKINS = Compiled(checkins_since, patient_id=int, since=date, now=datetime)


def test_it_finds_the_same_device_patient_and_clinic_as_the_orm(priya: Patient) -> None:
    client = sign_in(priya)
    token = client.cookies["midback_device"].value
    [compiled] = list(DEVICES.objects(token_hash=digest(token)))
    [orm] = list(DEVICES.build(digest(token)))
    assert compiled == orm
    for field in DeviceSession._meta.concrete_fields:
        assert getattr(compiled, field.attname) == getattr(orm, field.attname), field.name
    for field in Patient._meta.concrete_fields:
        assert getattr(compiled.patient, field.attname) == getattr(orm.patient, field.attname)
    assert compiled.patient.clinic.time_zone == orm.patient.clinic.time_zone
    assert isinstance(compiled.last_seen_at, datetime)
    assert compiled.last_seen_at.tzinfo is not None


def test_a_second_run_uses_the_new_value_not_the_first(priya: Patient, omar: Patient) -> None:
    priya_token = sign_in(priya).cookies["midback_device"].value
    omar_token = sign_in(omar).cookies["midback_device"].value
    assert next(DEVICES.objects(token_hash=digest(priya_token))).patient == priya
    assert next(DEVICES.objects(token_hash=digest(omar_token))).patient == omar
    assert list(DEVICES.objects(token_hash=digest("not a token"))) == []


def test_values_rows_are_converted_like_the_orm_converts_them(priya: Patient, clock: Clock) -> None:
    give_program(priya)
    today = clock.today(priya.time_zone)
    CheckIn.objects.create(
        id="6f1c2a3e-0000-4000-8000-000000000001",
        clinic=priya.clinic,
        patient=priya,
        day=today,
        pain_now=3,
    )
    for since in (today - timedelta(days=7), today, today + timedelta(days=1)):
        for now in (clock.now, datetime(2000, 1, 1, tzinfo=UTC)):
            compiled = CHECKINS.rows(patient_id=priya.pk, since=since, now=now)
            assert compiled == list(checkins_since(priya.pk, since, now))
            assert isinstance(compiled[0][2], bool)


def test_it_refuses_a_value_the_queryset_transforms() -> None:
    shifted = Compiled(
        lambda day: SessionLog.objects.filter(block_day=day - timedelta(days=1)).values_list("id"),
        day=date,
    )
    with pytest.raises(ValueError, match="transformed inside the queryset"):
        shifted.rows(day=date(2026, 1, 2))


def test_it_refuses_the_wrong_names() -> None:
    with pytest.raises(TypeError, match="expected the values"):
        CHECKINS.rows(patient_id=1, since=date(2026, 1, 1))


def test_counted_and_wrapped_runs_use_djangos_cursor_and_agree(priya: Patient) -> None:
    token = sign_in(priya).cookies["midback_device"].value
    fast = list(DEVICES.objects(token_hash=digest(token)))
    with CaptureQueriesContext(connection) as counted:
        logged = list(DEVICES.objects(token_hash=digest(token)))
    assert len(counted.captured_queries) == 1
    assert digest(token) in counted.captured_queries[0]["sql"]
    seen: list[str] = []

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        wrapped = list(DEVICES.objects(token_hash=digest(token)))
    assert len(seen) == 1
    assert fast == logged == wrapped == [priya.devices.get()]


def test_a_database_error_is_djangos_error() -> None:
    broken = Compiled(
        lambda token_hash: DeviceSession.objects.filter(token_hash=token_hash).extra(
            where=["no_such_column = 1"]
        ),
        token_hash=str,
    )
    with pytest.raises(DatabaseError):
        list(broken.objects(token_hash="x"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_on_postgresql_a_compiled_query_is_prepared_once_per_connection(priya: Patient) -> None:
    token = digest(sign_in(priya).cookies["midback_device"].value)
    # Its own query, so no other test can have prepared it on this connection already.
    own = Compiled(
        lambda token_hash: DeviceSession.objects.filter(token_hash=token_hash, pk__gte=1),
        token_hash=str,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        before = cursor.fetchone()[0]
        for _ in range(3):
            assert next(own.objects(token_hash=token)).patient_id == priya.pk
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == before + 1
        # Django's own queries are not prepared.
        list(DeviceSession.objects.filter(token_hash=token))
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == before + 1


def test_a_patient_request_does_not_carry_the_clinics_logo(priya: Patient) -> None:
    clinic = priya.clinic
    clinic.logo = b"\x89PNG" + b"\x00" * 200_000  # up to 1 MB is allowed
    clinic.save(update_fields=["logo"])
    client = sign_in(priya)
    with CaptureQueriesContext(connection) as counted:
        assert client.get("/app/").status_code == 200
    assert counted.captured_queries
    assert not [q["sql"] for q in counted.captured_queries if '."logo"' in q["sql"]]
    # Still there for whoever asks for it (the handout).
    token = client.cookies["midback_device"].value
    device = next(DEVICES.objects(token_hash=digest(token)))
    assert bytes(device.patient.clinic.logo).startswith(b"\x89PNG")
