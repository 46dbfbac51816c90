"""A cache of the public API's answers, keyed by the version of the data they are made from.

The dashboard's reads are anonymous ``GET`` requests whose answer depends only on the URL and
the stored data: the public role sees approved data only, the same for every anonymous caller.
Every change to the plan catalogue and the monitoring data writes the append-only audit log,
and the environment tables only grow or are reloaded with new ids, so one query
(:func:`lanxi.services.read_cache.published_version`: the audit log, the approved rows, the id
range of ``water_samples`` and ``air_observations``) tells whether an answer computed earlier is
still the answer. A hit sends
the stored bytes (status, headers, body) without entering the app: no session, no principal, no
serialisation.

What is never cached: any request with an ``Authorization`` header or a session cookie (a
signed-in user may see unapproved rows), anything but ``GET`` under ``/api/v1``, the sign-in
routes, answers other than 200, answers that set a cookie, and bodies over :data:`MAX_BODY`.
The day is part of the key (task status is assessed as of today). Each worker process keeps its
own cache, so a write in one worker is seen by the others at their next version query.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio
from sqlalchemy import Engine

from lanxi.api.security import SESSION_COOKIE
from lanxi.services.read_cache import Version, data_version

#: Largest body kept (bytes); bigger answers (full downloads) are computed each time.
MAX_BODY = 4 * 1024 * 1024
#: Entries kept per process; the cache is emptied when full (versions make old entries dead).
MAX_ENTRIES = 512

#: Header added to an answer sent from the cache.
HIT_HEADER = (b"x-lanxi-cache", b"hit")


def cacheable(scope: dict[str, Any], prefix: str) -> bool:
    """True for an anonymous ``GET`` of the API outside the sign-in routes."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    path: str = scope["path"]
    if not path.startswith(prefix + "/") or path.startswith(prefix + "/auth"):
        return False
    for name, value in scope["headers"]:
        if name == b"authorization":
            return False
        if name == b"cookie" and SESSION_COOKIE.encode() in value:
            return False
    return True


@dataclass
class _Flight:
    """The version query running and the one queued behind it, of one event loop."""

    running: asyncio.Future[Version] | None = None
    queued: asyncio.Future[Version] | None = None

    def done(self, task: asyncio.Future[Version]) -> None:
        if self.running is task:
            self.running = None


class AnswerCache:
    """ASGI middleware: answer a cacheable request from the cache while its data version holds.

    Parameters
    ----------
    app : ASGI application
        The application (the admission limits and the routes).
    engine : sqlalchemy.Engine
        The store, for the version query.
    prefix : str
        The API's path prefix (``/api/v1``).
    version : callable, optional
        ``version(engine)``; default :func:`lanxi.services.read_cache.data_version` (the one
        version every cache keys on).
    """

    def __init__(
        self,
        app: Any,
        engine: Engine,
        prefix: str,
        version: Callable[[Engine], Version] = data_version,
    ) -> None:
        self.app = app
        self.engine = engine
        self.prefix = prefix
        self.version = version
        self._entries: dict[tuple[Any, ...], tuple[dict[str, Any], bytes]] = {}
        self._lock = threading.Lock()
        # per event loop (a test client may run the app in several): the version query running
        # and the one queued behind it
        self._states: weakref.WeakKeyDictionary[Any, _Flight] = weakref.WeakKeyDictionary()

    async def _query(self) -> Version:
        # in a thread: the event loop never waits on the database
        return await anyio.to_thread.run_sync(self.version, self.engine)

    async def fresh_version(self) -> Version:
        """The data version read by a query that started after this call (single-flight).

        Requests that arrive while a query runs share the next one, which starts when the running
        one ends: an answer never predates a write its caller could have seen committed, and a
        burst of reads costs two queries, not one each.
        """
        loop = asyncio.get_running_loop()
        st = self._states.get(loop)
        if st is None:
            st = self._states[loop] = _Flight()
        if st.queued is not None:  # not started yet: it starts after this request arrived
            return await asyncio.shield(st.queued)
        if st.running is None:
            task = asyncio.ensure_future(self._query())
            st.running = task
        else:
            task = asyncio.ensure_future(self._after(st, st.running))
            st.queued = task
        task.add_done_callback(lambda t: st.done(t))
        return await asyncio.shield(task)

    async def _after(self, st: _Flight, prev: asyncio.Future[Version]) -> Version:
        with contextlib.suppress(Exception):
            await asyncio.shield(prev)
        st.queued = None
        st.running = asyncio.current_task()
        return await self._query()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Send the cached answer, or run the app and keep its answer if it may be kept."""
        if not cacheable(scope, self.prefix):
            await self.app(scope, receive, send)
            return
        version = await self.fresh_version()
        key = (scope["path"], scope["query_string"], version, dt.date.today())
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None:
            start, body = hit
            await send({**start, "headers": [*start.get("headers", []), HIT_HEADER]})
            await send({"type": "http.response.body", "body": body})
            return

        start_msg: dict[str, Any] = {}
        chunks: list[bytes] = []
        keep = True

        async def capture(message: dict[str, Any]) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                start_msg.update(message)
                if message["status"] != 200 or any(
                    k.lower() == b"set-cookie" for k, _ in message.get("headers", [])
                ):
                    keep = False
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if sum(map(len, chunks)) > MAX_BODY:
                    keep = False
                    chunks.clear()
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start_msg:
            with self._lock:
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
                self._entries[key] = (dict(start_msg), b"".join(chunks))
