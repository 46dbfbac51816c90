"""``store.engine(None)`` is the engine of the URL configured *now*, not at the first call."""

from __future__ import annotations

from pathlib import Path

import pytest

from lanxi.services import store
from lanxi.settings import get_settings


def test_engine_of_none_follows_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = (f"sqlite:///{tmp_path / n}" for n in ("a.sqlite", "b.sqlite"))
    try:
        monkeypatch.setenv("LANXI_DATABASE_URL", a)
        get_settings.cache_clear()
        first = store.engine()
        assert first.url.database == str(tmp_path / "a.sqlite")
        assert store.engine(a) is first  # one engine per URL, named or configured
        monkeypatch.setenv("LANXI_DATABASE_URL", b)
        get_settings.cache_clear()
        second = store.engine(None)
        assert second.url.database == str(tmp_path / "b.sqlite")
        assert second is store.engine(b) and second is not first
    finally:
        get_settings.cache_clear()
        store.engine(a).dispose()
        store.engine(b).dispose()
