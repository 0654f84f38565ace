from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from midback.care.rollup import rebuild_patient_days


class Command(BaseCommand):
    help = (
        "Remake the dashboard's daily rollups from the session logs: the days of logs received "
        "in the last --hours (default 48), or every day with --all. Safe to run at any time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=48)
        parser.add_argument("--all", action="store_true", help="every day that has a log")

    def handle(self, *args: Any, **options: Any) -> None:
        hours: int = options["hours"]
        if hours < 1:
            raise CommandError("--hours must be at least 1")
        since = None if options["all"] else timezone.now() - timedelta(hours=hours)
        count = rebuild_patient_days(since)
        if options["verbosity"] > 0:
            self.stdout.write(f"Rebuilt {count} patient-day rollups from the logs.")
