"""Dashboard pages: Jinja2 templates over the same services and access checks as the API.

Pages are thin: most of their data is fetched by ``static/app.js`` from ``/api/v1`` (so a page
shows exactly what the API shows the same caller); forms that change data (sign-in, upload,
approve, return) post to the page routes here, which call the service functions and render every
problem in the page. Every route declares its access with :func:`lanxi.api.deps.access`.
"""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from lanxi.api.deps import ANY_BATCH, Db, access, read_first
from lanxi.api.errors import ApiError, ProblemOut, classify
from lanxi.api.routes.auth import login_user, set_csrf_cookie
from lanxi.api.security import ANONYMOUS, CSRF_COOKIE, SESSION_COOKIE, new_csrf_token
from lanxi.errors import LanxiError
from lanxi.services import auth as auth_svc
from lanxi.services.monitoring import submit as submit_svc
from lanxi.services.monitoring import workflow as workflow_svc
from lanxi.services.monitoring.permissions import Action, Principal
from lanxi.services.monitoring.upload import UploadLimits
from lanxi.web import i18n

WEB_DIR = Path(str(resources.files("lanxi.web")))
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
templates.env.filters["bjtime"] = i18n.beijing_time
#: Rows of a batch shown per page of its review.
REVIEW_PAGE_ROWS = 500
router = APIRouter(include_in_schema=False)

#: Content-Security-Policy of every page: nothing is loaded from outside the machine.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)

NAV = [
    ("/", "nav_overview"),
    ("/indicators", "nav_indicators"),
    ("/tasks", "nav_tasks"),
    ("/water", "nav_water"),
    ("/air", "nav_air"),
    ("/access", "nav_access"),
    ("/reports", "nav_reports"),
    ("/submit", "nav_submit"),
    ("/mine", "nav_mine"),
    ("/queue", "nav_queue"),
]


def _principal(request: Request) -> Principal:
    p = getattr(request.state, "principal", None)
    return p if isinstance(p, Principal) else ANONYMOUS


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    """Render a page in the request's language, with the caller and the form CSRF token."""
    lang = i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
    user = _principal(request)
    ws = getattr(request.state, "web_session", None)
    new_cookie = None
    if ws is not None:
        csrf = ws.csrf_token
    else:
        csrf = request.cookies.get(CSRF_COOKIE) or ""
        if not csrf:
            csrf = new_csrf_token()
            new_cookie = csrf
    messages = i18n.catalogue(lang)
    response = templates.TemplateResponse(
        request,
        name,
        {
            "t": i18n.translator(lang),
            "lang": lang,
            "other_lang": "en" if lang == "zh" else "zh",
            "user": user,
            "signed_in": user is not ANONYMOUS,
            "csrf": csrf,
            "nav": NAV,
            "path": request.url.path,
            "i18n_json": json.dumps(messages, ensure_ascii=False),
            **ctx,
        },
        status_code=status,
    )
    if new_cookie is not None:
        set_csrf_cookie(request, response, new_cookie)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, samesite="lax", path="/", max_age=365 * 86400)
    return response


#: Messages of the framework and of the error handler that say nothing beyond the status.
GENERIC_MESSAGES = {
    "Not Found",
    "Method Not Allowed",
    "internal server error (logged on the server)",
}


def error_page(
    request: Request, status: int, message: str, problems: list[ProblemOut] | None = None
) -> HTMLResponse:
    """The HTML error page in the page's language (the API answers JSON instead).

    The main line is the status's message in the page's language (``error_<status>``); a
    specific message of the server (e.g. which object was not found) is shown under it.
    """
    lang = i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
    messages = i18n.catalogue(lang)
    main = messages.get(f"error_{status}", message)
    detail = None if message in GENERIC_MESSAGES or main == message else message
    return render(
        request,
        "error.html",
        status=status,
        status_code=status,
        message=main,
        detail=detail,
        problems=problems or [],
    )


