"""`midback worker`: deliver due reminders (web push and email) and the clinic's webhook events.
Run one or more, anywhere."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from midback.reminders.worker import Stats, Worker


class Command(BaseCommand):
    help = (
        "Deliver due reminders by web push and email. Safe to run several at once "
        "(they share the work through leases); see midback/reminders/worker.py for what is "
        "guaranteed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="worker name in leases and logs (default host:pid)")
        parser.add_argument("--batch", type=int, default=200, help="reminders per claim")
        parser.add_argument("--concurrency", type=int, default=8, help="sends in flight")
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="exit when nothing is due or leased (tests, benchmarks, cron)",
        )
        parser.add_argument(
            "--schedule-every",
            type=float,
            default=900.0,
            help="seconds between passes that write the next days' reminders (0: never)",
        )
        parser.add_argument("--poll", type=float, default=1.0, help="seconds to wait when idle")

    def handle(self, *args: Any, **options: Any) -> None:
        worker = Worker(options["name"], batch=options["batch"], concurrency=options["concurrency"])

        def stop(signum: int, frame: object) -> None:
            # Finish the batch in hand (its sends are marked), then leave.
            worker.stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        started = time.monotonic()
        verbose = options["verbosity"] >= 2

        def report(stats: Stats) -> None:
            if verbose:
                self.stdout.write(f"{worker.name}: {stats}")

        try:
            total = worker.run(
                until_idle=options["until_idle"],
                poll=options["poll"],
                schedule_every=options["schedule_every"],
                on_batch=report,
            )
        finally:
            worker.close()
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{worker.name}: sent {total.sent}, missed {total.missed}, retried {total.retried}, "
            f"failed {total.failed}, lost leases {total.lost_lease}, "
            f"dropped subscriptions {total.dropped_subscriptions}; webhook events delivered "
            f"{total.events_delivered}, retried {total.events_retried}, failed "
            f"{total.events_failed}; rolled up {total.rollup_logs} logs in {total.rollup_days} "
            f"patient-days in {seconds:.1f} s"
        )
