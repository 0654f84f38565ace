"""Site-wide guards (core/middleware.py): JSON-only, same-origin API writes; 413 in the API's shape;
no caching of health data; no server version in the headers."""

from __future__ import annotations

import json
import urllib.request
import uuid
from typing import Any

import pytest
from django.test import Client

from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.care.models import CheckIn, DeviceSession
from tests.clinic.conftest import Side

CHECKIN = "/api/v1/me/checkins"


def patient_client(side: Side, **headers: Any) -> Client:
    from django.test import RequestFactory

    client = Client(**headers)
    _, token = do_start_device_session(RequestFactory().get("/"), side.patient)
    client.cookies[COOKIE_NAME] = token
    return client


def checkin() -> str:
    return json.dumps({"id": str(uuid.uuid4()), "pain_now": 3})


@pytest.mark.parametrize(
    ("path", "data"),
    [
        (CHECKIN, None),
        ("/api/v1/me/sessions", "{}"),
        ("/api/v1/me/devices/sign-out-others", ""),
        ("/api/v1/me/push/subscriptions", "{}"),
    ],
)
@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_writes_that_are_not_json_are_refused(
    harbour: Side, path: str, data: str | None, content_type: str
) -> None:
    client = patient_client(harbour)
    response = client.post(path, data if data is not None else checkin(), content_type=content_type)
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "http://blog.testserver"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_writes_from_another_site_are_refused(harbour: Side, headers: dict[str, str]) -> None:
    client = patient_client(harbour, **headers)
    response = client.post(CHECKIN, checkin(), content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "cross_site"
    assert not CheckIn.objects.exists()
    signed_in = DeviceSession.objects.filter(patient=harbour.patient).count()
    response = client.post(
        "/api/v1/me/devices/sign-out-others", "", content_type="application/json"
    )
    assert response.status_code == 403
    assert DeviceSession.objects.filter(patient=harbour.patient).count() == signed_in


def test_writes_from_this_site_are_accepted(harbour: Side) -> None:
    client = patient_client(
        harbour, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin"
    )
    response = client.post(CHECKIN, checkin(), content_type="application/json")
    assert response.status_code == 201


def test_a_body_over_the_limit_gets_a_json_413(harbour: Side, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    client = patient_client(harbour)
    big = json.dumps({"id": str(uuid.uuid4()), "pain_now": 3, "pad": "x" * (1024 * 1024)})
    response = client.post(CHECKIN, big, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {
        "error": "The request is larger than the limit of 1 MB.",
        "field": None,
        "code": "too_large",
    }


def test_health_data_is_never_cached(harbour: Side) -> None:
    patient = patient_client(harbour)
    pk = harbour.patient.pk
    for client, path in [
        (harbour.client, "/clinic/"),
        (harbour.client, f"/clinic/patients/{pk}/"),
        (harbour.client, f"/clinic/patients/{pk}/export/?format=json"),
        (harbour.client, f"/clinic/patients/{pk}/handout.pdf"),
        (harbour.client, "/clinic/export/"),
        (patient, "/app/"),
        (patient, "/app/progress/"),
        (patient, "/api/v1/me/today"),
        (patient, "/api/v1/me/checkins"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path


def test_the_server_header_names_no_version(live_server: Any) -> None:
    with urllib.request.urlopen(f"{live_server.url}/exercises/") as response:
        server = response.headers.get("Server", "")
    assert "WSGIServer" not in server and "Python" not in server
    assert not any(ch.isdigit() for ch in server)
