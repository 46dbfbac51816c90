"""Where Lanxi keeps its files, decided without importing anything heavy.

This module is imported by :mod:`lanxi` itself, before any compiled kernel: it points numba's
on-disk cache at a directory the user can write to, so an install in a read-only place
(site-packages, a container image, several gunicorn workers) compiles each kernel once and then
loads it, instead of compiling in every process. ``lanxi setup`` (and ``lanxi serve`` at start)
fill that cache (:func:`lanxi.services.warmup.compile_kernels`).

``LANXI_NUMBA_CACHE_DIR``
    numba's cache directory; default ``<LANXI_HOME>/numba-cache``. ``NUMBA_CACHE_DIR``, numba's
    own variable, is honoured when it is set and ``LANXI_NUMBA_CACHE_DIR`` is not.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def default_home() -> Path:
    """The per-user data directory: ``$XDG_DATA_HOME/lanxi`` or ``~/.local/share/lanxi``."""
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "lanxi"


def home() -> Path:
    """``LANXI_HOME`` when set, else :func:`default_home` (the rule of the settings' ``home``)."""
    value = os.environ.get("LANXI_HOME")
    return Path(value).expanduser() if value else default_home()


def sqlite_url_in(home: Path) -> str:
    """The URL of the default store in ``home``: ``sqlite:///<home>/lanxi.sqlite``."""
    return f"sqlite:///{home / 'lanxi.sqlite'}"


def database_url() -> str:
    """The store's URL as :func:`lanxi.settings.get_settings` decides it, without pydantic.

    For commands that must start fast (``lanxi regions``; importing pydantic-settings alone takes
    a fifth of a second). The rule is the settings' (a test keeps the two equal):
    ``LANXI_DATABASE_URL`` when set and not empty, else :func:`sqlite_url_in` of ``LANXI_HOME``
    or :func:`default_home`. Variable names are matched case-insensitively, the last of several
    spellings winning, as pydantic-settings reads them.
    """
    env = {k.lower(): v for k, v in os.environ.items()}
    url = env.get("lanxi_database_url")
    if url:
        return url
    value = env.get("lanxi_home")
    return sqlite_url_in(Path(value) if value is not None else default_home())


def numba_cache_dir() -> Path:
    """The directory numba caches compiled kernels in (see the module's docstring)."""
    value = os.environ.get("LANXI_NUMBA_CACHE_DIR") or os.environ.get("NUMBA_CACHE_DIR")
    return Path(value).expanduser() if value else home() / "numba-cache"


def configure_numba_cache() -> Path:
    """Point numba's cache at :func:`numba_cache_dir`; safe to call more than once.

    numba reads ``NUMBA_CACHE_DIR`` when it is first imported, so the variable is set here; when
    numba was imported already (a notebook that imported it first), its configuration is changed
    too. Kernels decorated after this call use the directory.

    Returns
    -------
    Path
        The cache directory.
    """
    path = numba_cache_dir()
    os.environ["NUMBA_CACHE_DIR"] = str(path)
    config = sys.modules.get("numba.core.config")
    if config is not None:
        config.CACHE_DIR = str(path)  # type: ignore[attr-defined]
    return path
