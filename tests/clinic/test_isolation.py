"""No URL and no API route reads or writes another clinic's data.

The routes come from the URL configuration itself, so a new route is covered the day it is
added: each is called as Harbour Street's owner and as Harbour Street's patient, with every id in
the path pointing at Northside's objects, by GET, POST, PUT, PATCH and DELETE. Nothing of
Northside's may appear in any answer, and every Northside row must be unchanged afterwards.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from django.apps import apps
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from midback.care.actions import do_add_visit
from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.care.integrations import do_create_api_key
from midback.care.models import CheckIn, ClinicApiKey, Visit, WebhookEndpoint
from midback.content.models import Exercise, ExerciseVersion
from tests.clinic.conftest import Side

# Both kinds of route parameter: path("<int:patient_id>/") and re_path("(?P<object_id>.+)/").
PARAM = re.compile(r"\(\?P<(?P<rname>\w+)>[^)]*\)|<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
SKIPPED_PREFIXES = ("admin/",)  # Django admin: clinic staff are never is_staff (tested below)


def routes() -> list[str]:
    """Every route in the URL configuration, as its pattern text."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, text)
            elif isinstance(entry, URLPattern):
                found.append(text)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def fill(route: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group("rname") or match.group("name")
        if name not in values:
            raise AssertionError(
                f"route {route!r} has a parameter {name!r} this test does not know: "
                "add it to VALUES in tests/clinic/test_isolation.py"
            )
        return values[name]

    path = PARAM.sub(value, route)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def own_exercise(side: Side) -> Exercise:
    """A custom exercise of the side's clinic (a copy of a library one, for the test)."""
    library = Exercise.objects.select_related("current").get(slug="wall-angel")
    assert library.current is not None
    exercise = Exercise.objects.create(slug=f"c{side.clinic.pk}-wall", clinic=side.clinic)
    exercise.current = ExerciseVersion.objects.create(
        exercise=exercise,
        clinic=side.clinic,
        number=1,
        content={**library.current.content, "slug": exercise.slug},
        content_hash="x",
        image=b"\x89PNG",
        image_type="image/png",
    )
    exercise.save()
    return exercise


def values_for(target: Side) -> dict[str, str]:
    """Path parameters, each pointing at the other clinic's object where it names one."""
    today = timezone.localdate()
    exercise = Exercise.objects.filter(clinic=target.clinic).first() or own_exercise(target)
    key = ClinicApiKey.objects.filter(clinic=target.clinic).first()
    if key is None:
        key, _ = do_create_api_key(None, target.staff, "their system", "read_write")
    endpoint = WebhookEndpoint.objects.filter(clinic=target.clinic).first()
    if endpoint is None:
        endpoint = WebhookEndpoint.objects.create(
            clinic=target.clinic, url="https://example.com/hook", secret="whsec_x"
        )
    visit = Visit.objects.filter(patient=target.patient).first() or do_add_visit(
        None,
        target.patient,
        starts_at=timezone.now() + dt.timedelta(days=2),
        kind="review",
        note=f"Secret note for {target.patient.display_name}",
    )
    return {
        "visit_id": str(visit.pk),
        "key_id": str(key.pk),
        "endpoint_id": str(endpoint.pk),
        "program_id": str(target.version.program_id),
        "exercise_id": str(exercise.pk),
        # Django admin (the clinic-scoped site): another clinic's patient through every path.
        "object_id": str(target.patient.pk),
        "app_label": "care",
        "url": f"care/patient/{target.patient.pk}/change/",
        "content_type_id": "1",
        "patient_id": str(target.patient.pk),
        "staff_id": str(target.staff.pk),
        "number": str(target.version.number),
        "version": str(target.version.number),
        "template_id": "1",
        "slug": exercise.slug,
        "code": "x" * 43,
        "token": "y" * 43,
        "uidb64": "MQ",
        "invite_id": "1",
        "day": today.isoformat(),
        "date": today.isoformat(),
        "hhmm": "0930",
        "time": "0930",
        "block": f"{today.isoformat()}-0930",
        "block_id": f"{today:%Y%m%d}0930",
        "session_id": str(target.version.pk),
        "path": "x",
        "step": "work",
    }


def snapshot(side: Side) -> dict[str, Any]:
    """Every row that carries the clinic's key, in every model that has one."""
    state: dict[str, Any] = {}
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "clinic" in names:
            rows = model._default_manager.filter(clinic=side.clinic).order_by("pk").values()
            state[model._meta.label] = json.dumps(list(rows), default=str, sort_keys=True)
    # Visits carry the clinic through their patient.
    visits = Visit.objects.filter(patient__clinic=side.clinic).order_by("pk").values()
    state["care.Visit"] = json.dumps(list(visits), default=str, sort_keys=True)
    state["clinic"] = str(list(type(side.clinic).objects.filter(pk=side.clinic.pk).values()))
    # Visits carry their clinic through the patient.
    visits = Visit.objects.filter(patient__clinic=side.clinic).order_by("pk").values()
    state["visits"] = json.dumps(list(visits), default=str, sort_keys=True)
    return state


def secrets_of(side: Side) -> list[str]:
    return [
        side.patient.display_name,
        side.patient.email,
        side.clinic.name,
        side.staff.display_name,
        f"Secret note for {side.patient.display_name}",
    ]


def patient_client(side: Side) -> Client:
    request = RequestFactory().get("/", HTTP_USER_AGENT="isolation test")
    _, token = do_start_device_session(request, side.patient)
    client = Client()
    client.cookies[COOKIE_NAME] = token
    return client


def api_key_client(side: Side) -> Client:
    """The side's read-write clinic API key, sent on every request."""
    _, key = do_create_api_key(None, side.staff, "isolation test", "read_write")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_the_route_list_is_generated_and_covers_the_portal_and_api() -> None:
    found = routes()
    assert "clinic/patients/<int:patient_id>/" in found
    assert any(route.startswith("api/") and "exercises" in route for route in found)
    assert "api/v1/clinic/patients/<patient_id>" in found


def test_no_route_reads_or_writes_another_clinics_data(harbour: Side, northside: Side) -> None:
    values = values_for(northside)
    before = snapshot(northside)
    forbidden = secrets_of(northside)
    callers = {
        "staff": harbour.client,
        "patient": patient_client(harbour),
        "api key": api_key_client(harbour),
    }
    checked = 0
    for route in routes():
        if route.startswith(SKIPPED_PREFIXES):
            continue
        path = fill(route, values)
        for who, client in callers.items():
            for method in ("get", "post", "put", "patch", "delete"):
                if method == "get":
                    response = client.get(path)
                else:
                    response = getattr(client, method)(
                        path, data="{}", content_type="application/json"
                    )
                body = b"" if response.streaming else response.content
                text = body.decode("utf-8", "replace")
                for secret in forbidden:
                    assert secret not in text, f"{who} {method.upper()} {path} showed {secret!r}"
                checked += 1
    assert checked > 100
    assert snapshot(northside) == before, "a request changed another clinic's data"


def test_own_patient_routes_answer_so_the_check_above_has_teeth(harbour: Side) -> None:
    values = values_for(harbour)
    for route in routes():
        if "<int:patient_id>" not in route or route.startswith(SKIPPED_PREFIXES):
            continue
        path = fill(route, values)
        response = harbour.client.get(path)
        assert response.status_code in (200, 302, 405), f"GET {path} gave {response.status_code}"


OWN_WRITES = {
    "api/v1/clinic/patients/<patient_id>/visits": (
        "post",
        {"starts_at": "2026-12-08T10:30:00+11:00", "kind": "review"},
    ),
    "api/v1/clinic/visits/<visit_id>": ("patch", {"note": "Moved to the morning"}),
}


def test_own_clinic_api_routes_answer_the_key_so_the_check_above_has_teeth(
    harbour: Side,
) -> None:
    values = values_for(harbour)
    client = api_key_client(harbour)
    CheckIn.objects.create(
        clinic=harbour.clinic, patient=harbour.patient, day=timezone.localdate(), pain_now=3
    )
    clinic_routes = [r for r in routes() if r.startswith("api/v1/clinic/")]
    assert len(clinic_routes) >= 8
    for route in clinic_routes:
        path = fill(route, values)
        response = client.get(path)
        if response.status_code == 405:  # a write-only route: its own write answers
            method, data = OWN_WRITES[route]
            response = getattr(client, method)(path, data, content_type="application/json")
        assert response.status_code in (200, 201), f"{path} gave {response.status_code}"
        assert (
            harbour.patient.display_name in response.content.decode()
            or json.loads(response.content).get("items")
            or json.loads(response.content).get("patient_id") == harbour.patient.pk
        ), path


def test_clinic_staff_cannot_use_django_admin(harbour: Side) -> None:
    response = harbour.client.get("/admin/care/patient/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
