"""Fixtures of the API tests: a demo store (bundled plans + synthetic data) and clients on it.

The demo store is built once per session and backend (SQLite, PostgreSQL) and is only read by the
read tests; the write tests build their own store (``fresh_app``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from lanxi.api import create_app
from lanxi.services import store, webdemo
from lanxi.settings import Settings

PASSWORD = "correct-horse-battery"
#: Every database URL these tests made an app on (their engines are closed after each module).
URLS: set[str] = set()


def build_demo_store(url: str) -> str:
    """Set up ``url`` with the plan data, the demo data and the demo logins."""
    URLS.add(url)
    webdemo.prepare(url, demo=True, password=PASSWORD)
    return url


@pytest.fixture(autouse=True, scope="module")
def _close_engines() -> Iterator[None]:
    """Close the pooled connections of the apps' engines after each module.

    ``lanxi.services.store.engine`` caches one engine per URL; other tests clear that cache, and an
    engine dropped with open connections would warn (ResourceWarning) in whichever test runs then.
    """
    yield
    for url in URLS:
        store.engine(url).dispose()


@pytest.fixture(scope="session")
def demo_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite demo store shared by the read tests."""
    path = tmp_path_factory.mktemp("api") / "demo.sqlite"
    return build_demo_store(f"sqlite:///{path}")


@pytest.fixture(scope="session")
def demo_pg_url(pg_server: Any) -> str:
    """A PostgreSQL demo store shared by the read tests."""
    pg_server.admin("CREATE DATABASE lanxi_api_demo")
    return build_demo_store(pg_server.url("lanxi_api_demo"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def demo_url(request: pytest.FixtureRequest) -> str:
    """The demo store on each backend."""
    name = "demo_sqlite_url" if request.param == "sqlite" else "demo_pg_url"
    return str(request.getfixturevalue(name))


def make_client(url: str, tmp: Path) -> TestClient:
    """An in-process client of an app on ``url``."""
    settings = Settings(database_url=url, home=tmp, env="test")
    return TestClient(create_app(settings), base_url="http://testserver")


@pytest.fixture
def client(demo_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An anonymous client on the demo store."""
    with make_client(demo_url, tmp_path) as c:
        yield c


@pytest.fixture
def sqlite_client(demo_sqlite_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """An anonymous client on the SQLite demo store only."""
    with make_client(demo_sqlite_url, tmp_path) as c:
        yield c


def login(c: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign ``c`` in through the API (double-submit CSRF first); return the session's CSRF."""
    # signed in already: the session's token; else the double-submit token
    token = (
        c.get("/api/v1/auth/me").json()["csrf_token"]
        or c.get("/api/v1/auth/csrf").json()["csrf_token"]
    )
    r = c.post(
        "/api/v1/auth/login",
        json={"username": username, "password": password},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    c.headers["X-CSRF-Token"] = csrf
    return str(csrf)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def write_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with the plan data and the demo logins (no synthetic data), one per test module
    and backend, for the tests that write."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('write') / 'w.sqlite'}"
    else:
        server = request.getfixturevalue("pg_server")
        name = f"lanxi_api_w_{uuid.uuid4().hex[:10]}"
        server.admin(f"CREATE DATABASE {name}")
        url = server.url(name)
    URLS.add(url)
    webdemo.ensure_store(url)
    webdemo.demo_logins(url, PASSWORD)
    return url


@pytest.fixture
def fresh_app(write_url: str, tmp_path: Path) -> Iterator[Callable[[], TestClient]]:
    """A factory of clients on the module's write store."""
    clients: list[TestClient] = []

    def make() -> TestClient:
        c = make_client(write_url, tmp_path)
        c.__enter__()
        clients.append(c)
        return c

    try:
        yield make
    finally:
        for c in clients:
            c.__exit__(None, None, None)
