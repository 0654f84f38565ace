"""The reminder worker: claims due reminders with a lease, sends them, marks them (and, beside
them, the clinic's webhook events: `webhooks.py`, same design). What it promises:

- **Each reminder is claimed by one worker at a time.** A claim sets `status=claimed`, a unique
  lease token and `lease_until`. On PostgreSQL the candidates are picked with
  `SELECT ... FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint batches without
  waiting; on SQLite the claim runs in an IMMEDIATE transaction (writers serialise) and the
  UPDATE re-checks the claimable condition, so it is safe there too (but one writer at a time).
- **Exactly-once marking.** A reminder becomes `sent` (or `missed`, `failed`) by a conditional
  UPDATE that names the lease token; only the current holder's mark can succeed, once. A worker
  that lost its lease (it stalled past `lease_until` and another worker took over) marks nothing.
- **At-least-once delivery to the push service or mail server, never silently lost.** If a worker
  dies (even SIGKILL) after claiming, its lease runs out and another worker takes the reminder
  over. There is no way to make "sent" and "marked sent" one atomic step with an outside
  service, so a crash between the two sends that block again. The resend is harmless by
  construction: a push carries the block id as its `Topic` header (RFC 8030: the push service
  replaces an undelivered message with the same Topic) and as the notification `tag` (the
  browser replaces a shown notification with the same tag instead of stacking a second one);
  an email carries a stable `Message-ID` (`<block id>.<channel>@<site host>`), which mail
  clients use to drop duplicates. The window is small and bounded: each reminder is marked as
  soon as its send returns, and a new send starts only once a finished one is marked, so a
  crashed worker can have sent at most `--concurrency` reminders (default 8) without marking them.
- **Never hours late.** A reminder is sent only until `due_at + grace` (REMINDER_GRACE_MINUTES,
  15 by default); after that it is marked `missed` instead. The push TTL is the time left in
  the grace period, so the push service also drops it rather than deliver it late.
- **Push services' answers.** 2xx: sent. 404/410: that subscription is deleted (the browser
  unsubscribed). 429 and 5xx (and unreachable): retried with exponential backoff, honouring
  Retry-After, while the grace period lasts. Any other 4xx: failed, not retried.
- Quiet hours, days off, skips and snoozes are applied when reminders are scheduled
  (`actions.sync_patient`); the worker sends what is due.
- **The nudge** (one follow-up 20 minutes after a break, `Reminder.Channel.NUDGE`) is scheduled
  only outside quiet hours, busy time and after-work time, and is checked again when due: it is
  not sent (marked skipped) when the break was logged, snoozed or skipped. It goes by push when
  the person has it on a device, else by email, with the same lease, Topic (its own id), tag
  (the break's id, so it replaces the break's notification) and Message-ID rules.
- **The dashboard's rollup**: every pass also rolls up the session logs stored since the last
  one (`care.rollup.roll_up_pending`, one indexed query when there are none).
- **Calendars**: every 15 minutes (with the scheduling pass) linked work calendars are read
  again (`workcal.refresh_due`), and a change of busy time re-times pending reminders.
"""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import threading
import time as clock
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from midback.care.models import Patient, SessionLog
from midback.care.rollup import BATCH as ROLLUP_BATCH
from midback.care.rollup import roll_up_pending
from midback.reminders import messages, workcal
from midback.reminders.actions import (
    current_intake,
    current_plan,
    placed_occurrences,
    preferences,
    settings_for,
    sync_all,
)
from midback.reminders.conf import ReminderConf, conf
from midback.reminders.models import PushSubscription, Reminder
from midback.reminders.push import PushResult, PushSender
from midback.reminders.schedule import block_id
from midback.reminders.vapid import vapid_keys
from midback.reminders.webhooks import WebhookSender

log = logging.getLogger(__name__)

BACKOFF_FIRST = 5.0
BACKOFF_MAX = 300.0


@dataclass
class Stats:
    """What one or more batches did."""

    claimed: int = 0
    sent: int = 0
    missed: int = 0
    retried: int = 0
    failed: int = 0
    lost_lease: int = 0
    dropped_subscriptions: int = 0
    skipped: int = 0  # nudges no longer needed (the break was logged, snoozed or skipped)
    events_delivered: int = 0
    events_retried: int = 0
    events_failed: int = 0
    rollup_days: int = 0  # patient-days recomputed from logs not rolled up yet
    rollup_logs: int = 0

    def add(self, other: Stats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Outcome:
    """The result of sending one reminder, decided in a sending thread, applied by the main one."""

    reminder: Reminder
    delivered: bool = False
    retry_after: float | None = None  # set: retry (None with retry=False means final)
    retry: bool = False
    error: str = ""
    gone: list[int] = field(default_factory=list)


def backoff(attempts: int, retry_after: float | None) -> float:
    """Seconds to wait before the next attempt: doubling from 5 s to 5 min, or what was asked."""
    wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))
    return max(wait, retry_after or 0.0)


