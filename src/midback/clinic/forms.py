"""Forms of the clinic portal; each error is shown next to its field."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import zoneinfo
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation

from midback.care.actions import VISIT_NOTE_MAX
from midback.care.models import StaffMember, Visit
from midback.care.validators import CleanInputForm
from midback.plans.cleaning import zone_or_utc

TIME_ZONES = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})


def _current_zone_names() -> list[str]:
    """The IANA names in use today (zone1970.tab), without the old aliases ("Asmera", "W-SU")."""
    table = importlib.resources.files("tzdata").joinpath("zoneinfo/zone1970.tab").read_text()
    names = {line.split("\t")[2] for line in table.splitlines() if line and line[0] != "#"}
    return sorted(names & set(TIME_ZONES))


def _grouped(names: list[str]) -> list[tuple[str, Any]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        region, _, place = name.partition("/")
        groups.setdefault(region, []).append((name, place.replace("_", " ")))
    return [("UTC", "UTC"), *groups.items()]


ZONE_CHOICES = _grouped(_current_zone_names())


class TimeZoneField(forms.ChoiceField):
    """Current zone names grouped by region; an older name already stored stays valid."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Time zone")
        super().__init__(choices=ZONE_CHOICES, **kwargs)

    def valid_value(self, value: Any) -> bool:
        return value in TIME_ZONES or value == "UTC"


def keep_zone(field: forms.Field, value: str | None) -> None:
    """Show a stored zone that is no longer listed (an old alias) rather than replace it."""
    listed = {"UTC"} | {name for _, group in ZONE_CHOICES[1:] for name, _ in group}
    if value and value not in listed and isinstance(field, forms.ChoiceField):
        field.choices = [*ZONE_CHOICES, ("Stored", [(value, value)])]


class LoginForm(CleanInputForm, forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        max_length=256, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class TotpForm(CleanInputForm, forms.Form):
    code = forms.RegexField(
        label="Code",
        # Six digits from the app, or a recovery code (12 letters and digits, dashes optional).
        regex=r"^\s*(\d{3}\s?\d{3}|[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4}[-\s]?[A-Za-z0-9]{4})\s*$",
        max_length=20,
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
        error_messages={
            "invalid": "Enter the 6-digit code from your authenticator app, or a recovery code "
            "(like abcd-efgh-jkmn)."
        },
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class PatientForm(CleanInputForm, forms.Form):
    display_name = forms.CharField(label="Name", max_length=120)
    email = forms.EmailField(label="Email (optional)", required=False)
    time_zone = TimeZoneField()

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


class StaffChoiceField(forms.ModelChoiceField):
    """Staff by their display name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class ApiKeyForm(CleanInputForm, forms.Form):
    name = forms.CharField(
        label="What the key is for", max_length=80, help_text="e.g. the practice system's name"
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=[("read", "Read only"), ("read_write", "Read and write (add patients)")],
        initial="read",
    )


class WebhookForm(CleanInputForm, forms.Form):
    url = forms.CharField(
        label="Address (https://)",
        max_length=500,
        help_text="MidBack sends signed events here: stops, red flags, check-ins, missed visits, "
        "program changes.",
    )


class VisitForm(CleanInputForm, forms.Form):
    """The next visit in one step: day and time in the clinic's zone, kind and practitioner."""

    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time"}))
    kind = forms.ChoiceField(label="Kind", choices=Visit.Kind.choices, initial=Visit.Kind.TREATMENT)
    practitioner = StaffChoiceField(
        label="With",
        queryset=StaffMember.objects.none(),
        empty_label="(nobody yet)",
        required=False,
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=VISIT_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, staff: StaffMember, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("practitioner", staff.pk)
        super().__init__(*args, **kwargs)
        self.zone = zone_or_utc(staff.clinic.time_zone)
        field = self.fields["practitioner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = StaffMember.objects.filter(clinic=staff.clinic).order_by("display_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, at = data.get("day"), data.get("time")
        if day is not None and at is not None:
            try:
                data["starts_at"] = clinic_moment(day, at, self.zone)
            except ValueError as exc:
                self.add_error("time", str(exc))
        return data


class VisitStatusForm(CleanInputForm, forms.Form):
    """Mark a visit attended, cancelled or missed (or booked again), with a short note."""

    status = forms.ChoiceField(choices=Visit.Status.choices)
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=VISIT_NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def clinic_moment(day: dt.date, at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """A wall-clock day and time in `zone` as an aware moment; a time the clocks skip is refused
    (an hour that happens twice is taken the first time)."""
    moment = dt.datetime.combine(day, at, tzinfo=zone)
    back = moment.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise ValueError(
            f"{at:%H:%M} does not exist on {day.day} {day:%b %Y} in {zone}: the clocks go "
            "forward then. Choose another time."
        )
    return moment


LOGO_MAX_BYTES = 1024 * 1024
LOGO_SIDE = 800  # plenty for 16 mm of print height at 300 dpi


class ClinicSettingsForm(CleanInputForm, forms.Form):
    """What the clinic prints on handouts besides its name: address, phone and a logo."""

    address = forms.CharField(
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Printed at the top of every handout. Up to 300 characters.",
    )
    phone = forms.RegexField(
        regex=r"^[0-9+()\- .]*$",
        max_length=40,
        required=False,
        error_messages={
            "invalid": "Use digits, spaces and + ( ) - . only (for example +61 3 9123 4567)."
        },
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    logo = forms.FileField(
        required=False,
        label="Logo (PNG or JPEG, up to 1 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    def clean_logo(self) -> tuple[bytes, str] | None:
        """The logo re-encoded from its content (PNG or JPEG only), or None when none was sent."""
        from midback.clinic.exercises import picture_kind, reencode_picture

        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        too_big = "The logo is larger than 1 MB; please make it smaller."
        if upload.size is not None and upload.size > LOGO_MAX_BYTES:
            raise forms.ValidationError(too_big)
        data = upload.read(LOGO_MAX_BYTES + 1)
        if len(data) > LOGO_MAX_BYTES:
            raise forms.ValidationError(too_big)
        kind = picture_kind(data)
        if kind is None or kind[0] not in ("image/png", "image/jpeg"):
            raise forms.ValidationError(
                "That file is not a PNG or JPEG picture (checked by its content)."
            )
        try:
            return reencode_picture(data, side=LOGO_SIDE)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
