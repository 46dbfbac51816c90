"""Dependencies of the routes: the database session, the current principal, and access checks.

Every route declares who may call it with :func:`access` — the one mechanism, checked by
``tests/api/test_security.py`` for every route — which resolves the caller (bearer token, session
cookie, or anonymous), enforces CSRF on unsafe requests made with the cookie, and calls
:func:`lanxi.services.monitoring.permissions.authorize`. Row-level checks (a city's own regions, a
department's own tasks, an approver's province) are made by the same ``authorize`` inside the
service functions the routes call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from lanxi.api.errors import ApiError
from lanxi.api.security import (
    ANONYMOUS,
    CSRF_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    csrf_failure,
    same_token,
    submitted_csrf,
)
from lanxi.errors import PermissionDenied
from lanxi.services import auth as auth_svc
from lanxi.services.monitoring.permissions import Action, BatchScope, Principal, authorize
from lanxi.services.monitoring.permissions import load_principal as _load_principal
from lanxi.services.read_cache import READ_ONLY


def get_db(request: Request) -> Iterator[Session]:
    """A session for the request: committed when the route succeeds, rolled back on error.

    Safe requests (GET, HEAD) read in an ordinary transaction. Unsafe ones write: their
    transaction takes the store's write lock before its first read (SQLite ``BEGIN IMMEDIATE``,
    see :func:`lanxi.services.store.write_sessions`), so a write never fails because another
    writer committed since it read. Routes marked with :func:`read_first` get a session without
    a transaction begun: they read and check (e.g. parse and validate an upload) first, then start
    their own write transaction.
    """
    state = request.app.state
    if request.method in SAFE_METHODS:
        with state.sessions() as s, s.begin():
            s.info[READ_ONLY] = True  # what it reads may be cached by its snapshot's version
            yield s
        return
    if getattr(request.scope.get("endpoint"), "lanxi_read_first", False):
        with state.sessions() as s:
            s.info[READ_ONLY] = True  # until the route's begin_write
            try:
                yield s
            except BaseException:
                s.rollback()
                raise
            s.commit()
        return
    with state.write_sessions() as s, s.begin():
        yield s


def read_first(endpoint: Any) -> Any:
    """Mark a write route that reads and checks before it takes the write lock itself."""
    setattr(endpoint, "lanxi_read_first", True)  # noqa: B010 - read by get_db
    return endpoint


# scope="function": the commit happens before the answer is sent, so a client that got 201 (or a
# new session cookie) finds the rows committed, and a failed commit is an error, not a lost write.
Db = Annotated[Session, Depends(get_db, scope="function")]


async def sent_csrf(request: Request) -> str | None:
    """The CSRF token sent with an unsafe request (header or form field); None for safe ones.

    Async because reading the form is; it touches no database (the event loop never waits on
    the store: a route holding the write lock could not finish while the loop is blocked).
    """
    if request.method in SAFE_METHODS:
        return None
    return await submitted_csrf(request)


def token_use(request: Request, token: str) -> auth_svc.TokenUse | None:
    """Resolve a bearer token and record its use, in a short transaction of its own.

    Its own transaction, committed before the request's session reads anything: the request's
    snapshot starts after the ``last_used_at`` write (written at most once a minute), so a route
    that writes later is never refused for it. If the store is busy the use is not recorded.
    """
    from sqlalchemy.exc import OperationalError

    factory = request.app.state.sessions
    try:
        with factory() as s, s.begin():
            use = auth_svc.resolve_token_use(s, token)
            if use is not None:
                auth_svc.touch_token(s, use)
            return use
    except OperationalError:  # busy: resolve without recording the use
        with factory() as s:
            return auth_svc.resolve_token_use(s, token)


def current_principal(
    request: Request, db: Db, sent: Annotated[str | None, Depends(sent_csrf)]
) -> Principal:
    """Who is asking: the bearer token's user, the session's user, or :data:`ANONYMOUS`.

    Unsafe requests made with the session cookie must carry the session's CSRF token; unsafe
    anonymous requests (the sign-in form) the double-submit token.

    Raises
    ------
    ApiError
        401 for an unknown, revoked or expired bearer token; 403 ``csrf`` for a failed check.
    """
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = ANONYMOUS
    request.state.web_session = None
    request.state.session_id = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        use = token_use(request, auth[7:].strip())
        if use is None:
            raise ApiError(
                401,
                "unauthenticated",
                "the API token is unknown, revoked or expired",
                message_zh="API 令牌无效、已撤销或已过期",
            )
        principal = _load_principal(db, use.username)
        request.state.auth = "token"
    else:
        sid = request.cookies.get(SESSION_COOKIE)
        ws = auth_svc.resolve_session(db, sid) if sid else None
        if ws is not None:
            principal = _load_principal(db, ws.username)
            request.state.web_session = ws
            request.state.session_id = sid
            request.state.auth = "session"
        else:
            request.state.auth = "anonymous"
        if request.method not in SAFE_METHODS:
            if ws is not None:
                if not same_token(sent, ws.csrf_token):
                    raise csrf_failure(
                        "the session's CSRF token is missing or wrong", "会话的 CSRF 令牌缺失或错误"
                    )
            elif not same_token(sent, request.cookies.get(CSRF_COOKIE)):
                raise csrf_failure(
                    "the CSRF cookie and the submitted token do not match",
                    "CSRF Cookie 与提交的令牌不一致",
                )
    request.state.principal = principal
    return principal


#: Placeholder target for coarse approval checks (any batch: the user needs a province).
ANY_BATCH = BatchScope("*", "", frozenset())


def access(action: Action | None = None, *, signed_in: bool = False, target: Any = None) -> Any:
    """A dependency that lets a request through only if the caller may do ``action``.

    Parameters
    ----------
    action : Action, optional
        Checked with :func:`authorize`; None: anyone may call the route (public data).
    signed_in : bool
        Refuse the anonymous caller (401) even without an action.
    target : object, optional
        Passed to :func:`authorize` (e.g. :data:`ANY_BATCH` for approval routes).

    Returns
    -------
    fastapi.params.Depends
        Use as a parameter default: ``user: Principal = access(Action.MANAGE_USERS)``.
    """

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if (action is not None or signed_in) and principal is ANONYMOUS:
            raise PermissionDenied(
                "this needs a signed-in user",
                user="anonymous",
                action=action.value if action else "use this route",
            )
        if action is not None:
            authorize(principal, action, target)
        return principal

    setattr(check, "lanxi_access", (action, signed_in))  # noqa: B010 - read by the route audit
    return Depends(check)


def access_of(dependency: Callable[..., Any]) -> tuple[Action | None, bool] | None:
    """The ``(action, signed_in)`` a dependency made by :func:`access` checks, else None."""
    value = getattr(dependency, "lanxi_access", None)
    return value if isinstance(value, tuple) else None
