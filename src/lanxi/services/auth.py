"""Sign-in for the web platform: argon2 passwords, browser sessions, bearer API tokens.

Passwords are hashed with argon2id (``argon2-cffi``, its default parameters, RFC 9106's second
recommended option). Session ids and API tokens are random (``secrets.token_urlsafe``, 256 bits);
only their SHA-256 is stored, so a copy of the database cannot be replayed as a cookie or token.
Every function takes an open session; the caller commits. The web layer (cookies, CSRF checks,
rate limiting) lives in :mod:`lanxi.api.security`; this module only touches the store.

Credentials (issue 14):

* **Password policy** (NIST SP 800-63B §5.1.1.2, no composition rules): at least
  :data:`MIN_PASSWORD_LENGTH` characters, not one of the 10,000 most common passwords (bundled,
  ``lanxi/data/security``), not that with digits or symbols added at either end, not a run of one
  character or a straight sequence (``abcdefghij``, ``0987654321``), at least
  :data:`MIN_DISTINCT_CHARACTERS` different characters, not the user name.
* **Tokens** expire (default and longest life are settings), have a name and a last-use time, are
  listed and revoked by their owner and by the office; only a browser session (or the command
  line) mints one, never another token.
* **A password change or reset** ends every session and revokes every token of the user.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import itertools
import secrets
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, PermissionDenied, Problem, ValidationError
from lanxi.services.monitoring.common import audit_entry, write_audit
from lanxi.services.monitoring.permissions import Action, Principal, authorize
from lanxi.storage.models import UserRow, utcnow
from lanxi.storage.web_models import ApiTokenRow, WebSessionRow

#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 10
#: Fewest different characters in a password (``aaaaaaaaaa``, ten spaces and ``ababababab`` fail).
MIN_DISTINCT_CHARACTERS = 5
#: A token's ``last_used_at`` is written at most this often (one write per token per minute).
TOKEN_TOUCH_INTERVAL = dt.timedelta(minutes=1)
#: Life of a browser session.
SESSION_TTL = dt.timedelta(hours=12)

_hasher = PasswordHasher()
# A hash to verify against when the user does not exist, so that a login for an unknown name
# takes as long as one for a known name (no user enumeration by timing).
_DUMMY_HASH = _hasher.hash("lanxi-no-such-user")


def _sha(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _aware(t: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes for timezone-aware columns; they were written in UTC.
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)


def _user(session: Session, username: str) -> UserRow:
    user = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    if user is None:
        raise NotFoundError(f"no user '{username}' (add with `lanxi users add {username}`)")
    return user


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the 10,000 most common passwords, lower-cased.

    Source and licence: ``lanxi/data/security/README.md`` (zxcvbn's frequency list, MIT).
    """
    raw = resources.files("lanxi.data").joinpath("security", "common-passwords.txt.gz")
    text = gzip.decompress(raw.read_bytes()).decode("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def _is_sequence(text: str) -> bool:
    """True for a run of consecutive characters, up or down (``abcdefghij``, ``9876543210``)."""
    if len(text) < 3:
        return False
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1}) or text in "1234567890" or text in "0987654321"


def password_problems(password: str, username: str | None = None) -> list[Problem]:
    """Why a password is refused (an empty list if it is accepted).

    Length (at least :data:`MIN_PASSWORD_LENGTH` characters), not common (the bundled list of the
    10,000 most common passwords, also with digits or symbols added at either end), not trivial
    (one character repeated, a straight sequence, fewer than :data:`MIN_DISTINCT_CHARACTERS`
    different characters), not the user name. No composition rules (NIST SP 800-63B).

    Parameters
    ----------
    password : str
        The new password.
    username : str, optional
        The user's name (a password equal to or containing it is refused).

    Returns
    -------
    list of Problem
        Each with an English and a Chinese message.
    """

    def problem(en: str, zh: str) -> Problem:
        return Problem("users", None, "password", en, None, message_zh=zh)

    out: list[Problem] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        out.append(
            problem(
                f"a password has at least {MIN_PASSWORD_LENGTH} characters "
                f"(this one has {len(password)})",
                f"密码至少 {MIN_PASSWORD_LENGTH} 个字符（此密码 {len(password)} 个）",
            )
        )
    low = password.strip().lower()
    core = low.strip("0123456789!@#$%^&*()-_=+.,;:?~`'\"/|[]{}<> ")
    common = common_passwords()
    if not password.strip():
        out.append(problem("a password is not only spaces", "密码不能全是空格"))
    elif low in common or (len(core) >= 4 and core in common) or (low and _is_sequence(low)):
        out.append(
            problem(
                "this password is among the most common ones (or is a plain sequence) and is "
                "guessed first; choose a longer phrase of your own",
                "此密码属于最常见的密码（或为简单序列），极易被猜中；请换一个自己的较长短语",
            )
        )
    elif len(set(password)) < MIN_DISTINCT_CHARACTERS:
        out.append(
            problem(
                f"a password has at least {MIN_DISTINCT_CHARACTERS} different characters",
                f"密码至少包含 {MIN_DISTINCT_CHARACTERS} 个不同的字符",
            )
        )
    if username and len(username) >= 3 and username.lower() in low:
        out.append(problem("a password does not contain the user name", "密码不能包含用户名"))
    return out


