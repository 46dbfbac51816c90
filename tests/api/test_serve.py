"""``lanxi serve`` prepares the store and demo sign-ins, then hands the app to uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.services import auth as auth_svc
from lanxi.services.store import session
from lanxi.settings import get_settings


def test_serve_sets_up_and_prints_a_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    monkeypatch.setenv("LANXI_DATABASE_URL", url)
    monkeypatch.setenv("LANXI_HOME", str(tmp_path))
    get_settings.cache_clear()
    seen: dict[str, Any] = {}

    def fake_run(asgi: Any, host: str, port: int, log_level: str) -> None:
        seen.update(app=asgi, host=host, port=port)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    try:
        r = CliRunner().invoke(app, ["serve", "--port", "8123", "--password", "demo-password-1"])
        assert r.exit_code == 0, r.output
        assert "admin / demo-password-1" in r.output
        assert "http://localhost:8123/" in r.output
        assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)
        with session(url) as s:
            assert auth_svc.verify_password(s, "demo_gansu", "demo-password-1")
        with TestClient(seen["app"]) as c:
            assert c.get("/api/v1/air/daily", params={"limit": 1}).json()["total"] > 0
        # a second start keeps the data and sets a new password
        r = CliRunner().invoke(app, ["serve", "--password", "other-password-2"])
        assert r.exit_code == 0 and "合成演示数据" not in r.output
    finally:
        get_settings.cache_clear()
        from lanxi.services import store

        store.engine(url).dispose()


def test_no_demo_in_production(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANXI_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite'}")
    monkeypatch.setenv("LANXI_ENV", "production")
    monkeypatch.setenv("LANXI_SECRET_KEY", "s" * 40)
    get_settings.cache_clear()
    try:
        r = CliRunner().invoke(app, ["serve"])
        assert r.exit_code == 1
        assert "--no-demo" in r.output
    finally:
        get_settings.cache_clear()


def test_serve_makes_demo_passwords_once_and_never_resets_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import re
    import stat

    url = f"sqlite:///{tmp_path / 'once.sqlite'}"
    monkeypatch.setenv("LANXI_DATABASE_URL", url)
    monkeypatch.setenv("LANXI_HOME", str(tmp_path))
    get_settings.cache_clear()
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    try:
        r = CliRunner().invoke(app, ["serve"])
        assert r.exit_code == 0, r.output
        printed = dict(re.findall(r"^\s+(\w+) / (\S+)$", r.output, re.M))
        assert {"admin", "demo_lanzhou", "demo_gansu"} <= set(printed)
        assert len(set(printed.values())) == len(printed)  # individual passwords
        kept = tmp_path / "demo-logins.txt"
        assert stat.S_IMODE(kept.stat().st_mode) == 0o600
        # the second start prints no password and resets none
        r = CliRunner().invoke(app, ["serve"])
        assert r.exit_code == 0, r.output
        assert not re.findall(r"^\s+\w+ / \S+$", r.output, re.M)
        assert "demo-logins.txt" in r.output
        with session(url) as s:
            for user, pw in printed.items():
                assert auth_svc.verify_password(s, user, pw), user
    finally:
        get_settings.cache_clear()
        from lanxi.services import store

        store.engine(url).dispose()
