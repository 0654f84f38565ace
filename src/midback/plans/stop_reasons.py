"""Why a person stopped an exercise, and what they are told to do about it.

One list for every place that shows stop reasons: the player's choices and advice, the stored
log (the code), and the clinic's wording. Numbness or tingling, pain spreading into the chest or
arm, and dizziness are seek-care signs (DESIGN.md section 5), worded like the intake's red flags;
ordinary sharp or strong pain skips just that exercise and the session goes on.
Pure Python: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Urgency = Literal["emergency", "today"]


@dataclass(frozen=True)
class StopReason:
    code: str
    patient: str  # the choice the person taps
    clinician: str  # how the clinic sees it
    seek_care: bool
    urgency: Urgency | None
    advice: str  # what the person is told to do now, in their words

    @property
    def ends_session(self) -> bool:
        """Seek-care signs (and "something else") end the session; pain skips one exercise."""
        return self.seek_care or self.code == "other"


SKIP_ADVICE = (
    "We have skipped this exercise for today; the rest of the session goes on when you are "
    "ready, or you can end it. Mild soreness that settles within 30 minutes is normal. If this "
    "exercise hurts again next time, leave it out until you have had advice about it."
)
EMERGENCY_ADVICE = (
    "Stop now and sit or lie down somewhere safe. With back pain this can be a sign of something "
    "serious: call your local emergency number or go to an emergency department now, especially "
    "if you also have chest pain, trouble breathing, or weakness. Do not carry on with the exercises."
)

REASONS: tuple[StopReason, ...] = (
    StopReason(
        "sharp_pain",
        "Sharp pain",
        "Sharp pain during the exercise",
        seek_care=False,
        urgency=None,
        advice=SKIP_ADVICE,
    ),
    StopReason(
        "pain_above_5",
        "Pain above 5 out of 10",
        "Pain above 5/10 during the exercise",
        seek_care=False,
        urgency=None,
        advice=SKIP_ADVICE,
    ),
    StopReason(
        "spreading",
        "Pain spreading into my chest or arm",
        "Pain spreading into the chest or arm (seek-care sign)",
        seek_care=True,
        urgency="emergency",
        advice=EMERGENCY_ADVICE,
    ),
    StopReason(
        "numbness",
        "Numbness or tingling",
        "Numbness or tingling (seek-care sign)",
        seek_care=True,
        urgency="emergency",
        advice=EMERGENCY_ADVICE,
    ),
    StopReason(
        "dizzy",
        "Dizziness or feeling faint",
        "Dizziness (seek-care sign)",
        seek_care=True,
        urgency="today",
        advice=(
            "Stop now and sit or lie down until it passes. Do not carry on with the exercises "
            "today. See a doctor today; if the dizziness does not pass, or comes with chest "
            "pain, trouble breathing or weakness, call your local emergency number now."
        ),
    ),
    StopReason(
        "other",
        "Something else",
        "Stopped for another reason",
        seek_care=False,
        urgency=None,
        advice=(
            "Rest in a comfortable position. If something feels wrong or does not settle, "
            "get advice before you do these exercises again."
        ),
    ),
)
BY_CODE = {reason.code: reason for reason in REASONS}
CODES = tuple(BY_CODE)

# Emergency numbers by the start of the person's time zone name; 112 works on most mobiles
# in Europe and many other places, so it is the fallback.
EMERGENCY_NUMBERS = (
    ("Australia/", "000"),
    ("Pacific/Auckland", "111"),
    ("Europe/London", "999"),
    ("Europe/Dublin", "112"),
    ("America/", "911"),
    ("US/", "911"),
    ("Canada/", "911"),
    ("Asia/Kolkata", "112"),
    ("Europe/", "112"),
)


def emergency_number(zone: str) -> str:
    """The emergency phone number most likely to work where the person lives."""
    for prefix, number in EMERGENCY_NUMBERS:
        if zone.startswith(prefix):
            return number
    return "112"


def for_player(zone: str) -> dict[str, object]:
    """What the player needs: each reason's wording and advice, and the number to call."""
    return {
        "emergency_number": emergency_number(zone),
        "reasons": [
            {
                "code": r.code,
                "label": r.patient,
                "seek_care": r.seek_care,
                "urgency": r.urgency,
                "ends_session": r.ends_session,
                "advice": r.advice,
            }
            for r in REASONS
        ],
    }
