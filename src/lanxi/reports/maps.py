"""Printable maps of the reports: projected, labelled, with legend, scale bar and north arrow.

Every map of every report kind is drawn here (the water section maps, the air station map and the
county choropleths) so that all of them follow one set of rules:

Projection
    The bundled county boundaries (WGS 84 lon/lat, :mod:`lanxi.data.boundaries`) are projected to
    an Albers equal-area conic fitted to the agglomeration, :data:`ALBERS_LANXI` (standard
    parallels 35.3° N and 37.2° N, at 1/6 and 5/6 of the region's 34.8–37.6° N; central meridian
    102.2° E, its middle), in metres. Within the region the scale error of this projection is below
    0.1 %, so the scale bar is right everywhere on the map. The projected layer is computed once per
    process (:func:`base_layer`).
Labels
    Every county-level unit is labelled (Chinese names, shortened for autonomous counties as on
    Chinese maps — 民和县 for 民和回族土族自治县 —, or the place name of ``name_en`` in English
    reports; ``lanxi/data/plans/boundaries/map_labels.csv``), and so is every section of a section
    map. Labels never overlap each other, the markers, the legend, the scale bar or the north
    arrow: :func:`_place_labels` tries positions in order of distance from the anchor and keeps
    the first whose box is free; a label moved off its anchor gets a leader line.
Sections
    Drawn at their own coordinates
    (:func:`lanxi.services.environment.store.section_places`). A section
    whose place is approximate (a county's or a border's representative point, or near its city's
    seat when the data have no coordinates) is drawn with a diamond instead of a circle and the
    legend says "位置为近似" / "approximate location"; approximate sections that share one point
    are spread on a circle of :data:`SPREAD_M` metres so that each stays visible.
Scale bar and north arrow
    A scale bar (matplotlib's :class:`~mpl_toolkits.axes_grid1.anchored_artists.AnchoredSizeBar`)
    of a round length in data units, i.e. metres of the projection, and a north arrow pointing to
    true north where it stands (the projection's meridians converge, so north is turned by up to
    about 2° from the page's up at the map's edges).
Sources
    The map image carries no source note: the report prints the source under the map
    (:attr:`lanxi.reports.content.Figure.source`), built with :func:`map_source` — boundary data
    and its provenance, the projection, and where the points' coordinates come from.

Fonts: Noto Sans CJK SC (:func:`lanxi.reports.charts.font_family`), as in the charts.
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lanxi.reports.content import Lang
from lanxi.reports.i18n import t

__all__ = [
    "ALBERS_LANXI",
    "MapDrawing",
    "MapPoint",
    "base_layer",
    "choropleth",
    "draw_choropleth",
    "draw_point_map",
    "map_source",
    "point_map",
    "project",
]

#: Albers equal-area conic fitted to the agglomeration (WGS 84, metres): see the module doc.
ALBERS_LANXI = (
    "+proj=aea +lat_0=36.2 +lon_0=102.2 +lat_1=35.3 +lat_2=37.2 +x_0=0 +y_0=0 "
    "+datum=WGS84 +units=m +no_defs"
)
#: Radius (m) on which approximate sections sharing one point are spread.
SPREAD_M = 6000.0
#: Resolution of the map images: 200 dpi, as the maps print at about their own size (160 mm).
DPI = 200
#: Width of a map image in inches (the page's figure width), the height of the title band above the
#: map frame (only when a title is drawn) and of one legend row under it.
WIDTH = 6.5
TITLE_H = 0.4
LEGEND_ROW_H = 0.17
#: Legend columns.
LEGEND_COLS = 5
#: Colours of the base map.
FILL = "#F2F2F2"
COUNTY_EDGE = "#FFFFFF"
PREFECTURE_EDGE = "#9A9A9A"
PROVINCE_EDGE = "#505050"


@dataclass(frozen=True)
class County:
    """One county-level unit of the projected base layer."""

    code: str
    label_zh: str
    label_en: str
    parent_code: str
    rings: tuple[Any, ...]  # exterior rings, (n, 2) numpy arrays in metres
    anchor: tuple[float, float]  # label point inside the unit (pole of inaccessibility)
    area_m2: float


@dataclass(frozen=True)
class Layer:
    """The projected base map: counties, prefecture and province boundaries, extent."""

    counties: tuple[County, ...]
    prefecture_lines: tuple[Any, ...]
    province_lines: tuple[Any, ...]
    bounds: tuple[float, float, float, float]


@dataclass
class MapPoint:
    """A point to draw (a section or a station), in WGS 84."""

    lon: float
    lat: float
    colour: str
    label: str = ""
    approximate: bool = False


@dataclass
class MapDrawing:
    """A drawn map and its parts (what the tests measure)."""

    fig: Any
    ax: Any
    county_labels: dict[str, Any] = field(default_factory=dict)
    point_labels: list[Any] = field(default_factory=list)
    markers: list[tuple[MapPoint, tuple[float, float], Any]] = field(default_factory=list)
    legend: Any = None
    scale_bar: Any = None
    scale_km: float = 0.0
    north_arrow: Any = None

    def png(self) -> str:
        """The map as base64 PNG."""
        from lanxi.reports.charts import _mpl

        buf = io.BytesIO()
        # the fonts are looked up when drawing: draw with the charts' CJK font settings
        with _mpl().rc_context(_rc()):
            self.fig.savefig(buf, format="png", dpi=DPI)
        return base64.b64encode(buf.getvalue()).decode("ascii")


def _rc() -> dict[str, Any]:
    """The charts' settings with the CJK font named as the family itself (not "sans-serif").

    Texts keep the family they were created with; a concrete name (rather than the generic
    family, looked up in the settings in force when drawing) makes a map draw the same inside or
    outside these settings.
    """
    from lanxi.reports.charts import _rc as chart_rc
    from lanxi.reports.charts import font_family

    rc = chart_rc()
    font = font_family()
    if font:
        rc["font.family"] = [font, "DejaVu Sans"]
    return rc


@cache
def _transformer(inverse: bool = False) -> Any:
    try:
        from pyproj import Transformer
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from lanxi.errors import ConfigurationError

        raise ConfigurationError("report maps need pyproj: pip install 'lanxi[reports]'") from exc

    if inverse:
        return Transformer.from_crs(ALBERS_LANXI, "EPSG:4326", always_xy=True)
    return Transformer.from_crs("EPSG:4326", ALBERS_LANXI, always_xy=True)


def project(lon: Any, lat: Any) -> tuple[Any, Any]:
    """WGS 84 lon/lat (scalars or arrays) → metres of :data:`ALBERS_LANXI`."""
    x, y = _transformer().transform(lon, lat)
    return x, y


def _project_array(coords: Any) -> Any:
    import numpy as np

    x, y = project(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def unproject(x: Any, y: Any) -> tuple[Any, Any]:
    """Metres of :data:`ALBERS_LANXI` → WGS 84 lon/lat."""
    lon, lat = _transformer(True).transform(x, y)
    return lon, lat


def _labels() -> dict[str, tuple[str, str]]:
    import csv
    from importlib import resources

    path = resources.files("lanxi") / "data" / "plans" / "boundaries" / "map_labels.csv"
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    return {r["code"]: (r["label_zh"], r["label_en"]) for r in rows}


@cache
def base_layer() -> Layer:
    """The county layer projected to :data:`ALBERS_LANXI`, with dissolved boundaries (cached)."""
    import numpy as np
    import shapely
    from shapely.geometry import shape
    from shapely.ops import polylabel

    from lanxi.data.boundaries import load_boundaries

    labels = _labels()
    counties = []
    geoms: dict[str, Any] = {}
    for f in load_boundaries("county")["features"]:
        p = f["properties"]
        code = str(p["code"])
        geom = shapely.transform(shape(f["geometry"]), _project_array)
        geoms[code] = geom
        parts = list(getattr(geom, "geoms", [geom]))
        biggest = max(parts, key=lambda g: g.area)
        a = polylabel(biggest, tolerance=200.0)
        zh, en = labels[code]
        counties.append(
            County(
                code=code,
                label_zh=zh,
                label_en=en,
                parent_code=str(p.get("parent_code")),
                rings=tuple(np.asarray(g.exterior.coords) for g in parts),
                anchor=(float(a.x), float(a.y)),
                area_m2=float(geom.area),
            )
        )

    def outlines(groups: dict[str, list[Any]]) -> list[Any]:
        # the shipped polygons are simplified one by one (slivers up to ~200 m along shared
        # borders): close them with a 300 m buffer before dissolving
        out = []
        for members in groups.values():
            merged = shapely.union_all([g.buffer(300.0) for g in members]).buffer(-300.0)
            for part in getattr(merged, "geoms", [merged]):
                out.append(np.asarray(part.exterior.coords))
        return out

    by_pref: dict[str, list[Any]] = {}
    by_prov: dict[str, list[Any]] = {}
    for c in counties:
        by_pref.setdefault(c.parent_code, []).append(geoms[c.code])
        by_prov.setdefault(c.code[:2], []).append(geoms[c.code])
    xs = [float(r[:, 0].min()) for c in counties for r in c.rings]
    ys = [float(r[:, 1].min()) for c in counties for r in c.rings]
    xe = [float(r[:, 0].max()) for c in counties for r in c.rings]
    ye = [float(r[:, 1].max()) for c in counties for r in c.rings]
    return Layer(
        counties=tuple(counties),
        prefecture_lines=tuple(outlines(by_pref)),
        province_lines=tuple(outlines(by_prov)),
        bounds=(min(xs), min(ys), max(xe), max(ye)),
    )


# --- drawing ---


def _new_map(title: str | None, legend_rows: int) -> tuple[Any, Any]:
    """A figure whose map frame has the layer's aspect, with room for the title and the legend.

    The reports print the map's title in its caption, so they draw none in the image.
    """
    from lanxi.reports.charts import _figure

    layer = base_layer()
    x0, y0, x1, y1 = layer.bounds
    pad = 0.02 * (x1 - x0)
    x0, y0, x1, y1 = x0 - pad, y0 - pad, x1 + pad, y1 + pad
    map_w = WIDTH - 0.1
    map_h = map_w * (y1 - y0) / (x1 - x0)
    top = TITLE_H if title else 0.05
    bottom = 0.12 + LEGEND_ROW_H * legend_rows
    height = top + map_h + bottom
    fig = _figure(WIDTH, height)
    fig.set_dpi(DPI)
    ax = fig.add_axes((0.05 / WIDTH, bottom / height, map_w / WIDTH, map_h / height))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.8)
    if title:
        ax.set_title(title, fontsize=11, pad=6)
    return fig, ax


def _rows(n_handles: int, title: str | None) -> int:
    return -(-n_handles // LEGEND_COLS) + (1 if title else 0)


def _legend(ax: Any, handles: list[Any], title: str | None) -> Any:
    """The legend under the map frame (it never hides a unit or a label)."""
    ncol = min(len(handles), LEGEND_COLS)
    legend = ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=ncol,
        fontsize=6.5,
        title=title or None,
        title_fontsize=7,
        frameon=False,
        borderpad=0.3,
        columnspacing=1.4,
        handletextpad=0.4,
    )
    return legend


def _draw_base(ax: Any, colour_of: Mapping[str, str], default: str) -> None:
    from matplotlib.collections import LineCollection, PolyCollection

    layer = base_layer()
    rings, colours = [], []
    for c in layer.counties:
        for r in c.rings:
            rings.append(r)
            colours.append(colour_of.get(c.code, default))
    ax.add_collection(
        PolyCollection(rings, facecolors=colours, edgecolors=COUNTY_EDGE, linewidths=0.5, zorder=1)
    )
    ax.add_collection(
        LineCollection(
            list(layer.prefecture_lines), colors=PREFECTURE_EDGE, linewidths=0.7, zorder=2
        )
    )
    ax.add_collection(
        LineCollection(
            list(layer.province_lines),
            colors=PROVINCE_EDGE,
            linewidths=1.1,
            linestyles=(0, (6, 2, 1, 2)),
            zorder=2,
        )
    )


def _boundary_handles(lang: Lang) -> list[Any]:
    from matplotlib.lines import Line2D

    return [
        Line2D(
            [],
            [],
            color=PROVINCE_EDGE,
            linewidth=1.1,
            linestyle=(0, (6, 2, 1, 2)),
            label=t("map.province_line", lang),
        ),
        Line2D([], [], color=PREFECTURE_EDGE, linewidth=0.7, label=t("map.prefecture_line", lang)),
    ]


def _nice_length(span_m: float) -> float:
    """A round scale-bar length (m) of about a fifth of the map's width."""
    target = span_m / 5
    step = 10 ** math.floor(math.log10(target))
    for k in (5, 2, 1):
        if k * step <= target:
            return k * step
    return step  # pragma: no cover - k=1 always fits


