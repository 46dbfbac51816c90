"""Reports: bulletins and evaluation reports as HTML, PDF and Excel.

A report is built in two steps:

1. :func:`build_report` runs the builder of its kind (:mod:`lanxi.reports.builders`), which calls
   the service functions — the same the CLI and the API call — and returns a typed, serializable
   :class:`~lanxi.reports.content.Report` (sections, tables with the source of every figure,
   charts and maps as PNG, as-of date, standard editions and methods, generated-at stamp,
   language);
2. :func:`render` lays it out as HTML (Jinja2), PDF (WeasyPrint) or an Excel workbook
   (xlsxwriter).

Kinds (:data:`KINDS`): ``water-monthly`` 月度水质监测评估通报, ``water-warnings`` 季度水质预警通报,
``water-annual`` 年度水环境责任考核结果, ``air-annual`` 年度环境空气质量报告, ``compensation``
跨省断面生态补偿年度结算单, ``progress`` 规划实施进展报告, ``midterm`` 中期评估报告, ``summary``
总结评估报告, ``public`` 公众版进展摘要. See ``docs/reports.md``.

Examples
--------
>>> from lanxi.reports import build_report, render
>>> report = build_report("water-monthly", period="2025-06")       # doctest: +SKIP
>>> render(report, "pdf", Path("water-2025-06.pdf"))                # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Literal

from lanxi.errors import Problem, ValidationError
from lanxi.reports.builders import BUILDERS
from lanxi.reports.builders.common import ReportRequest, now
from lanxi.reports.content import Lang, Report
from lanxi.services.read_cache import read_scope

Format = Literal["html", "pdf", "xlsx"]
FORMATS: tuple[str, ...] = ("pdf", "html", "xlsx")
KINDS: tuple[str, ...] = tuple(BUILDERS)

__all__ = ["FORMATS", "KINDS", "Report", "ReportRequest", "build_report", "render", "render_bytes"]


def build_report(
    kind: str,
    *,
    period: str | None = None,
    region: str | None = None,
    as_of: dt.date | None = None,
    lang: Lang = "zh",
    plan: str | None = None,
    section: str | None = None,
    url: str | None = None,
    generated_at: dt.datetime | None = None,
) -> Report:
    """Build the content of a report from the store.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    period, region, as_of, lang, plan, section
        See :class:`~lanxi.reports.builders.common.ReportRequest`.
    url : str, optional
        Database URL (default: the settings').
    generated_at : datetime, optional
        The generated-at stamp (default now, China Standard Time).

    Returns
    -------
    Report
        The content; ``report.no_data`` is true when the period has no data (the report then says
        so instead of showing zeros).

    Raises
    ------
    ValidationError
        For an unknown kind or language, or a period of the wrong form.
    """
    problems = []
    if kind not in BUILDERS:
        problems.append(
            Problem("report", None, "kind", f"unknown report; use one of {', '.join(KINDS)}", kind)
        )
    if lang not in ("zh", "en"):
        problems.append(Problem("report", None, "--lang", "use zh or en", lang))
    if problems:
        raise ValidationError(problems)
    req = ReportRequest(
        kind=kind,
        period=period,
        region=region,
        as_of=as_of,
        lang=lang,
        plan=plan,
        section=section,
    )
    # one report reads the same rows through several services: each such read is made once
    with read_scope():
        return BUILDERS[kind](req, url=url, generated_at=generated_at or now())


def render_bytes(report: Report, fmt: str) -> bytes:
    """The report rendered as ``fmt`` (``pdf``, ``html``, ``xlsx``), as bytes.

    Raises
    ------
    ValidationError
        For an unknown format.
    """
    if fmt == "html":
        from lanxi.reports.render_html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from lanxi.reports.render_pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from lanxi.reports.render_xlsx import render_xlsx

        buf = io.BytesIO()
        render_xlsx(report, buf)
        return buf.getvalue()
    raise ValidationError(
        [Problem("report", None, "--format", f"use one of {', '.join(FORMATS)}", fmt)]
    )


def render(report: Report, fmt: str, out: Path) -> Path:
    """Write the report as ``fmt`` to ``out``; nothing is written when rendering fails."""
    data = render_bytes(report, fmt)
    out = Path(out)
    out.write_bytes(data)
    return out
