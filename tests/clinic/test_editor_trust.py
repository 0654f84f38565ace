"""The editor saves what the practitioner saw: the minutes a day against the patient's budget,
keep or fit (with the new numbers shown first), and no version that changes nothing."""

from __future__ import annotations

import re
from typing import Any

from midback.care.models import ProgramVersion
from tests.clinic.conftest import Side, log_stop
from tests.clinic.test_portal import editor_post

ITEM = re.compile(r'name="item-(\d+)-(exercise|sets|reps|hold_seconds|range)"[^>]*?value="([^"]*)"')
SELECTED_RANGE = re.compile(
    r'name="item-(\d+)-range">(?:<option[^>]*>[^<]*</option>)*?<option value="(\w+)" selected'
)


def shown_rows(html: str) -> dict[int, dict[str, str]]:
    """The rows of the items table as the page shows them (the values in its inputs)."""
    rows: dict[int, dict[str, str]] = {}
    for index, name, value in ITEM.findall(html):
        rows.setdefault(int(index), {})[name] = value
    for index, value in SELECTED_RANGE.findall(html):
        rows.setdefault(int(index), {})["range"] = value
    return rows


def post_rows(side: Side, rows: dict[int, dict[str, str]], **extra: Any) -> dict[str, Any]:
    data = editor_post(side, **extra)
    data["item_count"] = len(rows)
    for index, row in rows.items():
        for name, value in row.items():
            data[f"item-{index}-{name}"] = value
    return data


def saved_rows(version: ProgramVersion) -> dict[int, dict[str, str]]:
    """The stored items in the table's terms (an exercise without reps has no reps field)."""
    return {
        n: {
            name: str(item[name])
            for name in ("exercise", "sets", "reps", "hold_seconds", "range")
            if item[name] is not None
        }
        for n, item in enumerate(version.plan["items"])
    }


def top_doses(side: Side) -> dict[int, dict[str, str]]:
    """Every exercise at the top of its range: more than five minutes a day."""
    rows = saved_rows(side.version)
    html = side.client.get(f"/clinic/patients/{side.patient.pk}/program/").content.decode()
    for index, row in rows.items():
        for name in ("reps", "hold_seconds"):
            if row.get(name):
                ranges = re.search(
                    rf'name="item-{index}-{name}"[^>]*>\s*<small class="muted">(\d+)–(\d+)', html
                )
                assert ranges is not None
                row[name] = ranges.group(2)
    return rows


def versions(side: Side) -> int:
    return ProgramVersion.objects.filter(program__patient=side.patient).count()


def save_shown(harbour: Side, url: str, shown: Any, *, budget: str, reason: str) -> Any:
    """Save the rows the editor showed, on 5 minutes a day morning and evening, with the
    practitioner's budget choice (keep or fit) and reason."""
    return harbour.client.post(
        url,
        post_rows(
            harbour,
            shown,
            action="save",
            minutes_per_day=5,
            preference="morning_evening",
            budget=budget,
            reason=reason,
        ),
    )


def test_the_editor_shows_minutes_a_day_against_the_budget(harbour: Side) -> None:
    html = harbour.client.get(f"/clinic/patients/{harbour.patient.pk}/program/").content.decode()
    assert re.search(
        r"Takes about \d+ minutes on the busiest day; the patient has 15 minutes", html
    )


def test_over_the_budget_it_shows_the_doses_as_set_and_saves_them_when_kept(
    harbour: Side,
) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    typed = top_doses(harbour)
    html = harbour.client.post(
        url,
        post_rows(
            harbour, typed, action="preview", minutes_per_day=5, preference="morning_evening"
        ),
    ).content.decode()
    assert 'class="budget over"' in html and "Keep these doses" in html
    assert shown_rows(html) == typed

    refused = harbour.client.post(
        url,
        post_rows(
            harbour,
            typed,
            action="save",
            minutes_per_day=5,
            preference="morning_evening",
            reason="Top doses",
        ),
    ).content.decode()
    assert "Nothing saved: these doses do not fit the patient" in refused
    assert versions(harbour) == 1

    kept = harbour.client.post(
        url,
        post_rows(harbour, typed, action="keep", minutes_per_day=5, preference="morning_evening"),
    ).content.decode()
    assert "You chose to keep these doses." in kept
    assert 'name="budget" value="keep"' in kept
    shown = shown_rows(kept)
    response = save_shown(harbour, url, shown, budget="keep", reason="Top doses")
    assert response.status_code == 302
    latest = ProgramVersion.objects.filter(program__patient=harbour.patient).latest("number")
    assert latest.number == 2
    assert saved_rows(latest) == shown == typed
    assert any("Doses kept as the practitioner set them" in r for r in latest.plan["reasons"])


def test_fitting_to_the_budget_shows_the_new_numbers_and_saves_exactly_them(
    harbour: Side,
) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    typed = top_doses(harbour)
    fitted = harbour.client.post(
        url,
        post_rows(harbour, typed, action="fit", minutes_per_day=5, preference="morning_evening"),
    ).content.decode()
    shown = shown_rows(fitted)
    assert shown != typed  # lowered, and the table says so before anything is saved
    assert "The doses below were changed to fit" in fitted
    assert versions(harbour) == 1
    response = save_shown(harbour, url, shown, budget="fit", reason="Fit")
    assert response.status_code == 302
    latest = ProgramVersion.objects.filter(program__patient=harbour.patient).latest("number")
    assert saved_rows(latest) == shown


def test_a_version_that_changes_nothing_is_refused(harbour: Side) -> None:
    url = f"/clinic/patients/{harbour.patient.pk}/program/"
    data = editor_post(harbour, action="save", reason="Again", note=harbour.version.note_to_patient)
    html = harbour.client.post(url, data).content.decode()
    assert "Nothing saved: this is the same as version 1" in html
    assert versions(harbour) == 1
    data["note"] = "Keep going: same exercises, new note."
    assert harbour.client.post(url, data).status_code == 302
    assert versions(harbour) == 2


def test_applying_a_suggestion_twice_makes_one_version(harbour: Side) -> None:
    log_stop(harbour, "cat-camel", "sharp pain", pain_during=7)
    url = f"/clinic/patients/{harbour.patient.pk}/adjust/"
    first = harbour.client.post(url, {"version": 1}, follow=True).content.decode()
    second = harbour.client.post(url, {"version": 1}, follow=True).content.decode()
    assert versions(harbour) == 2
    assert "Suggestion applied as version 2." in first
    assert "Nothing applied" in second