def _login_redirect(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _safe_next(value: str | None) -> str:
    """A local path to go to after sign-in (never another site)."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


Anyone = Annotated[Principal, access()]


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, user: Anyone) -> HTMLResponse:
    """Overview: map, headline targets, overdue tasks, latest water and air."""
    return render(request, "overview.html", page="overview")


@router.get("/indicators", response_class=HTMLResponse)
def indicators(request: Request, user: Anyone) -> HTMLResponse:
    """Indicator page: series against the target path, choropleth, table, sources."""
    return render(request, "indicators.html", page="indicators")


@router.get("/tasks", response_class=HTMLResponse)
def tasks(request: Request, user: Anyone) -> HTMLResponse:
    """Tasks: status by agency and province, overdue list, report form."""
    return render(request, "tasks.html", page="tasks")


@router.get("/water", response_class=HTMLResponse)
def water(request: Request, user: Anyone) -> HTMLResponse:
    """Water: sections by class, monthly table, warnings, annual assessment."""
    return render(request, "water.html", page="water")


@router.get("/air", response_class=HTMLResponse)
def air(request: Request, user: Anyone) -> HTMLResponse:
    """Air: daily AQI calendar, good-days ratio against the target, edition used."""
    return render(request, "air.html", page="air")


@router.get("/access", response_class=HTMLResponse)
def accessibility(request: Request, user: Anyone) -> HTMLResponse:
    """Accessibility: isochrone map and 1-hour coverage for a chosen centre."""
    return render(request, "access.html", page="access")


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, user: Anyone) -> HTMLResponse:
    """Reports: a form per kind (period, region, language, format) that downloads the file.

    The forms are plain GET forms on ``/api/v1/reports/{kind}`` (no script needed); kinds the
    caller may not download are shown with a sign-in note instead of a form.
    """
    from lanxi.errors import PermissionDenied
    from lanxi.reports.catalogue import KIND_INFO
    from lanxi.reports.content import Lang
    from lanxi.reports.i18n import t as report_t
    from lanxi.services.monitoring.permissions import authorize

    lang: Lang = (
        "en"
        if i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE)) == "en"
        else "zh"
    )
    kinds = []
    for info in KIND_INFO.values():
        allowed = True
        if info.action is not None:
            try:
                authorize(user, info.action)
            except PermissionDenied:
                allowed = False
        kinds.append(
            {"info": info, "title": report_t(f"kind.{info.kind}", lang), "allowed": allowed}
        )
    return render(request, "reports.html", page="reports", kinds=kinds, report_lang=lang)


@router.get("/reports/{kind}/preview", response_class=HTMLResponse)
def report_preview(
    request: Request,
    user: Anyone,
    kind: str,
    period: str | None = None,
    region: str | None = None,
    as_of: str | None = None,
    plan: str | None = None,
    section: str | None = None,
) -> HTMLResponse:
    """A report's first page as an image, with its download links — or its problems, in words.

    The report is built as the download route builds it (:func:`lanxi.reports.build_report`); a
    refused request shows each problem in the page's language (``Problem.message_zh`` on the
    Chinese page), never the API's JSON.
    """
    import base64
    import datetime as dt
    import subprocess
    from urllib.parse import urlencode

    from lanxi.errors import PermissionDenied, Problem, ValidationError
    from lanxi.reports import build_report, render_bytes
    from lanxi.reports.catalogue import KIND_INFO
    from lanxi.reports.content import Lang
    from lanxi.reports.i18n import t as report_t
    from lanxi.services.monitoring.permissions import authorize

    lang = i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))
    report_lang: Lang = "en" if lang == "en" else "zh"
    params = {
        k: v
        for k, v in {
            "period": period,
            "region": region,
            "as_of": as_of,
            "plan": plan,
            "section": section,
        }.items()
        if v
    }
    problems: list[Problem] = []
    title = kind
    image = ""
    status = 200
    try:
        info = KIND_INFO.get(kind)
        if info is None:
            raise ValidationError(
                [
                    Problem(
                        "report",
                        None,
                        "kind",
                        f"unknown report; use one of {', '.join(KIND_INFO)}",
                        kind,
                        message_zh=f"没有这种报告；可选：{'、'.join(KIND_INFO)}",
                    )
                ]
            )
        title = report_t(f"kind.{kind}", report_lang)
        if info.action is not None:
            authorize(user, info.action)
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise ValidationError(
                    [
                        Problem(
                            "report",
                            None,
                            "as_of",
                            "use a date YYYY-MM-DD",
                            as_of,
                            message_zh="请填写日期，格式为 YYYY-MM-DD",
                        )
                    ]
                ) from exc
        report = build_report(
            kind,
            period=period,
            region=region,
            as_of=day,
            plan=plan,
            section=section,
            lang=report_lang,
            url=str(request.app.state.database_url),
        )
        pdf = render_bytes(report, "pdf")
        with tempfile.TemporaryDirectory() as tmp:
            src = Path(tmp) / "report.pdf"
            src.write_bytes(pdf)
            args = ["-png", "-singlefile", "-r", "60", "-f", "1", "-l", "1"]
            subprocess.run(
                ["pdftoppm", *args, str(src), str(Path(tmp) / "page")],
                capture_output=True,
                check=True,
            )
            png = (Path(tmp) / "page.png").read_bytes()
        image = base64.b64encode(png).decode("ascii")
    except ValidationError as exc:
        problems, status = exc.problems, 400
    except PermissionDenied as exc:
        problems = [
            Problem(
                "report",
                None,
                None,
                str(exc),
                None,
                message_zh="此报告仅供规划管理部门的登录用户查看",
            )
        ]
        status = 403
    except LanxiError as exc:
        problems = [Problem("report", None, None, str(exc), None)]
        status = 404
    shown = [
        {
            "field": p.field,
            "value": p.value,
            "message": (p.message_zh or p.message) if lang == "zh" else p.message,
        }
        for p in problems
    ]
    links = {
        fmt: f"/api/v1/reports/{kind}?" + urlencode({**params, "lang": report_lang, "format": fmt})
        for fmt in ("pdf", "html", "xlsx")
    }
    return render(
        request,
        "report_preview.html",
        status=status,
        page="reports",
        title=title,
        image=image,
        problems=shown,
        links=links,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, user: Anyone, next: str | None = None) -> HTMLResponse:
    """The sign-in form."""
    return render(request, "login.html", page="login", next=_safe_next(next))


@router.post("/login", response_model=None)
@read_first
def login(
    request: Request,
    db: Db,
    user: Anyone,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    """Sign in from the form (new session id; the CSRF token was checked by ``access``)."""
    response = RedirectResponse(_safe_next(next), status_code=303)
    try:
        login_user(request, response, db, username, password)
    except ApiError as exc:
        return render(
            request,
            "login.html",
            status=exc.status,
            page="login",
            error=exc.message,
            next=_safe_next(next),
        )
    return response


@router.post("/logout", response_model=None)
def logout(
    request: Request, db: Db, user: Annotated[Principal, access(signed_in=True)]
) -> Response:
    """Sign out."""
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        auth_svc.delete_session(db, sid)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/submit", response_model=None)
def submit_form(request: Request, user: Anyone) -> Response:
    """Data submission: template download, upload."""
    if user is ANONYMOUS:
        return _login_redirect(request)
    return render(request, "submit.html", page="submit")


@router.post("/submit", response_model=None)
@read_first
def submit(
    request: Request,
    db: Db,
    user: Annotated[Principal, access(Action.READ_UNAPPROVED)],
    file: Annotated[UploadFile, File()],
    draft: Annotated[bool, Form()] = False,
    comment: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Upload a file (with a note to the approver): every problem listed, or the new batch."""
    limits = UploadLimits.from_settings(request.app.state.settings)
    data = file.file.read(limits.max_bytes + 1)  # sync route: the store stays off the loop
    try:
        result = submit_svc.submit_upload(
            db, data, file.filename, user, draft=draft, limits=limits, comment=comment
        )
    except LanxiError as exc:
        db.rollback()
        status, _code, message, problems = classify(exc)
        return render(
            request, "submit.html", status=status, page="submit", error=message, problems=problems
        )
    return render(request, "submit.html", status=201, page="submit", result=result)