def _scale_bar(ax: Any, lang: Lang) -> tuple[Any, float]:
    from matplotlib import font_manager
    from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

    x0, x1 = ax.get_xlim()
    length = _nice_length(x1 - x0)
    km = length / 1000
    bar = AnchoredSizeBar(
        ax.transData,
        length,
        t("map.scale_label", lang, km=f"{km:g}"),
        loc="lower left",  # the region's south-west corner is empty
        pad=0.6,
        borderpad=0.5,
        sep=3,
        label_top=True,
        frameon=False,
        size_vertical=(ax.get_ylim()[1] - ax.get_ylim()[0]) * 0.004,
        color="black",
        fontproperties=font_manager.FontProperties(size=7),
    )
    bar.set_zorder(6)
    ax.add_artist(bar)
    return bar, km


def _north_arrow(ax: Any, lang: Lang) -> Any:
    """A north arrow in the upper right corner, turned to true north where it stands."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = 0.07 * (y1 - y0)
    bx, by = x1 - 0.035 * (x1 - x0), y1 - 0.2 * (y1 - y0)
    lon, lat = unproject(bx, by)
    nx, ny = project(lon, lat + 0.1)
    norm = math.hypot(nx - bx, ny - by)
    dx, dy = (nx - bx) / norm * length, (ny - by) / norm * length
    arrow = ax.annotate(
        "",
        xy=(bx + dx, by + dy),
        xytext=(bx, by),
        arrowprops={
            "arrowstyle": "-|>,head_width=0.35,head_length=0.8",
            "color": "black",
            "lw": 1.2,
        },
        zorder=6,
    )
    ax.text(
        bx + dx * 1.08,
        by + dy * 1.08,
        t("map.north", lang),
        ha="center",
        va="bottom",
        fontsize=8,
        fontweight="bold",
        zorder=6,
    )
    return arrow


def _halo(width: float = 2.0) -> list[Any]:
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=width, foreground="white")]


# --- label placement ---
#
# Hand-written on purpose (the brief allows a library such as adjustText): adjustText moves labels
# by repulsion until overlaps are small, which neither guarantees that no two labels overlap nor
# keeps a label inside its unit when there is room, and it iterates for seconds on ~50 labels. A
# greedy placement over candidate positions with box checks (vectorised with numpy) is exact for
# what the maps need — no overlap, the first free position nearest the anchor — and takes a few
# milliseconds.


def _candidates(w: float, h: float, gap: float, centred: bool) -> Any:
    """Offsets (px) of a w×h label's centre from its anchor, nearest first."""
    import numpy as np

    out = [(0.0, 0.0)] if centred else []
    angles = np.deg2rad(np.arange(0, 360, 22.5))
    # right, upper right, above, … first: the usual order of a map's point labels
    order = np.argsort([(a - 0.01) % (2 * np.pi) for a in angles], kind="stable")
    for k in range(0, 14):
        r = k * 0.6 * h
        for a in angles[order]:
            cx = math.cos(a) * (w / 2 + gap + r)
            cy = math.sin(a) * (h / 2 + gap + r)
            out.append((cx, cy))
    return np.asarray(out)


