"""Loopback stand-ins for the outside services: a Web Push service that decrypts what it gets
(RFC 8291, with the subscription's private key and auth secret) and checks the VAPID token, and
a real SMTP server (aiosmtpd). Both listen on ports the OS picks."""

from __future__ import annotations

import base64
import email.policy
import json
import os
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass
class Received:
    """One push as the service saw it, after decryption."""

    subscription: str
    topic: str
    ttl: int
    urgency: str
    payload: dict[str, Any]
    vapid_ok: bool


@dataclass
class Device:
    """A browser's side of a subscription: the keys only it holds."""

    name: str
    key: ec.EllipticCurvePrivateKey
    auth: bytes
    endpoint: str

    def subscription_json(self) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)},
        }


@dataclass
class PushService:
    """A push service on 127.0.0.1: `answers[name]` lists statuses to give next (then 201)."""

    server: ThreadingHTTPServer
    devices: dict[str, Device] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    answers: dict[str, list[int]] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def device(self, name: str) -> Device:
        device = Device(
            name=name,
            key=ec.generate_private_key(ec.SECP256R1()),
            auth=os.urandom(16),
            endpoint=f"{self.url}/push/{name}",
        )
        self.devices[name] = device
        return device

    def topics(self) -> Counter[str]:
        with self.lock:
            return Counter(r.topic for r in self.received)

    def wait_for(self, count: int, timeout: float = 60.0) -> bool:
        """Block until `count` pushes have arrived (the test waits on events, not on a clock)."""
        with self.arrived:
            return self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout)

    def handle(self, name: str, headers: Any, body: bytes) -> int:
        with self.lock:
            queued = self.answers.get(name)
            status = queued.pop(0) if queued else 201
        if status != 201:
            return status
        device = self.devices.get(name)
        if device is None:
            return 404
        plain = http_ece.decrypt(
            body, private_key=device.key, auth_secret=device.auth, version="aes128gcm"
        )
        try:
            vapid_ok = bool(Vapid02.verify(headers.get("Authorization", "")))
        except Exception:
            vapid_ok = False
        received = Received(
            subscription=name,
            topic=headers.get("Topic", ""),
            ttl=int(headers.get("TTL", "0")),
            urgency=headers.get("Urgency", ""),
            payload=json.loads(plain),
            vapid_ok=vapid_ok,
        )
        with self.lock:
            self.received.append(received)
        with self.arrived:
            self.arrived.notify_all()
        return 201


def start_push_service(delay: float = 0.0) -> PushService:
    service: PushService

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            name = self.path.rsplit("/", 1)[-1]
            if service.delay:
                # The service's own latency, so a worker has sends in flight when it is killed.
                threading.Event().wait(service.delay)
            status = service.handle(name, self.headers, body)
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            # A worker killed with SIGKILL drops its connections; that is the test, not a fault.
            pass

    server = Server(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    service = PushService(server=server, delay=delay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        self.messages.append(message_from_bytes(raw, policy=email.policy.default))
        return "250 OK"


@dataclass
class SmtpServer:
    controller: Controller
    inbox: _Inbox

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def messages(self) -> list[Message]:
        return self.inbox.messages


def start_smtp() -> SmtpServer:
    inbox = _Inbox()
    # aiosmtpd checks its server by connecting to the port it was given, so it needs a real one:
    # ask the OS for a free port, then hand it over.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer(controller=controller, inbox=inbox)
