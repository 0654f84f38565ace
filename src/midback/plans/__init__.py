"""Tailoring engine: intake, planner, session scripts and progression. Plain Python, no Django.

- `intake`: the person's answers (DESIGN.md section 7), strictly validated.
- `protocol`: every number the engine uses, named, with the v1 defaults of DESIGN.md section 5.
- `planner`: `plan(intake, library)` -> a `Plan` (items, weekly schedule, reasons, advice).
- `script`: a plan's items compiled into timed steps for the guided player.
- `assessment`: `assess(...)` -> adherence, pain trend, flags and the step up/keep/down
  suggestion, the one place these are decided.
- `progression`: what one step of a dose up or down is.
"""