def _place_labels(
    ax: Any,
    items: Sequence[tuple[str, tuple[float, float], dict[str, Any], bool, float]],
    obstacles: list[tuple[float, float, float, float]],
) -> list[Any]:
    """Place texts at free positions; return the text artists (in the order of ``items``).

    ``items``: (text, anchor in data coordinates, text properties, centred on the anchor first,
    gap in px between the anchor and the box). ``obstacles`` (display boxes x0, y0, x1, y1) grows
    with every placed label.
    """
    import numpy as np

    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    to_display = ax.transData.transform
    to_data = ax.transData.inverted().transform
    frame = ax.get_window_extent(renderer)
    margin = 3.0
    out = []
    for text, anchor, props, centred, gap in items:
        art = ax.text(anchor[0], anchor[1], text, ha="center", va="center", **props)
        bb = art.get_window_extent(renderer)
        w, h = bb.width + 2, bb.height + 2
        ax_, ay_ = to_display(anchor)
        offs = _candidates(w, h, gap, centred)
        cx, cy = ax_ + offs[:, 0], ay_ + offs[:, 1]
        boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
        # the collision test keeps a gap of `margin` px between boxes, so that two labels never
        # read as one
        near = boxes + np.array([-margin, -margin, margin, margin])
        ok = (
            (boxes[:, 0] >= frame.x0 + margin)
            & (boxes[:, 2] <= frame.x1 - margin)
            & (boxes[:, 1] >= frame.y0 + margin)
            & (boxes[:, 3] <= frame.y1 - margin)
        )
        if obstacles:
            ob = np.asarray(obstacles)
            hit = (
                (near[:, None, 0] < ob[None, :, 2])
                & (near[:, None, 2] > ob[None, :, 0])
                & (near[:, None, 1] < ob[None, :, 3])
                & (near[:, None, 3] > ob[None, :, 1])
            ).any(axis=1)
            ok &= ~hit
        free = np.flatnonzero(ok)
        k = int(free[0]) if len(free) else 0
        bx0, by0, bx1, by1 = boxes[k]
        art.set_position(tuple(to_data((cx[k], cy[k]))))
        obstacles.append((float(bx0), float(by0), float(bx1), float(by1)))
        # a leader line when the label left its anchor (the anchor is not on the box)
        if not (bx0 <= ax_ <= bx1 and by0 <= ay_ <= by1) and math.hypot(*offs[k]) > gap + h:
            px = min(max(ax_, bx0), bx1)
            py = min(max(ay_, by0), by1)
            (lx, ly) = to_data((px, py))
            ax.plot(
                [anchor[0], lx],
                [anchor[1], ly],
                color=props.get("color", "black"),
                linewidth=0.4,
                zorder=art.get_zorder() - 0.5,
            )
        out.append(art)
    return out


