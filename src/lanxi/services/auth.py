"""Sign-in for the web platform: argon2 passwords, browser sessions, bearer API tokens.

Passwords are hashed with argon2id (``argon2-cffi``, its default parameters, RFC 9106's second
recommended option). Session ids and API tokens are random (``secrets.token_urlsafe``, 256 bits);
only their SHA-256 is stored, so a copy of the database cannot be replayed as a cookie or token.
Every function takes an open session; the caller commits. The web layer (cookies, CSRF checks,
rate limiting) lives in :mod:`lanxi.api.security`; this module only touches the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, Problem, ValidationError
from lanxi.services.monitoring.common import audit_entry, write_audit
from lanxi.services.monitoring.permissions import Action, Principal, authorize
from lanxi.storage.models import UserRow, utcnow
from lanxi.storage.web_models import ApiTokenRow, WebSessionRow

#: Shortest password accepted.
MIN_PASSWORD_LENGTH = 10
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


def set_password(session: Session, username: str, password: str, *, actor: Principal) -> None:
    """Set a user's password (argon2id hash); audited without the hash.

    Raises
    ------
    PermissionDenied
        Unless ``actor`` is the office, a system job, or the user themself.
    ValidationError
        If the password is shorter than :data:`MIN_PASSWORD_LENGTH`.
    """
    if actor.username != username:
        authorize(actor, Action.MANAGE_USERS)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            [
                Problem(
                    "users",
                    None,
                    "password",
                    f"a password has at least {MIN_PASSWORD_LENGTH} characters",
                    f"{len(password)} characters",
                )
            ]
        )
    user = _user(session, username)
    session.execute(
        update(UserRow).where(UserRow.id == user.id).values(password_hash=_hasher.hash(password))
    )
    write_audit(
        session, [audit_entry(actor.username, "set_password", "users", username, reason=None)]
    )


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


def create_token(
    session: Session,
    username: str,
    name: str,
    *,
    actor: Principal,
    ttl: dt.timedelta | None = None,
) -> str:
    """Issue an API token for a user; return it (it is shown once; only its hash is stored).

    Raises
    ------
    PermissionDenied
        Unless ``actor`` is the office, a system job, or the user themself.
    """
    if actor.username != username:
        authorize(actor, Action.MANAGE_USERS)
    user = _user(session, username)
    token = "lx_" + secrets.token_urlsafe(32)
    session.execute(
        insert(ApiTokenRow).values(
            user_id=user.id,
            name=name[:64],
            token_hash=_sha(token),
            expires_at=utcnow() + ttl if ttl is not None else None,
        )
    )
    write_audit(
        session, [audit_entry(actor.username, "create_token", "api_tokens", f"{username}:{name}")]
    )
    return token


def resolve_token(session: Session, token: str) -> str | None:
    """The username of a live API token, or None."""
    row = session.execute(
        select(ApiTokenRow.expires_at, ApiTokenRow.revoked_at, UserRow.username)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.token_hash == _sha(token), UserRow.is_active.is_(True))
    ).first()
    if row is None or row.revoked_at is not None:
        return None
    if row.expires_at is not None and _aware(row.expires_at) <= utcnow():
        return None
    return str(row.username)


def revoke_token(session: Session, token: str) -> bool:
    """Revoke an API token; True if it existed."""
    result = session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.token_hash == _sha(token), ApiTokenRow.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))
