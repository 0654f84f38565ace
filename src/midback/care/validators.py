"""Django's side of `midback.plans.cleaning`: the same checks as form validators, so a form shows
the problem next to its field, in the same words the API uses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from midback.plans import cleaning


def _adapt(check: Callable[[str], str]) -> Callable[[Any], None]:
    def validate(value: Any) -> None:
        if not isinstance(value, str):
            return
        try:
            check(value)
        except ValueError as exc:
            raise ValidationError(f"This {exc}.", code="invalid") from None

    return validate


validate_line = _adapt(cleaning.clean_line)
validate_text = _adapt(cleaning.clean_text)
validate_time_zone = _adapt(cleaning.time_zone_name)


class CleanInputForm(forms.BaseForm):
    """Mixin for forms: every text field refuses control characters (line breaks only in
    multi-line fields); put it first among the bases."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(
                field.widget, forms.PasswordInput
            ):
                multiline = isinstance(field.widget, forms.Textarea)
                field.validators.append(validate_text if multiline else validate_line)


def time_zone_choices() -> list[tuple[str, str]]:
    zones = sorted(z for z in cleaning.available_zone_names())
    return [(z, z) for z in zones]
