"""Small server-made SVG charts: no script, no inline style, readable in print and on a phone.

Each chart is drawn twice, wide (for desktops and print) and narrow (for phones), and the page's
stylesheet shows the one that fits: an SVG scaled down to a phone's width would shrink its
labels to a few pixels, so the narrow drawing has fewer, larger labels at the size it is shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Literal

NAVY, TEAL, ACCENT, GRID, MUTED = "#16485b", "#1f7a72", "#c4512f", "#e4e0d6", "#4d5f6b"

Fit = Literal["wide", "narrow"]


@dataclass(frozen=True)
class Frame:
    """A drawing's size in SVG units and the size of its labels in the same units."""

    width: int
    font: int


# The narrow drawing is shown 300-360 CSS px wide, so its 13-unit labels read at 11-14 px.
FRAMES: dict[Fit, Frame] = {"wide": Frame(640, 11), "narrow": Frame(340, 13)}


@dataclass(frozen=True)
class PainPoint:
    day: dt.date
    before: float | None
    after: float | None


def _open(frame: Frame, height: int, key: str, fit: Fit, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {height}" '
        f'role="img" aria-labelledby="{key}-{fit}" class="chart chart-{fit}">'
        f'<title id="{key}-{fit}">{escape(title)}</title>'
    )


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its legend label, colour and (day, value) points."""

    label: str
    colour: str
    points: list[tuple[dt.date, float]]


@dataclass(frozen=True)
class Scale:
    """The value axis: its top value, the levels with grid lines, and the unit after them."""

    high: float
    levels: tuple[int, ...]
    unit: str = ""


def line_chart(
    series: list[Series],
    first: dt.date,
    last: dt.date,
    title: str,
    *,
    key: str,
    scale: Scale,
    height: int = 220,
    baseline: float | None = None,
    rings: list[tuple[dt.date, float]] | None = None,
    ring_label: str = "",
    fit: Fit = "wide",
) -> str:
    """Lines with dots over days, a grid of value levels, dates below and a legend above (wrapped
    onto a second row on a narrow drawing); optionally a dashed baseline and rings on points."""
    frame = FRAMES[fit]
    f = frame.font
    legend = [(s.label, s.colour) for s in series] + ([(ring_label, "")] if ring_label else [])
    rows = _legend_rows(legend, frame)
    width, height = frame.width, height + (len(rows) - 1) * (f + 4)
    left, top, bottom = 14 + 2 * f + (f if scale.unit else 0), 6 + len(rows) * (f + 4), 8 + 2 * f
    span = max(1, (last - first).days)
    plot_w, plot_h = width - left - 10, height - top - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / scale.high)

    parts = [_open(frame, height, key, fit, title)]
    for level in scale.levels:
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(level) + f / 3:.1f}" font-size="{f}" '
            f'text-anchor="end" fill="{MUTED}">{level}{scale.unit}</text>'
        )
    for day, anchor in ((first, "start"), (first + (last - first) / 2, "middle"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 8}" font-size="{f}" text-anchor="{anchor}" '
            f'fill="{MUTED}">{day:%d %b}</text>'
        )
    if baseline is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(baseline):.1f}" y2="{y(baseline):.1f}" '
            f'stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    for line in series:
        coords = [(x(day), y(value)) for day, value in line.points if first <= day <= last]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{line.colour}" '
                'stroke-width="2.5" stroke-linejoin="round"/>'
            )
        parts.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{line.colour}"/>'
            for cx, cy in coords
        )
    parts.extend(
        f'<circle cx="{x(day):.1f}" cy="{y(value):.1f}" r="7" fill="none" stroke="{NAVY}" '
        'stroke-width="1.5"/>'
        for day, value in rings or []
        if first <= day <= last
    )
    parts.append(_legend(rows, f))
    parts.append("</svg>")
    return "".join(parts)


def _label_width(label: str, font: int) -> float:
    return 1.6 * font + 0.6 * font * len(label)


def _legend_rows(items: list[tuple[str, str]], frame: Frame) -> list[list[tuple[str, str]]]:
    """The legend's items in rows that fit the drawing's width (a new row when one is full)."""
    rows: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for item in items:
        need = _label_width(item[0], frame.font + 1) + frame.font
        if rows[-1] and used + need > frame.width - 20:
            rows.append([])
            used = 0.0
        rows[-1].append(item)
        used += need
    return rows


def _legend(rows: list[list[tuple[str, str]]], f: int) -> str:
    """Swatches and labels; an item with no colour is the ring marking notable points."""
    size = f + 1
    parts = [f'<g font-size="{size}">']
    for r, row in enumerate(rows):
        lx, ty = 10.0, (r + 1) * (f + 4) - 2
        for label, colour in row:
            if colour:
                parts.append(
                    f'<rect x="{lx:.1f}" y="{ty - size + 2}" width="{size - 2}" '
                    f'height="{size - 2}" fill="{colour}"/>'
                )
            else:
                parts.append(
                    f'<circle cx="{lx + size / 2 - 1:.1f}" cy="{ty - size / 2 + 1:.1f}" '
                    f'r="{size / 2 - 1:.1f}" fill="none" stroke="{NAVY}" stroke-width="1.5"/>'
                )
            parts.append(
                f'<text x="{lx + size + 2:.1f}" y="{ty}" fill="{NAVY}">{escape(label)}</text>'
            )
            lx += _label_width(label, size) + f
    parts.append("</g>")
    return "".join(parts)


def both_fits(draw: Callable[[Fit], str]) -> str:
    """The wide and the narrow drawing of one chart (the stylesheet shows the one that fits)."""
    return draw("wide") + draw("narrow")


ZERO_TO_TEN = Scale(10, (0, 2, 4, 6, 8, 10))


def pain_chart(
    points: list[PainPoint], first: dt.date, last: dt.date, title: str, fit: Fit = "wide"
) -> str:
    """Pain before and after sessions (0-10) per day, as two lines with dots."""
    series = [
        Series(
            label,
            colour,
            [(p.day, value) for p in points if (value := getattr(p, attr)) is not None],
        )
        for attr, label, colour in (("before", "before", TEAL), ("after", "after", ACCENT))
    ]
    return line_chart(series, first, last, title, key="pc", scale=ZERO_TO_TEN, fit=fit)


def adherence_chart(days: list[tuple[dt.date, int, int]], title: str, fit: Fit = "wide") -> str:
    """Bars of sessions done against scheduled per day: (day, done, scheduled)."""
    frame = FRAMES[fit]
    f = frame.font
    width, height, left, top, bottom = frame.width, 140, 12 + 2 * f, 10, 8 + 2 * f
    n = max(1, len(days))
    slot = (width - left - 10) / n
    most = max([1] + [max(done, planned) for _, done, planned in days])
    plot_h = height - top - bottom
    # Labels every week on a wide drawing; on a narrow one every other week, so none touch.
    every = 7 if fit == "wide" else 14
    parts = [_open(frame, height, "ac", fit, title)]
    for i, (day, done, planned) in enumerate(days):
        bx = left + i * slot + slot * 0.15
        bw = slot * 0.7
        planned_h = plot_h * planned / most
        done_h = plot_h * min(done, max(planned, done)) / most
        parts.append(
            f'<rect x="{bx:.1f}" y="{top + plot_h - planned_h:.1f}" width="{bw:.1f}" '
            f'height="{planned_h:.1f}" fill="{GRID}"/>'
            f'<rect x="{bx:.1f}" y="{top + plot_h - done_h:.1f}" width="{bw:.1f}" '
            f'height="{done_h:.1f}" fill="{TEAL}"/>'
        )
        last = i == n - 1
        if (i % every == 0 and (n - 1 - i) * slot > 4 * f) or last:
            anchor = "end" if last else ("start" if i == 0 else "middle")
            at = bx + bw if last else (bx if i == 0 else bx + bw / 2)
            parts.append(
                f'<text x="{at:.1f}" y="{height - 8}" font-size="{f}" text-anchor="{anchor}" '
                f'fill="{MUTED}">{day:%d %b}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class OutcomeRow:
    """One check-in on the outcomes chart; `noticed` marks pain changed as patients notice."""

    day: dt.date
    pain: float | None
    psfs: float | None
    work: float | None
    noticed: bool = False


def outcome_chart(
    rows: list[OutcomeRow], baseline: float | None, first: dt.date, last: dt.date, title: str
) -> str:
    """Check-in answers over time (0-10): pain, PSFS average and work impact, with the pain
    baseline as a dashed line and a ring on each pain answer changed as patients notice."""
    series = [
        Series(label, colour, [(r.day, v) for r in rows if (v := getattr(r, attr)) is not None])
        for attr, label, colour in (
            ("pain", "pain", ACCENT),
            ("psfs", "activities (PSFS)", TEAL),
            ("work", "work impact", MUTED),
        )
    ]
    rings = [(r.day, r.pain) for r in rows if r.noticed and r.pain is not None]
    return both_fits(
        lambda fit: line_chart(
            series,
            first,
            last,
            title,
            key="oc",
            scale=ZERO_TO_TEN,
            baseline=baseline,
            rings=rings,
            ring_label="change patients notice",
            fit=fit,
        )
    )


def rotation_chart(
    points: list[tuple[dt.date, int, int]], first: dt.date, last: dt.date, title: str
) -> str:
    """The phone rotation check per day: degrees to the left and to the right, two lines."""
    series = [
        Series("left", TEAL, [(day, left) for day, left, _ in points]),
        Series("right", ACCENT, [(day, right) for day, _, right in points]),
    ]
    scale = Scale(90, (0, 30, 60, 90), "°")
    return both_fits(
        lambda fit: line_chart(
            series, first, last, title, key="rot", scale=scale, height=170, fit=fit
        )
    )


def range_chart(
    points: list[tuple[dt.date, int]], first: dt.date, last: dt.date, title: str, ident: str
) -> str:
    """One exercise's best range per day (degrees, seen by the camera coach), as a line with dots."""
    shown = [value for day, value in points if first <= day <= last]
    high = 30 * -(-max([30, *shown]) // 30)  # up to the next 30 degrees
    scale = Scale(high, tuple(range(0, high + 1, 30)), "°")
    series = [Series("best range", TEAL, [(day, float(value)) for day, value in points])]
    return both_fits(
        lambda fit: line_chart(
            series, first, last, title, key=ident, scale=scale, height=150, fit=fit
        )
    )
