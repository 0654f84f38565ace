"""Delivering the clinic's webhook events: the outbox rows `care.events` writes, sent by the
reminders worker with the same leased-claim design as reminders (`worker.py`):

- **One worker at a time per row.** A claim sets `status=claimed`, a unique lease token and
  `lease_until` (`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL; a conditional UPDATE on
  SQLite). Marks name the token, so only the current holder's mark counts, once.
- **At least once, with a stable id.** A worker that dies after sending but before marking
  leaves a lease that runs out; another worker sends the event again with the same event id
  (`MidBack-Event-Id` and the body's `id`), so the receiver drops the repeat. A new send
  starts only when a finished one is marked, so a crash repeats at most `concurrency` events.
- **Retries with backoff.** Anything but a 2xx answer (or no answer) is retried after 10 s,
  doubling to at most an hour, `MAX_ATTEMPTS` times in all (about 17 hours); then `failed`.
- **Signed.** `MidBack-Signature: v1=<hex>` is HMAC-SHA256 over `<timestamp>.<body>` with the
  endpoint's secret, and `MidBack-Timestamp` is the Unix time of this attempt; receivers refuse
  a timestamp more than five minutes away from their clock (README has the recipe).
- **Only allowed addresses.** Every connection goes through `care.outbound`'s guard, which
  connects only to a public address it has just checked (loopback only where
  WEBHOOK_ALLOW_LOOPBACK is set, for tests).
"""

from __future__ import annotations

import http.client
import logging
import time as clock
import uuid
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from midback.care.integrations import signature, webhook_loopback_allowed
from midback.care.models import WebhookDelivery
from midback.care.outbound import OutboundRefused, guarded_create_connection

log = logging.getLogger(__name__)

BACKOFF_FIRST = 10.0
BACKOFF_MAX = 3600.0
MAX_ATTEMPTS = 24
TIMEOUT = 10.0
USER_AGENT = "MidBack-Webhooks/1"


@dataclass
class Sent:
    delivery: WebhookDelivery
    ok: bool
    error: str = ""


def backoff(attempts: int) -> float:
    """Seconds before the next attempt: 10 s doubling to an hour."""
    return min(BACKOFF_MAX, BACKOFF_FIRST * 2 ** max(0, attempts - 1))


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    allow_loopback: bool,
    timeout: float = TIMEOUT,
) -> int:
    """POST `body` to `url` through the outbound guard; the answer's status."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    conn_class = (
        http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    )
    conn = conn_class(host, parts.port, timeout=timeout)
    conn._create_connection = guarded_create_connection(  # type: ignore[attr-defined]
        allow_loopback=allow_loopback
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read(4096)
        return response.status
    finally:
        conn.close()


class WebhookSender:
    """Claims, sends and marks webhook deliveries; the reminders worker runs one beside its own
    work. Only the calling thread touches the database; the pool only does network I/O."""

    def __init__(
        self,
        name: str,
        *,
        batch: int = 100,
        concurrency: int = 8,
        lease: timedelta = timedelta(seconds=60),
        now: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.name = name
        self.batch = batch
        self.concurrency = concurrency
        self.lease = lease
        self.now = now
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="webhook")

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def _claimable(self, now: datetime) -> Q:
        return Q(status=WebhookDelivery.Status.PENDING, not_before__lte=now) | Q(
            status=WebhookDelivery.Status.CLAIMED, lease_until__lt=now
        )

    def claim(self) -> tuple[str, list[WebhookDelivery]]:
        now = self.now()
        token = f"{self.name}:{uuid.uuid4().hex[:12]}"
        claimable = self._claimable(now)
        with transaction.atomic():
            candidates = WebhookDelivery.objects.filter(claimable).order_by("not_before", "pk")
            if connection.features.has_select_for_update_skip_locked:
                candidates = candidates.select_for_update(skip_locked=True)
            ids = list(candidates.values_list("id", flat=True)[: self.batch])
            if not ids:
                return token, []
            WebhookDelivery.objects.filter(claimable, id__in=ids).update(
                status=WebhookDelivery.Status.CLAIMED,
                lease_owner=token,
                lease_until=now + self.lease,
                attempts=F("attempts") + 1,
            )
        rows = list(
            WebhookDelivery.objects.select_related("endpoint")
            .filter(lease_owner=token, status=WebhookDelivery.Status.CLAIMED)
            .order_by("created_at", "pk")
        )
        return token, rows

    def run_once(self) -> dict[str, int]:
        """Claim one batch and send it, marking each as its answer comes."""
        counts = {"claimed": 0, "delivered": 0, "retried": 0, "failed": 0, "lost_lease": 0}
        token, rows = self.claim()
        counts["claimed"] = len(rows)
        allow = webhook_loopback_allowed()
        in_flight: set[Future[Sent]] = set()
        for row in rows:
            in_flight.add(self._pool.submit(self._send, row, allow))
            if len(in_flight) >= self.concurrency:
                done, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in done:
                    self._mark(token, future.result(), counts)
        for future in wait(in_flight).done:
            self._mark(token, future.result(), counts)
        return counts

    def _send(self, delivery: WebhookDelivery, allow_loopback: bool) -> Sent:
        body = delivery.body.encode()
        timestamp = int(clock.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "MidBack-Event-Id": str(delivery.event_id),
            "MidBack-Event": delivery.event_type,
            "MidBack-Timestamp": str(timestamp),
            "MidBack-Signature": signature(delivery.endpoint.secret, timestamp, body),
        }
        try:
            status = post(delivery.endpoint.url, body, headers, allow_loopback=allow_loopback)
        except OutboundRefused as exc:
            return Sent(delivery, False, f"refused: {exc}"[:200])
        except (OSError, http.client.HTTPException) as exc:
            return Sent(delivery, False, f"{type(exc).__name__}: {exc}"[:200])
        if 200 <= status < 300:
            return Sent(delivery, True)
        return Sent(delivery, False, f"answered {status}")

    def _mark(self, token: str, sent: Sent, counts: dict[str, int]) -> None:
        row = sent.delivery
        now = self.now()
        fields: dict[str, Any] = {"lease_until": None, "last_error": sent.error}
        if sent.ok:
            fields.update(status=WebhookDelivery.Status.DELIVERED, delivered_at=now)
            counter = "delivered"
        elif row.attempts >= MAX_ATTEMPTS:
            fields["status"], counter = WebhookDelivery.Status.FAILED, "failed"
        else:
            fields.update(
                status=WebhookDelivery.Status.PENDING,
                not_before=now + timedelta(seconds=backoff(row.attempts)),
                lease_owner="",
            )
            counter = "retried"
        marked = WebhookDelivery.objects.filter(
            pk=row.pk, lease_owner=token, status=WebhookDelivery.Status.CLAIMED
        ).update(**fields)
        if marked:
            counts[counter] += 1
        else:
            counts["lost_lease"] += 1
            log.warning("lost the lease on webhook delivery %s before marking it", row.pk)

    def anything_left(self) -> bool:
        """Deliveries due now, or held by a (possibly dead) worker."""
        now = self.now()
        return WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING, not_before__lte=now)
            | Q(status=WebhookDelivery.Status.CLAIMED)
        ).exists()
