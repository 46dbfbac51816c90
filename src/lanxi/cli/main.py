"""The ``lanxi`` command: a thin skin over :mod:`lanxi.services`.

Errors Lanxi raises on purpose (bad input, unknown names, missing set-up) print as one readable
message on standard error with exit code 1 (2 for validation problems), never as a traceback.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from lanxi import __version__
from lanxi.cli import analytics as analytics_cmds
from lanxi.cli import db as db_cmds
from lanxi.cli import env as env_cmds
from lanxi.cli import monitoring as mon_cmds
from lanxi.cli import plans as plan_cmds
from lanxi.cli import report as report_cmds
from lanxi.cli import serve as serve_cmds
from lanxi.errors import LanxiError, ValidationError


class LanxiGroup(TyperGroup):
    """Turns :class:`lanxi.errors.LanxiError` into a message and an exit code, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        """Invoke the command, translating Lanxi's errors."""
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            sys.stderr.write(f"错误 Error: {exc}\n")
            raise typer.Exit(2) from exc
        except LanxiError as exc:
            sys.stderr.write(f"错误 Error: {exc}\n")
            raise typer.Exit(1) from exc


class _NoteHandler(logging.Handler):
    """Prints the readers' notes (e.g. the encoding a CSV was read in) on standard error."""

    def emit(self, record: logging.LogRecord) -> None:
        sys.stderr.write(f"注意 Note: {record.getMessage()}\n")


def _notes_on_stderr() -> None:
    logger = logging.getLogger("lanxi.io")
    if not any(isinstance(h, _NoteHandler) for h in logger.handlers):
        logger.addHandler(_NoteHandler(logging.INFO))
        logger.setLevel(logging.INFO)


app = typer.Typer(
    cls=LanxiGroup,
    help="Lanxi 兰西 — 兰州—西宁城市群规划监测与分析 / Lanzhou–Xining urban agglomeration plan "
    "monitoring and analysis.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"lanxi {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Lanxi 兰西 command line."""
    _notes_on_stderr()


app.command("setup")(db_cmds.setup_cmd)
app.command("load-plans")(db_cmds.load_plans_cmd)
app.add_typer(db_cmds.db_app, name="db")
analytics_cmds.register(app)  # access, structure, linkage, coupling
app.add_typer(env_cmds.air_app, name="air")
app.add_typer(env_cmds.water_app, name="water")
app.add_typer(env_cmds.env_app, name="env")
for _name in ("regions", "groups", "plans", "indicators", "agencies", "projects"):
    app.command(_name)(getattr(plan_cmds, _name))
# `lanxi tasks` lists tasks; `lanxi tasks status` shows their progress (monitoring)
app.add_typer(mon_cmds.tasks_app, name="tasks")
for _name in (
    "template",
    "submit",
    "send",
    "approve",
    "batches",
    "observations",
    "progress",
    "rollup",
    "audit",
    "demo",
    "evaluate",
):
    app.command(_name)(getattr(mon_cmds, _name))
app.command("return")(mon_cmds.return_)
app.command("task-status")(mon_cmds.task_status)
app.command("tasks-status", hidden=True)(mon_cmds.task_status)
app.command("annual-tasks")(mon_cmds.annual_tasks)
app.add_typer(mon_cmds.users_app, name="users")
app.command("report")(report_cmds.report)
app.command("serve")(serve_cmds.serve)


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
