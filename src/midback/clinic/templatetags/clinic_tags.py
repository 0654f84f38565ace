from __future__ import annotations

import re
from typing import Any

from django import template

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
