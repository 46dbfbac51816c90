"""What every report builder shares: the request, columns and tables from service records.

Builders turn service outputs into :class:`~lanxi.reports.content.Table` rows *as they are*:
values are only converted to plain Python types (numpy and pandas scalars → ``int``/``float``/
``bool``, ``pd.NA`` → ``None``, lists → ``"; "``-joined text); a number is never rounded or
recomputed here. Rounding happens only when the HTML and PDF display a value.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from lanxi.errors import Problem, ValidationError
from lanxi.reports.content import Column, ColumnKind, Lang, Report, Section, Table
from lanxi.reports.i18n import has, t

#: Columns of short codes kept on one line in HTML and PDF.
NOWRAP = frozenset(
    {"section", "region_code", "latest_period", "baseline_year", "target_year", "plan", "year"}
)
SHANGHAI = dt.timezone(dt.timedelta(hours=8), "CST")


class ReportRequest(BaseModel):
    """What a report is asked for (the CLI's and the API's options).

    Attributes
    ----------
    kind : str
        One of :data:`lanxi.reports.KINDS`.
    period : str, optional
        ``YYYY-MM`` (water-monthly), ``YYYYQn`` (water-warnings), ``YYYY`` (annual reports,
        compensation; progress: as of 31 December).
    region : str, optional
        A region code or name: keeps the rows of that region (cities, provinces; targets and
        projects of the region and the regions inside it).
    as_of : date, optional
        Date of the data (progress and public reports; default today).
    lang : {"zh", "en"}
        Language of the labels.
    plan : str, optional
        The plan evaluated (midterm, summary: default ``scheme2022``; progress: all plans).
    section : str, optional
        The border section of a compensation statement (default ``HS-OUT``).
    """

    model_config = ConfigDict(extra="forbid")

    kind: str
    period: str | None = None
    region: str | None = None
    as_of: dt.date | None = None
    lang: Lang = "zh"
    plan: str | None = None
    section: str | None = None


def now() -> dt.datetime:
    """The generated-at stamp: now, in China Standard Time, to the second."""
    return dt.datetime.now(SHANGHAI).replace(microsecond=0)


_FORMS = {
    "month": (re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"), "YYYY-MM, e.g. 2025-06", "年-月，如 2025-06"),
    "quarter": (re.compile(r"^\d{4}Q[1-4]$"), "YYYYQn, e.g. 2025Q2", "年份加季度，如 2025Q2"),
    "year": (re.compile(r"^\d{4}$"), "YYYY, e.g. 2025", "四位年份，如 2025"),
}


def require_period(req: ReportRequest, form: str) -> str:
    """``req.period`` checked against ``form`` (``month``, ``quarter``, ``year``).

    Raises
    ------
    ValidationError
        Naming the option, the value and the expected form.
    """
    pattern, expected, expected_zh = _FORMS[form]
    if req.period is None or not pattern.match(req.period.strip()):
        raise ValidationError(
            [
                Problem(
                    "report",
                    None,
                    "--period",
                    f"report {req.kind} needs a period of the form {expected}",
                    req.period,
                    message_zh=f"此报告的报告期应写作{expected_zh}",
                )
            ]
        )
    return req.period.strip()


def plain(value: Any) -> Any:
    """A cell value as plain Python: None for missing, numbers unchanged, lists joined."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        f = float(value)
        return None if math.isnan(f) else f
    if isinstance(value, int | str):
        return value
    if isinstance(value, list | tuple):
        return "; ".join(str(plain(v)) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def col(
    key: str,
    lang: Lang,
    kind: ColumnKind = "text",
    *,
    digits: int = 2,
    scale: float = 1.0,
    source: str | None = None,
    label: str | None = None,
    nowrap: bool | None = None,
) -> Column:
    """A column labelled from the catalogue entry ``col.<key>`` (or ``label``)."""
    return Column(
        key=key,
        label=label if label is not None else t(f"col.{key}", lang),
        kind=kind,
        digits=digits,
        scale=scale,
        source=source,
        nowrap=key in NOWRAP if nowrap is None else nowrap,
    )


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of a service frame as dicts of plain values."""
    return [{k: plain(v) for k, v in r.items()} for r in frame.to_dict("records")]


def table(
    table_id: str,
    title: str,
    columns: Sequence[Column],
    records: Iterable[Mapping[str, Any]],
    source: str,
    *,
    note: str | None = None,
    keep: Sequence[str] = (),
) -> Table:
    """A table of the ``columns`` of ``records`` (plain values only).

    ``keep`` names record fields kept in each row without being shown (identifiers such as a
    section's or a target's id, so that a row can be matched with the service's output; no
    renderer prints them).
    """
    keys = [c.key for c in columns] + [k for k in keep if k not in {c.key for c in columns}]
    rows = [{k: plain(r.get(k)) for k in keys} for r in records]
    return Table(
        id=table_id, title=title, columns=list(columns), rows=rows, source=source, note=note
    )


def label(prefix: str, value: Any, lang: Lang) -> Any:
    """The catalogue's label ``<prefix>.<value>`` when there is one, else the value."""
    if value is None:
        return None
    key = f"{prefix}.{value}"
    return t(key, lang) if has(key) else value


def new_report(
    req: ReportRequest,
    *,
    generated_at: dt.datetime,
    title_key: str | None = None,
    **fields: Any,
) -> Report:
    """An empty report of ``req.kind`` with its title from the catalogue (``kind.<kind>``).

    The issuing office and the date of issue come from the settings (:func:`issuer_of`).
    """
    issuer, issued = issuer_of(req.kind, req.lang, generated_at)
    fields.setdefault("issuer", issuer)
    fields.setdefault("issued", issued)
    return Report(
        kind=req.kind,
        title=t(title_key or f"kind.{req.kind}", req.lang),
        lang=req.lang,
        period=req.period,
        region=req.region,
        as_of=req.as_of,
        generated_at=generated_at,
        **fields,
    )


#: Kinds issued by the environment side (the others by the plan office).
ENVIRONMENT_KINDS = frozenset(
    {"water-monthly", "water-warnings", "water-annual", "air-annual", "compensation"}
)


def issuer_of(kind: str, lang: Lang, generated_at: dt.datetime) -> tuple[str, dt.date]:
    """The issuing office of ``kind`` in ``lang`` and the date of issue, from the settings.

    ``LANXI_REPORT_ISSUER_ENVIRONMENT`` (water, air, compensation) or ``LANXI_REPORT_ISSUER_PLAN``
    (the plan reports), their ``_EN`` forms for English; the date is ``LANXI_REPORT_ISSUE_DATE``
    or the day of ``generated_at``.
    """
    from lanxi.settings import get_settings

    s = get_settings()
    side = "environment" if kind in ENVIRONMENT_KINDS else "plan"
    name = getattr(s, f"report_issuer_{side}" + ("_en" if lang == "en" else ""))
    return str(name), s.report_issue_date or generated_at.date()


def no_data_report(report: Report, reason: str | None = None) -> Report:
    """Mark ``report`` as having no data for its period: one section that says so plainly."""
    report.no_data = True
    paragraphs = [reason] if reason else []
    report.sections = [
        Section(
            id="no-data",
            title=t("section.no_data", report.lang),
            paragraphs=paragraphs,
        )
    ]
    return report


def region_filter(
    records: list[dict[str, Any]], region: str | None, keys: Sequence[str]
) -> list[dict[str, Any]]:
    """Records whose ``keys`` (e.g. city, province) name ``region``; all when region is None.

    Region and values are compared by code through the one lookup
    (:func:`lanxi.services.regions.region_code`): 海南, 海南州 and 632500 select the same rows,
    and so do 甘肃, 甘肃省 and 620000. A value no region answers to is compared as text.
    """
    if region is None:
        return records
    from lanxi.services.regions import region_lookup

    lookup = region_lookup()
    r = region.strip()
    code = lookup.get(r)
    return [
        x
        for x in records
        if any(
            _same_place(x.get(k), r) or (code is not None and lookup.get(x.get(k)) == code)
            for k in keys
        )
    ]


def _same_place(value: Any, region: str) -> bool:
    if value is None:
        return False
    v = str(value)
    short = region.removesuffix("省").removesuffix("市")
    return v == region or v.removesuffix("省").removesuffix("市") == short
