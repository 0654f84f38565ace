"""The reminder settings form."""

from __future__ import annotations

from typing import Any

from django import forms

from midback.care.validators import CleanInputForm
from midback.plans.cleaning import CLOCK_FIELD_ATTRS
from midback.plans.vocabulary import WEEKDAYS
from midback.reminders.models import ReminderSettings

DAY_NAMES = {t.code: t.clause for t in WEEKDAYS}  # the whole name: "Monday"


class ReminderSettingsForm(CleanInputForm, forms.Form):
    push_enabled = forms.BooleanField(
        required=False, label="Remind me on each device where notifications are turned on"
    )
    email = forms.ChoiceField(
        choices=ReminderSettings.Email.choices, widget=forms.RadioSelect, label="Email"
    )
    email_address = forms.EmailField(required=False, label="Email address")
    digest_time = forms.TimeField(
        label="Send the summary at", widget=forms.TimeInput(attrs=CLOCK_FIELD_ATTRS, format="%H:%M")
    )
    quiet_start = forms.TimeField(
        required=False,
        label="Quiet from",
        widget=forms.TimeInput(attrs=CLOCK_FIELD_ATTRS, format="%H:%M"),
    )
    quiet_end = forms.TimeField(
        required=False,
        label="until",
        widget=forms.TimeInput(attrs=CLOCK_FIELD_ATTRS, format="%H:%M"),
    )
    nudge = forms.BooleanField(
        required=False,
        label="If a break passes with nothing done, remind me once more 20 minutes later "
        "(never in quiet hours, in meetings or after work)",
    )
    days_off = forms.MultipleChoiceField(
        required=False,
        choices=list(DAY_NAMES.items()),
        widget=forms.CheckboxSelectMultiple,
        label="No reminders on",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("quiet_start")) != bool(data.get("quiet_end")):
            self.add_error("quiet_end", "Give both times for quiet hours, or neither.")
        if data.get("email", "off") != "off" and not data.get("email_address"):
            self.add_error("email_address", "Give an email address to get reminders by email.")
        return data


class CalendarLinkForm(CleanInputForm, forms.Form):
    """The secret address of the person's work calendar (read every 15 minutes)."""

    url = forms.CharField(
        max_length=2000,
        label="Your work calendar's secret address (iCal / .ics)",
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    own_email = forms.EmailField(
        required=False,
        label="The email address your meeting invitations go to (so meetings you declined "
        "do not count)",
    )


class CalendarUploadForm(CleanInputForm, forms.Form):
    """An .ics file read once (it does not update: link the address for that)."""

    file = forms.FileField(
        label="Or upload an .ics file once",
        error_messages={
            "empty": "The calendar file is empty.",
            "required": "Choose an .ics file to upload.",
        },
    )
    own_email = forms.EmailField(
        required=False, label="The email address your meeting invitations go to"
    )
