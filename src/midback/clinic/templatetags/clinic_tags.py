from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: str) -> Any:
    """`{{ names|lookup:slug }}`: a dict value by key, or the key itself when absent."""
    return mapping.get(key, key)
