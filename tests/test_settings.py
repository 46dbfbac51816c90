"""One settings object, read from LANXI_* variables; insecure defaults refused in production."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pydantic
import pytest

from lanxi.errors import ConfigurationError
from lanxi.settings import DEV_SECRET_KEY, Settings, get_settings

GOOD_SECRET = "k" * 16 + "Z9-" * 8


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for name in list(os.environ):
        if name.startswith("LANXI_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_default_database_is_a_sqlite_file_in_the_user_data_dir(tmp_path: Path) -> None:
    s = Settings()
    home = tmp_path / "home" / ".local" / "share" / "lanxi"
    assert s.home == home
    assert s.database_url == f"sqlite:///{home / 'lanxi.sqlite'}"
    assert home.is_dir()
    assert s.env == "development"
    assert s.secret_key.get_secret_value() == DEV_SECRET_KEY


def test_lanxi_home_and_xdg_data_home_move_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert Settings().database_url == f"sqlite:///{tmp_path / 'xdg' / 'lanxi' / 'lanxi.sqlite'}"
    monkeypatch.setenv("LANXI_HOME", str(tmp_path / "lx"))
    assert Settings().database_url == f"sqlite:///{tmp_path / 'lx' / 'lanxi.sqlite'}"
    assert (tmp_path / "lx").is_dir()


def test_an_explicit_database_url_is_used_as_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANXI_HOME", str(tmp_path / "unused"))
    monkeypatch.setenv("LANXI_DATABASE_URL", "postgresql://lanxi@db.example/lanxi")
    assert Settings().database_url == "postgresql://lanxi@db.example/lanxi"
    assert not (tmp_path / "unused").exists()


def test_production_refuses_the_default_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANXI_ENV", "production")
    with pytest.raises(ConfigurationError, match="development default"):
        Settings()
    with pytest.raises(ConfigurationError, match="development default"):
        get_settings()


def test_production_refuses_a_short_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANXI_ENV", "production")
    monkeypatch.setenv("LANXI_SECRET_KEY", "short-secret")
    with pytest.raises(ConfigurationError, match="12 characters long"):
        Settings()


def test_production_accepts_a_real_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANXI_ENV", "production")
    monkeypatch.setenv("LANXI_SECRET_KEY", GOOD_SECRET)
    s = Settings()
    assert s.env == "production"
    assert s.secret_key.get_secret_value() == GOOD_SECRET
    assert GOOD_SECRET not in repr(s)


@pytest.mark.parametrize("env", ["development", "test"])
def test_the_default_secret_is_allowed_outside_production(
    env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANXI_ENV", env)
    assert Settings().env == env


def test_an_unknown_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANXI_ENV", "staging")
    with pytest.raises(pydantic.ValidationError, match="env"):
        Settings()


def test_get_settings_reads_the_environment_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANXI_DATABASE_URL", "sqlite:///one.sqlite")
    first = get_settings()
    monkeypatch.setenv("LANXI_DATABASE_URL", "sqlite:///two.sqlite")
    assert get_settings() is first
    assert first.database_url == "sqlite:///one.sqlite"
    get_settings.cache_clear()
    assert get_settings().database_url == "sqlite:///two.sqlite"


def test_settings_are_immutable() -> None:
    with pytest.raises(pydantic.ValidationError):
        Settings().env = "production"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "sqlite:///{tmp}/home/.local/share/lanxi/lanxi.sqlite"),
        ({"LANXI_HOME": "{tmp}/srv"}, "sqlite:///{tmp}/srv/lanxi.sqlite"),
        ({"XDG_DATA_HOME": "{tmp}/xdg"}, "sqlite:///{tmp}/xdg/lanxi/lanxi.sqlite"),
        ({"LANXI_DATABASE_URL": "postgresql://lx@db/lanxi", "LANXI_HOME": "{tmp}/srv"},
         "postgresql://lx@db/lanxi"),
        ({"lanxi_home": "{tmp}/lower"}, "sqlite:///{tmp}/lower/lanxi.sqlite"),
        ({"LANXI_DATABASE_URL": "", "LANXI_HOME": "{tmp}/e"}, "sqlite:///{tmp}/e/lanxi.sqlite"),
    ],
)  # fmt: skip
def test_the_fast_database_url_is_the_settings_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    # lanxi.home.database_url() lets `lanxi regions` start without pydantic: the same rule,
    # names read case-insensitively and an empty URL taken as unset, as pydantic-settings does
    from lanxi.home import database_url

    for name, value in env.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    want = expected.format(tmp=tmp_path)
    assert database_url() == want
    assert Settings().database_url == want
