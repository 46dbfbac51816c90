"""Sign-in and sign-out (session cookie), the caller, API tokens, users."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from lanxi.api.deps import Db, access, read_first
from lanxi.api.errors import ApiError
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import MeOut, TokenOut, UserOut
from lanxi.api.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    LoginLimiter,
    new_csrf_token,
)
from lanxi.services import auth as auth_svc
from lanxi.services.monitoring import permissions as perm_svc
from lanxi.services.monitoring.permissions import Action, Principal
from lanxi.services.store import begin_write

router = APIRouter(tags=["auth"])


class LoginIn(BaseModel):
    """Credentials."""

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)


class TokenIn(BaseModel):
    """A name for a new API token."""

    name: str = Field(min_length=1, max_length=64)


class CsrfOut(BaseModel):
    """A double-submit token for the sign-in form (also set as the ``lanxi_csrf`` cookie)."""

    csrf_token: str


def secure_cookies(request: Request) -> bool:
    """Cookies are ``Secure`` in production."""
    return str(request.app.state.settings.env) == "production"


def set_csrf_cookie(request: Request, response: Response, token: str) -> None:
    """Set the double-submit cookie (readable by the page's script, SameSite=Lax)."""
    response.set_cookie(
        CSRF_COOKIE,
        token,
        httponly=False,
        samesite="lax",
        secure=secure_cookies(request),
        path="/",
    )


def me_record(request: Request, user: Principal) -> dict[str, Any]:
    """The caller as :class:`MeOut`."""
    ws = getattr(request.state, "web_session", None)
    return {
        "username": user.username,
        "roles": [g.role.value for g in user.grants],
        "scopes": list(user.scope_text),
        "office": user.office,
        "auth": getattr(request.state, "auth", "anonymous"),
        "csrf_token": ws.csrf_token if ws is not None else None,
    }


def login_user(request: Request, response: Response, db: Any, username: str, password: str) -> str:
    """Check the password (rate-limited), open a fresh session, set the cookie; return its CSRF.

    The session id the browser held before (if any) is deleted: the new session has a new id.
    Called from :func:`lanxi.api.deps.read_first` routes: the password is checked before the
    write lock is taken, so sign-ins do not queue behind each other's password hashing.
    """
    limiter: LoginLimiter = request.app.state.login_limiter
    address = request.client.host if request.client else "?"
    limiter.check(username, address)
    if not auth_svc.verify_password(db, username, password):
        limiter.failed(username, address)
        raise ApiError(401, "unauthenticated", "wrong user name or password")
    limiter.succeeded(username, address)
    # the password check (slow on purpose) ran in a read transaction; the write lock only now
    db.commit()
    begin_write(db)
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        auth_svc.delete_session(db, old)
    sid, ws = auth_svc.create_session(db, username)
    response.set_cookie(
        SESSION_COOKIE,
        sid,
        httponly=True,
        samesite="lax",
        secure=secure_cookies(request),
        max_age=int(auth_svc.SESSION_TTL.total_seconds()),
        path="/",
    )
    return ws.csrf_token


@router.get("/auth/csrf", response_model=CsrfOut, dependencies=[access()])
def csrf(request: Request, response: Response) -> dict[str, str]:
    """A double-submit token for the sign-in form; the same value is set as a cookie."""
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    set_csrf_cookie(request, response, token)
    return {"csrf_token": token}


@router.post("/auth/login", response_model=MeOut, dependencies=[access()])
@read_first
def login(request: Request, response: Response, db: Db, body: LoginIn) -> dict[str, Any]:
    """Sign in: a new session cookie (new id), and the session's CSRF token in the answer."""
    token = login_user(request, response, db, body.username, body.password)
    principal = perm_svc.load_principal(db, body.username)
    request.state.auth = "session"
    out = me_record(request, principal)
    out["csrf_token"] = token
    return out


@router.post("/auth/logout", status_code=204, dependencies=[access(signed_in=True)])
def logout(request: Request, db: Db) -> Response:
    """Sign out: the session is deleted and the cookie cleared."""
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        auth_svc.delete_session(db, sid)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/auth/me", response_model=MeOut)
def me(request: Request, user: Annotated[Principal, access()]) -> dict[str, Any]:
    """The caller (``anonymous`` with the public role when not signed in)."""
    return me_record(request, user)


@router.post("/auth/tokens", response_model=TokenOut, status_code=201)
def new_token(db: Db, user: Annotated[Principal, access(signed_in=True)], body: TokenIn) -> Any:
    """Issue an API token for the caller (shown once; send it as ``Authorization: Bearer …``)."""
    token = auth_svc.create_token(db, user.username, body.name, actor=user)
    return {"token": token, "name": body.name}


@router.get(
    "/users",
    response_model=Page[UserOut],
    responses=DOWNLOADS,
    dependencies=[access(Action.MANAGE_USERS)],
)
def users(db: Db, params: Listing) -> Page[UserOut] | Response:
    """Users and their roles (the agglomeration office only)."""
    return respond(perm_svc.list_users(db), UserOut, params, "users")
