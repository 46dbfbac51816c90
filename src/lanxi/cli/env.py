"""Environment commands: ``lanxi air …``, ``lanxi water …`` and ``lanxi env …``.

A thin skin over :mod:`lanxi.services.environment.assessments` (files),
:mod:`lanxi.services.environment.store` (the store) and :mod:`lanxi.services.environment.views`:
parse options, call one service function, write or print the result. Bad input raises
:class:`lanxi.errors.ValidationError` before anything is written (exit code 2).
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from lanxi.errors import ValidationError
from lanxi.export import csv_safe_frame
from lanxi.services.environment import assessments as svc
from lanxi.services.environment import compensation as comp_svc

air_app = typer.Typer(
    help="环境空气质量 Ambient air: AQI (HJ 633) and annual evaluation (HJ 663).",
    no_args_is_help=True,
)
water_app = typer.Typer(
    help="地表水环境质量 Surface water: GB 3838-2002 classes, the 2011 method, compensation.",
    no_args_is_help=True,
)
env_app = typer.Typer(
    help="环境数据 Environment data: bundled sections/stations, demo data.", no_args_is_help=True
)


class KindOpt(StrEnum):
    """Report type of the AQI."""

    hourly = "hourly"
    daily = "daily"


class AnnualKind(StrEnum):
    """Input resolution of the annual evaluation."""

    auto = "auto"
    hourly = "hourly"
    daily = "daily"


class EditionOpt(StrEnum):
    """Editions of HJ 633 / GB 3095."""

    e2012 = "2012"
    e2026 = "2026"


_IN_KINDS = ".csv, .xlsx, .xls, .parquet, .arrow, .feather"
_OUT_KINDS = ".csv, .xlsx, .json, .parquet, .arrow, .feather"
InArg = Annotated[Path, typer.Argument(help=f"input table ({_IN_KINDS})")]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help=f"output file ({_OUT_KINDS})")]
MaybeOut = Annotated[
    Path | None, typer.Option("--out", "-o", help=f"output file ({_OUT_KINDS}); else print")
]
FileOpt = Annotated[
    Path | None, typer.Option("--file", help="work from this samples table instead of the store")
]


class DupOpt(StrEnum):
    """How rows repeating a key (station and time, section and time) are handled."""

    refuse = "refuse"
    first = "first"
    last = "last"
    mean = "mean"


DuplicatesArg = Annotated[
    DupOpt,
    typer.Option(
        "--duplicates",
        help="rows repeating a station/section and time: refuse (default, exit 2, rows named) | "
        "first | last | mean",
    ),
]
EditionArg = Annotated[
    EditionOpt | None,
    typer.Option("--edition", help="2012 | 2026; default: by the date of the data"),
]
MappingOpt = Annotated[
    str | None,
    typer.Option(
        "--mapping",
        help="column mapping of a spreadsheet export: a YAML file or a built-in name "
        "(cn-air-station, cn-water-section, …); default: the built-in the headers match",
    ),
]
SheetOpt = Annotated[
    str | None, typer.Option("--sheet", help="worksheet name or 0-based index (Excel)")
]


NotMonitoredOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--not-monitored",
        help=(
            "HJ 633-2026 5.3.2: a pollutant the monitoring programme does not measure and that "
            "was not the primary pollutant of a 轻度污染 or worse day in three years (repeatable: "
            "so2 no2 pm10 co o3_1h o3_8h pm2_5); its absence then does not withhold the AQI"
        ),
    ),
]


JsonOpt = Annotated[bool, typer.Option("--json", help="print JSON records")]


def _done(df: pd.DataFrame, out: Path | None, as_json: bool = False) -> None:
    if as_json and out is None:
        sys.stdout.write(df.to_json(orient="records", force_ascii=False) + "\n")
        return
    if out is None:
        sys.stdout.write(csv_safe_frame(df).to_csv(index=False))
        return
    svc.write_output(df, out)
    typer.echo(f"写入 Wrote {len(df)} rows to {out}", err=True)


# -------------------------------------------------------------------------------------- air


@air_app.command("aqi")
def air_aqi_cmd(
    infile: InArg,
    out: OutOpt,
    kind: Annotated[KindOpt, typer.Option("--kind", help="hourly | daily")] = KindOpt.hourly,
    edition: EditionArg = None,
    keep: Annotated[
        list[str] | None,
        typer.Option("--keep", help="carry this extra column through (repeatable)"),
    ] = None,
    not_monitored: NotMonitoredOpt = None,
    duplicates: DuplicatesArg = DupOpt.refuse,
    stream: Annotated[
        bool | None,
        typer.Option(
            "--stream/--no-stream",
            help="process the file in batches (default: when larger than LANXI_STREAM_MB, 256)",
        ),
    ] = None,
) -> None:
    """AQI, category, primary pollutant and IAQIs of every row (HJ 633-2012 / HJ 633-2026).

    HJ 633-2026 5.3.1: a row missing one of its report's six pollutants has no AQI unless the
    others give more than 100 (AQI, category and primary pollutant NA; the IAQIs stay).
    A large file is read, computed and written in batches, with a progress bar.
    """
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    svc.check_output(out)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TextColumn("{task.completed:,} / {task.total:,} rows"),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("计算 AQI", total=None)

        def tick(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=max(done, total or done))

        n = svc.air_aqi_file(
            infile,
            out,
            stream=stream,
            progress=tick,
            kind=kind.value,
            edition=edition.value if edition else None,
            keep=keep or (),
            not_monitored=not_monitored or (),
            duplicates=duplicates.value,
        )
    typer.echo(f"写入 Wrote {n} rows to {out}", err=True)


@air_app.command("annual")
def air_annual_cmd(
    infile: InArg,
    out: OutOpt,
    kind: Annotated[
        AnnualKind, typer.Option("--kind", help="auto | hourly | daily")
    ] = AnnualKind.auto,
    edition: EditionArg = None,
    not_monitored: NotMonitoredOpt = None,
    duplicates: DuplicatesArg = DupOpt.refuse,
) -> None:
    """Annual evaluation per station and per city (HJ 663-2013).

    Annual means, the 24-hour percentiles (SO2/NO2 P98, PM10/PM2.5 P95, CO P95, O3 P90), GB 3095
    grade Ⅱ compliance (mean and percentile), good-days ratio (AQI ≤ 100) and the comprehensive
    index. Stations are grouped into cities by a ``city`` column.
    """
    svc.check_output(out)
    df, name = svc.read_input(infile)
    result = svc.air_annual(
        df,
        kind=kind.value,
        edition=edition.value if edition else None,
        file=name,
        not_monitored=not_monitored or (),
        duplicates=duplicates.value,
    )
    _done(result, out)


@air_app.command("import")
def air_import_cmd(
    source: Annotated[
        Path,
        typer.Argument(
            help="folder, .zip or .tar(.gz) of CNEMC national release files "
            "(YYYY-MM-DDTHH.csv) and/or china_sites_YYYYMMDD.csv files"
        ),
    ],
    hourly: Annotated[
        Path | None,
        typer.Option("--hourly", help="write the station-hour table (.csv, .parquet, .xlsx)"),
    ] = None,
    daily: Annotated[
        Path | None,
        typer.Option(
            "--daily", help="write the station-day table from the hour-00 files (.csv, .parquet)"
        ),
    ] = None,
    store_it: Annotated[
        bool, typer.Option("--store", help="store the hours and days as air observations")
    ] = False,
    all_stations: Annotated[
        bool,
        typer.Option("--all-stations", help="keep every station, not only the agglomeration's"),
    ] = False,
    batch: Annotated[
        str | None, typer.Option("--batch", help="batch id of the stored rows (default: a stamp)")
    ] = None,
    mapping: MappingOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Import CNEMC hourly release files, or a provincial Excel/CSV export, into the tables.

    A single .xlsx/.xls/.csv file (not named like a CNEMC release file) is read as a spreadsheet
    export through a column mapping: a built-in one chosen by its headers, or ``--mapping``.

    Keeps the agglomeration's stations (current and retired codes). O3 fields are read as CNEMC
    publishes them (o3_24h = latest 1-hour O3, o3_8h_24h = latest 8-hour mean, o3 / o3_8h = the
    24-hour maxima); daily values come from the hour-00 files (the previous natural day).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from lanxi.services import air_import

    if hourly is None and daily is None and not store_it:
        raise typer.BadParameter("give --hourly, --daily and/or --store")
    for out in (hourly, daily):
        if out is not None:
            air_import.check_import_output(out)
    if mapping is not None or _is_sheet(source):
        _air_sheet_import(source, mapping, sheet, hourly, daily, store_it, batch)
        return
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
        console=Console(stderr=True),
    ) as bar:
        task = bar.add_task("读取 Reading files", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = air_import.import_releases(source, all_stations=all_stations, progress=tick)
    for path in air_import.write_import(result, hourly, daily):
        typer.echo(f"写入 Wrote {path}", err=True)
    if store_it:
        n = air_import.store_import(result, batch=batch)
        typer.echo(
            f"入库 Stored {n['air_hourly']} hourly and {n['air_daily']} daily values "
            f"(batch {n['batch']})",
            err=True,
        )
    typer.echo(
        f"{result.n_files} files, {result.n_stations} stations: {len(result.hourly)} "
        f"station-hours, {len(result.daily)} station-days",
        err=True,
    )


def _is_sheet(source: Path) -> bool:
    from lanxi.services.sheet_import import is_spreadsheet

    return is_spreadsheet(source)


def _air_sheet_import(
    source: Path,
    mapping: str | None,
    sheet: str | None,
    hourly: Path | None,
    daily: Path | None,
    store_it: bool,
    batch: str | None,
) -> None:
    """``lanxi air import FILE.xlsx``: a spreadsheet export through a column mapping."""
    from lanxi.errors import Problem, ValidationError
    from lanxi.io.sheets import load_mapping
    from lanxi.services import air_import, sheet_import

    m = load_mapping(mapping) if mapping is not None else None
    result, info = sheet_import.import_air_sheet(source, mapping=m, sheet=_sheet_arg(sheet))
    typer.echo(info.summary(), err=True)
    have = "hourly" if len(result.hourly) else "daily"
    asked = [k for k, v in (("hourly", hourly), ("daily", daily)) if v is not None]
    if any(k != have for k in asked):
        raise ValidationError(
            [
                Problem(
                    source.name,
                    None,
                    None,
                    f"the file holds station-{'hour' if have == 'hourly' else 'day'} values: "
                    f"give --{have}",
                    sheet=info.sheet or None,
                    message_zh=f"该文件为{'小时' if have == 'hourly' else '日'}数据，请用 --{have}",
                )
            ]
        )
    for path in air_import.write_import(result, hourly, daily):
        typer.echo(f"写入 Wrote {path}", err=True)
    if store_it:
        n = air_import.store_import(result, batch=batch)
        typer.echo(
            f"入库 Stored {n['air_hourly']} hourly and {n['air_daily']} daily values "
            f"(batch {n['batch']})",
            err=True,
        )
    unit = "station-hours" if have == "hourly" else "station-days"
    typer.echo(f"{result.n_stations} stations: {info.rows} {unit}", err=True)


def _sheet_arg(sheet: str | None) -> str | int | None:
    return int(sheet) if sheet is not None and sheet.isdigit() else sheet


@air_app.command("targets")
def air_targets_cmd(
    infile: Annotated[
        Path | None,
        typer.Argument(help="observations table (.csv, .xlsx); default: the store"),
    ] = None,
    out: MaybeOut = None,
    kind: Annotated[
        AnnualKind, typer.Option("--kind", help="auto | hourly | daily")
    ] = AnnualKind.auto,
    duplicates: DuplicatesArg = DupOpt.refuse,
    year: Annotated[
        int | None, typer.Option("--year", help="year assessed; default the newest in the data")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON records")] = False,
) -> None:
    """Good-days ratio against the plans' targets (优良天数比例), one row per target and city.

    Each target covers the cities of its group or region only (兰州经济圈: 兰州、白银、定西、临夏);
    the group value is the mean of its cities' ratios, compared with the target as reported
    (0.1 %); verdict 达到 / 未达到 in the target year. The daily AQI is that of the edition the
    target was set under; ``good_days_ratio_by_day`` is under the edition in force on each day.
    Without a file the stored observations are assessed (the figures of the API and reports).
    """
    if out is not None:
        svc.check_output(out)
    if infile is None:
        from lanxi.services.environment import views as env_views

        result = pd.DataFrame(env_views.air_targets(year=year))
    else:
        df, name = svc.read_input(infile)
        result = svc.air_targets(
            df, kind=kind.value, file=name, year=year, duplicates=duplicates.value
        )
    if as_json and out is None:
        sys.stdout.write(result.to_json(orient="records", force_ascii=False) + "\n")
        return
    _done(result, out)


# ------------------------------------------------------------------------------------ water


@water_app.command("classify")
def water_classify_cmd(
    infile: InArg, out: OutOpt, duplicates: DuplicatesArg = DupOpt.refuse
) -> None:
    """Class (Ⅰ…劣Ⅴ) of every sample by GB 3838-2002 and the 2011 method, with worst items."""
    svc.check_output(out)
    df, name = svc.read_input(infile)
    _done(svc.water_classify(df, file=name, duplicates=duplicates.value), out)


@water_app.command("import")
def water_import_cmd(
    source: Annotated[
        Path, typer.Argument(help="Excel (.xlsx, .xls) or CSV export of section samples")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="write the samples table (.csv, .parquet, .xlsx, .json)"),
    ] = None,
    store_it: Annotated[
        bool, typer.Option("--store", help="store the samples (measured, not synthetic)")
    ] = False,
    batch: Annotated[
        str | None, typer.Option("--batch", help="batch id of the stored rows (default: a stamp)")
    ] = None,
    mapping: MappingOpt = None,
    sheet: SheetOpt = None,
) -> None:
    """Import a provincial export of section samples (Chinese headers) through a column mapping.

    Sections by name or id (the bundled sections; the river tells equal names apart), items to
    GB 3838 keys in mg/L (µg/L converted). The table is the one ``--file`` of the water commands
    reads; ``--store`` puts it into the store. Nothing is written unless the whole file is good.
    """
    from lanxi.io.sheets import load_mapping
    from lanxi.services import air_import, sheet_import

    if out is None and not store_it:
        raise typer.BadParameter("give --out and/or --store")
    if out is not None:
        air_import.check_import_output(out)
    m = load_mapping(mapping) if mapping is not None else None
    result = sheet_import.import_water_sheet(source, mapping=m, sheet=_sheet_arg(sheet))
    typer.echo(result.info.summary(), err=True)
    if out is not None:
        typer.echo(f"写入 Wrote {sheet_import.write_water(result, out)}", err=True)
    if store_it:
        n = sheet_import.store_water(result, batch=batch)
        typer.echo(f"入库 Stored {n['water_samples']} water values (batch {n['batch']})", err=True)
    typer.echo(
        f"{result.samples['section'].nunique()} sections: {len(result.samples)} samples", err=True
    )


def _samples(file: Path | None) -> tuple[pd.DataFrame, str]:
    if file is not None:
        return svc.read_input(file)
    from lanxi.services.environment import store as env_store

    return env_store.samples_frame(), "store"


@water_app.command("assess")
def water_assess_cmd(
    month: Annotated[str, typer.Option("--month", help="YYYY-MM")],
    file: FileOpt = None,
    out: MaybeOut = None,
    duplicates: DuplicatesArg = DupOpt.refuse,
    as_json: JsonOpt = False,
) -> None:
    """Monthly assessment: each section's class and whether it met its target."""
    if out is not None:
        svc.check_output(out)
    df, name = _samples(file)
    _done(svc.water_assess(df, month, file=name, duplicates=duplicates.value), out, as_json)