def _lang(request: Request) -> str:
    return i18n.pick(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE))


def _message(request: Request, exc: LanxiError) -> tuple[int, str]:
    """Status and message of an error, in the page's language where a Chinese text exists."""
    status, _code, message, _p = classify(exc)
    zh = getattr(exc, "message_zh", None)
    if _lang(request) == "zh" and isinstance(zh, str) and zh:
        message = zh
    return status, message


def _queue_page(
    request: Request,
    db: Db,
    user: Principal,
    *,
    status: int = 200,
    done: str | None = None,
    error: str | None = None,
) -> HTMLResponse:
    rows = workflow_svc.list_batches(db, user, status="submitted")
    can = workflow_svc.decidable(db, [b["id"] for b in rows], user)
    return render(
        request,
        "queue.html",
        status=status,
        page="queue",
        batches=rows,
        decidable=can,
        done=done,
        error=error,
    )


@router.get("/queue", response_model=None)
def queue(request: Request, db: Db, user: Anyone, done: str | None = None) -> Response:
    """The approval queue: submitted batches within the user's scope.

    Approve and Return are offered only on the batches the user may decide (a city submitter
    sees the queue of their regions without them; nobody sees them on their own batch under
    four-eyes approval). Each batch links to its review page.
    """
    if user is ANONYMOUS:
        return _login_redirect(request)
    return _queue_page(request, db, user, done=done)


