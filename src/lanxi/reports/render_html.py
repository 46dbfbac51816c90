"""HTML of a report: one self-contained file (CSS inline, images as data URIs), from Jinja2.

The template is ``templates/report.html.j2`` with ``templates/report.css``; the same HTML is what
WeasyPrint turns into the PDF (:mod:`lanxi.reports.render_pdf`).
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

from lanxi import __version__
from lanxi.reports.content import Column, Lang, Report, Section, Table
from lanxi.reports.fmt import date_label, datetime_label, heading_number, period_label
from lanxi.reports.i18n import t


def Markup(text: str) -> Any:  # noqa: N802 - the name of the class it returns
    """``text`` marked safe for Jinja2: our own stylesheet, which must not be HTML-escaped."""
    from markupsafe import Markup as _Markup

    return _Markup(text)


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
    if column.kind == "points" and isinstance(value, int | float):
        v = round(float(value) * 100 * column.scale, column.digits)
        return f"{v:+.{column.digits}f}" if v != 0 else f"{0:.{column.digits}f}"
    if column.kind == "percent" and isinstance(value, int | float):
        return f"{float(value) * 100 * column.scale:.{column.digits}f}%"
    if column.kind == "int" and isinstance(value, int | float):
        return f"{int(value):,}"
    if column.kind == "float" and isinstance(value, int | float):
        return f"{float(value):,.{column.digits}f}"
    return str(value)


def _width(text: str) -> int:
    """Width of ``text`` in half-ems: a CJK character counts 2, anything else 1."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _is_cjk(ch: str) -> bool:
    return ord(ch) > 0x2E80


def _longest_token(text: str) -> int:
    """Width of the longest part of ``text`` a line may not break inside.

    A line breaks at spaces and between Chinese characters, never inside a run of Latin letters,
    digits and their punctuation (a word, a number, "Ⅱ类" stays whole with its class).
    """
    best = run = 0
    for ch in text:
        if ch.isspace():
            run = 0
        elif _is_cjk(ch) and not ch.isdigit() and ch not in "ⅠⅡⅢⅣⅤⅥ":
            best = max(best, 2)
            run = 0
        else:
            run += 1
            best = max(best, run)
    return best


#: Usable width of the page in mm: A4 portrait and landscape less the margins (report.css).
PAGE_MM = {"portrait": 178.0, "landscape": 265.0}
#: mm per half-em at the table font (8.5 pt) and per cell for padding and borders.
UNIT_MM, CELL_MM = 8.5 * 0.3528 / 2, 2.4
WIDE_SCALE = 7.5 / 8.5


class TableLayout(NamedTuple):
    """Column widths (per cent), whether the table needs a landscape page and the smaller font."""

    widths: list[float]
    landscape: bool
    wide: bool


def table_layout(table: Table, lang: Lang = "zh", sample: int = 80) -> TableLayout:
    """Widths of ``table``'s columns so that no word or number is split, and its page orientation.

    Each column gets at least its longest unbreakable token (the whole value for numbers and
    codes; the header may wrap between Chinese characters, down to four of them), and the rest of
    the line in proportion to how much longer its longest text is. A table whose minimum does not
    fit an A4 portrait line goes on a landscape page, with the smaller font if needed.
    """
    mins: list[float] = []
    prefs: list[float] = []
    for c in table.columns:
        texts = [format_cell(r.get(c.key), c, lang) for r in table.rows[:sample]]
        whole = c.kind in ("int", "float", "percent", "points", "bool", "date") or c.nowrap
        longest = max([_width(x) for x in texts] or [1])
        token = longest if whole else max([_longest_token(x) for x in texts] + [min(longest, 16)])
        head_token = max(min(_width(c.label), 8), _longest_token(c.label))
        mins.append(max(token, head_token, 3))
        prefs.append(max(mins[-1], min(max(longest, _width(c.label)), 40)))

    def need(scale: float) -> float:
        return sum(m * UNIT_MM * scale + CELL_MM for m in mins)

    landscape, wide = False, False
    if need(1.0) > PAGE_MM["portrait"]:
        if need(WIDE_SCALE) <= PAGE_MM["portrait"]:
            wide = True
        else:
            landscape = True
            wide = need(1.0) > PAGE_MM["landscape"]
    scale = WIDE_SCALE if wide else 1.0
    avail = PAGE_MM["landscape" if landscape else "portrait"]
    width = [m * UNIT_MM * scale + CELL_MM for m in mins]
    extra = [(p - m) * UNIT_MM * scale for p, m in zip(prefs, mins, strict=True)]
    spare = avail - sum(width)
    if spare > 0 and sum(extra) > 0:
        k = min(1.0, spare / sum(extra))
        width = [w + k * e for w, e in zip(width, extra, strict=True)]
    total = sum(width) or 1.0
    return TableLayout([round(100 * w / total, 2) for w in width], landscape, wide)


def column_widths(table: Table, lang: Lang = "zh", sample: int = 80) -> list[float]:
    """Column widths in per cent (:func:`table_layout`).

    Tables are laid out with ``table-layout: fixed`` and these widths: WeasyPrint's automatic
    table layout measures every cell twice and made long reports several times slower.
    """
    return table_layout(table, lang, sample).widths


def page_number_rule(lang: Lang) -> str:
    """The ``@page`` rule printing 第 N 页 共 M 页 (zh) or Page N of M (en) at the bottom."""
    if lang == "zh":
        content = '"第 " counter(page) " 页 共 " counter(pages) " 页"'
    else:
        content = '"Page " counter(page) " of " counter(pages)'
    return (
        "@page { @bottom-center { content: " + content + "; font-size: 8.5pt; color: #444; } }\n"
        "@page landscape { @bottom-center { content: " + content + "; font-size: 8.5pt; "
        "color: #444; } }"
    )


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

    layouts = {tb.id: table_layout(tb, lang) for tb in report.tables()}

    def layout(table: Table) -> TableLayout:
        return layouts[table.id]

    def landscape(section: Section) -> bool:
        return any(layouts[tb.id].landscape for tb in section.tables)

    return str(
        template.render(
            report=report,
            css=Markup(stylesheet() + "\n" + page_number_rule(lang)),
            layout=layout,
            landscape=landscape,
            number=lambda level, n: heading_number(level, n, lang),
            period=period_label(report.period, lang),
            date=lambda d: date_label(d, lang),
            stamp=datetime_label(report.generated_at, lang),
            t=tr,
            cell=cell,
            version=__version__,
            sep="；" if lang == "zh" else "; ",
            colon="：" if lang == "zh" else ": ",
            lparen="（" if lang == "zh" else " (",
            rparen="）" if lang == "zh" else ")",
            stop="。" if lang == "zh" else ". ",
        )
    )
