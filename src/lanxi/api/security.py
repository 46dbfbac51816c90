"""Who is asking: bearer tokens, session cookies, CSRF tokens, and the sign-in rate limit.

* **Bearer tokens** (``Authorization: Bearer lx_…``) for scripts: no cookie, so no CSRF check.
* **Session cookie** ``lanxi_session`` for browsers: HttpOnly, SameSite=Lax, ``Secure`` when
  ``LANXI_ENV=production``; a new random id at every sign-in (no session fixation).
* **CSRF**: every unsafe request (POST, PUT, PATCH, DELETE) made with the session cookie carries
  the session's token (synchronizer pattern) in the ``X-CSRF-Token`` header or a ``csrf_token``
  form field. Before sign-in the login form is protected by a double-submit token: the
  ``lanxi_csrf`` cookie and the same value in the form (``GET /api/v1/auth/csrf`` hands one out).
* **Rate limit**: :class:`LoginLimiter`, in process (each worker counts for itself; documented
  in ``docs/api.md``): 5 failed sign-ins per user and address in 15 minutes, 30 per address.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from fastapi import Request

from lanxi.api.errors import ApiError
from lanxi.services.monitoring.permissions import Grant, Principal, Role

SESSION_COOKIE = "lanxi_session"
CSRF_COOKIE = "lanxi_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

#: The reader who has not signed in: the public role, approved data only.
ANONYMOUS = Principal("anonymous", (Grant(Role.PUBLIC),))


def new_csrf_token() -> str:
    """A random token for the double-submit cookie."""
    return secrets.token_urlsafe(32)


def same_token(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens (False if either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token sent with a request: the header, else the form field."""
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def csrf_failure(detail: str, detail_zh: str | None = None) -> ApiError:
    """The error of a refused CSRF check (``detail_zh``: the detail in Chinese)."""
    return ApiError(
        403,
        "csrf",
        f"CSRF check failed: {detail}; reload the page and try again",
        message_zh=f"CSRF 校验未通过：{detail_zh}；请刷新页面后重试" if detail_zh else None,
    )


@dataclass
class LoginLimiter:
    """Failed sign-ins counted per (user, address) and per address in a sliding window.

    Parameters
    ----------
    per_user : int
        Failures allowed per user and address in ``window`` seconds.
    per_address : int
        Failures allowed per address (any user names) in ``window`` seconds.
    window : float
        Seconds.
    """

    per_user: int = 5
    per_address: int = 30
    window: float = 900.0
    _fails: dict[tuple[str, str], deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        q = self._fails.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def check(self, username: str, address: str) -> None:
        """Raise a 429 :class:`ApiError` if this sign-in must wait."""
        now = time.monotonic()
        with self._lock:
            user_q = self._recent((username.casefold(), address), now)
            addr_q = self._recent(("", address), now)
            full = [
                q for q, n in ((user_q, self.per_user), (addr_q, self.per_address)) if len(q) >= n
            ]
            if full:
                wait = max(1, int(max(q[0] for q in full) + self.window - now) + 1)
                raise ApiError(
                    429,
                    "rate_limited",
                    f"too many failed sign-ins; try again in {wait} s",
                    headers={"Retry-After": str(wait)},
                    message_zh=f"登录失败次数过多，请 {wait} 秒后再试",
                )

    def failed(self, username: str, address: str) -> None:
        """Count one failed sign-in."""
        now = time.monotonic()
        with self._lock:
            self._recent((username.casefold(), address), now).append(now)
            self._recent(("", address), now).append(now)

    def succeeded(self, username: str, address: str) -> None:
        """Forget the user's failures from this address."""
        with self._lock:
            self._fails.pop((username.casefold(), address), None)
