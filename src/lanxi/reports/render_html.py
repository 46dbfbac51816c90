"""HTML of a report: one self-contained file (CSS inline, images as data URIs), from Jinja2.

The template is ``templates/report.html.j2`` with ``templates/report.css``; the same HTML is what
WeasyPrint turns into the PDF (:mod:`lanxi.reports.render_pdf`).
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any

from lanxi import __version__
from lanxi.reports.content import Column, Lang, Report, Table
from lanxi.reports.i18n import t


@cache
def _environment() -> Any:
    try:
        from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from lanxi.errors import ConfigurationError

        raise ConfigurationError(
            "reports need Jinja2, WeasyPrint and matplotlib: pip install 'lanxi[reports]'"
        ) from exc

    return Environment(
        loader=PackageLoader("lanxi.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def stylesheet() -> str:
    """The report's CSS (``templates/report.css``)."""
    return (resources.files("lanxi.reports") / "templates" / "report.css").read_text("utf-8")


def format_cell(value: Any, column: Column, lang: Lang = "zh") -> str:
    """A value as the HTML and PDF show it (Excel keeps the number itself).

    ``None`` and NaN show as "—" (never as 0); booleans as 是/否 (yes/no); ``percent`` columns
    as ``value × 100 × scale`` with ``digits`` decimals and a % sign; ``int`` with thousands
    separators; ``float`` with ``digits`` decimals.
    """
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, bool) or column.kind == "bool":
        return t("bool.yes" if value else "bool.no", lang)
    if column.kind == "percent" and isinstance(value, int | float):
        return f"{float(value) * 100 * column.scale:.{column.digits}f}%"
    if column.kind == "int" and isinstance(value, int | float):
        return f"{int(value):,}"
    if column.kind == "float" and isinstance(value, int | float):
        return f"{float(value):,.{column.digits}f}"
    return str(value)


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def column_widths(table: Table, lang: Lang = "zh", sample: int = 60) -> list[float]:
    """Column widths in per cent, from the header and the first ``sample`` rows' text.

    Tables are laid out with ``table-layout: fixed`` and these widths: WeasyPrint's automatic
    table layout measures every cell twice and made long reports several times slower.
    """
    weights = []
    for c in table.columns:
        longest = max(
            [_width(format_cell(r.get(c.key), c, lang)) for r in table.rows[:sample]] or [1]
        )
        header = max([_width(w) for w in c.label.split()] or [1])
        if c.kind in ("int", "float", "percent", "bool") or c.nowrap:
            # numbers and codes never wrap: room for the longest value (the header may wrap)
            weights.append(max(longest, min(header, 8), 3) + 2.0)
        else:
            weights.append(min(max(longest, header, 4), 30) + 2.0)
    total = sum(weights) or 1.0
    return [round(100 * w / total, 2) for w in weights]


def render_html(report: Report) -> str:
    """The report as one self-contained HTML document.

    Parameters
    ----------
    report : Report
        Built by :func:`lanxi.reports.build_report`.

    Returns
    -------
    str
        HTML5 text (UTF-8), CSS inline, images as ``data:image/png;base64`` URIs.
    """
    template = _environment().get_template("report.html.j2")
    lang = report.lang

    def tr(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    def cell(value: Any, column: Column) -> str:
        return format_cell(value, column, lang)

    def widths(table: Table) -> list[float]:
        return column_widths(table, lang)

    return str(
        template.render(
            report=report,
            css=stylesheet(),
            t=tr,
            cell=cell,
            widths=widths,
            version=__version__,
            sep="；" if lang == "zh" else "; ",
        )
    )