def set_password(session: Session, username: str, password: str, *, actor: Principal) -> None:
    """Set a user's password (argon2id hash); end their sessions and tokens; audited.

    A password change (by the user) or reset (by the office) ends every browser session of the
    user and revokes every API token: whoever held the old password signs in again.

    Raises
    ------
    PermissionDenied
        Unless ``actor`` is the office, a system job, or the user themself.
    ValidationError
        If the password breaks the policy (:func:`password_problems`).
    """
    if actor.username != username:
        authorize(actor, Action.MANAGE_USERS)
    problems = password_problems(password, username)
    if problems:
        raise ValidationError(problems)
    user = _user(session, username)
    session.execute(
        update(UserRow).where(UserRow.id == user.id).values(password_hash=_hasher.hash(password))
    )
    ended = end_credentials(session, user.id)
    write_audit(
        session,
        [
            audit_entry(
                actor.username,
                "set_password",
                "users",
                username,
                new={"sessions_ended": ended[0], "tokens_revoked": ended[1]},
                reason=None,
            )
        ],
    )


def end_credentials(session: Session, user_id: int) -> tuple[int, int]:
    """End every browser session and revoke every live API token of a user.

    Returns
    -------
    tuple of int
        Sessions ended, tokens revoked.
    """
    sessions = session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
    tokens = session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.user_id == user_id, ApiTokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return int(getattr(sessions, "rowcount", 0) or 0), int(getattr(tokens, "rowcount", 0) or 0)


def has_password(session: Session, username: str) -> bool:
    """True if the user exists and has a password set."""
    user = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    return user is not None and bool(user.password_hash)


def verify_password(session: Session, username: str, password: str) -> bool:
    """True if the user exists, is active, has a password and ``password`` matches it.

    A hash made with older argon2 parameters is re-hashed on success.
    """
    user = session.scalars(select(UserRow).where(UserRow.username == username)).first()
    stored = user.password_hash if user is not None and user.is_active else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return False
    if stored is None or user is None:
        return False
    if _hasher.check_needs_rehash(stored):
        session.execute(
            update(UserRow)
            .where(UserRow.id == user.id)
            .values(password_hash=_hasher.hash(password))
        )
    return True


@dataclass(frozen=True)
class WebSession:
    """A resolved browser session."""

    username: str
    csrf_token: str
    expires_at: dt.datetime


def create_session(
    session: Session, username: str, *, ttl: dt.timedelta = SESSION_TTL
) -> tuple[str, WebSession]:
    """Open a new browser session for a user; return the session id (for the cookie) and it.

    Every call makes a fresh random id, so signing in never reuses an id the browser held before
    (no session fixation); the caller deletes the old one with :func:`delete_session`.
    """
    user = _user(session, username)
    sid = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = utcnow() + ttl
    session.execute(
        insert(WebSessionRow).values(
            id_hash=_sha(sid), user_id=user.id, csrf_token=csrf, expires_at=expires
        )
    )
    # Housekeeping: drop this user's expired sessions.
    session.execute(
        delete(WebSessionRow).where(
            WebSessionRow.user_id == user.id, WebSessionRow.expires_at < utcnow()
        )
    )
    return sid, WebSession(username, csrf, expires)


