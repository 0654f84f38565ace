"""The one place that limits and cleans what people send: control characters, lengths, time zone
names, and the nesting and size of JSON. Plain Python (no Django): each check returns the cleaned
value or raises ValueError with the problem in a person's words. API schemas use the
checks through pydantic's AfterValidator; Django forms use the same checks through a small validators adapter.
"""

from __future__ import annotations

import json
import unicodedata
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

MAX_TIME_ZONE_LENGTH = 64
MAX_JSON_DEPTH = 20
MAX_JSON_ITEMS = 5000
MAX_JSON_STRING = 10_000

_ALLOWED_IN_TEXT = {"\t", "\n", "\r"}


def _bad_character(value: str, *, multiline: bool) -> str | None:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":  # a lone surrogate: not text, and no database stores it
            return char
        if category == "Cc" and not (multiline and char in _ALLOWED_IN_TEXT):
            return char
    return None


def no_control_characters(value: str, *, multiline: bool = False) -> str:
    """`value` unchanged, or ValueError if it holds NUL or another control character (tabs and
    line breaks are fine in multi-line text)."""
    bad = _bad_character(value, multiline=multiline)
    if bad is None:
        return value
    if bad == "\x00":
        raise ValueError("must not contain a null character (\\x00)")
    if bad in "\n\r":
        raise ValueError("must be on one line")
    raise ValueError(f"must not contain control characters (U+{ord(bad):04X})")


def clean_line(value: str) -> str:
    """A one-line text: no control characters at all."""
    return no_control_characters(value, multiline=False)


def clean_text(value: str) -> str:
    """A multi-line text (notes): line breaks and tabs allowed, other control characters not."""
    return no_control_characters(value, multiline=True)


@cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones() - {"localtime", "Factory"})


def available_zone_names() -> frozenset[str]:
    """Every IANA time zone name accepted by `time_zone_name`."""
    return _zones()


def time_zone_name(value: str) -> str:
    """An IANA time zone name this server knows (e.g. Australia/Melbourne), or ValueError."""
    if len(value) > MAX_TIME_ZONE_LENGTH or value not in _zones():
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValueError(f"must be a time zone name such as Australia/Melbourne, not '{shown}'")
    return value


def zone_or_utc(name: str) -> ZoneInfo:
    """The zone a stored name names, or UTC for a name no one knows (rows from before zones were
    checked must not break a page)."""
    try:
        return ZoneInfo(time_zone_name(name))
    except ValueError:
        return ZoneInfo("UTC")


def json_shape(data: Any) -> Any:
    """`data` (parsed JSON) if it is no deeper than MAX_JSON_DEPTH, has no more than
    MAX_JSON_ITEMS values, and no string longer than MAX_JSON_STRING; else ValueError. (Control
    characters are refused field by field, so that the error can name the field.)"""
    items = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        items += 1
        if items > MAX_JSON_ITEMS:
            raise ValueError(f"has more than {MAX_JSON_ITEMS} values")
        if isinstance(node, str):
            if len(node) > MAX_JSON_STRING:
                raise ValueError(f"has a text longer than {MAX_JSON_STRING} characters")
        elif isinstance(node, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise ValueError(f"is nested more than {MAX_JSON_DEPTH} levels deep")
            values = list(node.values()) if isinstance(node, dict) else node
            if isinstance(node, dict):
                for key in node:
                    if len(key) > 200:
                        raise ValueError("has a field name longer than 200 characters")
            stack.extend((value, depth + 1) for value in values)
    return data


def load_json(raw: str | bytes) -> Any:
    """Parse JSON text, refusing what is too deep or too big before it can hurt (ValueError)."""
    try:
        data = json.loads(raw)
    except RecursionError:
        raise ValueError(f"is nested more than {MAX_JSON_DEPTH} levels deep") from None
    return json_shape(data)


# A 24-hour clock field for HTML forms: a text box that takes "HH:MM". A browser's own time
# picker shows 12-hour "09:00 AM" in many locales, beside plans written in 24-hour times.
CLOCK_FIELD_ATTRS = {
    "inputmode": "numeric",
    "pattern": "([01][0-9]|2[0-3]):[0-5][0-9]",
    "placeholder": "HH:MM",
    "maxlength": "5",
    "size": "5",
    "autocomplete": "off",
    "title": "A 24-hour time such as 09:00 or 17:30",
}
