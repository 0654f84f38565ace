"""The one vocabulary: every code an intake uses, with the clinician's and the patient's words.

Forms, the planner, the handout and exports read their wording here; codes never reach a
person's eyes. `clause` is the wording that fits inside a sentence ("because {clause}", "you told
us about {clause}"). Stop reasons carry more than words (whether each is a seek-care sign, its
urgency and the advice the player gives), so they live in `plans.stop_reasons`; `STOP_REASONS`
here is that same list, so every code of the vocabulary can be found from this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from midback.plans.stop_reasons import REASONS as STOP_REASONS

Who = Literal["clinician", "patient"]


@dataclass(frozen=True)
class Term:
    code: str
    clinician: str
    patient: str
    clause: str = ""  # the words inside a sentence
    hint: str = ""  # a longer explanation for the patient

    def words(self, who: Who) -> str:
        return self.clinician if who == "clinician" else self.patient


RED_FLAGS = (
    Term(
        "chest_pain",
        "Chest pain",
        "Chest pain, or pain that feels like pressure or tightness in the chest",
        "chest pain",
    ),
    Term(
        "breathlessness",
        "Breathlessness",
        "Shortness of breath that is new or unusual for you",
        "breathlessness",
    ),
    Term(
        "numbness_or_weakness",
        "New numbness or weakness",
        "New numbness, tingling or weakness in your arms, legs or body",
        "new numbness or weakness",
    ),
    Term(
        "bladder_or_bowel_change",
        "Bladder or bowel change",
        "New trouble controlling your bladder or bowels",
        "a change in bladder or bowel control",
    ),
    Term(
        "recent_trauma",
        "Recent fall, accident or injury",
        "The pain started after a fall, accident or blow",
        "a recent fall, accident or injury",
    ),
    Term(
        "fever_or_unwell",
        "Fever or feeling unwell",
        "Fever, chills, or feeling generally unwell",
        "fever or feeling generally unwell",
    ),
    Term(
        "unexplained_weight_loss",
        "Unexplained weight loss",
        "Weight loss you cannot explain",
        "weight loss you cannot explain",
    ),
    Term("cancer_history", "History of cancer", "Cancer now or in the past", "a history of cancer"),
    Term(
        "constant_night_pain",
        "Constant night pain",
        "Constant pain at night that does not ease when you change position",
        "constant pain at night",
    ),
    Term(
        "long_term_steroids",
        "Long-term steroid use",
        "Taking steroid medicine for a long time",
        "long-term steroid use",
    ),
)

CONSTRAINTS = (
    Term(
        "no_floor",
        "Cannot kneel or get down to the floor",
        "I cannot kneel or get down to the floor",
        "you cannot kneel or get down to the floor",
    ),
    Term(
        "no_overhead",
        "Shoulder cannot go overhead",
        "My shoulder cannot go overhead",
        "your shoulder cannot go overhead",
    ),
    Term(
        "no_wall", "No free wall", "I have no free wall to stand against", "you have no wall space"
    ),
    Term(
        "wrist_pain",
        "Cannot bear weight on the hands",
        "I cannot put weight on my hands or wrists",
        "you cannot bear weight on your hands",
    ),
    Term("osteoporosis", "Osteoporosis", "I have osteoporosis", "of osteoporosis"),
    Term("pregnancy", "Pregnancy", "I am pregnant", "you are pregnant"),
)

WORK_TYPES = (
    Term("desk", "Desk", "Desk or computer work"),
    Term("standing", "Standing", "Standing work (counter, lab, salon)"),
    Term("manual", "Manual", "Manual or lifting work"),
    Term("driving", "Driving", "Driving"),
    Term("shift", "Shift work", "Shift work"),
    Term("mixed", "Mixed", "A mix"),
)

IRRITABILITY = (
    Term(
        "low",
        "Low",
        "Settles quickly",
        hint="It eases within minutes once I move or change position.",
    ),
    Term(
        "moderate",
        "Moderate",
        "Takes a while",
        hint="It flares with some activities and takes an hour or so to settle.",
    ),
    Term(
        "high",
        "High",
        "Flares easily",
        hint="Small movements set it off, and it takes hours to settle.",
    ),
)

BREAKS = (
    Term("yes", "Yes", "Yes, I can stop for a few minutes most hours"),
    Term("sometimes", "Sometimes", "Sometimes"),
    Term("no", "No", "No, not during work"),
)

PREFERENCES = (
    Term("auto", "Choose for me", "Choose for me", hint="Based on your work and breaks."),
    Term(
        "workday",
        "Short breaks through the workday",
        "Short breaks through the day",
        hint="A minute or three every hour or so.",
    ),
    Term(
        "morning_evening",
        "Morning and evening (before and after work)",
        "Morning and evening",
        hint="The whole routine before and after work.",
    ),
)

WEEKDAYS = (
    Term("mon", "Mon", "Mon", "Monday"),
    Term("tue", "Tue", "Tue", "Tuesday"),
    Term("wed", "Wed", "Wed", "Wednesday"),
    Term("thu", "Thu", "Thu", "Thursday"),
    Term("fri", "Fri", "Fri", "Friday"),
    Term("sat", "Sat", "Sat", "Saturday"),
    Term("sun", "Sun", "Sun", "Sunday"),
)

# Minutes a day a person can give: the same choices for the clinic's intake and the self-guided.
MINUTE_CHOICES = (5, 10, 15, 20, 25, 30, 40, 45, 60)


def choices(terms: Iterable[Term], who: Who) -> list[tuple[str, str]]:
    """(code, words) pairs for a form's choices."""
    return [(t.code, t.words(who)) for t in terms]


def words(terms: Iterable[Term], code: str, who: Who) -> str:
    """The words for one code; an unknown code gets a neutral phrase, never the code itself."""
    for t in terms:
        if t.code == code:
            return t.words(who)
    return "another answer"


def clause(terms: Iterable[Term], code: str) -> str:
    for t in terms:
        if t.code == code:
            return t.clause
    return "another answer"


__all__ = [
    "BREAKS",
    "CONSTRAINTS",
    "IRRITABILITY",
    "MINUTE_CHOICES",
    "PREFERENCES",
    "RED_FLAGS",
    "STOP_REASONS",
    "WEEKDAYS",
    "WORK_TYPES",
    "Term",
    "choices",
    "clause",
    "words",
]
