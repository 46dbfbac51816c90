"""Fixtures of the dashboard tests: a SQLite demo store, in-process clients, a live server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from tests.api.conftest import PASSWORD, _close_engines, build_demo_store

from lanxi.api import create_app
from lanxi.settings import Settings

__all__ = ["PASSWORD", "_close_engines"]


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite demo store for the page tests (they write: uploads, approvals)."""
    return build_demo_store(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}")


@pytest.fixture
def page_client(web_store: str, tmp_path: Path) -> Iterator[TestClient]:
    """An anonymous in-process client of the whole app (pages + API)."""
    settings = Settings(database_url=web_store, home=tmp_path, env="test")
    with TestClient(create_app(settings), base_url="http://testserver") as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(web_store: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a loopback port in a thread; its base URL."""
    settings = Settings(database_url=web_store, home=tmp_path_factory.mktemp("live"), env="test")
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
