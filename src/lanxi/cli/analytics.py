"""Regional-analytics commands: access, structure, linkage, coupling.

``lanxi access …``, ``lanxi structure …``, ``lanxi linkage …`` and ``lanxi coupling``. Parsing
and printing only; the work is in :mod:`lanxi.services.analytics` and
:mod:`lanxi.services.economy`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from lanxi.cli.output import Format, console, emit, err_console
from lanxi.export import dumps_strict
from lanxi.services import analytics as svc
from lanxi.services import economy as eco


class GeoFormat(StrEnum):
    """Output formats of the accessibility commands."""

    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    geojson = "geojson"


class ScopeOpt(StrEnum):
    """Region scope: the plan's 39 county units or its 9 whole prefectures."""

    county = "county"
    prefecture = "prefecture"


class DistanceOpt(StrEnum):
    """Distance of the gravity model."""

    great_circle = "great-circle"
    travel_time = "travel-time"


FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="table | csv | json | xlsx")]
GeoFormatOpt = Annotated[
    GeoFormat, typer.Option("--format", "-f", help="table | csv | json | xlsx | geojson")
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="write to this file (required for xlsx)")
]
NetworkOpt = Annotated[
    Path | None,
    typer.Option(
        "--network",
        help="network file (.csv edges, .geojson, .graphml, .osm.pbf); default the bundled "
        "PLANNING-LEVEL network",
    ),
]
NodesOpt = Annotated[Path | None, typer.Option("--nodes", help="node CSV for a CSV edge list")]
CenterOpt = Annotated[
    str,
    typer.Option(
        "--center",
        "--centre",
        help="prefecture (西宁市 → seat of its lowest-coded county unit), county unit (code or "
        "name) or node id; comma-separated for several centres",
    ),
]
FileArg = Annotated[
    Path,
    typer.Argument(
        help="yearbook table (.csv, .xlsx, .parquet, .arrow): "
        "region_code, year, sector, value, unit"
    ),
]
YearOpt = Annotated[int | None, typer.Option("--year", help="year (default: the latest)")]
ScopeOption = Annotated[
    ScopeOpt,
    typer.Option(
        "--scope", help="county: the plan's 39 county units; prefecture: its 9 prefectures"
    ),
]

access_app = typer.Typer(
    help="可达性 Accessibility: travel-time matrices, isochrones, 1-hour circles.",
    no_args_is_help=True,
)
structure_app = typer.Typer(
    help="产业结构 Industrial structure of a yearbook table.", no_args_is_help=True
)
linkage_app = typer.Typer(help="空间联系 Spatial linkage.", no_args_is_help=True)


def _split(text: str | None) -> list[str] | None:
    if not text:
        return None
    return [p.strip() for p in text.replace("，", ",").split(",") if p.strip()]


def _write_json(obj: Any, out: Path | None) -> None:
    text = dumps_strict(obj) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        err_console.print(f"写入 Wrote {out}")


def _emit(
    records: Sequence[Mapping[str, Any]],
    fmt: GeoFormat | Format,
    out: Path | None,
    columns: Mapping[str, str],
    sheet: str,
    title: str,
) -> None:
    if fmt == "geojson":
        raise typer.BadParameter("geojson is not available for this command", param_hint="--format")
    emit(records, Format(fmt.value), out=out, sheet=sheet, title=title, table_columns=columns)


