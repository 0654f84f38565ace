"""The guard on every request this server makes to an address a person gave it (push endpoints,
webhooks; later calendar fetches). It lives in `care` so every front door can check an address.

Only `https://` URLs whose host resolves to public addresses pass. Hosts are judged by what they
resolve to, not by how they are written, so `127.1`, `2130706433`, `0x7f000001`, `localhost.` and
`[::ffff:127.0.0.1]` are all loopback. The check runs when the URL is given (`check_url`) and again
on every connection (`guarded_create_connection`), which connects only to an address it has just
checked, so a name cannot be switched to an inside address after it was accepted.

`allow_loopback` (tests and benchmarks, behind an explicit setting) lets plain `http://` or
`https://` reach this machine's loopback addresses; private, link-local and other special
addresses stay refused.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class OutboundRefused(ValueError):
    """The URL or address may not be contacted; the message says why, in a person's words."""


def _unmapped(ip: Address) -> Address:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def address_allowed(ip: Address, *, allow_loopback: bool = False) -> bool:
    """A public unicast address, or loopback when allowed."""
    ip = _unmapped(ip)
    if allow_loopback and ip.is_loopback:
        return True
    return ip.is_global and not ip.is_multicast


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to (numeric forms included), or OutboundRefused."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise OutboundRefused(f"the host {host} could not be found") from None
    addresses: list[Address] = []
    for _family, _type, _proto, _name, sockaddr in found:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise OutboundRefused(f"the host {host} could not be found")
    return addresses


def checked_addresses(host: str, port: int, *, allow_loopback: bool = False) -> list[Address]:
    """The addresses of `host`, all of them allowed; OutboundRefused if any one is not."""
    addresses = resolve(host, port)
    if not all(address_allowed(a, allow_loopback=allow_loopback) for a in addresses):
        raise OutboundRefused(f"the host {host} is not a public internet address")
    return addresses


def check_url(url: str, *, allow_loopback: bool = False) -> str:
    """`url` if it is https:// to a public host (or loopback when allowed); else OutboundRefused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise OutboundRefused("must be a valid https:// URL") from None
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host or parts.username or parts.password:
        raise OutboundRefused("must be an https:// URL")
    addresses = checked_addresses(
        host, port or (443 if parts.scheme == "https" else 80), allow_loopback=allow_loopback
    )
    if parts.scheme == "http" and not all(_unmapped(a).is_loopback for a in addresses):
        raise OutboundRefused("must be an https:// URL")
    return url


def guarded_create_connection(*, allow_loopback: bool = False) -> Callable[..., socket.socket]:
    """A drop-in for `socket.create_connection` that connects only to allowed addresses
    (assign it to an `http.client.HTTPConnection`'s `_create_connection`)."""

    def create_connection(
        address: tuple[str, int],
        timeout: Any = socket._GLOBAL_DEFAULT_TIMEOUT,  # type: ignore[attr-defined]
        source_address: tuple[str, int] | None = None,
    ) -> socket.socket:
        host, port = address
        last: OSError | None = None
        for ip in checked_addresses(host, port, allow_loopback=allow_loopback):
            try:
                return socket.create_connection((str(ip), port), timeout, source_address)
            except OSError as exc:
                last = exc
        raise last or OSError(f"could not connect to {host}")

    return create_connection