class Worker:
    """Claims, sends and marks due reminders. One per process; sends run on a small thread pool.

    Only the main thread touches the database; the pool does network I/O (push and SMTP), so
    many slow push services can be waited on at once.
    """

    def __init__(
        self,
        name: str | None = None,
        *,
        batch: int = 200,
        concurrency: int = 8,
        sender: PushSender | None = None,
        now: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.name = (name or f"{socket.gethostname()}:{os.getpid()}")[:40]
        self.batch = batch
        self.concurrency = concurrency
        self.conf: ReminderConf = conf()
        self.now = now
        self._sender = sender
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="push")
        self._mail = threading.local()
        self.stopping = False
        self.webhooks = WebhookSender(
            self.name, concurrency=concurrency, lease=self.conf.lease, now=now
        )

    @property
    def sender(self) -> PushSender:
        if self._sender is None:
            self._sender = PushSender(
                vapid_keys(),
                self.conf.vapid_subject,
                self.conf.push_timeout,
                allow_loopback=self.conf.allow_http_push,
            )
        return self._sender

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.webhooks.close()

    # Claiming ----------------------------------------------------------------------------------

    def claim(self) -> tuple[str, list[Reminder]]:
        """Lease up to `batch` due reminders to this worker; returns the lease token and the rows."""
        now = self.now()
        token = f"{self.name}:{uuid.uuid4().hex[:12]}"
        claimable = Q(status=Reminder.Status.PENDING, not_before__lte=now) | Q(
            status=Reminder.Status.CLAIMED, lease_until__lt=now
        )
        with transaction.atomic():
            candidates = Reminder.objects.filter(claimable).order_by("not_before")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(candidates.values_list("id", flat=True)[: self.batch])
            if not ids:
                return token, []
            # The condition again: on SQLite (no row locks) it is what makes a claim exclusive.
            Reminder.objects.filter(claimable, id__in=ids).update(
                status=Reminder.Status.CLAIMED,
                lease_owner=token,
                lease_until=now + self.conf.lease,
                attempts=F("attempts") + 1,
            )
        rows = list(
            Reminder.objects.select_related("patient").filter(
                lease_owner=token, status=Reminder.Status.CLAIMED
            )
        )
        return token, rows

    def _mark(self, token: str, reminder: Reminder, **fields: Any) -> bool:
        """Apply a final or retry state, if this worker still holds the lease. Exactly once."""
        return (
            Reminder.objects.filter(
                pk=reminder.pk, lease_owner=token, status=Reminder.Status.CLAIMED
            ).update(**fields)
            == 1
        )

    # One batch ---------------------------------------------------------------------------------

    def run_once(self) -> Stats:
        """Claim one batch, send what is still within its grace period, mark each as it returns."""
        stats = Stats()
        token, rows = self.claim()
        stats.claimed = len(rows)
        if not rows:
            return stats
        now = self.now()
        late = [r for r in rows if now > r.due_at + self.conf.grace]
        for reminder in late:
            if self._mark(token, reminder, status=Reminder.Status.MISSED, lease_until=None):
                stats.missed += 1
            else:
                stats.lost_lease += 1
        late_ids = {r.pk for r in late}
        due = [r for r in rows if r.pk not in late_ids]
        for reminder, why in self._nudges_not_needed(due):
            if self._mark(
                token, reminder, status=Reminder.Status.SKIPPED, lease_until=None, last_error=why
            ):
                stats.skipped += 1
            else:
                stats.lost_lease += 1
            due.remove(reminder)
        subscriptions = self._subscriptions(
            {r.patient_id for r in due if r.channel in ("push", "nudge")}
        )
        if subscriptions:
            self.sender  # noqa: B018 - loads the VAPID key here: the sending threads must not query
        # A sliding window: a new send starts only when a finished one has been marked, so at
        # any moment at most `concurrency` reminders are sent-but-not-yet-marked. That bounds
        # what a crash can make us send twice, whatever the database's speed.
        jobs = [self._job(r, subscriptions.get(r.patient_id, []), now) for r in due]
        in_flight: set[Future[Outcome]] = set()
        for job in jobs:
            in_flight.add(self._pool.submit(job))
            if len(in_flight) >= self.concurrency:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                self._apply(token, [f.result() for f in done], stats)
        if in_flight:
            self._apply(token, [f.result() for f in wait(in_flight).done], stats)
        return stats

    def _nudges_not_needed(self, rows: list[Reminder]) -> list[tuple[Reminder, str]]:
        """Nudges whose break was logged, snoozed or skipped since they were scheduled."""
        out = []
        for reminder in rows:
            if reminder.channel != Reminder.Channel.NUDGE:
                continue
            patient = reminder.patient
            if SessionLog.objects.filter(
                patient=patient, block_day=reminder.local_date, block_time=reminder.local_time
            ).exists():
                out.append((reminder, "not needed: the break was logged"))
                continue
            salt = settings_for(patient).block_salt
            bid = block_id(salt, reminder.local_date, reminder.local_time.strftime("%H%M"))
            if (
                Reminder.objects.filter(patient=patient, block_id=bid)
                .filter(Q(snoozed=True) | Q(status=Reminder.Status.SKIPPED))
                .exists()
            ):
                out.append((reminder, "not needed: the break was snoozed or skipped"))
        return out

    def _subscriptions(self, patient_ids: set[int]) -> dict[int, list[PushSubscription]]:
        found: dict[int, list[PushSubscription]] = {}
        for sub in PushSubscription.objects.filter(patient_id__in=patient_ids):
            found.setdefault(sub.patient_id, []).append(sub)
        return found

    def _job(
        self, reminder: Reminder, subs: list[PushSubscription], now: datetime
    ) -> Callable[[], Outcome]:
        """Prepare everything that needs the database here, so the thread only talks to the network."""
        if reminder.channel == Reminder.Channel.NUDGE:
            if subs and settings_for(reminder.patient).push_enabled:
                payload = messages.nudge_payload(reminder, self._break_id(reminder))
                ttl = int((reminder.due_at + self.conf.grace - now).total_seconds())
                infos = [(s.pk, s.info()) for s in subs]
                return lambda: self._send_push(reminder, infos, payload, ttl)
            nudge = messages.nudge_email(reminder, reminder.patient)
            return lambda: self._send_email(reminder, nudge)
        if reminder.channel == Reminder.Channel.PUSH:
            payload = messages.push_payload(reminder)
            ttl = int((reminder.due_at + self.conf.grace - now).total_seconds())
            infos = [(s.pk, s.info()) for s in subs]
            return lambda: self._send_push(reminder, infos, payload, ttl)
        if reminder.channel == Reminder.Channel.DIGEST:
            message = messages.digest_email(reminder, reminder.patient, self._day_lines(reminder))
        else:
            message = messages.block_email(reminder, reminder.patient)
        return lambda: self._send_email(reminder, message)

    def _break_id(self, reminder: Reminder) -> str:
        salt = settings_for(reminder.patient).block_salt
        return block_id(salt, reminder.local_date, reminder.local_time.strftime("%H%M"))

    def _day_lines(self, reminder: Reminder) -> list[str]:
        patient: Patient = reminder.patient
        plan, _ = current_plan(patient)
        prefs = preferences(settings_for(patient))
        lines = []
        day = reminder.local_date
        pinned = messages.pinned_names(patient.pk)
        for occ, exercises, minutes in placed_occurrences(
            patient, plan, current_intake(patient), day, day
        ):
            if prefs.allows(occ):
                names = messages.exercise_names(exercises, pinned)
                lines.append(f"{occ.local_start:%H:%M}  {names} · {minutes} min")
        return lines

    def _send_push(
        self,
        reminder: Reminder,
        subs: list[tuple[int, dict[str, object]]],
        payload: bytes,
        ttl: int,
    ) -> Outcome:
        outcome = Outcome(reminder=reminder)
        if not subs:
            outcome.error = "no push subscription"
            return outcome
        results: list[PushResult] = []
        for sub_id, info in subs:
            result = self.sender.send(info, payload, topic=reminder.block_id, ttl=ttl)
            results.append(result)
            if result.gone:
                outcome.gone.append(sub_id)
        retryable = [r for r in results if r.retryable]
        if retryable:
            # Resending to the subscriptions that did answer 2xx is harmless (same Topic and tag).
            outcome.retry = True
            outcome.retry_after = max((r.retry_after or 0.0) for r in retryable)
            outcome.error = retryable[0].error or f"{retryable[0].status}"
        elif any(r.delivered for r in results):
            outcome.delivered = True
        else:
            outcome.error = next((r.error for r in results if r.error), "not delivered")
        return outcome

    def _send_email(self, reminder: Reminder, message: EmailMessage) -> Outcome:
        outcome = Outcome(reminder=reminder)
        if not message.to or not message.to[0]:
            outcome.error = "no email address"
            return outcome
        mail = getattr(self._mail, "connection", None)
        if mail is None:
            mail = self._mail.connection = get_connection()
        message.connection = mail
        try:
            message.send()
            outcome.delivered = True
        except smtplib.SMTPRecipientsRefused as exc:
            outcome.error = f"recipient refused: {exc}"[:200]
        except smtplib.SMTPResponseException as exc:
            outcome.retry = exc.smtp_code < 500 or exc.smtp_code >= 600
            outcome.error = f"SMTP {exc.smtp_code}"
        except (smtplib.SMTPException, OSError) as exc:
            self._mail.connection = None  # reconnect next time
            outcome.retry = True
            outcome.error = f"{type(exc).__name__}: {exc}"[:200]
        return outcome

    def _apply(self, token: str, outcomes: list[Outcome], stats: Stats) -> None:
        """Mark what finished. All that were delivered are marked by one UPDATE (the sends that
        finish while the database is busy pile up, so the marks keep pace with the sends)."""
        now = self.now()
        gone = [sub for o in outcomes for sub in o.gone]
        if gone:
            stats.dropped_subscriptions += PushSubscription.objects.filter(pk__in=gone).delete()[0]
        delivered = [o.reminder.pk for o in outcomes if o.delivered]
        if delivered:
            marked = Reminder.objects.filter(
                pk__in=delivered, lease_owner=token, status=Reminder.Status.CLAIMED
            ).update(status=Reminder.Status.SENT, sent_at=now, lease_until=None, last_error="")
            stats.sent += marked
            stats.lost_lease += len(delivered) - marked
        for outcome in outcomes:
            if not outcome.delivered:
                self._apply_one(token, outcome, stats, now)

    def _apply_one(self, token: str, outcome: Outcome, stats: Stats, now: datetime) -> None:
        reminder = outcome.reminder
        fields: dict[str, Any] = {"lease_until": None, "last_error": outcome.error[:200]}
        if outcome.retry:
            wait_for = backoff(reminder.attempts, outcome.retry_after)  # counts this attempt
            retry_at = now + timedelta(seconds=wait_for)
            if retry_at > reminder.due_at + self.conf.grace:
                fields["status"], counter = Reminder.Status.MISSED, "missed"
            else:
                fields.update(status=Reminder.Status.PENDING, not_before=retry_at, lease_owner="")
                counter = "retried"
        else:
            fields["status"], counter = Reminder.Status.FAILED, "failed"
        if self._mark(token, reminder, **fields):
            setattr(stats, counter, getattr(stats, counter) + 1)
        else:
            stats.lost_lease += 1
            log.warning("lost the lease on reminder %s before marking it", reminder.pk)

    # The loop ----------------------------------------------------------------------------------

    def run(
        self,
        *,
        until_idle: bool = False,
        poll: float = 1.0,
        schedule_every: float = 900.0,
        on_batch: Callable[[Stats], None] | None = None,
    ) -> Stats:
        """Work until stopped (or, with `until_idle`, until nothing is due or leased)."""
        total = Stats()
        next_schedule = 0.0
        while not self.stopping:
            if schedule_every and clock.monotonic() >= next_schedule:
                workcal.refresh_due(self.now())
                sync_all(self.now())
                next_schedule = clock.monotonic() + schedule_every
            stats = self.run_once()
            rolled = roll_up_pending()
            stats.rollup_days, stats.rollup_logs = rolled.days, rolled.logs
            events = self.webhooks.run_once()
            stats.events_delivered += events["delivered"]
            stats.events_retried += events["retried"]
            stats.events_failed += events["failed"]
            stats.lost_lease += events["lost_lease"]
            total.add(stats)
            busy = stats.claimed or events["claimed"] or rolled.logs >= ROLLUP_BATCH
            if on_batch is not None and busy:
                on_batch(stats)
            if busy:
                continue
            if until_idle and not self._anything_left():
                break
            clock.sleep(poll)
        return total

    def _anything_left(self) -> bool:
        """Reminders due now or held by a (possibly dead) worker whose lease has not ended yet."""
        now = self.now()
        return (
            Reminder.objects.filter(
                Q(status=Reminder.Status.PENDING, not_before__lte=now)
                | Q(status=Reminder.Status.CLAIMED)
            ).exists()
            or self.webhooks.anything_left()
        )
