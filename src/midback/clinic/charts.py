"""Small server-made SVG charts: no script, no inline style, readable in print and on a phone.

Each chart is drawn twice, wide (for desktops and print) and narrow (for phones), and the page's
stylesheet shows the one that fits: an SVG scaled down to a phone's width would shrink its
labels to a few pixels, so the narrow drawing has fewer, larger labels at the size it is shown.
"""

from __future__ import annotations

import datetime as dt
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


def pain_chart(
    points: list[PainPoint], first: dt.date, last: dt.date, title: str, fit: Fit = "wide"
) -> str:
    """Pain before and after sessions (0-10) per day, as two lines with dots."""
    frame = FRAMES[fit]
    f = frame.font
    width, height, left, top, bottom = frame.width, 220, 12 + 2 * f, 10 + f, 8 + 2 * f
    span = max(1, (last - first).days)
    plot_w, plot_h = width - left - 10, height - top - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 10)

    parts = [_open(frame, height, "pc", fit, title)]
    for level in (0, 2, 4, 6, 8, 10):
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(level) + f / 3:.1f}" font-size="{f}" '
            f'text-anchor="end" fill="{MUTED}">{level}</text>'
        )
    for day, anchor in ((first, "start"), (first + (last - first) / 2, "middle"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 8}" font-size="{f}" text-anchor="{anchor}" '
            f'fill="{MUTED}">{day:%d %b}</text>'
        )
    for attr, colour in (("before", TEAL), ("after", ACCENT)):
        coords = [
            (x(p.day), y(value))
            for p in points
            if (value := getattr(p, attr)) is not None and first <= p.day <= last
        ]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                'stroke-linejoin="round"/>'
            )
        parts.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{colour}"/>' for cx, cy in coords
        )
    key = f + 1
    parts.append(
        f'<g font-size="{key}"><rect x="{width - 15 * key}" y="2" width="{key - 2}" '
        f'height="{key - 2}" fill="{TEAL}"/>'
        f'<text x="{width - 14 * key + 2}" y="{key - 1}" fill="{NAVY}">before</text>'
        f'<rect x="{width - 7 * key}" y="2" width="{key - 2}" height="{key - 2}" '
        f'fill="{ACCENT}"/>'
        f'<text x="{width - 6 * key + 2}" y="{key - 1}" fill="{NAVY}">after</text></g></svg>'
    )
    return "".join(parts)


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
    width, height, left, top, bottom = 640, 220, 34, 22, 28
    span = max(1, (last - first).days)
    plot_w, plot_h = width - left - 10, height - top - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 10)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="oc-t" class="chart"><title id="oc-t">{escape(title)}</title>'
    ]
    for level in (0, 2, 4, 6, 8, 10):
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(level) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{MUTED}">{level}</text>'
        )
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 8}" font-size="11" text-anchor="{anchor}" '
            f'fill="{MUTED}">{day:%d %b}</text>'
        )
    if baseline is not None:
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(baseline):.1f}" y2="{y(baseline):.1f}" '
            f'stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    shown = [r for r in rows if first <= r.day <= last]
    for attr, colour in (("work", MUTED), ("psfs", TEAL), ("pain", ACCENT)):
        coords = [(x(r.day), y(value)) for r in shown if (value := getattr(r, attr)) is not None]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                'stroke-linejoin="round"/>'
            )
        parts.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{colour}"/>' for cx, cy in coords
        )
    parts.extend(
        f'<circle cx="{x(r.day):.1f}" cy="{y(r.pain):.1f}" r="7" fill="none" stroke="{NAVY}" '
        'stroke-width="1.5"/>'
        for r in shown
        if r.noticed and r.pain is not None
    )
    legend = (("pain", ACCENT), ("activities (PSFS)", TEAL), ("work impact", MUTED))
    lx = left
    parts.append('<g font-size="12">')
    for label, colour in legend:
        parts.append(
            f'<rect x="{lx}" y="4" width="10" height="10" fill="{colour}"/>'
            f'<text x="{lx + 15}" y="13" fill="{NAVY}">{escape(label)}</text>'
        )
        lx += 30 + 7 * len(label)
    parts.append(
        f'<circle cx="{lx + 5}" cy="9" r="6" fill="none" stroke="{NAVY}" stroke-width="1.5"/>'
        f'<text x="{lx + 15}" y="13" fill="{NAVY}">change patients notice</text></g></svg>'
    )
    return "".join(parts)


def rotation_chart(
    points: list[tuple[dt.date, int, int]], first: dt.date, last: dt.date, title: str
) -> str:
    """The phone rotation check per day: degrees to the left and to the right, two lines."""
    width, height, left, top, bottom = 640, 150, 40, 16, 26
    span = max(1, (last - first).days)
    plot_w, plot_h = width - left - 10, height - top - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 90)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="rot-t" class="chart"><title id="rot-t">{escape(title)}</title>'
    ]
    for level in (0, 30, 60, 90):
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(level) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{MUTED}">{level}°</text>'
        )
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 8}" font-size="11" text-anchor="{anchor}" '
            f'fill="{MUTED}">{day:%d %b}</text>'
        )
    for index, colour in ((1, TEAL), (2, ACCENT)):
        coords = [(x(d), y(lr[index - 1])) for d, *lr in points if first <= d <= last]
        if len(coords) > 1:
            path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5" '
                'stroke-linejoin="round"/>'
            )
        parts.extend(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{colour}"/>' for cx, cy in coords
        )
    parts.append(
        f'<g font-size="12"><rect x="{width - 170}" y="4" width="10" height="10" fill="{TEAL}"/>'
        f'<text x="{width - 155}" y="13" fill="{NAVY}">left</text>'
        f'<rect x="{width - 110}" y="4" width="10" height="10" fill="{ACCENT}"/>'
        f'<text x="{width - 95}" y="13" fill="{NAVY}">right</text></g></svg>'
    )
    return "".join(parts)


def range_chart(
    points: list[tuple[dt.date, int]], first: dt.date, last: dt.date, title: str, ident: str
) -> str:
    """One exercise's best range per day (degrees, seen by the camera coach), as a line with dots."""
    width, height, left, top, bottom = 640, 130, 40, 12, 26
    span = max(1, (last - first).days)
    plot_w, plot_h = width - left - 10, height - top - bottom
    shown = [(day, value) for day, value in points if first <= day <= last]
    high = max([30] + [value for _, value in shown])
    high = 30 * -(-high // 30)  # up to the next 30 degrees

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / high)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{ident}" class="chart"><title id="{ident}">{escape(title)}</title>'
    ]
    for level in range(0, high + 1, 30):
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(level) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{MUTED}">{level}°</text>'
        )
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 8}" font-size="11" text-anchor="{anchor}" '
            f'fill="{MUTED}">{day:%d %b}</text>'
        )
    coords = [(x(day), y(value)) for day, value in shown]
    if len(coords) > 1:
        path = " ".join(f"{cx:.1f},{cy:.1f}" for cx, cy in coords)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{TEAL}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
    parts.extend(
        f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3.5" fill="{TEAL}"/>' for cx, cy in coords
    )
    parts.append("</svg>")
    return "".join(parts)
