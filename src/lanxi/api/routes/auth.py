"""Sign-in and sign-out (session cookie), the caller, password change, API tokens, users.

API tokens are minted only by a signed-in browser session (never by another token), expire
(``LANXI_TOKEN_TTL_DAYS`` by default, at most ``LANXI_TOKEN_MAX_TTL_DAYS``), and are listed and
revoked by their owner or the office. A password change ends every session and token of the user.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from lanxi.api.deps import Db, access, read_first
from lanxi.api.errors import ApiError
from lanxi.api.listing import DOWNLOADS, Listing, Page, respond
from lanxi.api.schemas import MeOut, TokenInfoOut, TokenOut, UserOut
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
    """A name for a new API token, and its life."""

    name: str = Field(min_length=1, max_length=64)
    days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="life in days (default LANXI_TOKEN_TTL_DAYS; at most LANXI_TOKEN_MAX_TTL_DAYS)",
    )


class PasswordIn(BaseModel):
    """A password change: the current password and the new one."""

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


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
        raise ApiError(
            401, "unauthenticated", "wrong user name or password", message_zh="用户名或密码错误"
        )
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
def new_token(
    request: Request, db: Db, user: Annotated[Principal, access(signed_in=True)], body: TokenIn
) -> Any:
    """Issue an API token for the caller (shown once; send it as ``Authorization: Bearer …``).

    Only a signed-in browser session may: a request made with an API token is refused (403).
    """
    via_token = getattr(request.state, "auth", None) == "token"
    ttl = dt.timedelta(days=body.days) if body.days is not None else None
    issued = auth_svc.issue_token(
        db, user.username, body.name, actor=user, ttl=ttl, via_token=via_token
    )
    return {"token": issued.token, "name": issued.name, "expires_at": issued.expires_at.isoformat()}


@router.get("/auth/tokens", response_model=list[TokenInfoOut])
def tokens(
    db: Db,
    user: Annotated[Principal, access(signed_in=True)],
    username: Annotated[str | None, Query(max_length=64, alias="user")] = None,
    include_dead: Annotated[bool, Query(alias="all")] = False,
) -> Any:
    """The caller's API tokens (the office: everyone's, or ``?user=``); never their values."""
    return auth_svc.list_tokens(db, user, username=username, include_dead=include_dead)


@router.delete("/auth/tokens/{token_id}", response_model=TokenInfoOut)
def revoke(db: Db, user: Annotated[Principal, access(signed_in=True)], token_id: int) -> Any:
    """Revoke an API token: its owner or the office."""
    done = auth_svc.revoke_token_id(db, token_id, actor=user)
    listed = auth_svc.list_tokens(db, user, username=done["username"], include_dead=True)
    return next(t for t in listed if t["id"] == done["id"])


@router.post("/auth/password", status_code=204)
def change_password(
    request: Request, db: Db, user: Annotated[Principal, access(signed_in=True)], body: PasswordIn
) -> Response:
    """Change the caller's password: every session and token of the caller ends (sign in again)."""
    if not auth_svc.verify_password(db, user.username, body.current_password):
        raise ApiError(
            401, "unauthenticated", "the current password is wrong", message_zh="当前密码错误"
        )
    auth_svc.set_password(db, user.username, body.new_password, actor=user)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get(
    "/users",
    response_model=Page[UserOut],
    responses=DOWNLOADS,
    dependencies=[access(Action.MANAGE_USERS)],
)
def users(db: Db, params: Listing) -> Page[UserOut] | Response:
    """Users and their roles (the agglomeration office only)."""
    return respond(perm_svc.list_users(db), UserOut, params, "users")
