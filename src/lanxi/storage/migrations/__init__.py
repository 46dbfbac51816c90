"""Alembic migrations of the Lanxi database (run through :mod:`lanxi.storage.migrate`)."""
