"""A small in-process cache for expensive read views, keyed by the monitoring data's version.

Every change to observations, progress reports, batches, users and roles writes the append-only
audit log, so ``max(audit_log.id)`` is a version of the monitoring data: a cached result is used
only while no audited change has happened since it was computed. Used by the API for progress and
task status (the dashboard's most-read views); each worker process keeps its own cache.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lanxi.storage.models import AuditLogRow

T = TypeVar("T")
MAX_ENTRIES = 256
_cache: dict[tuple[Hashable, ...], object] = {}
_lock = threading.Lock()


def monitoring_version(session: Session) -> int:
    """The largest audit-log id (0 for an empty log)."""
    return int(session.scalar(select(func.max(AuditLogRow.id))) or 0)


def cached(session: Session, name: str, args: tuple[Hashable, ...], make: Callable[[], T]) -> T:
    """``make()``, or its result for the same ``name``, ``args``, data version and day.

    The day is part of the key because views like task status are assessed as of today.
    """
    url = session.get_bind().engine.url
    key = (str(url), name, args, monitoring_version(session), dt.date.today())
    with _lock:
        if key in _cache:
            return _cache[key]  # type: ignore[return-value]
    value = make()
    with _lock:
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = value
    return value
