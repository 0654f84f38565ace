from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from midback.care.devices import do_create_invite
from midback.core.demo import (
    DEMO_PRACTITIONER_EMAIL,
    DEMO_PRACTITIONER_PASSWORD,
    do_create_demo_clinic,
)


class Command(BaseCommand):
    help = "Serve MidBack for local use and print where to begin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not deliver reminders from this process (run `midback worker` instead)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        addrport: str = options["addrport"]
        # Static files are served under content-hashed names: collect them for this code.
        call_command("collectstatic", interactive=False, verbosity=0)
        # A log committed just before a crash may not have reached the dashboard's rollup yet.
        call_command("rebuildrollups", verbosity=0)
        base = f"http://{addrport}"
        demo = do_create_demo_clinic()
        _, code = do_create_invite(None, demo.patient, days=1)
        self.stdout.write(
            "\n".join(
                [
                    "",
                    f"MidBack is running at {base}/",
                    f"  Exercise library:      {base}/exercises/",
                    f"  Self-guided start:     {base}/start/",
                    f"  Demo patient's link:   {base}/join/{code}  (single use, 24 hours)",
                    f"  Clinic portal login:   {base}/clinic/login/"
                    f"  ({DEMO_PRACTITIONER_EMAIL} / {DEMO_PRACTITIONER_PASSWORD})",
                    f"  Reminder settings:     {base}/app/reminders/  (after opening the link)",
                    f"  API docs:              {base}/api/docs",
                    "  Reminders are delivered by "
                    + (
                        "`midback worker`." if options["no_worker"] else "a worker in this process."
                    ),
                    "Press Ctrl+C to stop.",
                    "",
                ]
            )
        )
        if not options["no_worker"]:
            threading.Thread(target=_embedded_worker, name="reminders", daemon=True).start()
        call_command("runserver", addrport, use_reloader=False)


def _embedded_worker() -> None:
    """The embedded default: one reminder worker beside the development server."""
    from midback.reminders.worker import Worker

    worker = Worker(None)
    try:
        worker.run(until_idle=False, poll=2.0, schedule_every=900.0)
    finally:
        worker.close()