def resolve_session(session: Session, sid: str) -> WebSession | None:
    """The live session of a cookie value, or None (unknown, expired, or user inactive)."""
    row = session.execute(
        select(WebSessionRow.csrf_token, WebSessionRow.expires_at, UserRow.username)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(WebSessionRow.id_hash == _sha(sid), UserRow.is_active.is_(True))
    ).first()
    if row is None or _aware(row.expires_at) <= utcnow():
        return None
    return WebSession(row.username, row.csrf_token, _aware(row.expires_at))


def delete_session(session: Session, sid: str) -> None:
    """End a browser session (sign out)."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.id_hash == _sha(sid)))


def _token_settings() -> tuple[int, int]:
    from lanxi.settings import get_settings

    st = get_settings()
    return st.token_ttl_days, st.token_max_ttl_days


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: its value (shown once), id, name and expiry."""

    token: str
    id: int
    name: str
    expires_at: dt.datetime


def create_token(
    session: Session,
    username: str,
    name: str,
    *,
    actor: Principal,
    ttl: dt.timedelta | None = None,
    via_token: bool = False,
) -> str:
    """Issue an API token for a user; return its value (see :func:`issue_token`)."""
    return issue_token(session, username, name, actor=actor, ttl=ttl, via_token=via_token).token


def issue_token(
    session: Session,
    username: str,
    name: str,
    *,
    actor: Principal,
    ttl: dt.timedelta | None = None,
    via_token: bool = False,
) -> IssuedToken:
    """Issue an API token for a user (its value is shown once; only its hash is stored).

    Parameters
    ----------
    session : Session
        Open session; the caller commits.
    username : str
        The token's owner.
    name : str
        What the token is for (shown in the list; up to 64 characters).
    actor : Principal
        Who asks: the owner, the office or a system job.
    ttl : timedelta, optional
        Its life: default ``LANXI_TOKEN_TTL_DAYS``; at most ``LANXI_TOKEN_MAX_TTL_DAYS``.
    via_token : bool
        The request was authenticated by an API token: refused (a token never mints tokens).

    Raises
    ------
    PermissionDenied
        Unless ``actor`` is the office, a system job, or the user themself; or ``via_token``.
    ValidationError
        A life over the longest allowed, or not positive.
    """
    if via_token:
        raise PermissionDenied(
            "an API token cannot issue tokens; sign in with a password (browser session) or use "
            "`lanxi token create`",
            user=actor.username,
            action="create an API token",
            reason_zh="API 令牌不能再签发令牌；请用密码登录（浏览器会话）"
            "或使用 `lanxi token create`",
        )
    if actor.username != username:
        authorize(actor, Action.MANAGE_USERS)
    default_days, max_days = _token_settings()
    life = ttl if ttl is not None else dt.timedelta(days=default_days)
    if life <= dt.timedelta(0) or life > dt.timedelta(days=max_days):
        raise ValidationError(
            [
                Problem(
                    "api_tokens",
                    None,
                    "expires",
                    f"a token lives between 1 and {max_days} days (LANXI_TOKEN_MAX_TTL_DAYS)",
                    f"{life.total_seconds() / 86400:g} days",
                    message_zh=f"令牌有效期为 1 至 {max_days} 天（LANXI_TOKEN_MAX_TTL_DAYS）",
                )
            ]
        )
    user = _user(session, username)
    token = "lx_" + secrets.token_urlsafe(32)
    expires = utcnow() + life
    clean = name.strip()[:64]
    token_id = session.execute(
        insert(ApiTokenRow).values(
            user_id=user.id, name=clean, token_hash=_sha(token), expires_at=expires
        )
    ).inserted_primary_key[0]  # type: ignore[attr-defined]
    write_audit(
        session,
        [
            audit_entry(
                actor.username,
                "create_token",
                "api_tokens",
                f"{username}:{name}",
                new={"name": clean, "expires_at": expires.isoformat()},
            )
        ],
    )
    return IssuedToken(token, int(token_id), clean, expires)


@dataclass(frozen=True)
class TokenUse:
    """A live token resolved from a request."""

    token_id: int
    username: str
    last_used_at: dt.datetime | None


