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
