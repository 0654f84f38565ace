"""The Jinja2 environment of the hot page parts (practice/jinja.py): constant strings are
translated when a template is compiled for a language, values are still escaped, and what is
said matches Django's templates."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation
from jinja2 import UndefinedError

from midback.practice import jinja

SOURCE = '{{ _("Monday") }}|{{ _("Hello, %(name)s", name=who) }}|{{ _("It\'s <b>") }}'


def test_constant_strings_are_translated_when_the_template_is_compiled() -> None:
    env = jinja._environment_for("de")
    # Django's own catalogue has German for "Monday": the compiled code holds the result.
    code = env.compile(SOURCE, raw=True)
    assert "Montag" in code
    assert "'Monday'" not in code
    with translation.override("de"):
        html = env.from_string(SOURCE).render(who="<Priya>")
    assert html.startswith("Montag|")


def test_values_in_translated_strings_are_escaped_and_translations_are_trusted() -> None:
    env = jinja._environment_for("en")
    with translation.override("en"):
        html = env.from_string(SOURCE).render(who="<Priya>")
    assert html == "Monday|Hello, &lt;Priya&gt;|It's <b>"


def test_without_a_language_the_strings_are_translated_at_render_time() -> None:
    env = engines["jinja2"].env  # type: ignore[attr-defined]
    assert "'Monday'" in env.compile(SOURCE, raw=True)
    with translation.override("de"):
        assert env.from_string(SOURCE).render(who="x").startswith("Montag|")


def test_a_name_the_template_gets_wrong_is_an_error() -> None:
    env = jinja._environment_for("en")
    with pytest.raises(UndefinedError, match="missing"):
        env.from_string("{{ missing.thing }}").render()


def test_template_follows_the_active_language() -> None:
    with translation.override("en"):
        english = jinja.template("practice/today_body.html")
    with translation.override("de"):
        german = jinja.template("practice/today_body.html")
    assert english is not german
    assert english.environment.midback_language == "en"  # type: ignore[attr-defined]