def resolve_token_use(session: Session, token: str) -> TokenUse | None:
    """The live token of a bearer value (not revoked, not expired, active user), or None."""
    row = session.execute(
        select(
            ApiTokenRow.id,
            ApiTokenRow.expires_at,
            ApiTokenRow.revoked_at,
            ApiTokenRow.last_used_at,
            UserRow.username,
        )
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.token_hash == _sha(token), UserRow.is_active.is_(True))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and _aware(row.expires_at) <= utcnow():
        return None
    last = _aware(row.last_used_at) if row.last_used_at is not None else None
    return TokenUse(int(row.id), str(row.username), last)


def resolve_token(session: Session, token: str) -> str | None:
    """The username of a live API token, or None."""
    use = resolve_token_use(session, token)
    return use.username if use is not None else None


def touch_token(session: Session, use: TokenUse, *, now: dt.datetime | None = None) -> bool:
    """Record a token's use (``last_used_at``), at most once per :data:`TOKEN_TOUCH_INTERVAL`.

    Returns
    -------
    bool
        True if the time was written.
    """
    now = now or utcnow()
    if use.last_used_at is not None and now - use.last_used_at < TOKEN_TOUCH_INTERVAL:
        return False
    session.execute(
        update(ApiTokenRow).where(ApiTokenRow.id == use.token_id).values(last_used_at=now)
    )
    return True


def _iso(t: dt.datetime | None) -> str | None:
    return _aware(t).isoformat() if t is not None else None


def list_tokens(
    session: Session, actor: Principal, *, username: str | None = None, include_dead: bool = False
) -> list[dict[str, Any]]:
    """API tokens (never their values): the actor's own, or (the office) anyone's.

    Parameters
    ----------
    session : Session
        Open session.
    actor : Principal
        Who asks. Non-office users see only their own tokens.
    username : str, optional
        Whose tokens (the office: any user; default the actor, or everyone for the office).
    include_dead : bool
        Also revoked and expired tokens.

    Returns
    -------
    list of dict
        ``id, username, name, created_at, expires_at, last_used_at, revoked_at, state``
        (``state``: ``active``, ``expired`` or ``revoked``), newest first.

    Raises
    ------
    PermissionDenied
        A non-office user asking for another user's tokens.
    """
    if username is not None and username != actor.username:
        authorize(actor, Action.MANAGE_USERS)
    q = (
        select(ApiTokenRow, UserRow.username)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .order_by(ApiTokenRow.created_at.desc(), ApiTokenRow.id.desc())
    )
    who = username if username is not None else (None if actor.office else actor.username)
    if who is not None:
        q = q.where(UserRow.username == who)
    now = utcnow()
    out = []
    for tok, owner in session.execute(q).all():
        expired = tok.expires_at is not None and _aware(tok.expires_at) <= now
        state = "revoked" if tok.revoked_at is not None else ("expired" if expired else "active")
        if state != "active" and not include_dead:
            continue
        out.append(
            {
                "id": tok.id,
                "username": owner,
                "name": tok.name,
                "created_at": _iso(tok.created_at),
                "expires_at": _iso(tok.expires_at),
                "last_used_at": _iso(tok.last_used_at),
                "revoked_at": _iso(tok.revoked_at),
                "state": state,
            }
        )
    return out


def revoke_token_id(session: Session, token_id: int, *, actor: Principal) -> dict[str, Any]:
    """Revoke a token by its id: its owner or the office; audited.

    Raises
    ------
    NotFoundError
        No such token, or (for a non-office user) not theirs: another user's tokens are not
        disclosed.
    """
    row = session.execute(
        select(ApiTokenRow, UserRow.username)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.id == token_id)
    ).first()
    if row is None or (row[1] != actor.username and not (actor.office or actor.system)):
        raise NotFoundError(f"no API token {token_id} of yours (list them with `lanxi token list`)")
    tok, owner = row
    revoked = tok.revoked_at is None
    if revoked:
        session.execute(
            update(ApiTokenRow).where(ApiTokenRow.id == tok.id).values(revoked_at=utcnow())
        )
        write_audit(
            session,
            [audit_entry(actor.username, "revoke_token", "api_tokens", f"{owner}:{tok.name}")],
        )
    return {"id": tok.id, "username": owner, "name": tok.name, "revoked": revoked}


def revoke_token(session: Session, token: str) -> bool:
    """Revoke an API token by its value; True if it was live."""
    result = session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.token_hash == _sha(token), ApiTokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))
