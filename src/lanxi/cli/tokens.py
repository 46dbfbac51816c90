"""``lanxi token list/create/revoke`` and ``lanxi users password``: credentials on the CLI.

Every command acts as ``--as USER`` (else ``$LANXI_USER``, else ``admin``): a user lists, creates
and revokes their own tokens; the office (``admin``) anyone's. A token's value is printed once.
Setting a password (``lanxi users password``) ends every session and token of the user.
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Annotated

import typer

from lanxi.cli.monitoring import AsOpt, FormatOpt, OutOpt, current_user, users_app
from lanxi.cli.output import Format, console, emit
from lanxi.services import auth as auth_svc
from lanxi.services.monitoring import permissions as perm_svc
from lanxi.services.store import session

token_app = typer.Typer(help="令牌 API tokens: list, create, revoke.", no_args_is_help=True)


@token_app.command("list")
def token_list(
    user: Annotated[
        str | None, typer.Option("--user", help="whose tokens (the office: anyone's)")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="also revoked and expired tokens")] = False,
    as_user: AsOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """List API tokens (never their values): name, expiry, last use, state."""
    with session() as s:
        actor = perm_svc.load_principal(s, current_user(as_user))
        rows = auth_svc.list_tokens(s, actor, username=user, include_dead=all_)
    emit(
        rows,
        fmt,
        out=out,
        sheet="tokens",
        title="令牌 API tokens",
        table_columns={
            "id": "编号 Id",
            "username": "用户 User",
            "name": "名称 Name",
            "expires_at": "到期 Expires (UTC)",
            "last_used_at": "最近使用 Last used (UTC)",
            "state": "状态 State",
        },
    )


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="what the token is for, e.g. 'nightly import'")],
    user: Annotated[
        str | None, typer.Option("--user", help="for another user (the office only)")
    ] = None,
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=1, help="life in days (default LANXI_TOKEN_TTL_DAYS, at most …_MAX_…)"
        ),
    ] = None,
    as_user: AsOpt = None,
) -> None:
    """Create an API token and print it once (send it as ``Authorization: Bearer …``)."""
    with session() as s:
        actor = perm_svc.load_principal(s, current_user(as_user))
        issued = auth_svc.issue_token(
            s,
            user or actor.username,
            name,
            actor=actor,
            ttl=dt.timedelta(days=days) if days is not None else None,
        )
    console.print(
        f"令牌 Token {issued.id} '{issued.name}' for {user or actor.username}, "
        f"expires {issued.expires_at:%Y-%m-%d %H:%M} UTC — shown once:"
    )
    typer.echo(issued.token)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(help="the token's id (see `lanxi token list`)")],
    as_user: AsOpt = None,
) -> None:
    """Revoke an API token (its owner or the office)."""
    with session() as s:
        actor = perm_svc.load_principal(s, current_user(as_user))
        done = auth_svc.revoke_token_id(s, token_id, actor=actor)
    state = "revoked" if done["revoked"] else "was already revoked"
    console.print(f"令牌 Token {done['id']} '{done['name']}' of {done['username']} {state}")


@users_app.command("password")
def users_password(
    username: Annotated[str, typer.Argument(help="login name")],
    password: Annotated[
        str | None,
        typer.Option(
            "--password", help="the new password (default: asked for, or a random one printed)"
        ),
    ] = None,
    generate: Annotated[
        bool, typer.Option("--generate", help="a random password, printed once")
    ] = False,
    as_user: AsOpt = None,
) -> None:
    """Set (reset) a user's password; every session and API token of the user ends.

    The password policy refuses short, common and trivial passwords (docs/deploy.md).
    """
    import secrets

    if generate:
        password = secrets.token_urlsafe(12)
    elif password is None:
        password = getpass.getpass(f"new password for {username}: ")
    with session() as s:
        actor = perm_svc.load_principal(s, current_user(as_user))
        auth_svc.set_password(s, username, password, actor=actor)
    console.print(f"密码已设置 Password set for {username}; their sessions and tokens ended")
    if generate:
        typer.echo(password)
