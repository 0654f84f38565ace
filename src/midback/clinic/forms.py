"""Forms of the clinic portal; each error is shown next to its field."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation

from midback.clinic.models import StaffMember

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class LoginForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TotpForm(forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PatientForm(forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(label="Email (optional)", required=False)
    time_zone = forms.ChoiceField(label="Time zone", choices=[(z, z) for z in TIME_ZONES])

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the patient's name.")
        return name


class StaffInviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(
        choices=StaffMember.Role.choices, initial=StaffMember.Role.PRACTITIONER
    )


class AcceptStaffInviteForm(forms.Form):
    """Joining a clinic: a name and a password that Django's password validators accept."""

    display_name = forms.CharField(label="Your name", max_length=120)
    password = forms.CharField(
        min_length=10,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters; not a common password, not all numbers.",
    )

    def __init__(self, *args: Any, email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        # The account does not exist yet: check similarity against what it will hold.
        user = get_user_model()(username=self.email, email=self.email)
        password_validation.validate_password(password, user)
        return password
