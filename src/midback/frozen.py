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
_local: OrderedDict[str, bytes] = OrderedDict()
_parsed: OrderedDict[str, Any] = OrderedDict()
_values: OrderedDict[str, Any] = OrderedDict()
T = TypeVar("T")


def digest(*parts: object) -> str:
    """A short hash of JSON-able parts (what an entry is made from)."""
    return hashlib.sha256(orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)).hexdigest()[:24]


def frozen_bytes(kind: str, fmt: int, key: str, build: Callable[[], bytes]) -> bytes:
    """The bytes under (kind, format, key): from this process, else the shared cache, else built
    now and stored in both. `key` must name everything the bytes depend on."""
    name = f"midback:{kind}:f{fmt}:{key}"
    data = _local.get(name)
    if data is not None:
        _local.move_to_end(name)
        return data
    shared = cache.get(name)
    if isinstance(shared, bytes):
        data = shared
    else:
        data = build()
        cache.set(name, data, SHARED_TIMEOUT)
    _local[name] = data
    if len(_local) > LOCAL_LIMIT:
        _local.popitem(last=False)
    return data


def frozen_json(kind: str, fmt: int, key: str, build: Callable[[], bytes]) -> Any:
    """`frozen_bytes` parsed, the parsed value kept in this process too (Today reads its week
    on every request). Callers must treat it as read-only: it is shared by every request."""
    name = f"midback:{kind}:f{fmt}:{key}"
    value = _parsed.get(name)
    if value is None:
        value = orjson.loads(frozen_bytes(kind, fmt, key, build))
        _parsed[name] = value
        if len(_parsed) > LOCAL_LIMIT // 4:
            _parsed.popitem(last=False)
    else:
        _parsed.move_to_end(name)
    return value


def frozen_value(kind: str, key: str, make: Callable[[], T]) -> T:
    """A value made once per process from something that never changes (the parsed plan of a
    program version), kept in this process only. `key` must name everything it depends on."""
    name = f"midback:{kind}:{key}"
    if name in _values:
        _values.move_to_end(name)
        found: T = _values[name]
        return found
    value = _values[name] = make()
    if len(_values) > LOCAL_LIMIT // 4:
        _values.popitem(last=False)
    return value


def forget_local() -> None:
    """Empty this process's copy (tests: each test's database starts its ids afresh)."""
    _local.clear()
    _parsed.clear()
    _values.clear()
