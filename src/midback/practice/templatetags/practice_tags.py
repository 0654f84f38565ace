from django import template

from midback.practice.agents import describe

register = template.Library()


@register.filter
def browser_name(agent: str) -> str:
    """A device's user-agent as a person names it."""
    return describe(agent or "")