def _fixed_boxes(ax: Any, *artists: Any) -> list[tuple[float, float, float, float]]:
    renderer = ax.figure.canvas.get_renderer()
    out = []
    for a in artists:
        if a is None:
            continue
        bb = a.get_window_extent(renderer)
        out.append((bb.x0 - 2, bb.y0 - 2, bb.x1 + 2, bb.y1 + 2))
    return out


def _label_counties(
    ax: Any, lang: Lang, obstacles: list[Any], *, colour: str, size: float
) -> dict[str, Any]:
    """Label every county unit (see :func:`_place_labels`); code → text artist."""
    props = {"fontsize": size, "color": colour, "zorder": 4, "path_effects": _halo(1.6)}
    # the smallest units first: they have the fewest free places near their anchor
    units = sorted(base_layer().counties, key=lambda c: c.area_m2)
    items = [
        (c.label_zh if lang == "zh" else c.label_en, c.anchor, props, True, 2.0) for c in units
    ]
    arts = _place_labels(ax, items, obstacles)
    return {c.code: a for c, a in zip(units, arts, strict=True)}


def draw_choropleth(
    values: Mapping[str, float | None],
    *,
    legend_title: str,
    title: str | None = None,
    lang: Lang = "zh",
    bins: int = 5,
    fmt: str = "{:.1f}",
) -> MapDrawing:
    """County units coloured by a value in ``bins`` equal-width classes, labelled (see module).

    Parameters
    ----------
    values : mapping
        County code → value; codes without a value are drawn grey ("no data").
    legend_title : str
        Legend title.
    title : str, optional
        A title drawn above the map (the reports print it in the caption instead).
    lang : {"zh", "en"}
        Language of the labels and legend.
    bins : int
        Number of classes.
    fmt : str
        Format of the class limits in the legend.
    """
    from matplotlib.patches import Patch

    from lanxi.reports.charts import NO_DATA_COLOUR, _mpl

    matplotlib = _mpl()
    finite = [float(v) for v in values.values() if v is not None and math.isfinite(float(v))]
    with matplotlib.rc_context(_rc()):
        colour_of: dict[str, str] = {}
        handles: list[Any] = []
        if finite:
            lo, hi = min(finite), max(finite)
            if hi == lo:  # one value: one class, not empty classes around it
                bins = 1
            width = (hi - lo) / bins or 1.0
            cmap = matplotlib.colormaps["YlGnBu"]
            palette = [
                matplotlib.colors.to_hex(cmap(0.12 + 0.7 * i / max(bins - 1, 1)))
                for i in range(bins)
            ]
            for code, v in values.items():
                if v is None or not math.isfinite(float(v)):
                    continue
                colour_of[code] = palette[min(int((float(v) - lo) / width), bins - 1)]
            for i in range(bins):
                a, b = lo + i * width, lo + (i + 1) * width
                label = fmt.format(lo) if hi == lo else f"{fmt.format(a)}–{fmt.format(b)}"
                handles.append(Patch(color=palette[i], label=label))
        handles.append(Patch(color=NO_DATA_COLOUR, label=t("map.no_data", lang)))
        handles += _boundary_handles(lang)
        fig, ax = _new_map(title, _rows(len(handles), legend_title))
        _draw_base(ax, colour_of, NO_DATA_COLOUR)
        drawing = MapDrawing(fig, ax)
        drawing.legend = _legend(ax, handles, legend_title)
        drawing.scale_bar, drawing.scale_km = _scale_bar(ax, lang)
        drawing.north_arrow = _north_arrow(ax, lang)
        fig.canvas.get_renderer()
        obstacles = _fixed_boxes(ax, drawing.scale_bar, *ax.texts)
        drawing.county_labels = _label_counties(
            ax, lang, obstacles, colour="black", size=6.5 if lang == "zh" else 6.0
        )
        return drawing