@water_app.command("warnings")
def water_warnings_cmd(
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", help="YYYYQn, e.g. 2025Q2; default the latest in the store"),
    ] = None,
    month: Annotated[
        str | None, typer.Option("--month", help="YYYY-MM (instead of --quarter)")
    ] = None,
    file: FileOpt = None,
    out: MaybeOut = None,
    as_json: JsonOpt = False,
    duplicates: DuplicatesArg = DupOpt.refuse,
) -> None:
    """Graded water-quality warnings (一级 / 二级) per section and city, raised, kept and lifted.

    The rule of the monthly and quarterly bulletins (after 长江流域水环境质量监测预警办法（试行）):
    levels per month, a quarter's level the highest of its months', a city the highest of its
    sections', the change against the period before. Thresholds from the settings
    LANXI_WATER_WARNING_LEVEL1_DECLINE, …_LEVEL2_DECLINE and …_BELOW_CLASS (2, 1, Ⅲ), printed.
    """
    from lanxi.services import bulletins

    if quarter is not None and month is not None:
        raise typer.BadParameter("give --quarter or --month, not both", param_hint="--month")
    if out is not None:
        svc.check_output(out)
    if file is None:  # the store: the figures of the API, the dashboard and the bulletins
        from lanxi.services.environment import views as env_views

        records = env_views.water_warnings(quarter=quarter, month=month)
    else:
        period = quarter if quarter is not None else month
        if period is None:
            raise typer.BadParameter("with --file give --quarter YYYYQn or --month YYYY-MM")
        df, name = svc.read_input(file)
        records = bulletins.warning_records(df, period, file=name, duplicates=duplicates.value)
    if out is not None:
        _done(pd.DataFrame(records), out)
        return
    if as_json:  # the records as the API serves them (levels and classes as integers)
        sys.stdout.write(json.dumps(records, ensure_ascii=False) + "\n")
        return
    _warnings_table(records, str(records[0]["period"]))


