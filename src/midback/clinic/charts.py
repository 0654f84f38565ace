"""Small server-made SVG charts: no script, no inline style, readable in print and on a phone."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape

NAVY, TEAL, ACCENT, GRID, MUTED = "#16485b", "#1f7a72", "#c4512f", "#e4e0d6", "#4d5f6b"


@dataclass(frozen=True)
class PainPoint:
    day: dt.date
    before: float | None
    after: float | None


def pain_chart(points: list[PainPoint], first: dt.date, last: dt.date, title: str) -> str:
    """Pain before and after sessions (0-10) per day, as two lines with dots."""
    width, height, left, top, bottom = 640, 220, 34, 16, 28
    span = max(1, (last - first).days)
    plot_w, plot_h = width - left - 10, height - top - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - first).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 10)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="pc-t" class="chart"><title id="pc-t">{escape(title)}</title>'
    ]
    for level in (0, 2, 4, 6, 8, 10):
        parts.append(
            f'<line x1="{left}" x2="{width - 10}" y1="{y(level):.1f}" y2="{y(level):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(level) + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{MUTED}">{level}</text>'
        )
    for day, anchor in ((first, "start"), (first + (last - first) / 2, "middle"), (last, "end")):
        parts.append(
            f'<text x="{x(day):.1f}" y="{height - 8}" font-size="11" text-anchor="{anchor}" '
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
    parts.append(
        f'<g font-size="12"><rect x="{width - 190}" y="4" width="10" height="10" fill="{TEAL}"/>'
        f'<text x="{width - 175}" y="13" fill="{NAVY}">before</text>'
        f'<rect x="{width - 120}" y="4" width="10" height="10" fill="{ACCENT}"/>'
        f'<text x="{width - 105}" y="13" fill="{NAVY}">after</text></g></svg>'
    )
    return "".join(parts)


def adherence_chart(days: list[tuple[dt.date, int, int]], title: str) -> str:
    """Bars of sessions done against scheduled per day: (day, done, scheduled)."""
    width, height, left, top, bottom = 640, 140, 34, 10, 26
    n = max(1, len(days))
    slot = (width - left - 10) / n
    most = max([1] + [max(done, planned) for _, done, planned in days])
    plot_h = height - top - bottom
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="ac-t" class="chart"><title id="ac-t">{escape(title)}</title>'
    ]
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
        if i % 7 == 0 or i == n - 1:
            anchor = "end" if i == n - 1 else "middle"
            parts.append(
                f'<text x="{bx + (bw if i == n - 1 else bw / 2):.1f}" y="{height - 8}" '
                f'font-size="11" text-anchor="{anchor}" fill="{MUTED}">{day:%d %b}</text>'
            )
    parts.append("</svg>")
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
