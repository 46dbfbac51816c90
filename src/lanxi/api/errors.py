"""One error shape for the whole API, and the handlers that produce it.

Every error answer of ``/api/v1`` is JSON of this shape (pinned by ``tests/api/test_errors.py``)::

    {"error": {"status": 422, "code": "validation_error", "message": "…",
               "message_en": "…", "message_zh": "…",
               "problems": [{"file": "obs.csv", "sheet": null, "row": 3, "field": "value",
                             "value": "abc", "message": "…", "message_en": "…",
                             "message_zh": "…"}]}}

``problems`` is empty except for validation errors, where it lists every problem at once.

**Language.** ``message`` is in the caller's language (:func:`error_language`: ``?lang=``, the
dashboard's ``lanxi_lang`` cookie, else ``Accept-Language``; English when none asks for
Chinese, as API clients have always read it); ``message_en`` and ``message_zh`` are both forms
(``message_zh`` null where no Chinese text exists yet), for the error and for each problem.

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
    message: str = Field(description="in the caller's language (English unless Chinese is asked)")
    message_en: str | None = None
    message_zh: str | None = None


class ErrorBody(BaseModel):
    """The error itself: ``message`` in the caller's language, ``message_en``/``message_zh``."""

    status: int
    code: str
    message: str = Field(description="in the caller's language (English unless Chinese is asked)")
    message_en: str
    message_zh: str | None = None
    problems: list[ProblemOut] = Field(default_factory=list)


class ErrorResponse(BaseModel):
    """The body of every error answer of the API."""

    error: ErrorBody


class ApiError(Exception):
    """An error raised by the API layer itself (CSRF, sign-in, rate limit)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        *,
        message_zh: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.message_zh = message_zh
        self.headers = headers


#: Languages of error messages; Chinese is asked for with ``zh`` (``zh-CN``, ``zh-Hans``, …).
LANGUAGES = ("zh", "en")
#: The dashboard's language cookie (:data:`lanxi.web.i18n.COOKIE`).
LANG_COOKIE = "lanxi_lang"


def accept_language(header: str) -> str | None:
    """The first of :data:`LANGUAGES` an ``Accept-Language`` header prefers, or None.

    ``zh-CN,zh;q=0.9,en;q=0.8`` → ``zh``; ``en-US,en;q=0.9`` → ``en``; ``fr`` → None.
    """
    best: tuple[float, int, str] | None = None
    for i, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            k, _, v = p.strip().partition("=")
            if k == "q":
                try:
                    q = float(v)
                except ValueError:
                    q = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang in LANGUAGES and q > 0 and (best is None or (-q, i) < (-best[0], best[1])):
            best = (q, i, lang)
    return best[2] if best else None


def error_language(request: Request) -> str:
    """The language of an error answer: ``?lang=``, the ``lanxi_lang`` cookie, ``Accept-Language``.

    The first two are the dashboard's convention (:func:`lanxi.web.i18n.pick`); without any of
    them the API answers in English, as its clients have always read it.
    """
    for v in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if v in LANGUAGES:
            return str(v)
    return accept_language(request.headers.get("accept-language", "")) or "en"


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
        message_en=p.message,
        message_zh=p.message_zh,
    )


def error_response(
    status: int,
    code: str,
    message: str,
    problems: list[ProblemOut] | None = None,
    headers: dict[str, str] | None = None,
    *,
    message_zh: str | None = None,
    lang: str = "en",
) -> JSONResponse:
    """The JSON answer of one error, ``message`` in ``lang`` (English where no Chinese exists).

    ``message`` is the English text; ``message_zh`` its Chinese form.
    """
    zh = lang == "zh"
    shown = [
        p.model_copy(
            update={
                "message": (p.message_zh or p.message) if zh else p.message,
                "message_en": p.message_en or p.message,
            }
        )
        for p in problems or []
    ]
    body = ErrorResponse(
        error=ErrorBody(
            status=status,
            code=code,
            message=(message_zh or message) if zh else message,
            message_en=message,
            message_zh=message_zh,
            problems=shown,
        )
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


#: Chinese of the API layer's own fixed messages.
MESSAGES_ZH = {
    "the request is not valid": "请求无效",
    "internal server error (logged on the server)": "服务器内部错误（已记录在服务器日志中）",
    "Not Found": "未找到",
    "Method Not Allowed": "不支持此请求方法",
}


def message_zh(exc: Exception, *, anonymous: bool = False) -> str | None:
    """The Chinese form of :func:`classify`'s message, where one exists."""
    if isinstance(exc, ApiError):
        return exc.message_zh
    if isinstance(exc, ValidationError):
        return f"发现 {len(exc.problems)} 个问题，未写入任何数据"
    if isinstance(exc, PermissionDenied):
        if anonymous:
            return f"请先登录：{exc.reason_zh}" if exc.reason_zh else "请先登录"
        return exc.message_zh
    if isinstance(exc, UploadRefused):
        return exc.problem.message_zh
    if isinstance(exc, LanxiError):
        zh = getattr(exc, "message_zh", None)
        return zh if isinstance(zh, str) else None
    if store_busy(exc):
        return (
            f"数据库繁忙，等待超时，未写入任何数据；请 {RETRY_AFTER_SECONDS} 秒后重新发送同一请求"
        )
    return MESSAGES_ZH["internal server error (logged on the server)"]


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
        zh: str | None = None,
    ) -> Response:
        if html_errors is not None and not request.url.path.startswith("/api/"):
            resp: Response = html_errors(request, status, message, problems)
            return resp
        return error_response(
            status, code, message, problems, headers, message_zh=zh, lang=error_language(request)
        )

    async def lanxi_error(request: Request, exc: Exception) -> Response:
        anonymous = _is_anonymous(request)
        status, code, message, problems = classify(exc, anonymous=anonymous)
        zh = message_zh(exc, anonymous=anonymous)
        if status >= 500 and status != 503 and not isinstance(exc, LanxiError | ApiError):
            log.exception("unhandled error on %s %s", request.method, request.url.path)
        headers = exc.headers if isinstance(exc, ApiError) else None
        if code == "busy":
            log.warning("write lock wait ran out on %s %s", request.method, request.url.path)
            headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        return answer(request, status, code, message, problems, headers, zh)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        detail = str(exc.detail)
        return answer(
            request,
            exc.status_code,
            code,
            detail,
            [],
            dict(exc.headers or {}),
            MESSAGES_ZH.get(detail),
        )

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
        text = "the request is not valid"
        return answer(request, 422, "invalid_request", text, problems, None, MESSAGES_ZH[text])

    app.add_exception_handler(LanxiError, lanxi_error)
    app.add_exception_handler(ApiError, lanxi_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, request_error)
    app.add_exception_handler(Exception, lanxi_error)
