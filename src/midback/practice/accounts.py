"""An optional email and password, so a patient can sign in on a second device without a link.

The device cookie stays the everyday way in; this only starts a new device session. Patients'
accounts never share a namespace with staff accounts (their usernames are `patient-<id>`), and
sign-in goes through the same throttle as the clinic portal. The forms are here; the actions
that set the account and sign in with it are `care.patient_actions.do_set_account` and
`do_password_sign_in`.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password

from midback.care.models import Patient
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
