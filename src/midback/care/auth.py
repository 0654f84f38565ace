"""The one way the patient API knows who is calling: the device session cookie.

Every `/api/v1/me/` router (the patient app's and the reminders') uses `DeviceCookie`, so an
unsigned-in call gets the same 401 everywhere and a route body always has its patient.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import APIKeyCookie

from midback.care.devices import COOKIE_NAME, get_patient_for_device
from midback.care.models import Patient


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