def _warnings_table(records: list[dict[str, object]], period: str) -> None:
    from rich.table import Table

    from lanxi.standards.gb3838 import gb3838_table

    labels = gb3838_table().class_labels

    def cls(v: object) -> str:
        return "" if v is None else f"{labels[int(str(v)) - 1]}类"

    first = records[0]
    table = Table(
        title=f"水质预警 Water-quality warnings {period}",
        caption=(
            f"规则 rule: 当月及1—N月累计类别均较上年同期下降≥{first['level2_decline']}个类别、"
            f"劣于{cls(first['below_class'])}且累计类别未达目标 → 二级; "
            f"下降≥{first['level1_decline']}个类别 → 一级 "
            "(LANXI_WATER_WARNING_LEVEL1_DECLINE / _LEVEL2_DECLINE / _BELOW_CLASS)"
        ),
        header_style="bold cyan",
    )
    for h in (
        "断面/市州 unit",
        "市州 city",
        "预警级别 level",
        "上期 before",
        "变化 change",
        "月份 month",
        "当月 上年→本年",
        "1—N月累计 上年→本年",
        "目标 target",
    ):
        table.add_column(h, overflow="fold")
    for r in records:
        table.add_row(
            str(r["unit_name"]),
            str(r["city"] or ""),
            str(r["warning_level_zh"] or "—"),
            "—" if r["previous_level"] is None else str(_level_word(r["previous_level"])),
            str(r["change_zh"] or ""),
            str(r["level_month"] or ""),
            f"{cls(r['last_year_class'])}→{cls(r['water_class'])}"
            if r["scope"] == "section"
            else "",
            f"{cls(r['cumulative_last_year_class'])}→{cls(r['cumulative_class'])}"
            if r["scope"] == "section"
            else "",
            cls(r["target_class"]),
        )
    Console().print(table)