@access_app.command("matrix")
def matrix_cmd(
    network: NetworkOpt = None,
    nodes: NodesOpt = None,
    origins: Annotated[
        str | None, typer.Option(help="comma-separated centres (default: the 39 county seats)")
    ] = None,
    destinations: Annotated[
        str | None, typer.Option(help="comma-separated places (default: the 39 county seats)")
    ] = None,
    fmt: FormatOpt = Format.csv,
    out: OutOpt = None,
) -> None:
    """出行时间矩阵 Travel-time matrix (minutes), one row per origin–destination pair."""
    loaded = svc.open_network(network, nodes=nodes)
    o, d = _split(origins), _split(destinations)
    with Progress(
        TextColumn("[cyan]出行时间 travel times"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} origins"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task("matrix", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        rows = svc.travel_times(loaded, o, d, progress=progress)
    if loaded.bundled:
        err_console.print(f"[yellow]注意 Note:[/yellow] {svc.BUNDLED_NETWORK_NOTE}")
    _emit(
        rows,
        fmt,
        out,
        {
            "origin": "起点 Origin",
            "origin_name": "名称",
            "destination": "终点 Destination",
            "destination_name": "名称",
            "minutes": "分钟 min",
        },
        "matrix",
        "出行时间 Travel times (min)",
    )


@access_app.command("isochrone")
def isochrone_cmd(
    center: CenterOpt,
    minutes: Annotated[float, typer.Option("--minutes", min=0, help="time budget")] = 60.0,
    network: NetworkOpt = None,
    nodes: NodesOpt = None,
    fmt: Annotated[
        GeoFormat, typer.Option("--format", "-f", help="json | geojson | table | csv | xlsx")
    ] = GeoFormat.json,
    out: OutOpt = None,
) -> None:
    """等时圈 Isochrone: the nodes reached within N minutes, or the area as GeoJSON."""
    loaded = svc.open_network(network, nodes=nodes)
    res = svc.isochrone(loaded, center, minutes)
    if fmt is GeoFormat.geojson:
        _write_json(svc.isochrone_geojson(loaded, res), out)
    elif fmt is GeoFormat.json:
        _write_json(res, out)
    else:
        _emit(
            [{**r, "scope": res["scope"]} for r in res["nodes"]],
            fmt,
            out,
            {"node_id": "节点 Node", "name": "名称 Name", "kind": "类型", "minutes": "分钟 min"},
            "isochrone",
            f"{minutes:g} 分钟等时圈 isochrone — {res['centre']['rule']}",
        )


@access_app.command("circle")
def circle_cmd(
    center: CenterOpt,
    minutes: Annotated[float, typer.Option("--minutes", min=0, help="threshold")] = 60.0,
    network: NetworkOpt = None,
    nodes: NodesOpt = None,
    fmt: GeoFormatOpt = GeoFormat.table,
    out: OutOpt = None,
    map_png: Annotated[
        Path | None, typer.Option("--map", help="also draw a PNG map of travel times here")
    ] = None,
    max_snap_km: Annotated[
        float | None,
        typer.Option(
            "--max-snap-km",
            help="a county seat farther than this from the network is off it (not covered); "
            "default LANXI_ACCESS_MAX_SNAP_KM (5)",
        ),
    ] = None,
) -> None:
    """1小时交通圈 N-minute circle: county units reached, shares covered, the definition used."""
    if max_snap_km is not None and not (math.isfinite(max_snap_km) and max_snap_km > 0):
        raise typer.BadParameter("must be a finite number > 0", param_hint="--max-snap-km")
    loaded = svc.open_network(network, nodes=nodes)
    res = svc.circle(loaded, center, minutes, max_snap=max_snap_km)
    if map_png is not None:
        from lanxi.io.maps import circle_map

        circle_map(res, map_png)
        err_console.print(f"写入 Wrote map {map_png}")
    if fmt is GeoFormat.geojson:
        _write_json(svc.circle_geojson(loaded, res), out)
        return
    if fmt is GeoFormat.json:
        _write_json(res, out)
        return
    units = [{**r, "scope": res["scope"]} for r in [*res["reached"], *res["not_reached"]]]
    if fmt is GeoFormat.table:
        share_pop = res["share_population"]
        console.print(
            f"[bold]{minutes:g} 分钟交通圈 circle[/bold] — centre {res['centre']['rule']}\n"
            f"县级单元 county units covered: {res['n_covered']}/{res['n_units']} "
            f"({res['share_county_units']:.1%}); 人口 population share: "
            f"{'n/a' if share_pop is None else f'{share_pop:.1%}'}\n"
            f"[dim]{res['population_note']}[/dim]\n[yellow]network:[/yellow] {res['network']}"
        )
        if res["n_off_network"]:
            off = "、".join(f"{r['name']} ({r['snap_km']:.1f} km)" for r in res["off_network"])
            console.print(
                f"[yellow]不在网络上 off the network[/yellow] (> {res['max_snap_km']:g} km from "
                f"any node, not covered): {off}"
            )
    _emit(
        units,
        fmt,
        out,
        {
            "code": "代码 Code",
            "name": "名称 Name",
            "prefecture": "地市 Prefecture",
            "minutes": "分钟 min",
            "covered": "覆盖 Covered",
        },
        "circle",
        "县级单元 County units",
    )


def _structure(
    kind: str, file: Path, year: int | None, scope: ScopeOpt, fmt: Format, out: Path | None
) -> None:
    if kind == "lq":
        rows = eco.structure_lq(file, year=year, scope=scope.value)
        cols = {"region_code": "代码", "region_name": "名称", "sector": "产业 Sector", "lq": "LQ"}
    elif kind == "krugman":
        rows = eco.structure_krugman(file, year=year, scope=scope.value)
        cols = {"region_code": "代码", "region_name": "名称", "krugman": "Krugman K"}
    else:
        rows = eco.structure_similarity(file, year=year, scope=scope.value)
        cols = {"name_a": "区域 A", "name_b": "区域 B", "similarity": "相似系数 S"}
    emit(
        rows,
        fmt,
        out=out,
        sheet=kind,
        title=f"{kind} ({scope.value} scope)",
        table_columns={**cols, "year": "年 Year", "scope": "范围 Scope"},
    )


@structure_app.command("lq")
def lq_cmd(
    file: FileArg,
    year: YearOpt = None,
    scope: ScopeOption = ScopeOpt.county,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """区位商 Location quotients (reference: the regions of the file together)."""
    _structure("lq", file, year, scope, fmt, out)


@structure_app.command("krugman")
def krugman_cmd(
    file: FileArg,
    year: YearOpt = None,
    scope: ScopeOption = ScopeOpt.county,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """克鲁格曼专业化指数 Krugman index of each region against the others together."""
    _structure("krugman", file, year, scope, fmt, out)


@structure_app.command("similarity")
def similarity_cmd(
    file: FileArg,
    year: YearOpt = None,
    scope: ScopeOption = ScopeOpt.county,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """产业结构相似系数 UNIDO similarity of every pair of regions (同质化)."""
    _structure("similarity", file, year, scope, fmt, out)


@structure_app.command("inequality")
def inequality_cmd(
    file: FileArg,
    sector: Annotated[
        str, typer.Option("--sector", help="the regional total to compare (default gdp)")
    ] = "gdp",
    year: YearOpt = None,
    scope: ScopeOption = ScopeOpt.county,
    population_sector: Annotated[
        str,
        typer.Option(
            "--population-sector",
            help="population sector of the file; without it, the 2020 census populations",
        ),
    ] = "population",
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """区域差异 Theil, Gini and Williamson of a total per head, population-weighted by default."""
    res = eco.inequality(
        file, sector=sector, year=year, scope=scope.value, population_sector=population_sector
    )
    if fmt is Format.json:
        _write_json(res, out)
        return
    if fmt is Format.table:
        t = res["theil"]
        between = "" if t["between"] is None else f" (between prefectures {t['between']:.4f})"
        console.print(
            f"[bold]{res['sector']} {res['year']}[/bold], {res['n']} regions ({res['scope']}): "
            f"泰尔指数 Theil T = {t['total']:.4f}{between}; 基尼系数 Gini (population-weighted) = "
            f"{res['gini_population_weighted']:.4f}; Williamson = {res['williamson']:.4f}\n"
            f"[dim]population: {res['population_source']}[/dim]"
        )
    emit(
        res["regions"],
        fmt,
        out=out,
        sheet="inequality",
        title="inequality",
        table_columns={
            "region_code": "代码",
            "region_name": "名称",
            "value": res["sector"],
            "population": "人口 Population",
            "per_capita": "人均 Per head",
        },
    )


@linkage_app.command("gravity")
def gravity_cmd(
    file: FileArg,
    year: YearOpt = None,
    scope: ScopeOption = ScopeOpt.county,
    exponent: Annotated[float, typer.Option("--exponent", min=0, help="distance decay b")] = 2.0,
    distance: Annotated[
        DistanceOpt, typer.Option("--distance", help="great-circle (km) | travel-time (min)")
    ] = DistanceOpt.great_circle,
    population_sector: Annotated[
        str, typer.Option(help="sector holding population")
    ] = "population",
    gdp_sector: Annotated[str, typer.Option(help="sector holding GDP")] = "gdp",
    network: NetworkOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """经济联系强度 Gravity-model linkage R = √(P·G)·√(P·G)/d^b of every pair, strongest first."""
    rows = eco.gravity(
        file,
        year=year,
        scope=scope.value,
        exponent=exponent,
        distance="travel-time" if distance is DistanceOpt.travel_time else "great-circle",
        population_sector=population_sector,
        gdp_sector=gdp_sector,
        network=network,
    )
    emit(
        rows,
        fmt,
        out=out,
        sheet="gravity",
        title=f"gravity linkage ({scope.value} scope, b = {exponent:g})",
        table_columns={
            "name_a": "区域 A",
            "name_b": "区域 B",
            "distance": "距离 d",
            "distance_unit": "单位",
            "strength": "联系强度 R",
            "membership_a_to_b": "隶属度 F",
            "scope": "范围 Scope",
        },
    )


def coupling_cmd(
    file: FileArg,
    year: Annotated[int | None, typer.Option("--year", help="one year (default: all)")] = None,
    scope: ScopeOption = ScopeOpt.county,
    weights: Annotated[
        str | None,
        typer.Option("--weights", help="subsystem weights, e.g. economy=0.5,ecology=0.5"),
    ] = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """耦合协调度 Coupling coordination C, T, D of subsystems (levels in [0, 1]) with grades."""
    rows = eco.coupling(file, year=year, scope=scope.value, weights=eco.parse_weights(weights))
    emit(
        rows,
        fmt,
        out=out,
        sheet="coupling",
        title=f"coupling coordination ({scope.value} scope)",
        table_columns={
            "region_name": "区域 Region",
            "year": "年 Year",
            "C": "C",
            "T": "T",
            "D": "D",
            "grade": "等级 Grade",
            "stage": "阶段 Stage",
            "scope": "范围 Scope",
        },
    )


def register(app: typer.Typer) -> None:
    """Add the analytics commands to the ``lanxi`` app."""
    app.add_typer(access_app, name="access")
    app.add_typer(structure_app, name="structure")
    app.add_typer(linkage_app, name="linkage")
    app.command("coupling")(coupling_cmd)
