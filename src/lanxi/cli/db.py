"""``lanxi db …``, ``lanxi load-plans`` and ``lanxi setup``: the store from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lanxi.cli.output import console, err_console
from lanxi.services import store
from lanxi.services.monitoring.demo import setup_monitoring

db_app = typer.Typer(help="数据库 Database: create, migrate, back up.", no_args_is_help=True)


def _url_hint(url: str) -> str:
    return (
        url
        if "@" not in url
        else url.split("@", 1)[0].rsplit(":", 1)[0] + ":***@" + url.split("@", 1)[1]
    )


@db_app.command("init")
def db_init() -> None:
    """Create the database (if needed) and migrate it to the newest schema. 建库并迁移到最新结构."""
    url = store.database_url()
    rev = store.init_database()
    console.print(f"数据库已就绪 Database ready: {_url_hint(url)} (schema {rev})")


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="target revision")] = "head",
) -> None:
    """Migrate the database schema (Alembic). 迁移数据库结构."""
    rev = store.upgrade_database(revision)
    console.print(f"数据库结构 Schema now at {rev}")


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision. 当前结构版本."""
    console.print(store.current_revision() or "(empty database — run `lanxi db init`)")


@db_app.command("backup")
def db_backup(
    path: Annotated[Path, typer.Argument(help="file to write (SQLite copy or pg_dump output)")],
) -> None:
    """Back up the database: SQLite online backup, or pg_dump for PostgreSQL. 备份."""
    out = store.backup_database(path)
    console.print(f"备份完成 Backup written: {out}")


def load_plans_cmd() -> None:
    """Load the bundled plan data into the database (idempotent). 载入规划数据（可重复执行）."""
    report = store.load_bundled_plans()
    console.print(report.summary())


def _compile_kernels() -> None:
    """Fill numba's cache (one status line per engine), then say where it is."""
    from lanxi.home import numba_cache_dir
    from lanxi.services.warmup import compile_kernels

    with console.status("编译计算内核 Compiling the kernels…") as status:
        done = compile_kernels(
            lambda name: status.update(f"编译计算内核 Compiling the kernels: {name}…")
        )
    seconds = sum(step.seconds for step in done)
    console.print(
        f"[green]✓[/green] 计算内核 Kernels compiled or loaded in {seconds:.1f} s "
        f"(cache: {numba_cache_dir()})"
    )


def setup_cmd(
    compile_kernels: Annotated[
        bool,
        typer.Option(
            "--compile/--no-compile",
            help="compile the numba kernels into the cache (LANXI_NUMBA_CACHE_DIR) so that the "
            "first call of a command is as fast as the second 预编译计算内核",
        ),
    ] = True,
) -> None:
    """Everything the first run needs: database, schema, plan data, then a summary. 一键初始化."""
    url = store.database_url()
    with console.status("建库 Creating the database…"):
        rev = store.init_database()
    console.print(f"[green]✓[/green] 数据库 Database: {_url_hint(url)} (schema {rev})")
    with console.status("载入规划数据 Loading the bundled plan data…"):
        report = store.load_bundled_plans()
    console.print(f"[green]✓[/green] {report.summary()}")
    with store.session() as s:
        mon = setup_monitoring(s)
    console.print(
        f"[green]✓[/green] 规划数据中的数字 Plan figures: {mon['plan_figures'].summary()}"
    )
    if mon["admin_created"]:
        console.print("[green]✓[/green] 用户 User 'admin' (agglomeration_office) created")
    if compile_kernels:
        _compile_kernels()
    console.print()
    console.print(store.summary_table())
    console.print()
    console.print("下一步 Next:")
    for line in (
        "lanxi regions --level county           # 39 个县级单元 the county-level units",
        "lanxi tasks --province 青海            # 重点任务 tasks of one province's agencies",
        "lanxi indicators --plan scheme2022     # 2025 年目标 the 2025 targets",
        "lanxi projects --kind rail             # 重点项目 key projects",
        "lanxi progress --plan scheme2022       # 目标进展 progress against targets",
        "lanxi --help                           # 全部命令 every command",
    ):
        console.print(f"  [bold]{line}[/bold]")
    err_console.print("[dim](activate with: source .venv/bin/activate)[/dim]")