def _level_word(level: object) -> str:
    """一级 / 二级 of a level number (the bulletins' words, :mod:`lanxi.services.bulletins`)."""
    from lanxi.services.bulletins import WARNING_LEVEL_WORDS

    return WARNING_LEVEL_WORDS[int(str(level))]["zh"]


@water_app.command("annual")
def water_annual_cmd(
    year: Annotated[int, typer.Option("--year")],
    file: FileOpt = None,
    out: MaybeOut = None,
    duplicates: DuplicatesArg = DupOpt.refuse,
    as_json: JsonOpt = False,
) -> None:
    """Annual responsibility assessment per city and province, ranked, with the trend."""
    if out is not None:
        svc.check_output(out)
    df, name = _samples(file)
    _done(svc.water_annual(df, year, file=name, duplicates=duplicates.value), out, as_json)


@water_app.command("compensation")
def water_compensation_cmd(
    section: Annotated[str, typer.Option("--section", help="section id or name")],
    year: Annotated[int, typer.Option("--year")],
    file: FileOpt = None,
    out: MaybeOut = None,
    rule: Annotated[
        str | None, typer.Option(help="rule id (compensation_rules.yaml), to pick a round")
    ] = None,
    amount_per_step: Annotated[
        float | None,
        typer.Option(help="amount per class step (万元) where the agreement's is not reported"),
    ] = None,
    base_class: Annotated[
        int | None, typer.Option(help="base class 1–5 (default: the rule's, or the target)")
    ] = None,
    index_change: Annotated[
        float | None,
        typer.Option(help="year-on-year change of the key-pollutant index, percentage points"),
    ] = None,
    fund: Annotated[
        float | None, typer.Option(help="index rule: annual fund (亿元); default the pilot's")
    ] = None,
    central_fund: Annotated[
        float | None, typer.Option(help="index rule: central-government amount to upstream")
    ] = None,
    duplicates: DuplicatesArg = DupOpt.refuse,
    as_json: JsonOpt = False,
) -> None:
    """Compensation statement of a section under the agreement that names it (who pays whom).

    The rule, its parties and amounts come from compensation_rules.yaml; amounts an agreement's
    reports do not state are never invented (give --amount-per-step). A section no agreement
    names gets no statement.
    """
    if out is not None:
        svc.check_output(out)
    try:
        comp_svc.compensation_rule_for(section, year, rule)
    except ValidationError as exc:
        for p in exc.problems:
            if p.message_zh:
                typer.echo(f"错误：{p.message_zh}", err=True)
            typer.echo(f"Error: {p.message}", err=True)
        raise typer.Exit(2) from exc
    df, name = _samples(file)
    st = comp_svc.water_compensation(
        df,
        section,
        year,
        rule=rule,
        amount_per_step=amount_per_step,
        base_class=base_class,
        change_points=index_change,
        fund_amount=fund,
        central_fund=central_fund,
        file=name,
        duplicates=duplicates.value,
    )
    if out is None and not as_json:
        typer.echo(st.summary_zh)
        typer.echo(st.summary_en)
        return
    _done(comp_svc.statement_frame(st), out, as_json)


