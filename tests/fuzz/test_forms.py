"""Every HTML form under hostile input: hypothesis fills each field the page really has (found by
reading the form) with text that mixes the field's own value, control characters, huge strings,
odd numbers and odd Unicode, and posts it. No answer may be a server error (the test client
raises on one), whoever signs in and whatever is typed."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from midback.care.devices import COOKIE_NAME, do_start_device_session
from midback.care.models import StaffMember
from tests.clinic.conftest import Side, harbour

__all__ = ["harbour"]  # the persona fixture, used by name


class FormFields(HTMLParser):
    """The fields of every POST form on a page: name -> the values the page offers."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self.in_post_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "form":
            self.in_post_form = (found.get("method") or "").lower() == "post"
        elif self.in_post_form and tag in ("input", "select", "textarea", "option", "button"):
            if tag == "option" and self.fields:
                last = list(self.fields)[-1]
                self.fields[last].append(found.get("value") or "")
                return
            name = found.get("name")
            if name and name != "csrfmiddlewaretoken" and found.get("type") != "file":
                self.fields.setdefault(name, []).append(found.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.in_post_form = False


def fields_of(page: str) -> dict[str, list[str]]:
    parser = FormFields()
    parser.feed(page)
    return parser.fields


HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20).map(lambda s: s + "\x00"),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\x1b[2J",
            "\r\n",
            "x" * 100_000,
            "-1",
            "0",
            "1e400",
            "nan",
            "99999999999999999999999",
            "Mars/Olympus_Mons",
            "A" * 300,
            "2026-02-30",
            "24:61",
            "09:30:00+05:00",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            "😀" * 50,
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)


def value_for(offered: list[str]) -> st.SearchStrategy[Any]:
    real = [v for v in offered if v]
    one = st.one_of(st.sampled_from(real), HOSTILE) if real else HOSTILE
    return st.one_of(one, st.lists(one, min_size=0, max_size=3))


def device_client(side: Side) -> Client:
    client = Client()
    _, token = do_start_device_session(RequestFactory().get("/"), side.patient)
    client.cookies[COOKIE_NAME] = token
    return client


PAGES = [
    ("anyone", "/clinic/login/"),
    ("anyone", "/sign-in/"),
    ("anyone", "/start/safety/"),
    ("staff", "/clinic/patients/new/"),
    ("staff", "/clinic/staff/"),
    ("staff", "/clinic/account/"),
    ("staff", "/clinic/exercises/new/"),
    ("staff", "/clinic/patients/{patient}/program/new/"),
    ("staff", "/clinic/patients/{patient}/erase/"),
    ("staff", "/clinic/admin/care/patient/{patient}/change/"),
    ("staff", "/clinic/admin/care/staffmember/{staff}/change/"),
    ("patient", "/app/check-in/"),
    ("patient", "/app/reminders/"),
    ("patient", "/app/devices/"),
]


def colleague(side: Side) -> StaffMember:
    """A practitioner at the clinic: the staff page's fuzzed edits land on them, not on the
    signed-in owner (whose lost role would end the test's session, not show a server error)."""
    email = f"colleague@{side.clinic.slug}.example"
    user, _ = get_user_model().objects.get_or_create(username=email, defaults={"email": email})
    member, _ = StaffMember.objects.get_or_create(
        user=user, defaults={"clinic": side.clinic, "display_name": "Colleague"}
    )
    return member


@pytest.mark.parametrize(("who", "path"), PAGES)
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_form_answers_hostile_input_without_a_server_error(
    harbour: Side, who: str, path: str, data: st.DataObject
) -> None:
    client = {"anyone": Client(), "staff": harbour.client, "patient": device_client(harbour)}[who]
    url = path.format(patient=harbour.patient.pk, staff=colleague(harbour).pk)
    page = client.get(url)
    assert page.status_code == 200, url
    fields = fields_of(page.content.decode())
    assert fields, f"no form fields found on {url}"
    form = {name: data.draw(value_for(offered), label=name) for name, offered in fields.items()}
    response = client.post(url, form)
    assert response.status_code < 500
