"""A loopback Web Push service for the reminder benchmark, run as its own process.

It accepts every POST on /push/<n>, counts each Topic, and decrypts a sample of the messages
(RFC 8291, with the subscription's private key and auth secret) to prove the encryption is real
without spending the CPU the workers need on decrypting all of them. GET /stats answers counts.
"""

from __future__ import annotations

import json
import multiprocessing
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.hazmat.primitives.asymmetric import ec


def serve(keys: dict[str, tuple[int, bytes]], sample_every: int, ready: Any, port: Any) -> None:
    """Run the service (in a child process); `keys[name] = (private scalar, auth secret)`."""
    private = {
        name: (ec.derive_private_key(scalar, ec.SECP256R1()), auth)
        for name, (scalar, auth) in keys.items()
    }
    lock = threading.Lock()
    topics: Counter[str] = Counter()
    state = {"first": 0.0, "last": 0.0, "decrypted": 0, "bad": 0, "n": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            name = self.path.rsplit("/", 1)[-1]
            topic = self.headers.get("Topic", "")
            now = time.perf_counter()
            with lock:
                state["n"] += 1
                n = state["n"]
                topics[topic] += 1
                state["first"] = state["first"] or now
                state["last"] = now
            if n % sample_every == 0:
                key, auth = private[name]
                plain = http_ece.decrypt(
                    body, private_key=key, auth_secret=auth, version="aes128gcm"
                )
                ok = json.loads(plain).get("tag") == topic
                with lock:
                    state["decrypted" if ok else "bad"] += 1
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            with lock:
                body = json.dumps(
                    {
                        **state,
                        "topics": len(topics),
                        "repeats": sum(c - 1 for c in topics.values() if c > 1),
                    }
                ).encode()
                if self.path == "/reset":
                    topics.clear()
                    state.update(first=0.0, last=0.0, decrypted=0, bad=0, n=0)
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port.value = server.server_address[1]
    ready.set()
    server.serve_forever()


def start(keys: dict[str, tuple[int, bytes]], sample_every: int = 100) -> tuple[Any, int]:
    """Start the service in a child process; returns (process, port)."""
    ctx = multiprocessing.get_context("spawn")
    ready, port = ctx.Event(), ctx.Value("i", 0)
    process = ctx.Process(target=serve, args=(keys, sample_every, ready, port), daemon=True)
    process.start()
    ready.wait(30)
    return process, int(port.value)
