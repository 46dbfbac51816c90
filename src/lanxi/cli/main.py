"""The ``lanxi`` command: a thin skin over :mod:`lanxi.services`.

Errors Lanxi raises on purpose (bad input, unknown names, missing set-up) print as one readable
message on standard error with exit code 1 (2 for validation problems), never as a traceback.

Start-up is lazy: this module imports Typer and nothing heavy; each command's module (and with it
pandas, numba, SQLAlchemy, …) is imported only when that command runs. ``lanxi --help`` lists the
commands from :data:`COMMANDS`, whose one-line help a test keeps equal to each command's own.
"""

from __future__ import annotations

import importlib
import logging
import sys
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

from lanxi import __version__
from lanxi.errors import LanxiError, ValidationError


@dataclass(frozen=True)
class Lazy:
    """A command of ``lanxi``, imported when it runs.

    Attributes
    ----------
    name : str
        The command's name on the command line.
    module, attr : str
        Where the command's function or Typer sub-app is defined.
    help : str
        Its one-line help, shown by ``lanxi --help`` without importing ``module``.
    hidden : bool
        Left out of the help (an alias).
    """

    name: str
    module: str
    attr: str
    help: str
    hidden: bool = False


_DB, _AN, _ENV = "lanxi.cli.db", "lanxi.cli.analytics", "lanxi.cli.env"
_PL, _MON = "lanxi.cli.plans", "lanxi.cli.monitoring"

#: Every command, in the order ``lanxi --help`` lists them.
COMMANDS: tuple[Lazy, ...] = (
    Lazy("setup", _DB, "setup_cmd", "Everything the first run needs: database, schema, plan data, "
         "then a summary."),
    Lazy("load-plans", _DB, "load_plans_cmd", "Load the bundled plan data into the database "
         "(idempotent)."),
    Lazy("coupling", _AN, "coupling_cmd", "耦合协调度 Coupling coordination C, T, D of subsystems "
         "(levels in [0, 1]) with grades."),
    Lazy("regions", _PL, "regions", "区域 Regions: the agglomeration, provinces, prefectures and "
         "the 39 county-level units."),
    Lazy("groups", _PL, "groups", "空间结构 Region groups: 一带双圈多节点, the demo zone, the "
         "Lanzhou economic circle."),
    Lazy("plans", _PL, "plans", "规划文件 The plan documents."),
    Lazy("indicators", _PL, "indicators", "指标与目标 Targets, quoted statistics and qualitative "
         "goals of the plans."),
    Lazy("agencies", _PL, "agencies", "责任单位 The normalized responsible units and how many "
         "tasks each leads and shares."),
    Lazy("projects", _PL, "projects", "重点项目 Key projects named in the plans' 专栏 and tasks."),
    Lazy("template", _MON, "template", "报送模板 Write a submission template (.xlsx with "
         "drop-downs and codes, or .csv)."),
    Lazy("submit", _MON, "submit", "报送 Submit a file: validated whole, stored as one batch, or "
         "refused with every problem."),
    Lazy("send", _MON, "send", "提交 Send a draft batch for review (draft → submitted)."),
    Lazy("approve", _MON, "approve", "批准 Approve a submitted batch (province admin of its "
         "province, or the office)."),
    Lazy("batches", _MON, "batches", "报送批次 Submission batches, newest first."),
    Lazy("observations", _MON, "observations", "监测数据 Observations (the public sees approved "
         "values only; synthetic rows are flagged)."),
    Lazy("progress", _MON, "progress", "目标进展 Progress of each target against the latest "
         "approved value."),
    Lazy("rollup", _MON, "rollup", "汇总 Roll-ups county → prefecture → province → agglomeration, "
         "by each indicator's rule."),
    Lazy("audit", _MON, "audit", "审计日志 The append-only audit log (who, when, what, old → new, "
         "why)."),
    Lazy("demo", _MON, "demo", "演示数据 Generate clearly labelled synthetic data (--wipe removes "
         "it again)."),
    Lazy("evaluate", _MON, "evaluate", "评估 Evaluation as of a date "
         "(动态监测 / 中期评估 / 总结评估), as reproducible JSON."),
    Lazy("return", _MON, "return_", "退回 Return a submitted batch to its submitter, with the "
         "reason."),
    Lazy("task-status", _MON, "task_status", "任务进展 Task status: completion, overdue and "
         "stalled tasks (approved reports)."),
    Lazy("tasks-status", _MON, "task_status", "任务进展 Task status: completion, overdue and "
         "stalled tasks (approved reports).", hidden=True),
    Lazy("annual-tasks", _MON, "annual_tasks", "分年度重点工作任务 The annual joint task list: "
         "each year's reports by task and agency."),
    Lazy("report", "lanxi.cli.report", "report", "报告 A report as PDF, HTML or Excel, built from "
         "the store's data."),
    Lazy("serve", "lanxi.cli.serve", "serve", "网页平台 Run the web platform (API + dashboard): "
         "set up, demo data, print a demo login."),
    Lazy("db", _DB, "db_app", "数据库 Database: create, migrate, back up."),
    Lazy("access", _AN, "access_app", "可达性 Accessibility: travel-time matrices, isochrones, "
         "1-hour circles."),
    Lazy("structure", _AN, "structure_app", "产业结构 Industrial structure of a yearbook table."),
    Lazy("linkage", _AN, "linkage_app", "空间联系 Spatial linkage."),
    Lazy("air", _ENV, "air_app", "环境空气质量 Ambient air: AQI (HJ 633) and annual evaluation "
         "(HJ 663)."),
    Lazy("water", _ENV, "water_app", "地表水环境质量 Surface water: GB 3838-2002 classes, the "
         "2011 method, compensation."),
    Lazy("env", _ENV, "env_app", "环境数据 Environment data: bundled sections/stations, demo "
         "data."),
    Lazy("tasks", _MON, "tasks_app", "重点任务 The tasks of the 2022 scheme; `lanxi tasks "
         "status` for their progress."),
    # lanxi.cli.tokens adds `users password` to the monitoring module's users_app
    Lazy("users", "lanxi.cli.tokens", "users_app", "用户 Users and roles."),
    Lazy("token", "lanxi.cli.tokens", "token_app", "令牌 API tokens: list, create, revoke."),
)  # fmt: skip
_BY_NAME = {c.name: c for c in COMMANDS}


