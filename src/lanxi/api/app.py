"""The application factory: API under ``/api/v1``, the dashboard at ``/``, static files.

Run with ``lanxi serve`` (development) or a process manager (``docs/deploy.md``)::

    uvicorn --factory lanxi.api:create_app
"""

from __future__ import annotations

import asyncio
import weakref
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, FastAPI

from lanxi import __version__
from lanxi.api import errors
from lanxi.api.answer_cache import AnswerCache
from lanxi.api.routes import access as access_routes
from lanxi.api.routes import auth as auth_routes
from lanxi.api.routes import batches as batch_routes
from lanxi.api.routes import environment as env_routes
from lanxi.api.routes import monitoring as monitoring_routes
from lanxi.api.routes import plans as plan_routes
from lanxi.api.routes import regions as region_routes
from lanxi.api.routes import reports as report_routes
from lanxi.api.routes import tasks as task_routes
from lanxi.api.security import SESSION_COOKIE, LoginLimiter
from lanxi.services.store import current_revision as store_current_revision
from lanxi.services.store import engine as store_engine
from lanxi.services.store import sessions as store_sessions
from lanxi.services.store import write_sessions
from lanxi.settings import Settings, get_settings

API_PREFIX = "/api/v1"
#: Requests inside the app at once per worker process: reads, and writes (which take the store's
#: write lock one at a time, so more writers would only hold connections while they wait). A read
#: holds at most two database connections (its session, a cache refresh), a write one:
#: 6 × 2 + 2 stays under the engine's pool (5 + 10 overflow), so a burst waits at the door
#: instead of timing out in the pool, and waiting writers never block the readers.
CONCURRENT_READS = 6
CONCURRENT_WRITES = 2


#: Longest a write waits at the door for the readers queued there (s); then it goes in anyway.
WRITE_YIELD_SECONDS = 2.0


class _Door:
    """The admission state of one event loop: the semaphores and the readers waiting."""

    def __init__(self, reads: int, writes: int) -> None:
        self.sems = {True: anyio.Semaphore(reads), False: anyio.Semaphore(writes)}
        self.reads_waiting = 0
        self.no_reads_waiting = asyncio.Event()
        self.no_reads_waiting.set()


class LimitConcurrency:
    """ASGI middleware: at most ``reads`` safe and ``writes`` unsafe requests in the app at once.

    Readers go first: a write waits at the door while readers are queued there (at most
    :data:`WRITE_YIELD_SECONDS`, so writes are slowed under a burst of reads, never starved).
    Twenty submitters uploading as fast as they are answered would otherwise take the CPU the
    dashboard's readers need (``benchmarks/bench_web.py``); a write's wait is seconds at most,
    a reader's is what the dashboard shows.
    """

    def __init__(self, app: Any, reads: int, writes: int) -> None:
        self.app = app
        self.reads, self.writes = reads, writes
        # one door per event loop (a test client may run the app in several loops)
        self._doors: weakref.WeakKeyDictionary[Any, _Door] = weakref.WeakKeyDictionary()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Pass the request on once a place is free."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        door = self._doors.get(loop)
        if door is None:
            door = self._doors[loop] = _Door(self.reads, self.writes)
        safe = scope["method"] in ("GET", "HEAD", "OPTIONS")
        sem = door.sems[safe]
        if safe:
            if sem.value == 0:  # full: queue, and hold the writers back meanwhile
                door.reads_waiting += 1
                door.no_reads_waiting.clear()
                try:
                    await sem.acquire()
                finally:
                    door.reads_waiting -= 1
                    if door.reads_waiting == 0:
                        door.no_reads_waiting.set()
            else:
                await sem.acquire()
        else:
            if door.reads_waiting:
                with anyio.move_on_after(WRITE_YIELD_SECONDS):
                    await door.no_reads_waiting.wait()
            await sem.acquire()
        try:
            await self.app(scope, receive, send)
        finally:
            sem.release()


