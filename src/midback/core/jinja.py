"""The Jinja2 environment, for the few page parts rendered on every request of a hot path
(Today's content: practice/jinja2/). Everything else is Django templates.

Strings go through Django's own translation functions (`_("Hello, %(name)s", name=...)` has
the msgid of `{% blocktranslate %}Hello, {{ name }}{% endblocktranslate %}`, and escapes the
value), and the filters are Django's, so both engines say things the same way.
"""

from __future__ import annotations

from typing import Any

from django.template import defaultfilters
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined


def environment(**options: Any) -> Environment:
    """Called by Django's Jinja2 backend with the OPTIONS of settings.TEMPLATES."""
    # A name the template gets wrong is an error, not an empty string (Django's backend would
    # default to a lenient Undefined).
    options["undefined"] = StrictUndefined
    env = Environment(extensions=["jinja2.ext.i18n"], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        date=defaultfilters.date,
        time=defaultfilters.time,
        capfirst=defaultfilters.capfirst,
        linebreaksbr=lambda value: defaultfilters.linebreaksbr(value, autoescape=True),
    )
    return env
