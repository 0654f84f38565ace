"""The Jinja2 environment, for the page parts rendered on every request of a hot path (Today's
content: practice/jinja2/). Everything else is Django templates.

Strings go through Django's own translation functions (`_("Hello, %(name)s", name=...)` has
the msgid of `{% blocktranslate %}Hello, {{ name }}{% endblocktranslate %}`, and escapes the
value), and the filters are Django's, so both engines say things the same way.

A template asked for through `template(name)` is compiled once per language with its constant
strings (`_("Start now")`) already translated: Jinja then folds them into the template's text,
so they cost nothing per request. (A runtime `_()` call goes through Jinja's call machinery and
the translation catalogue every time: about half of Today's rendering.) Strings with values
(`_("Next at %(time)s", time=...)`) stay runtime calls.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

from django.template import defaultfilters, engines
from django.utils import translation
from django.utils.translation import gettext, ngettext
from jinja2 import Environment, StrictUndefined, Template
from jinja2.ext import Extension
from jinja2.lexer import Token, TokenStream


class ConstantTranslations(Extension):
    """Turns `_("literal")` into the literal translated into the environment's language, when
    the environment has one (`midback_language`, set by `template`)."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        language = getattr(self.environment, "midback_language", None)
        tokens = list(stream)  # one template's tokens
        i = 0
        while i < len(tokens):
            call = tokens[i : i + 4]
            if (
                language is not None
                and [t.type for t in call] == ["name", "lparen", "string", "rparen"]
                and call[0].value == "_"
            ):
                with translation.override(language):
                    text = gettext(call[2].value)
                # `"text"|safe`: a translation is trusted, as Django's {% translate %} trusts it
                # (and Jinja folds a constant filter at compile time too).
                line = call[0].lineno
                yield from (
                    Token(line, "string", text),
                    Token(line, "pipe", "|"),
                    Token(line, "name", "safe"),
                )
                i += 4
            else:
                yield tokens[i]
                i += 1


def environment(**options: Any) -> Environment:
    """Called by Django's Jinja2 backend with the OPTIONS of settings.TEMPLATES."""
    # A name the template gets wrong is an error, not an empty string (Django's backend would
    # default to a lenient Undefined).
    options["undefined"] = StrictUndefined
    env = Environment(extensions=["jinja2.ext.i18n", ConstantTranslations], **options)
    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        date=defaultfilters.date,
        time=defaultfilters.time,
        capfirst=defaultfilters.capfirst,
        linebreaksbr=lambda value: defaultfilters.linebreaksbr(value, autoescape=True),
    )
    return env


@cache
def _environment_for(language: str) -> Environment:
    env = engines["jinja2"].env.overlay()  # type: ignore[attr-defined]
    env.midback_language = language
    return env


def template(name: str) -> Template:
    """The Jinja2 template `name`, compiled for the active language."""
    return _environment_for(translation.get_language() or "en").get_template(name)
