"""Sending one Web Push message (RFC 8030/8291/8292) with pywebpush, and what the answer means."""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from py_vapid import Vapid
from pywebpush import WebPusher

from midback.care.outbound import OutboundRefused, guarded_create_connection
from midback.reminders.vapid import VapidKeys

VAPID_LIFETIME = 12 * 3600  # push services refuse tokens that live longer than 24 hours
VAPID_RENEW_BEFORE = 3600


@dataclass(frozen=True)
class PushResult:
    """What a push service answered: delivered, gone (drop the subscription) or retry later."""

    status: int  # HTTP status, or 0 when the service could not be reached
    retry_after: float | None = None
    error: str = ""
    refused: bool = False  # the endpoint's host now resolves to an address we never contact

    @property
    def delivered(self) -> bool:
        return 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        return self.status in (404, 410) or self.refused

    @property
    def retryable(self) -> bool:
        return (self.status == 0 and not self.refused) or self.status == 429 or self.status >= 500


class PushSender:
    """Signs and sends pushes. Safe to share between threads: each thread has its own session.

    The VAPID JWT is signed once per push service origin and reused until an hour before it
    expires, as RFC 8292 allows; signing each message would cost more than encrypting it.
    """

    def __init__(
        self, keys: VapidKeys, subject: str, timeout: float, *, allow_loopback: bool = False
    ) -> None:
        self._vapid = Vapid.from_string(private_key=keys.private_key)
        self._subject = subject
        self._timeout = timeout
        self._allow_loopback = allow_loopback
        self._local = threading.local()
        self._headers: dict[str, tuple[float, dict[str, str]]] = {}
        self._lock = threading.Lock()

    def _session(self) -> KeepAliveSession:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = KeepAliveSession(
                self._timeout, allow_loopback=self._allow_loopback
            )
        return session

    def vapid_headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        now = time.time()
        with self._lock:
            cached = self._headers.get(audience)
            if cached is None or cached[0] - now < VAPID_RENEW_BEFORE:
                expires = int(now) + VAPID_LIFETIME
                # A fresh claims dict each time: signing adds keys to the one it is given.
                claims = {"sub": self._subject, "aud": audience, "exp": expires}
                cached = (float(expires), dict(self._vapid.sign(claims)))
                self._headers[audience] = cached
            return cached[1]

    def send(
        self, subscription: dict[str, object], payload: bytes, *, topic: str, ttl: int
    ) -> PushResult:
        """Encrypt `payload` for the subscription (aes128gcm) and POST it with Topic and TTL."""
        endpoint = str(subscription["endpoint"])
        headers = {**self.vapid_headers(endpoint), "Topic": topic, "Urgency": "high"}
        try:
            response: Any = WebPusher(
                subscription,
                requests_session=self._session(),
            ).send(payload, headers, ttl=max(ttl, 1), timeout=self._timeout)
        except OutboundRefused as exc:
            return PushResult(status=0, error=f"refused: {exc}"[:200], refused=True)
        except (OSError, http.client.HTTPException) as exc:
            return PushResult(status=0, error=f"{type(exc).__name__}: {exc}"[:200])
        retry_after = _seconds(response.headers.get("Retry-After"))
        error = "" if response.ok else f"{response.status_code} {response.text[:150]}"
        return PushResult(status=response.status_code, retry_after=retry_after, error=error)


def _seconds(value: str | None) -> float | None:
    """Retry-After as seconds from now; it may be a number of seconds or an HTTP date."""
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


@dataclass
class _Response:
    status_code: int
    headers: Any
    text: str

    @property
    def ok(self) -> bool:
        return self.status_code < 400


class KeepAliveSession:
    """What pywebpush needs of a requests.Session (`post`), on http.client keep-alive connections.

    requests costs about 0.35 ms of CPU per POST more than http.client on this machine, which was
    a third of a send; a worker talks to a handful of push services, so one connection per origin
    and thread is all the pooling needed. HTTPS verifies certificates (the default SSL context).
    Every new connection goes through the outbound guard: only to public addresses, checked as
    it connects.
    """

    def __init__(self, timeout: float, *, allow_loopback: bool = False) -> None:
        self._timeout = timeout
        self._create_connection = guarded_create_connection(allow_loopback=allow_loopback)
        self._connections: dict[tuple[str, str], http.client.HTTPConnection] = {}
        self._tls = ssl.create_default_context()

    def _connection(self, scheme: str, netloc: str) -> http.client.HTTPConnection:
        found = self._connections.get((scheme, netloc))
        if found is None:
            if scheme == "https":
                found = http.client.HTTPSConnection(
                    netloc, timeout=self._timeout, context=self._tls
                )
            else:
                found = http.client.HTTPConnection(netloc, timeout=self._timeout)
            found._create_connection = self._create_connection  # type: ignore[attr-defined]
            self._connections[(scheme, netloc)] = found
        return found

    def post(
        self, url: str, data: bytes | None = None, headers: Any = None, timeout: Any = None
    ) -> _Response:
        parts = urlsplit(url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):
            reused = (parts.scheme, parts.netloc) in self._connections
            connection = self._connection(parts.scheme, parts.netloc)
            try:
                connection.request("POST", target, body=data or b"", headers=dict(headers or {}))
                response = connection.getresponse()
                body = response.read()
            except OutboundRefused:
                connection.close()
                del self._connections[(parts.scheme, parts.netloc)]
                raise
            except (OSError, http.client.HTTPException):
                connection.close()
                del self._connections[(parts.scheme, parts.netloc)]
                # A kept-alive connection the server had already closed: try once on a new one.
                # (Should the first have arrived after all, the Topic makes the repeat harmless.)
                if reused and attempt == 1:
                    continue
                raise
            if response.will_close:
                connection.close()
                del self._connections[(parts.scheme, parts.netloc)]
            return _Response(response.status, response.headers, body.decode(errors="replace"))
        raise AssertionError("unreachable")
