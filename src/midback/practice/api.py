"""The patient's endpoints under /api/v1/me/: today, session scripts, logs, check-ins."""

from ninja import Router

router = Router(tags=["patient"])
