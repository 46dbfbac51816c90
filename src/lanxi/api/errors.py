"""One error shape for the whole API, and the handlers that produce it.

Every error answer of ``/api/v1`` is JSON of this shape (pinned by ``tests/api/test_errors.py``)::

    {"error": {"status": 422, "code": "validation_error", "message": "…",
               "problems": [{"file": "obs.csv", "sheet": null, "row": 3, "field": "value",
                             "value": "abc", "message": "…"}]}}

``problems`` is empty except for validation errors, where it lists every problem at once.

====================================  ======  =====================
exception                             status  code
====================================  ======  =====================
:class:`lanxi.errors.ValidationError`  422     ``validation_error``
request parameters of the wrong form   422     ``invalid_request``
:class:`lanxi.errors.NotFoundError`    404     ``not_found``
:class:`lanxi.errors.PermissionDenied` 403     ``forbidden`` (401 ``unauthenticated`` for anonymous)
missing or wrong CSRF token            403     ``csrf``
too many sign-in attempts              429     ``rate_limited``
workflow step not allowed              409     ``conflict``
upload over a limit (size, rows, zip)  413     ``too_large``
unreadable upload (corrupt workbook)   422     ``unreadable_file``
write lock not had in time             503     ``busy`` (with ``Retry-After``)
:class:`lanxi.errors.ConfigurationError` 503   ``not_configured``
anything else                          500     ``internal_error`` (no details leak)
====================================  ======  =====================
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from lanxi.errors import (
    ConfigurationError,
    LanxiError,
    NotFoundError,
    PermissionDenied,
    Problem,
    ValidationError,
)
from lanxi.services.monitoring.upload import UploadRefused
from lanxi.services.monitoring.workflow import TransitionError
from lanxi.services.store import store_busy

log = logging.getLogger("lanxi.api")

#: Seconds a client is asked to wait after a 503 ``busy``.
RETRY_AFTER_SECONDS = 2
BUSY_MESSAGE = (
    "the store is busy with other submissions and the wait for it ran out; nothing was written, "
    f"send the same request again in {RETRY_AFTER_SECONDS} s (数据库繁忙，未写入，请稍后重试)"
)


class ProblemOut(BaseModel):
    """One validation problem: where (file, sheet, row, field), the value, what is wrong."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    field: str | None = None
    value: Any = None
    message: str
    message_zh: str | None = None


class ErrorBody(BaseModel):
    """The error itself."""

    status: int
    code: str
    message: str
    problems: list[ProblemOut] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The body of every error answer of the API."""

    error: ErrorBody


class ApiError(Exception):
    """An error raised by the API layer itself (CSRF, sign-in, rate limit)."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def _value(v: object) -> Any:
    return v if v is None or isinstance(v, str | int | float | bool) else str(v)


def problem_out(p: Problem) -> ProblemOut:
    """A :class:`lanxi.errors.Problem` as the API shows it."""
    return ProblemOut(
        file=p.file,
        sheet=p.sheet,
        row=p.row,
        field=p.field,
        value=_value(p.value),
        message=p.message,
        message_zh=p.message_zh,
    )


def error_response(
    status: int,
    code: str,
    message: str,
    problems: list[ProblemOut] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The JSON answer of one error."""
    body = ErrorResponse(
        error=ErrorBody(status=status, code=code, message=message, problems=problems or [])
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


def classify(exc: Exception, *, anonymous: bool = False) -> tuple[int, str, str, list[ProblemOut]]:
    """Status, code, message and problems of an exception."""
    if isinstance(exc, ApiError):
        return exc.status, exc.code, exc.message, []
    if isinstance(exc, ValidationError):
        head = f"{len(exc.problems)} problem(s) found; nothing was written"
        return 422, "validation_error", head, [problem_out(p) for p in exc.problems]
    if isinstance(exc, NotFoundError):
        return 404, "not_found", str(exc), []
    if isinstance(exc, PermissionDenied):
        if anonymous:
            return 401, "unauthenticated", f"sign in first: {exc.reason}", []
        return 403, "forbidden", str(exc), []
    if isinstance(exc, TransitionError):
        return 409, "conflict", str(exc), []
    if isinstance(exc, ConfigurationError):
        return 503, "not_configured", str(exc), []
    if isinstance(exc, UploadRefused):
        return exc.status, exc.code, str(exc), [problem_out(exc.problem)]
    if isinstance(exc, LanxiError):
        return 400, "bad_request", str(exc), []
    if store_busy(exc):
        return 503, "busy", BUSY_MESSAGE, []
    return 500, "internal_error", "internal server error (logged on the server)", []


def _is_anonymous(request: Request) -> bool:
    principal = getattr(request.state, "principal", None)
    return principal is None or principal.username == "anonymous"


def install(app: FastAPI, html_errors: Any = None) -> None:
    """Register the handlers; ``html_errors(request, status, message)`` renders page errors."""

    def answer(
        request: Request,
        status: int,
        code: str,
        message: str,
        problems: list[ProblemOut],
        headers: dict[str, str] | None = None,
    ) -> Response:
        if html_errors is not None and not request.url.path.startswith("/api/"):
            resp: Response = html_errors(request, status, message, problems)
            return resp
        return error_response(status, code, message, problems, headers)

    async def lanxi_error(request: Request, exc: Exception) -> Response:
        status, code, message, problems = classify(exc, anonymous=_is_anonymous(request))
        if status >= 500 and status != 503 and not isinstance(exc, LanxiError | ApiError):
            log.exception("unhandled error on %s %s", request.method, request.url.path)
        headers = exc.headers if isinstance(exc, ApiError) else None
        if code == "busy":
            log.warning("write lock wait ran out on %s %s", request.method, request.url.path)
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return answer(request, status, code, message, problems, headers)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return answer(request, exc.status_code, code, str(exc.detail), [], dict(exc.headers or {}))

    async def request_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        problems = [
            ProblemOut(
                file="request",
                field=".".join(str(x) for x in e.get("loc", ())),
                value=_value(e.get("input")) if not isinstance(e.get("input"), dict) else None,
                message=str(e.get("msg", "invalid")),
            )
            for e in exc.errors()
        ]
        return answer(request, 422, "invalid_request", "the request is not valid", problems)

    app.add_exception_handler(LanxiError, lanxi_error)
    app.add_exception_handler(ApiError, lanxi_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, request_error)
    app.add_exception_handler(Exception, lanxi_error)
