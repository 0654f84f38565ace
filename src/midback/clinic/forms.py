"""Forms of the clinic portal; each error is shown next to its field."""

from __future__ import annotations

import zoneinfo

from django import forms

from midback.clinic.models import StaffMember
from midback.clinic.validators import CleanInputForm

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


class LoginForm(CleanInputForm, forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TotpForm(CleanInputForm, forms.Form):
    code = forms.RegexField(
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        error_messages={"invalid": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PatientForm(CleanInputForm, forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(label="Email (optional)", required=False)
    time_zone = forms.ChoiceField(label="Time zone", choices=[(z, z) for z in TIME_ZONES])

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Enter the patient's name.")
        return name


class StaffInviteForm(CleanInputForm, forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(
        choices=StaffMember.Role.choices, initial=StaffMember.Role.PRACTITIONER
    )


class AcceptStaffInviteForm(CleanInputForm, forms.Form):
    display_name = forms.CharField(label="Your name", max_length=120)
    password = forms.CharField(
        min_length=10,
        max_length=256,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters.",
    )
