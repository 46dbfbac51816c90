"""Static charts and maps of the reports, as PNG (matplotlib, Agg canvas, no display).

Charts are drawn on a :class:`matplotlib.figure.Figure` with an Agg canvas, never through
``pyplot``'s global state, so reports can be built in threads (the web layer). Chinese labels use
the installed Noto CJK font (``fonts-noto-cjk``; found with :func:`lanxi.io.maps.cjk_font`, which
the travel-time maps use too). The reports' maps are drawn by :mod:`lanxi.reports.maps`.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from functools import cache
from typing import Any

from lanxi.errors import ConfigurationError
from lanxi.services.legends import no_data_colour, water_class_colours

#: Colours of the water classes Ⅰ … 劣Ⅴ, from ``water_class_colours.yaml`` (the dashboard reads
#: the same file through the API).
CLASS_COLOURS: tuple[str, ...] = tuple(str(c["colour"]) for c in water_class_colours())
NO_DATA_COLOUR = no_data_colour()
PREFERRED_FONTS: tuple[str, ...] = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC")


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ConfigurationError("reports need matplotlib: pip install 'lanxi[reports]'") from exc
    return matplotlib


@cache
def font_family() -> str | None:
    """The CJK font family the charts use (Noto Sans CJK SC first), or None."""
    _mpl()
    from matplotlib import font_manager

    def pick() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        for name in PREFERRED_FONTS:
            if name in names:
                return name
        from lanxi.io.maps import cjk_font

        return cjk_font()

    found = pick()
    if found is None:
        # matplotlib's font cache may predate the font's installation (it is built once per
        # user): register the system's CJK font files directly.
        for path in font_manager.findSystemFonts(fontext="ttf"):
            if any(h in path for h in ("CJK", "wqy", "SourceHan")):
                font_manager.fontManager.addfont(path)
        found = pick()
    return found


def _figure(width: float = 7.0, height: float = 3.6) -> Any:
    _mpl()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110)
    FigureCanvasAgg(fig)
    return fig


def _rc() -> dict[str, Any]:
    font = font_family()
    rc: dict[str, Any] = {"axes.unicode_minus": False, "font.size": 9}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
        rc["font.family"] = "sans-serif"
    return rc


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def bar_chart(
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    title: str,
    ylabel: str = "",
    target: float | None = None,
    target_label: str = "",
    colours: Sequence[str] | None = None,
    horizontal: bool = False,
) -> str:
    """A bar chart as base64 PNG; missing values are left out (no bar, never a zero bar).

    Parameters
    ----------
    labels, values : sequences
        Bar labels and heights (None or NaN: no bar).
    title, ylabel : str
        Texts.
    target : float, optional
        A horizontal (vertical for ``horizontal``) dashed line, e.g. the plan's target.
    target_label : str
        Its legend text.
    colours : sequence of str, optional
        One colour per bar.
    horizontal : bool
        Horizontal bars (long labels).
    """
    matplotlib = _mpl()

    with matplotlib.rc_context(_rc()):
        height = max(2.4, 0.3 * len(labels) + 1.0) if horizontal else 3.0
        fig = _figure(6.5, height)
        ax = fig.add_subplot()
        xs = list(range(len(labels)))
        hs = [float("nan") if v is None else float(v) for v in values]
        cs = list(colours) if colours else ["#2E7DBE"] * len(labels)
        if horizontal:
            ax.barh(xs, hs, color=cs)
            ax.set_yticks(xs, labels)
            ax.invert_yaxis()
            ax.set_xlabel(ylabel)
            if target is not None:
                ax.axvline(target, color="#E60012", linestyle="--", label=target_label)
        else:
            ax.bar(xs, hs, color=cs)
            ax.set_xticks(xs, labels, rotation=30 if len(labels) > 6 else 0, ha="right")
            ax.set_ylabel(ylabel)
            if target is not None:
                ax.axhline(target, color="#E60012", linestyle="--", label=target_label)
        if target is not None and target_label:
            ax.legend(loc="best", fontsize=8)
        ax.set_title(title)
        ax.grid(axis="x" if horizontal else "y", alpha=0.3)
        if all(float(h).is_integer() for h in hs if h == h):
            from matplotlib.ticker import MaxNLocator

            (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
        return _png(fig)
