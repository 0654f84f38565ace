from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from midback.content.actions import do_sync_library
from midback.content.loader import LIBRARY_DIR, LibraryError, load_library


class Command(BaseCommand):
    help = "Load the exercise data files into the database (idempotent; changed files get a new version)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=LIBRARY_DIR, help="folder of *.toml files")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            library = load_library(options["dir"])
        except LibraryError as exc:
            raise CommandError(str(exc)) from exc
        report = do_sync_library(library)
        self.stdout.write(
            f"Library: {len(report.created)} new, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged ({len(library)} exercises)."
        )
