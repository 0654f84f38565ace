"""Fuzz the JSON API from its OpenAPI schema (schemathesis): no server errors, and every 4xx
answers in the one error shape {"error", "field", "code"}.

Requests go to Django's WSGI application in this process, signed in as a patient with a program
(the device cookie sent as a header), so the /me/ routes are exercised beyond their 401; the
clinic API's routes carry a read-write key of that patient's clinic. The
number of examples is bounded so the file stays within the suite's time. The check
`positive_data_acceptance` is left out: rules that need the database or the clock (your own
program version, a block that is scheduled, an https push endpoint) cannot be in the schema, so
schema-valid requests are rightly refused with 422. for a deeper run use
the CLI: `schemathesis run http://127.0.0.1:PORT/api/openapi.json --max-examples 500`.
"""

from __future__ import annotations

import json
import secrets
import uuid
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from midback.care.devices import COOKIE_NAME, digest
from midback.care.integrations import key_digest
from midback.care.models import ClinicApiKey, DeviceSession, Patient
from tests.practice.conftest import give_program

EXAMPLES_PER_OPERATION = 40
ERROR_KEYS = {"error", "field", "code"}


APP = get_wsgi_application()
schema = schemathesis.openapi.from_dict(json.loads(Client().get("/api/openapi.json").content))
schema.app = APP
schema.location = "/api/openapi.json"
# Schemathesis sets auth on cases as it collects them, so the token is chosen before any
# database exists; the `signed_in_patient` fixture stores its hash for each test.
DEVICE_TOKEN = secrets.token_urlsafe(32)
# The clinic API's routes are called with a read-write key of the patient's clinic.
CLINIC_KEY = "mbk_" + secrets.token_urlsafe(32)


@schema.auth()
class DeviceCookieAuth:
    """Every case carries the patient's device cookie (schemathesis still tries without it)."""

    def get(self, case: Any, ctx: Any) -> str:
        return DEVICE_TOKEN

    def set(self, case: Any, data: str, ctx: Any) -> None:
        case.cookies = {**(case.cookies or {}), COOKIE_NAME: data}
        if case.path.startswith("/api/v1/clinic/"):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {CLINIC_KEY}"}


@pytest.fixture
def signed_in_patient(live_library: None) -> Patient:
    """A patient with a program, signed in on a device with DEVICE_TOKEN."""
    from midback.core.demo import do_create_demo_clinic

    patient = Patient.objects.create(
        clinic=do_create_demo_clinic().clinic, display_name="Fuzz", time_zone="Australia/Melbourne"
    )
    give_program(patient)
    DeviceSession.objects.create(
        clinic=patient.clinic, patient=patient, token_hash=digest(DEVICE_TOKEN), label="fuzz"
    )
    ClinicApiKey.objects.create(
        clinic=patient.clinic,
        name="fuzz",
        prefix=CLINIC_KEY[:10],
        key_hash=key_digest(CLINIC_KEY),
        scope=ClinicApiKey.Scope.READ_WRITE,
    )
    return patient


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx body is a JSON object with exactly the keys error, field and code."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"{response.status_code} is not JSON: {response.content[:200]!r}"
        ) from None
    assert isinstance(body, dict), f"{response.status_code} body is not an object: {body!r}"
    assert set(body) == ERROR_KEYS, f"{response.status_code} body keys {sorted(body)}: {body!r}"
    assert isinstance(body["error"], str) and body["error"], body
    assert isinstance(body["code"], str) and body["code"], body
    assert body["field"] is None or isinstance(body["field"], str), body
    return True


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_without_server_errors_and_in_the_error_shape(
    case: Any, signed_in_patient: Patient
) -> None:
    # GZipMiddleware would compress, and the WSGI transport does not decompress.
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        additional_checks=[error_shape],
        excluded_checks=[positive_data_acceptance],
    )


# Gaps the fuzzing found once, kept as plain tests so they stay closed.


def test_it_answers_an_unsupported_method_in_the_error_shape(library: None) -> None:
    response = Client().generic("TRACE", "/api/v1/exercises")
    assert response.status_code == 405
    assert set(json.loads(response.content)) == ERROR_KEYS


def test_it_documents_400_and_401_wherever_they_can_happen() -> None:
    raw = json.loads(Client().get("/api/openapi.json").content)
    missing = [
        f"{status} on {method.upper()} {path}"
        for path, operations in raw["paths"].items()
        for method, operation in operations.items()
        for status, applies in (
            ("401", "security" in operation),
            ("400", "requestBody" in operation),
        )
        if applies and status not in operation["responses"]
    ]
    assert missing == []


def test_it_rejects_a_number_as_a_day(signed_in_patient: Patient) -> None:
    client = Client()
    client.cookies[COOKIE_NAME] = DEVICE_TOKEN
    script = client.get("/api/v1/me/script", {"day": "0"})
    checkin = client.post(
        "/api/v1/me/checkins",
        {"id": str(uuid.uuid4()), "day": 0, "pain_now": 3},
        content_type="application/json",
    )
    assert (script.status_code, checkin.status_code) == (422, 422)


def test_its_schema_refs_all_resolve() -> None:
    text = Client().get("/api/openapi.json").content.decode()
    assert '"#/$defs/' not in text


def test_no_two_api_schemas_share_a_name() -> None:
    # The OpenAPI components are keyed by class name: a second ProgramOut silently replaced the
    # patient app's, and /me/program was then checked against the clinic API's schema.
    from ninja import Schema

    found: dict[str, str] = {}
    clashes = []
    todo = list(Schema.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if not cls.__module__.startswith("midback.") or cls.__name__.startswith("_"):
            continue  # private bases never appear in the schema on their own
        where = f"{cls.__module__}.{cls.__qualname__}"
        if cls.__name__ in found and found[cls.__name__] != where:
            clashes.append(f"{found[cls.__name__]} and {where}")
        found.setdefault(cls.__name__, where)
    assert clashes == []
