from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from midback.content.loader import LibraryError, load_library
from midback.plans.intake import IntakeError, parse_intake
from midback.plans.planner import plan, plan_text


class Command(BaseCommand):
    help = (
        "Tailor a plan from an intake JSON file (DESIGN.md section 7) and print it as JSON, "
        "or as a readable summary with --text. Use '-' to read standard input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--intake", required=True, help="intake JSON file, or - for stdin")
        parser.add_argument("--text", action="store_true", help="print a readable summary")

    def handle(self, *args: Any, **options: Any) -> None:
        source: str = options["intake"]
        try:
            raw = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"--intake: cannot read {source}: {exc.strerror}") from exc
        try:
            intake = parse_intake(raw)
            library = load_library()
        except IntakeError as exc:
            name = "stdin" if source == "-" else source
            raise CommandError(f"{name}: field '{exc.field}': {exc.message}") from exc
        except LibraryError as exc:
            raise CommandError(str(exc)) from exc
        result = plan(intake, library)
        if options["text"]:
            self.stdout.write(plan_text(result, library))
        else:
            self.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
