from __future__ import annotations

from typing import Any

from django import template

from midback.plans.stop_reasons import BY_CODE

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """`{{ names|lookup:slug }}`: a dict value by key, or the key itself when absent."""
    return mapping.get(key, key)


@register.filter
def stop_reason(code: str) -> str:
    """A stop reason's code in the clinician's words (from `plans.stop_reasons`)."""
    reason = BY_CODE.get(code)
    return reason.clinician if reason else (code or "no reason given")
