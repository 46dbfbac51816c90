"""Lanxi (兰西): monitoring and analysis of the Lanzhou–Xining urban agglomeration's plans.

The package is layered; see ``docs/architecture.md``:

``lanxi.data``
    Bundled, versioned data files with provenance (plans, standards).
``lanxi.domain``
    Pydantic models of the records, the schemas the data files are validated against.
``lanxi.storage``
    SQLAlchemy models, Alembic migrations, loading and backup.
``lanxi.compute``
    Pure, vectorized computation (no I/O).
``lanxi.services``
    Use cases that combine storage and computation.
``lanxi.cli``
    The ``lanxi`` command, a thin skin over the services.
"""

__version__ = "0.1.0.dev0"

# numba's cache in a directory the user can write to (LANXI_HOME), set before any kernel is
# compiled; this imports nothing heavy (see lanxi.home).
from lanxi.home import configure_numba_cache as _configure_numba_cache

_configure_numba_cache()
