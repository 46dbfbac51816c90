"""Submission templates: Excel with drop-down lists and a codes sheet, or a CSV header.

* ``.xlsx``: a ``data`` sheet whose header is the submission's columns, with drop-down lists
  (data validation) on the code columns and an input hint on each column, and a ``codes`` sheet
  listing the valid indicators (id, name, unit, frequency, period form, plausible range), regions,
  tasks, agencies, progress statuses and accepted units.
* ``.csv``: ``#`` lines listing the valid codes, units and period forms (narrowed to the
  indicators and regions, or tasks and agencies, asked for), then the header row (plus pre-filled
  key columns when ``--indicator`` and ``--region`` are given); ``lanxi submit`` skips the ``#``
  lines. A companion ``<name>.codes.csv`` has the full code lists as a table.

With indicators and regions (or tasks and agencies) given, the template is pre-filled with one row
per combination, so a submitter only types the period and the value.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import xlsxwriter
from sqlalchemy.orm import Session

from lanxi.errors import NotFoundError, Problem, ValidationError
from lanxi.export import csv_safe
from lanxi.services.monitoring.common import (
    PERIOD_FORMS,
    PROGRESS_PERIOD_FORM,
    PROGRESS_STATUSES,
    Reference,
    convertible_units,
    load_reference,
    units_table,
)
from lanxi.services.monitoring.validate import OBSERVATION_COLUMNS, PROGRESS_COLUMNS
from lanxi.services.regions import to_code

TemplateKind = Literal["observations", "task-progress"]

HINTS: dict[str, str] = {
    "indicator_id": "指标代码 indicator id (codes sheet)",
    "region_code": "区域代码 region code: 6 digits or LXCSQ (codes sheet)",
    "period": "期别 period in the indicator's form: YYYY, YYYYQn, YYYY-MM, YYYY-MM-DD",
    "value": "数值 a number, no thousands separators",
    "unit": "单位 the indicator's unit, or one that converts (万人↔人, 亿元↔万元↔元, %↔ratio)",
    "source": "来源 where the figure comes from (公报, 年鉴 …)",
    "note": "备注 optional note",
    "task_id": "任务 task id t01…t58 (codes sheet)",
    "agency_id": "单位 reporting agency id (codes sheet)",
    "progress": "进展 未启动 / 推进中 / 已完成 / 滞后",
    "percent": "完成百分比 percent complete, 0–100",
    "narrative": "进展说明 what was done",
    "evidence_links": "佐证链接 http(s) links, separated by ;",
}


@dataclass(frozen=True)
class Template:
    """A written template: its path, the codes file (CSV only), and the rows pre-filled."""

    path: Path
    codes_path: Path | None
    prefilled: int


def _codes(ref: Reference) -> dict[str, list[list[object]]]:
    table, citation = units_table()
    return {
        "indicators": [
            [
                i,
                m["name"],
                m["unit"],
                m["frequency"],
                PERIOD_FORMS.get(m["frequency"], ""),
                m["range_min"],
                m["range_max"],
                " / ".join(convertible_units(m["unit"])),
            ]
            for i, m in sorted(ref.indicators.items())
        ],
        "regions": [
            [c, r["name"], r["level"], r["parent_code"]] for c, r in sorted(ref.regions.items())
        ],
        "tasks": [
            [t, m["section"], m["title"]]
            for t, m in sorted(ref.tasks.items(), key=lambda kv: kv[1]["number"])
        ],
        "agencies": [
            [a, m["name"], m["province"], m["region_code"]] for a, m in sorted(ref.agencies.items())
        ],
        "progress": [[s] for s in PROGRESS_STATUSES],
        "units": [
            [u.unit, u.dimension, u.factor, citation]
            for u in sorted({u.unit: u for u in table.values()}.values(), key=lambda u: u.unit)
        ],
    }


CODE_HEADERS = {
    "indicators": [
        "indicator_id",
        "name",
        "unit",
        "frequency",
        "period_form",
        "range_min",
        "range_max",
        "accepted_units",
    ],
    "regions": ["region_code", "name", "level", "parent_code"],
    "tasks": ["task_id", "section", "title"],
    "agencies": ["agency_id", "name", "province", "region_code"],
    "progress": ["progress"],
    "units": ["unit", "dimension", "factor_to_base", "citation"],
}


def _check(
    ref: Reference,
    kind: str,
    indicators: Sequence[str],
    regions: Sequence[str],
    tasks: Sequence[str],
    agencies: Sequence[str],
) -> None:
    problems = []
    for field, values, known in (
        ("indicator", indicators, ref.indicators),
        ("region", regions, ref.regions),
        ("task", tasks, ref.tasks),
        ("agency", agencies, ref.agencies),
    ):
        for v in values:
            if v not in known:
                problems.append(Problem("template", None, field, f"unknown {field}", v))
    if problems:
        raise ValidationError(problems)


def write_template(
    session: Session,
    kind: TemplateKind,
    out: Path,
    *,
    indicators: Sequence[str] = (),
    regions: Sequence[str] = (),
    tasks: Sequence[str] = (),
    agencies: Sequence[str] = (),
) -> Template:
    """Write a submission template.

    Parameters
    ----------
    session : Session
        Open session (the codes come from the store).
    kind : {"observations", "task-progress"}
        What the template is for.
    out : Path
        ``.xlsx`` or ``.csv``.
    indicators, regions : sequence of str
        Observations: pre-fill one row per indicator × region (with the indicator's unit).
    tasks, agencies : sequence of str
        Task progress: pre-fill one row per task × agency.

    Returns
    -------
    Template

    Raises
    ------
    ValidationError
        Unknown codes or output kind.
    """
    if kind not in ("observations", "task-progress"):
        raise NotFoundError(f"no template '{kind}': use observations or task-progress")
    ref = load_reference(session)
    regions = [str(to_code(r)) for r in regions]  # 海南, 海南州, 632500: one region
    _check(ref, kind, indicators, regions, tasks, agencies)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(
            [Problem(out.name, None, None, "a template is .xlsx or .csv", suffix)]
        )
    columns = OBSERVATION_COLUMNS if kind == "observations" else PROGRESS_COLUMNS
    rows: list[dict[str, object]] = []
    if kind == "observations" and indicators and regions:
        rows = [
            {"indicator_id": i, "region_code": r, "unit": ref.indicators[i]["unit"]}
            for i in indicators
            for r in regions
        ]
    elif kind == "task-progress" and tasks and agencies:
        rows = [{"task_id": t, "agency_id": a} for t in tasks for a in agencies]
    codes = _codes(ref)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        with out.open("w", encoding="utf-8", newline="") as f:
            f.writelines(
                f"{line}\n"
                for line in _comment_lines(codes, kind, indicators, regions, tasks, agencies)
            )
            w = csv.writer(f)
            w.writerow(columns)
            for r in rows:
                w.writerow([csv_safe(r.get(c, "")) for c in columns])
        codes_path = out.with_name(out.stem + ".codes.csv")
        with codes_path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "list",
                    "code",
                    "name",
                    "detail_1",
                    "detail_2",
                    "detail_3",
                    "detail_4",
                    "detail_5",
                    "detail_6",
                ]
            )
            for name, items in codes.items():
                for item in items:
                    w.writerow([name, *["" if v is None else csv_safe(v) for v in item]])
        return Template(out, codes_path, len(rows))
    _write_xlsx(out, columns, rows, codes, kind)
    return Template(out, None, len(rows))


#: The code lists a CSV template repeats in its ``#`` lines, per kind.
COMMENT_LISTS: dict[str, tuple[str, ...]] = {
    "observations": ("indicators", "regions", "units"),
    "task-progress": ("tasks", "agencies", "progress"),
}


def _comment_lines(
    codes: dict[str, list[list[object]]],
    kind: str,
    indicators: Sequence[str],
    regions: Sequence[str],
    tasks: Sequence[str],
    agencies: Sequence[str],
) -> list[str]:
    """The ``#`` lines above a CSV template's header: the valid codes, units and periods.

    Lists are narrowed to the indicators, regions, tasks or agencies the template was made for.
    ``lanxi submit`` skips these lines (and keeps the file's line numbers in its messages).
    """
    chosen = {
        "indicators": set(indicators),
        "regions": set(regions),
        "tasks": set(tasks),
        "agencies": set(agencies),
    }
    period = (
        PROGRESS_PERIOD_FORM
        if kind == "task-progress"
        else "the indicator's period_form (annual YYYY, quarterly YYYYQn, monthly YYYY-MM, "
        "daily YYYY-MM-DD)"
    )
    lines = [
        f"# Lanxi template: {kind}. Lines starting with # are ignored by `lanxi submit`; "
        "fill the rows below the header.",
        f"# period: {period}",
    ]
    for name in COMMENT_LISTS[kind]:
        items = codes[name]
        if chosen.get(name):
            items = [it for it in items if it[0] in chosen[name]]
        header = CODE_HEADERS[name]
        if name == "units":  # the citation once, not on every unit
            citation = _one_line(items[0][-1]) if items else ""
            header, items = header[:-1], [it[:-1] for it in items]
            lines.append(f"# {name}: " + " | ".join(header) + f" (factors: {citation})")
        else:
            lines.append(f"# {name}: " + " | ".join(header))
        lines.extend(
            "#   " + " | ".join("" if v is None else _one_line(v) for v in item) for item in items
        )
    return lines


def _one_line(v: object) -> str:
    """A value on one comment line (no line breaks, no quotes that a CSV reader would pair)."""
    return " ".join(str(v).split()).replace('"', "'")


def _write_xlsx(
    path: Path,
    columns: Sequence[str],
    rows: list[dict[str, object]],
    codes: dict[str, list[list[object]]],
    kind: str,
) -> None:
    wb = xlsxwriter.Workbook(str(path))
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@"})
    ws = wb.add_worksheet("data")
    cs = wb.add_worksheet("codes")
    # codes sheet: one block of columns per list, side by side
    col = 0
    ranges: dict[str, str] = {}
    for name, items in codes.items():
        header = CODE_HEADERS[name]
        cs.write(0, col, f"{name}", head)
        for j, h in enumerate(header):
            cs.write(1, col + j, h, head)
        for i, item in enumerate(items):
            for j, v in enumerate(item):
                if v is not None:
                    cs.write(2 + i, col + j, v)
        letter = xlsxwriter.utility.xl_col_to_name(col)
        ranges[name] = f"=codes!${letter}$3:${letter}${2 + max(len(items), 1)}"
        col += len(header) + 1
    cs.freeze_panes(2, 0)
    n_rows = max(len(rows) + 200, 1000)
    for j, c in enumerate(columns):
        ws.write(0, j, c, head)
        ws.write_comment(0, j, HINTS.get(c, c))
        # cells are text, so codes like 620100 keep their form
        ws.set_column(
            j,
            j,
            18 if c not in ("source", "note", "narrative") else 36,
            text if c != "value" else None,
        )
        for i, r in enumerate(rows):
            if r.get(c) is not None:
                ws.write_string(1 + i, j, str(r[c]))
        lists = {
            "indicator_id": "indicators",
            "region_code": "regions",
            "task_id": "tasks",
            "agency_id": "agencies",
            "progress": "progress",
        }
        if c in lists:
            ws.data_validation(
                1,
                j,
                n_rows,
                j,
                {
                    "validate": "list",
                    "source": ranges[lists[c]],
                    "error_title": "不在代码表中 not in the codes sheet",
                    "error_message": "选择 codes 表中的代码 pick a code from the codes sheet",
                },
            )
        elif c == "percent":
            ws.data_validation(
                1,
                j,
                n_rows,
                j,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": 0,
                    "maximum": 100,
                    "error_message": "0–100",
                },
            )
        elif c == "period":
            ws.data_validation(
                1,
                j,
                n_rows,
                j,
                {
                    "validate": "any",
                    "input_title": "期别 period",
                    "input_message": (
                        PROGRESS_PERIOD_FORM
                        if kind == "task-progress"
                        else "annual YYYY · quarterly YYYYQn · monthly YYYY-MM · daily YYYY-MM-DD"
                    )[:255],
                },
            )
        elif c == "value":
            ws.data_validation(
                1,
                j,
                n_rows,
                j,
                {
                    "validate": "decimal",
                    "criteria": "between",
                    "minimum": -1e15,
                    "maximum": 1e15,
                    "error_message": "一个数 a number",
                },
            )
    ws.freeze_panes(1, 0)
    wb.close()
