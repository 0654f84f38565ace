from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from midback.core.demo import do_create_demo_clinic


class Command(BaseCommand):
    help = "Create the demo clinic and its practitioner (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        demo = do_create_demo_clinic()
        self.stdout.write(f"Demo clinic: {demo.clinic.name} ({demo.practitioner.display_name}).")
