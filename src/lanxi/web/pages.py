"""Dashboard pages (placeholder until the pages land)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse


def mount(app: FastAPI) -> None:
    """Add the pages and static files to ``app``."""


def error_page(request: Request, status: int, message: str, problems: Any) -> HTMLResponse:
    """An HTML error page."""
    return HTMLResponse(f"<h1>{status}</h1><p>{message}</p>", status_code=status)