@router.get("/queue/{batch_id}", response_model=None)
def review(
    request: Request, db: Db, user: Anyone, batch_id: str, page: int = 1, done: str | None = None
) -> Response:
    """One batch under review: every row, the value it would replace, the difference, notes."""
    if user is ANONYMOUS:
        return _login_redirect(request)
    try:
        rec = workflow_svc.batch_review(db, batch_id, user)
    except LanxiError as exc:
        status, message = _message(request, exc)
        return error_page(request, status, message)
    items = rec["items"]
    pages = max(1, -(-len(items) // REVIEW_PAGE_ROWS))
    page = min(max(page, 1), pages)
    shown = items[(page - 1) * REVIEW_PAGE_ROWS : page * REVIEW_PAGE_ROWS]
    return render(
        request,
        "review.html",
        page="queue",
        batch=rec,
        items=shown,
        page_no=page,
        pages=pages,
        first_row=(page - 1) * REVIEW_PAGE_ROWS,
        done=done,
    )


@router.get("/mine", response_model=None)
def mine(request: Request, db: Db, user: Anyone) -> Response:
    """The submitter's own batches: status, who decided and when, the reasons of returns."""
    if user is ANONYMOUS:
        return _login_redirect(request)
    try:
        rows = workflow_svc.list_batches(db, user, mine=True)
    except LanxiError as exc:
        status, message = _message(request, exc)
        return error_page(request, status, message)
    return render(request, "mine.html", page="mine", batches=rows)


def _step(
    request: Request, db: Db, user: Principal, batch_id: str, step: str, reason: str | None
) -> Response:
    try:
        with db.begin_nested():
            rec = workflow_svc.transition(db, batch_id, step, user, reason=reason)  # type: ignore[arg-type]
    except LanxiError as exc:
        status, message = _message(request, exc)
        return _queue_page(request, db, user, status=status, error=message)
    return RedirectResponse(f"/queue?done={rec['id']}:{rec['status']}", status_code=303)


@router.post("/queue/{batch_id}/approve", response_model=None)
def approve(
    request: Request,
    db: Db,
    user: Annotated[Principal, access(Action.APPROVE, target=ANY_BATCH)],
    batch_id: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Approve a batch from the queue (with an optional note of the approver)."""
    return _step(request, db, user, batch_id, "approve", reason.strip() or None)


@router.post("/queue/{batch_id}/return", response_model=None)
def return_(
    request: Request,
    db: Db,
    user: Annotated[Principal, access(Action.RETURN, target=ANY_BATCH)],
    batch_id: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Return a batch with the reason."""
    return _step(request, db, user, batch_id, "return", reason)


async def security_headers(request: Request, call_next: Any) -> Response:
    """CSP and related headers on every answer."""
    response: Response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def mount(app: FastAPI) -> None:
    """Add the pages, the static files (``/static``) and the security headers to ``app``."""
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.middleware("http")(security_headers)
