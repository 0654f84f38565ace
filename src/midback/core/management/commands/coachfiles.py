from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from midback.core.coachfiles import MissingPackages, copy_coach_files


class Command(BaseCommand):
    help = "Copy the camera coach's TensorFlow.js files and BlazePose models into build/static."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--node-modules", default=str(settings.REPO_DIR / "node_modules"))
        parser.add_argument("--dest", default=str(Path(settings.COACH_STATIC_DIR) / "coach/vendor"))

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            copied = copy_coach_files(Path(options["node_modules"]), Path(options["dest"]))
        except MissingPackages as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Camera coach files: {copied.written} written, {copied.unchanged} unchanged, "
            f"{copied.total_bytes / 1e6:.1f} MB in {options['dest']}"
        )