def draw_point_map(
    points: Sequence[MapPoint],
    *,
    legend: Sequence[tuple[str, str]],
    title: str | None = None,
    lang: Lang = "zh",
    legend_title: str = "",
) -> MapDrawing:
    """Points (sections, stations) at their own coordinates on the labelled county map.

    Parameters
    ----------
    points : sequence of MapPoint
        Points in WGS 84; those with ``approximate`` are drawn as diamonds and the legend gets the
        entry "位置为近似" / "approximate location". Points with a label are labelled.
    legend : sequence of (label, colour)
        The colour classes.
    lang : {"zh", "en"}
        Language of the labels and legend.
    legend_title : str
        Title of the legend.
    title : str, optional
        A title drawn above the map (the reports print it in the caption instead).
    """
    from lanxi.reports.charts import _mpl

    matplotlib = _mpl()
    with matplotlib.rc_context(_rc()):
        handles = _point_handles(points, legend, lang)
        fig, ax = _new_map(title, _rows(len(handles), legend_title))
        _draw_base(ax, {}, FILL)
        drawing = MapDrawing(fig, ax)
        xy = [project(p.lon, p.lat) for p in points]
        xy = _spread(points, xy)
        for p, (x, y) in zip(points, xy, strict=True):
            (m,) = ax.plot(
                x,
                y,
                marker="D" if p.approximate else "o",
                markersize=5.5 if p.approximate else 6.5,
                color=p.colour,
                markeredgecolor="black",
                markeredgewidth=0.6,
                linestyle="",
                zorder=5,
            )
            drawing.markers.append((p, (float(x), float(y)), m))
        drawing.legend = _legend(ax, handles, legend_title)
        drawing.scale_bar, drawing.scale_km = _scale_bar(ax, lang)
        drawing.north_arrow = _north_arrow(ax, lang)
        fig.canvas.get_renderer()
        obstacles = _fixed_boxes(ax, drawing.scale_bar, *ax.texts)
        r = 3.5 * DPI / 72  # marker radius in px (6.5 pt markers)
        for _, (x, y), _m in drawing.markers:
            px, py = ax.transData.transform((x, y))
            obstacles.append((px - r, py - r, px + r, py + r))
        props = {"fontsize": 6.5, "color": "black", "zorder": 5.5, "path_effects": _halo(2.0)}
        items = [
            (p.label, (x, y), props, False, r + 1.0) for p, (x, y), _m in drawing.markers if p.label
        ]
        drawing.point_labels = _place_labels(ax, items, obstacles)
        drawing.county_labels = _label_counties(
            ax, lang, obstacles, colour="#6E6E6E", size=6.0 if lang == "zh" else 5.5
        )
        return drawing