# -------------------------------------------------------------------------------------- env


@env_app.command("network")
def env_network_cmd() -> None:
    """Load the bundled water sections and CNEMC air stations into the store (idempotent)."""
    from lanxi.services.environment import store as env_store

    n = env_store.load_network()
    typer.echo(
        f"断面 water sections: {n['water_sections']}; 站点 air stations: {n['air_stations']}"
    )


@env_app.command("demo")
def env_demo_cmd(
    year: Annotated[
        int, typer.Option(help="water samples for YEAR-1 and YEAR; air from 1 Jan")
    ] = 2025,
    air_days: Annotated[int, typer.Option(help="days of synthetic hourly air data")] = 31,
    air_daily: Annotated[
        bool, typer.Option("--air-daily/--no-air-daily", help="daily air values for all of YEAR")
    ] = True,
    seed: Annotated[int, typer.Option(help="random seed")] = 20251,
    export: Annotated[
        Path | None,
        typer.Option(
            "--export", help="also write water_samples.csv, air_hourly.csv and air_daily.csv here"
        ),
    ] = None,
) -> None:
    """SYNTHETIC demo data (flagged synthetic=true) for every bundled section and station."""
    from lanxi.services.environment import store as env_store

    n = env_store.generate_demo(year=year, air_days=air_days, seed=seed, air_daily=air_daily)
    typer.echo(
        f"合成演示数据 SYNTHETIC demo data (batch demo-{seed}): "
        f"{n['water_samples']} water values, {n['air_hourly']} hourly and {n['air_daily']} daily "
        "air values"
    )
    if export is not None:
        export.mkdir(parents=True, exist_ok=True)
        svc.write_output(env_store.samples_frame(), export / "water_samples.csv")
        if n["air_hourly"]:
            svc.write_output(env_store.air_frame("hourly"), export / "air_hourly.csv")
        if n["air_daily"]:
            svc.write_output(env_store.air_frame("daily"), export / "air_daily.csv")
        typer.echo(f"写入 Wrote the synthetic tables to {export}")
    typer.echo(
        f"Try: lanxi water assess --month {year}-06 · lanxi water warnings --quarter {year}Q2 · "
        f"lanxi water annual --year {year} · lanxi water compensation --section HS-OUT "
        f"--year {year} · lanxi report air-annual --period {year} --out air-{year}.pdf"
    )
