"""``lanxi report KIND``: bulletins and evaluation reports as PDF, HTML or Excel.

A thin skin over :func:`lanxi.reports.build_report` and :func:`lanxi.reports.render`: parse the
options, show progress, write the file. The output file is written only when the report was built
and rendered (nothing is left behind on an error).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from lanxi.errors import Problem, ValidationError

err_console = Console(stderr=True)


class ReportKind(StrEnum):
    """The report kinds (see docs/reports.md)."""

    water_monthly = "water-monthly"
    water_warnings = "water-warnings"
    water_annual = "water-annual"
    air_annual = "air-annual"
    compensation = "compensation"
    progress = "progress"
    midterm = "midterm"
    summary = "summary"
    public = "public"


class ReportFormat(StrEnum):
    """Output formats."""

    pdf = "pdf"
    html = "html"
    xlsx = "xlsx"


class LangOpt(StrEnum):
    """Languages of the labels."""

    zh = "zh"
    en = "en"


def _format(fmt: ReportFormat | None, out: Path) -> ReportFormat:
    suffix = out.suffix.lower().lstrip(".")
    if fmt is None:
        if suffix not in {f.value for f in ReportFormat}:
            raise ValidationError(
                [
                    Problem(
                        out.name,
                        None,
                        "--out",
                        "give --format pdf|html|xlsx or end the file name in .pdf, .html or .xlsx",
                        out.name,
                    )
                ]
            )
        return ReportFormat(suffix)
    if suffix and suffix != fmt.value:
        raise ValidationError(
            [
                Problem(
                    out.name,
                    None,
                    "--out",
                    f"--format {fmt.value} needs a .{fmt.value} file",
                    out.name,
                )
            ]
        )
    return fmt


def report(
    kind: Annotated[ReportKind, typer.Argument(help="which report (see docs/reports.md)")],
    out: Annotated[Path, typer.Option("--out", "-o", help="output file (.pdf, .html, .xlsx)")],
    period: Annotated[
        str | None,
        typer.Option(
            help="YYYY-MM (water-monthly), YYYYQn (water-warnings), YYYY (annual "
            "reports, compensation; progress/public: as of 31 December)"
        ),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="a city, province or region code: only its rows")
    ] = None,
    as_of: Annotated[
        dt.datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="date of the data (progress, public)"),
    ] = None,
    lang: Annotated[LangOpt, typer.Option("--lang", help="zh (default) | en")] = LangOpt.zh,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help="pdf | html | xlsx (default: from --out)"),
    ] = None,
    plan: Annotated[
        str | None, typer.Option(help="plan id (midterm, summary: default scheme2022)")
    ] = None,
    section: Annotated[
        str | None, typer.Option(help="border section (compensation; default HS-OUT)")
    ] = None,
) -> None:
    """报告 A report as PDF, HTML or Excel, built from the store's data.

    Kinds: water-monthly 月度水质监测评估通报 · water-warnings 季度水质预警通报 ·
    water-annual 年度水环境责任考核结果 · air-annual 年度环境空气质量报告 ·
    compensation 跨省断面生态补偿年度结算单 · progress 规划实施进展报告 · midterm 中期评估报告 ·
    summary 总结评估报告 · public 公众版摘要.
    """
    from lanxi.reports import build_report, render_bytes

    fmt_ = _format(fmt, out)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=False,
    ) as bar:
        step = bar.add_task(f"汇总数据 Building {kind.value}…", total=3)
        rep = build_report(
            kind.value,
            period=period,
            region=region,
            as_of=as_of.date() if as_of else None,
            lang=lang.value,
            plan=plan,
            section=section,
        )
        bar.update(step, advance=1, description=f"排版 Rendering {fmt_.value}…")
        data = render_bytes(rep, fmt_.value)
        bar.update(step, advance=1, description=f"写入 Writing {out}…")
        out.write_bytes(data)
        bar.update(step, advance=1, description=f"完成 Done: {out}")
    if rep.no_data:
        err_console.print(
            "[yellow]本期无数据 no data for this period[/yellow] — the report says so"
        )
    if rep.synthetic:
        err_console.print("[yellow]合成数据 The report uses synthetic demonstration data[/yellow]")
    err_console.print(f"写入 Wrote {out} ({len(data):,} bytes)")
