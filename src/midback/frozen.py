"""Bytes built once from something that never changes (a program version, a set of exercise
versions), kept in the shared cache and in this process's memory.

The shared cache is Django's default cache: the database cache table on one machine, Redis when
`REDIS_URL` is set, so every worker and machine builds each entry once. The key carries a hash
of what the bytes are made from and a format number, so a changed format or a restored database
(which can hand an old id to new content) never serves stale bytes; nothing is ever invalidated.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

import orjson
from django.core.cache import cache

# Entries are immutable, so they only leave the shared cache when it needs the room.
SHARED_TIMEOUT = 30 * 24 * 3600
LOCAL_LIMIT = 2048
T = TypeVar("T")


class _Recent:
    """This process's copy: the most recently used entries, at most `limit` of them."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: OrderedDict[str, Any] = OrderedDict()

    def get_or_make(self, name: str, make: Callable[[], T]) -> T:
        if name in self.entries:
            self.entries.move_to_end(name)
            found: T = self.entries[name]
            return found
        value = self.entries[name] = make()
        if len(self.entries) > self.limit:
            self.entries.popitem(last=False)
        return value


_local = _Recent(LOCAL_LIMIT)  # bytes
_parsed = _Recent(LOCAL_LIMIT // 4)  # those bytes parsed (a parsed week is several times larger)
_values = _Recent(LOCAL_LIMIT)  # values made in this process only


def digest(*parts: object) -> str:
    """A short hash of JSON-able parts (what an entry is made from)."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:24]


def frozen_bytes(kind: str, fmt: int, key: str, build: Callable[[], bytes]) -> bytes:
    """The bytes under (kind, format, key): from this process, else the shared cache, else built
    now and stored in both. `key` must name everything the bytes depend on."""
    name = f"midback:{kind}:f{fmt}:{key}"

    def shared_or_built() -> bytes:
        shared = cache.get(name)
        if isinstance(shared, bytes):
            return shared
        data = build()
        cache.set(name, data, SHARED_TIMEOUT)
        return data

    return _local.get_or_make(name, shared_or_built)


def frozen_json(kind: str, fmt: int, key: str, build: Callable[[], bytes]) -> Any:
    """`frozen_bytes` parsed, the parsed value kept in this process too (Today reads its week
    on every request). Callers must treat it as read-only: it is shared by every request."""
    return _parsed.get_or_make(
        f"midback:{kind}:f{fmt}:{key}", lambda: orjson.loads(frozen_bytes(kind, fmt, key, build))
    )


def frozen_value(kind: str, key: str, make: Callable[[], T]) -> T:
    """A value made once per process from something that never changes (what a program version
    parses or computes to), kept in this process only. `key` must name everything it depends
    on: for a version, its id and creation instant (a restored or test database can hand the
    same id to another version)."""
    return _values.get_or_make(f"midback:{kind}:{key}", make)


def forget_local() -> None:
    """Empty this process's copy (tests: each test's database starts its ids afresh)."""
    for recent in (_local, _parsed, _values):
        recent.entries.clear()
