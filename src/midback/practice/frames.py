"""A page's frame (head, navigation, footer: everything around its content) rendered once per
template, language and audience, then filled per request.

Rendering the shared base templates cost the Today page as much as its own content. Their
output depends only on the page, the language and whether the person is self-guided, except
for two attributes (when the page was rendered, in which zone) and Django messages. So the
frame is rendered once with marks in those places, and a request puts in its content and the
two values. A request with messages to show renders the whole page instead (rare: after a
form). `tests/practice/test_frames.py` checks both ways give the same page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

CONTENT = "\x1fcontent\x1f"
RENDERED_AT = "\x1frendered-at\x1f"
ZONE = "\x1fzone\x1f"
_PER_REQUEST = {
    RENDERED_AT: re.compile(r'(?<= data-rendered-at=")[^"]*(?=")'),
    ZONE: re.compile(r'(?<= data-zone=")[^"]*(?=")'),
}


@dataclass(frozen=True)
class _FrameRequest:
    """What the base templates read of a request."""

    self_guided: bool


@cache
def _frame(template: str, section: str, language: str | None, self_guided: bool) -> tuple[str, str]:
    context = {
        "content": mark_safe(CONTENT),
        "section": section,
        "request": _FrameRequest(self_guided),
    }
    html: str = render_to_string(template, context)
    for mark, where in _PER_REQUEST.items():
        html, found = where.subn(mark, html)
        assert found == 1, f"{template}: expected one {mark!r} place, found {found}"
    head, tail = html.split(CONTENT)
    return head, tail


def _may_have_messages(request: HttpRequest) -> bool:
    """Messages wait in their cookie or in the session (Django's default fallback storage):
    without either cookie there are none, and loading the storage (signers, session) is
    skipped. `test_frames` checks a message is still shown."""
    return CookieStorage.cookie_name in request.COOKIES or (
        settings.SESSION_COOKIE_NAME in request.COOKIES
    )


def framed(request: HttpRequest, template: str, section: str, content: SafeString) -> HttpResponse:
    """The page `template` (whose content block is `{{ content }}`) around `content`, with
    `section` marked as the current one in the navigation."""
    self_guided = bool(getattr(request, "self_guided", False))
    if _may_have_messages(request) and len(get_messages(request)):
        return render(request, template, {"content": content, "section": section})
    # In development the frame follows template edits at once (it is rendered every time).
    frame = _frame.__wrapped__ if settings.DEBUG else _frame
    head, tail = frame(template, section, get_language(), self_guided)
    now = timezone.localtime()
    head = head.replace(RENDERED_AT, now.isoformat()).replace(ZONE, str(now.tzinfo))
    return HttpResponse(head + content + tail)
