"""The HTTP API of Lanxi (FastAPI) under ``/api/v1``; the dashboard (:mod:`lanxi.web`) shares it.

Build the application with :func:`create_app`.
"""

from lanxi.api.app import create_app

__all__ = ["create_app"]