def load_command(entry: Lazy) -> Any:
    """Import ``entry``'s module and build its click command (a group for a Typer sub-app).

    Typed ``Any``: the click classes are Typer's own (it vendors click from 0.2x on).
    """
    obj = getattr(importlib.import_module(entry.module), entry.attr)
    if isinstance(obj, typer.Typer):
        command: Any = typer.main.get_group(obj)
    else:
        single = typer.Typer()
        single.command(entry.name, hidden=entry.hidden)(obj)
        command = typer.main.get_command(single)
    command.name = entry.name
    return command


class LanxiGroup(TyperGroup):
    """Turns :class:`lanxi.errors.LanxiError` into a message and an exit code, never a traceback.

    Also the lazy registry: the commands of :data:`COMMANDS` are imported when they run; while
    the help is printed they are stand-ins that carry the name and the one-line help only.
    """

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        """The registered order of :data:`COMMANDS`, then any command added directly."""
        return [c.name for c in COMMANDS] + [n for n in self.commands if n not in _BY_NAME]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        """The command, imported on first use (a stand-in while the help is printed)."""
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = _BY_NAME.get(cmd_name)
        if entry is None:
            return None
        if self._listing:
            return TyperCommand(entry.name, help=entry.help, hidden=entry.hidden)
        command = load_command(entry)
        self.commands[cmd_name] = command
        return command

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """The help of ``lanxi`` itself, without importing any command's module."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def invoke(self, ctx: Any) -> Any:
        """Invoke the command, translating Lanxi's errors."""
        try:
            return super().invoke(ctx)
        except ValidationError as exc:
            sys.stderr.write(f"错误 Error: {exc}\n")
            raise typer.Exit(2) from exc
        except LanxiError as exc:
            zh = getattr(exc, "message_zh", None)
            sys.stderr.write(f"错误 Error: {exc}\n" + (f"错误：{zh}\n" if zh else ""))
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


def main() -> None:
    """Entry point of the console script."""
    app()


if __name__ == "__main__":
    main()
