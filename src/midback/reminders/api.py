"""Reminder endpoints (web push subscriptions, snooze, skip) under /api/v1/."""

from ninja import Router

router = Router(tags=["reminders"])
