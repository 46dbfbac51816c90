"""numba's cache lives in a directory the user can write to (issue 17: first calls)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lanxi import home


def _clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("NUMBA_CACHE_DIR", "LANXI_NUMBA_CACHE_DIR", "LANXI_HOME")
    }
    env.update(extra)
    return env


def test_cache_dir_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("NUMBA_CACHE_DIR", "LANXI_NUMBA_CACHE_DIR", "LANXI_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert home.numba_cache_dir() == tmp_path / "user/.local/share/lanxi/numba-cache"
    monkeypatch.setenv("LANXI_HOME", str(tmp_path / "h"))
    assert home.numba_cache_dir() == tmp_path / "h/numba-cache"
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "n"))
    assert home.numba_cache_dir() == tmp_path / "n"
    monkeypatch.setenv("LANXI_NUMBA_CACHE_DIR", str(tmp_path / "l"))
    assert home.numba_cache_dir() == tmp_path / "l"


def test_import_points_numba_at_lanxi_home(tmp_path: Path) -> None:
    code = "import lanxi, numba; print(numba.config.CACHE_DIR)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(LANXI_HOME=str(tmp_path)),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(tmp_path / "numba-cache")


def test_numba_imported_first_is_reconfigured(tmp_path: Path) -> None:
    code = "import numba; import lanxi; print(numba.config.CACHE_DIR)"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=_clean_env(LANXI_NUMBA_CACHE_DIR=str(tmp_path / "c")),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == str(tmp_path / "c")


def test_kernel_cached_once_and_loaded_by_the_next_process(tmp_path: Path) -> None:
    # the water text kernel is the smallest one: compile in one process, load in the next
    code = (
        "import numpy as np\n"
        "from lanxi.compute.water.render import _cell_text, render_cells\n"
        "render_cells(np.array([0, 0]), np.array([0, 1]), np.array([0.5, np.nan]), ['a', 'b'], 1)\n"
        "print(sum(_cell_text.stats.cache_hits.values()), sum(_cell_text.stats.cache_misses.values()))\n"
    )
    env = _clean_env(LANXI_NUMBA_CACHE_DIR=str(tmp_path / "cache"))
    first = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert first.stdout.split() == ["0", "1"]  # compiled, written
    assert list((tmp_path / "cache").rglob("*.nbi")), "no index file in the cache directory"
    second = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert second.stdout.split() == ["1", "0"]  # loaded from the cache, not compiled
