"""How the API knows who is calling: one class per audience.

Every `/api/v1/me/` router (the patient app's and the reminders') uses `DeviceCookie`, so an
unsigned-in call gets the same 401 everywhere and a route body always has its patient. The clinic
API (`/api/v1/clinic/`) uses `ClinicKey`: a clinic API key as a bearer token.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer

from midback.care.devices import COOKIE_NAME, get_patient_for_device
from midback.care.integrations import api_key_for, do_note_api_key_use
from midback.care.models import ClinicApiKey, Patient


class DeviceCookie(APIKeyCookie):
    """The device session cookie as the API's authentication."""

    param_name = COOKIE_NAME

    def __init__(self) -> None:
        # Changes need a JSON body, which a cross-site form cannot send without a CORS
        # preflight this site never grants: with the SameSite=Lax cookie, that stops CSRF.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Patient | None:
        return get_patient_for_device(request)


def patient_of(request: HttpRequest) -> Patient:
    """The patient `DeviceCookie` found for this request."""
    patient = request.auth  # type: ignore[attr-defined]
    assert isinstance(patient, Patient)
    return patient


class ClinicKey(HttpBearer):
    """A clinic API key, `Authorization: Bearer mbk_...`. Its use is recorded (last-used time and
    an audit row) at most once a minute per key."""

    def authenticate(self, request: HttpRequest, token: str) -> ClinicApiKey | None:
        key = api_key_for(token)
        if key is None:
            return None
        request.clinic_api_key = key  # type: ignore[attr-defined]
        do_note_api_key_use(request, key)
        return key


def api_key_of(request: HttpRequest) -> ClinicApiKey:
    """The key `ClinicKey` found for this request."""
    key = request.auth  # type: ignore[attr-defined]
    assert isinstance(key, ClinicApiKey)
    return key