def signed_in_request(scope: dict[str, Any]) -> bool:
    """Whether a request carries credentials (a bearer token or a session cookie)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return True
        if name == b"cookie" and SESSION_COOKIE.encode() in value:
            return True
    return False


#: Paths of static files: the same for everyone, cacheable whoever asks.
PUBLIC_FILES = ("/static/", "/api/v1/docs-assets/")


class HeadAndNoStore:
    """ASGI middleware: ``HEAD`` wherever ``GET`` works; ``no-store`` on answers to signed-in users.

    A ``HEAD`` request runs as ``GET`` and its body is dropped (the headers, ``Content-Length``
    included, are the ``GET``'s). Any answer to a request with credentials (signed-in pages,
    the approver's queue, API answers that may hold unapproved data) and any answer to a write
    gets ``Cache-Control: no-store``, so no browser or proxy keeps it.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Rewrite ``HEAD``, mark private answers."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        private = (
            signed_in_request(scope) or scope["method"] not in ("GET", "HEAD", "OPTIONS")
        ) and not scope["path"].startswith(PUBLIC_FILES)
        if head:
            scope = {**scope, "method": "GET"}

        async def wrapped(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and private:
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"
                ]
                headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            elif message["type"] == "http.response.body" and head:
                message = {**message, "body": b""}
            await send(message)

        await self.app(scope, receive, wrapped)


#: The route modules of ``/api/v1`` (each has a ``router``).
ROUTE_MODULES = (
    region_routes,
    plan_routes,
    task_routes,
    monitoring_routes,
    batch_routes,
    env_routes,
    access_routes,
    report_routes,
    auth_routes,
)


def api_router() -> APIRouter:
    """Every route of ``/api/v1``."""
    router = APIRouter(prefix=API_PREFIX)
    for module in ROUTE_MODULES:
        router.include_router(module.router)
    return router


#: Where the vendored Swagger UI files are served (``lanxi/web/static/vendor/swagger-ui``).
DOCS_ASSETS = f"{API_PREFIX}/docs-assets"
#: Content-Security-Policy of the API docs page: nothing from outside, no inline script.
DOCS_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lanxi 兰西 API</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png"></head>
<body><div id="swagger-ui" data-openapi="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{assets}/lanxi-init.js"></script></body></html>
"""


def _mount_docs(app: FastAPI) -> None:
    """Interactive API docs at ``/api/v1/docs`` on vendored Swagger UI (nothing from a CDN)."""
    from importlib import resources

    from fastapi.responses import HTMLResponse
    from fastapi.staticfiles import StaticFiles

    assets = Path(str(resources.files("lanxi.web"))) / "static" / "vendor" / "swagger-ui"
    page = DOCS_PAGE.format(assets=DOCS_ASSETS, openapi=f"{API_PREFIX}/openapi.json")

    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCS_CSP})

    app.add_api_route(f"{API_PREFIX}/docs", docs, include_in_schema=False)
    app.mount(DOCS_ASSETS, StaticFiles(directory=str(assets)), name="docs-assets")


def create_app(settings: Settings | None = None, *, web: bool = True) -> FastAPI:
    """Build the Lanxi web application on the store of ``settings``.

    Parameters
    ----------
    settings : Settings, optional
        Default :func:`lanxi.settings.get_settings` (the ``LANXI_*`` environment).
    web : bool
        Serve the dashboard pages and static files too (``False``: the API only).

    Returns
    -------
    fastapi.FastAPI
        OpenAPI at ``/api/v1/openapi.json``, interactive docs at ``/api/v1/docs``.

    Raises
    ------
    lanxi.errors.ConfigurationError
        If the database has no Lanxi schema yet (run ``lanxi setup``).
    """
    settings = settings or get_settings()
    url = str(settings.database_url)
    eng = store_engine(url)
    if store_current_revision(url) is None:
        from lanxi.errors import ConfigurationError

        raise ConfigurationError(
            f"the database at {eng.url.render_as_string(hide_password=True)} has no Lanxi schema "
            "yet: run `lanxi setup` (or `lanxi serve`, which sets it up)"
        )

    app = FastAPI(
        title="Lanxi 兰西 API",
        version=__version__,
        description="兰州—西宁城市群规划监测与分析平台 · Monitoring and analysis of the "
        "Lanzhou–Xining urban agglomeration's development plans. Errors have one shape: "
        '`{"error": {"status", "code", "message", "problems"}}`.',
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    _mount_docs(app)
    app.state.settings = settings
    app.state.database_url = url
    app.state.engine = eng
    app.state.sessions = store_sessions(url)
    app.state.write_sessions = write_sessions(eng)
    app.state.login_limiter = LoginLimiter()
    app.include_router(api_router())
    html_errors = None
    if web:
        from lanxi.web import pages

        pages.mount(app)
        html_errors = pages.error_page
    errors.install(app, html_errors)
    app.add_middleware(LimitConcurrency, reads=CONCURRENT_READS, writes=CONCURRENT_WRITES)
    # outermost: a public read whose data have not changed is answered before the admission
    # limits, the session and the routes (lanxi.api.answer_cache)
    app.add_middleware(AnswerCache, engine=eng, prefix=API_PREFIX)
    app.add_middleware(HeadAndNoStore)
    return app