def _point_handles(
    points: Sequence[MapPoint], legend: Sequence[tuple[str, str]], lang: Lang
) -> list[Any]:
    """Legend entries of a point map: the colour classes, the two kinds of place, the boundaries.

    The kinds of place are shown only when some point's place is approximate.
    """
    from matplotlib.lines import Line2D

    any_approx = any(p.approximate for p in points)
    handles: list[Any] = [
        Line2D([], [], marker="o", linestyle="", color=c, markeredgecolor="black", label=lab)
        for lab, c in legend
    ]
    if any_approx:
        handles += [
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                color="white",
                markeredgecolor="black",
                label=t("map.sourced_location", lang),
            ),
            Line2D(
                [],
                [],
                marker="D",
                linestyle="",
                markersize=5.5,
                color="white",
                markeredgecolor="black",
                label=t("map.approximate_location", lang),
            ),
        ]
    return [*handles, *_boundary_handles(lang)]


def _spread(points: Sequence[MapPoint], xy: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Approximate points within 1 km of another point moved onto a circle of SPREAD_M around it.

    Points with sourced coordinates never move; approximate ones that share a place with them or
    with each other are spread so that every marker stays visible (their error is tens of km).
    """
    out = list(xy)
    groups: list[tuple[int, list[int]]] = []  # (centre index, approximate members)
    order = sorted(range(len(points)), key=lambda i: points[i].approximate)  # sourced first
    for i in order:
        for centre, members in groups:
            if math.hypot(xy[i][0] - xy[centre][0], xy[i][1] - xy[centre][1]) < 1000:
                if points[i].approximate:
                    members.append(i)
                break
        else:
            groups.append((i, []))
    for centre, members in groups:
        moving = members if not points[centre].approximate else [centre, *members]
        if len(moving) < 2 and not (members and not points[centre].approximate):
            continue
        x0, y0 = xy[centre]
        for k, i in enumerate(moving):
            a = math.pi / 2 + 2 * math.pi * k / len(moving)
            out[i] = (x0 + SPREAD_M * math.cos(a), y0 + SPREAD_M * math.sin(a))
    return out


def choropleth(values: Mapping[str, float | None], **kwargs: Any) -> str:
    """:func:`draw_choropleth` as base64 PNG."""
    return draw_choropleth(values, **kwargs).png()


def point_map(points: Sequence[MapPoint], **kwargs: Any) -> str:
    """:func:`draw_point_map` as base64 PNG."""
    return draw_point_map(points, **kwargs).png()


def map_source(lang: Lang, *parts: str) -> str:
    """The source under a map: ``parts`` (data, coordinates), then boundaries and projection."""
    sep = "；" if lang == "zh" else "; "
    return sep.join([*parts, t("map.src_boundaries", lang), t("map.src_projection", lang)])
