"""Web platform tables: browser sessions and API tokens.

* ``web_sessions`` — one signed-in browser: the SHA-256 of the random session id (the cookie holds
  the id itself, so a copy of the database cannot be replayed as a cookie), the user, the CSRF
  token of the session (synchronizer pattern) and the expiry;
* ``api_tokens`` — bearer tokens for scripts, stored as SHA-256 hashes, named, with an expiry and
  the time of their last use, revocable.

Created by migration ``0005_web``; imported at the end of :mod:`lanxi.storage.models` so
``Base.metadata`` holds them. Passwords live in ``users.password_hash`` (argon2, migration 0002).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lanxi.storage.models import Base, utcnow


class WebSessionRow(Base):
    """A browser session of a signed-in user."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class ApiTokenRow(Base):
    """A bearer token of a user, for scripts and other systems."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the token last authenticated a request (updated at most once a minute; 0006).
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
