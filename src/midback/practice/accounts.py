"""An optional email and password, so a patient can sign in on a second device without a link.

The device cookie stays the everyday way in; this only starts a new device session. Patients'
accounts never share a namespace with staff accounts (their usernames are `patient-<id>`), and
sign-in goes through the same throttle as the clinic portal.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.http import HttpRequest

from midback.care.audit import audit
from midback.care.devices import do_start_device_session
from midback.care.login import throttled_login
from midback.care.models import DeviceSession, Patient
from midback.care.validators import CleanInputForm


class AccountForm(CleanInputForm, forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        min_length=10,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters.",
    )

    def __init__(self, *args: object, patient: Patient, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.patient = patient

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip().lower()
        taken = User.objects.filter(email=email, patient__isnull=False).exclude(
            patient=self.patient
        )
        if taken.exists():
            raise forms.ValidationError("This email is already used for another MidBack account.")
        return email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        validate_password(password)
        return password


class SignInForm(CleanInputForm, forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


@transaction.atomic
def do_set_account(request: HttpRequest, patient: Patient, email: str, password: str) -> User:
    """Give the patient (or change) the email and password for signing in on another device."""
    user = patient.user
    if user is None:
        user = User(username=f"patient-{patient.pk}")
    user.email = email
    user.set_password(password)
    user.save()
    if patient.user_id != user.pk:
        patient.user = user
        patient.save(update_fields=["user"])
    audit(request, patient.clinic, "update", patient, "set an email and password for sign-in")
    return user


def do_password_sign_in(
    request: HttpRequest, email: str, password: str
) -> tuple[DeviceSession, str] | str:
    """A new device session for the patient with this email and password, or an error message."""
    key = f"patient:{email.strip().lower()}"

    def patient_user() -> User | None:
        user = (
            User.objects.filter(email=email.strip().lower(), patient__isnull=False, is_active=True)
            .select_related("patient")
            .first()
        )
        if user is None or not user.check_password(password):
            return None
        if user.patient.archived_at is not None:
            return None
        return user

    result = throttled_login(key, patient_user)
    if isinstance(result, str):
        return result
    return do_start_device_session(request, result.patient)
