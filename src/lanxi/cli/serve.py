"""``lanxi serve``: the web platform (API + dashboard) on the default store, for a first look.

Sets the store up if needed (``lanxi setup``), generates the demonstration data if missing
(``lanxi demo`` and ``lanxi env demo``), creates demo sign-ins with individual random passwords the
first time (printed once, kept in ``<LANXI_HOME>/demo-logins.txt``, mode 0600; never reset at a
later start), and runs uvicorn. For a production deployment see ``docs/deploy.md``.
"""

from __future__ import annotations

from typing import Annotated

import typer

from lanxi.cli.output import console


def serve(
    host: Annotated[str, typer.Option(help="address to listen on (loopback by default)")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="port", min=1, max=65535)] = 8000,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="demo data and demo sign-ins if missing")
    ] = True,
    password: Annotated[
        str | None,
        typer.Option(
            help="set this password for every demo account now (default: each account keeps its "
            "own, made at the first start)"
        ),
    ] = None,
) -> None:
    """网页平台 Run the web platform (API + dashboard): set up, demo data, print a demo login."""
    import uvicorn

    from lanxi.api import create_app
    from lanxi.services import webdemo
    from lanxi.settings import get_settings

    settings = get_settings()
    with console.status("准备数据 Preparing the store…"):
        prepared = webdemo.prepare(
            settings.database_url,
            demo=demo,
            password=password,
            env=settings.env,
            home=settings.home,
        )
    if prepared.created_schema:
        console.print("[green]✓[/green] 新建数据库 New database set up with the plan data")
    if prepared.loaded_demo:
        console.print("[green]✓[/green] 合成演示数据 Synthetic demonstration data generated")
    from lanxi.services.warmup import compile_kernels

    with console.status("编译计算内核 Compiling the kernels (cached after the first start)…"):
        compile_kernels()
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    console.print(f"\n[bold]兰西 Lanxi[/bold] → http://{shown}:{port}/  (API: /api/v1/docs)")
    if prepared.logins:
        console.print("演示账号 Demo sign-ins (new passwords, shown this once):")
        for user, pw in prepared.logins.items():
            console.print(f"  [bold]{user}[/bold] / {pw}", markup=True, highlight=False)
    if prepared.logins_file is not None:
        console.print(
            f"演示账号密码保存在 Demo passwords are kept in {prepared.logins_file} (mode 0600); "
            "change one with `lanxi users password NAME`"
        )
    elif demo and not prepared.logins:
        console.print("演示账号 Demo sign-ins: unchanged (`lanxi users password NAME` to reset)")
    console.print("[dim]Ctrl+C 停止 to stop[/dim]\n")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
