from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from midback.plans.stop_reasons import BY_CODE

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """`{{ names|lookup:slug }}`: a dict value by key, or the key itself when absent."""
    return mapping.get(key, key)


# Where "you" is the object of the verb before it, the clinician's sentence says "them".
_OBJECT_AFTER = r"(?:keeps|keep|gives|give|tells|tell|helps|help|lets|let|asks|ask|for|to|with)"
_SECOND_PERSON = [
    (re.compile(rf"\b({_OBJECT_AFTER}) you\b"), r"\1 them"),
    (re.compile(r"\byourself\b"), "themselves"),
    (re.compile(r"\bYourself\b"), "Themselves"),
    (re.compile(r"\byours\b"), "theirs"),
    (re.compile(r"\byour\b"), "their"),
    (re.compile(r"\bYour\b"), "Their"),
    (re.compile(r"\byou\b"), "they"),
    (re.compile(r"\bYou\b"), "They"),
]


@register.filter
def clinician(text: str) -> str:
    """A reason the engine wrote to the patient ("because your pain is 5/10"), as the clinician
    reads it ("because their pain is 5/10"): "they" takes the same verb forms as "you"."""
    for pattern, words in _SECOND_PERSON:
        text = pattern.sub(words, text)
    return text


@register.filter
def plain(code: str) -> str:
    """A stored code ("sharp_pain") in words, for a code with no wording of its own yet."""
    words = str(code).replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


@register.filter
def stop_reason(code: str) -> str:
    """A stop reason's code in the clinician's words (from `plans.stop_reasons`)."""
    reason = BY_CODE.get(code)
    return reason.clinician if reason else (code or "no reason given")


# The arrow as a small drawing: the print font (the handout's) has no "→", and a PDF must not
# borrow a glyph from whatever fonts the server happens to have.
_PRINT_ARROW = (
    '<svg class="arrow" viewBox="0 0 12 8" width="0.95em" height="0.62em" role="img" '
    'aria-label="to"><path d="M1 4h9M7 1l3 3-3 3" fill="none" stroke="currentColor" '
    'stroke-width="1.4" stroke-linecap="round" stroke-linejoin="round"/></svg>'
)


@register.filter
def print_arrows(text: str) -> str:
    """Text made safe for HTML, with each "→" drawn (for the PDF's own font)."""
    return mark_safe(escape(text).replace("→", _PRINT_ARROW))
