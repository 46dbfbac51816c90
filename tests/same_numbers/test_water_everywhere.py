"""One figure, one answer: the water figures on every surface equal GB 3838's and the rules' count.

The suite's store (``conftest.py``) holds a sample a month of 2025 and 2026 at the twelve bundled
sections (兰州市 and 海东市; targets for the two border sections 大河家 Ⅱ and 边墙村 Ⅲ). The
expectations are ``tests/reference_water.py``: GB 3838-2002 表1 typed from the standard, the
2011 method's items and means, the management rules as docs/water.md states them — plain SQL on
the stored samples, no call of the service.

Figures and the surfaces that show them:

* **monthly class and compliance** (达标/不达标) of each section in 2026-12: CLI
  (``lanxi water assess --json``), API (``/water/monthly``), dashboard (the water page's table;
  the overview's "sections meeting" line), 月度水质监测评估通报 (Excel and PDF);
* **annual compliance** (section-months meeting their target ÷ section-months assessed) per city
  and province in 2026: CLI (``lanxi water annual --json``), API (``/water/annual``), dashboard
  (the water page's annual table), 年度水环境责任考核结果 (Excel and PDF). A city none of whose
  sections has a target is not assessed: no figure, never 0 %;
* **quarterly warnings** of 2026Q4 under the settings ``LANXI_WATER_WARNING_MISSED_MONTHS=2`` and
  ``LANXI_WATER_WARNING_DECLINE_CLASSES=2`` (not the defaults, so a surface that ignores the
  settings fails): CLI (``lanxi water warnings --json``), API (``/water/warnings``), dashboard (the
  water page's warning table), 季度水质预警通报 (Excel and PDF, with the thresholds in its method
  line). The monthly bulletin's warning *levels* (一级/二级, ``LANXI_WATER_WARNING_LEVEL*``) are
  shown by the monthly report only; no other surface shows them;
* **compensation statement** of 边墙村 (``HS-OUT``, 青—甘 agreement) for 2026: CLI
  (``lanxi water compensation --json``) and 生态补偿结算单 (Excel and PDF). The API and the
  dashboard do not show compensation statements (no route, no page).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests import reference_water as ref
from tests.reports.conftest import squeeze
from tests.same_numbers.conftest import (
    PAGE_TIMEOUT_MS,
    WARN_ENV,
    api_items,
    report_files,
    serve,
    table_rows,
)

MONTH, QUARTER, YEAR = "2026-12", "2026Q4", 2026
#: non-default warning thresholds (defaults 1 and 1)
MISSED = int(WARN_ENV["LANXI_WATER_WARNING_MISSED_MONTHS"])
DECLINE = int(WARN_ENV["LANXI_WATER_WARNING_DECLINE_CLASSES"])
YES, NO = "是", "否"


@pytest.fixture(scope="module")
def sections(db: str) -> dict[str, ref.Section]:
    return ref.sections(db)


# ---------------------------------------------------------------------------- monthly


@pytest.fixture(scope="module")
def monthly(db: str, sections: dict[str, ref.Section]) -> dict[str, tuple[int, bool | None]]:
    """Section → (class, meets its target) in MONTH."""
    classes = ref.monthly_classes(db)
    out = {
        s: (classes[s][MONTH], ref.meets(classes[s][MONTH], sec.target))
        for s, sec in sections.items()
    }
    assert len(out) == 12 and {c for c, _ in out.values()} >= {2, 3, 4, 5}
    assert sum(m is not None for _, m in out.values()) == 2  # the two targeted sections
    return out


def _monthly_of(rows: list[dict[str, Any]]) -> dict[str, tuple[int, bool | None]]:
    return {r["section"]: (r["water_class"], r["meets_target"]) for r in rows}


def test_monthly_cli(
    cli: Callable[[str], Any], monthly: dict[str, tuple[int, bool | None]]
) -> None:
    assert _monthly_of(cli("water-assess")) == monthly


def test_monthly_api(live: str, monthly: dict[str, tuple[int, bool | None]]) -> None:
    assert _monthly_of(api_items(live, f"/water/monthly?month={MONTH}")) == monthly


def _yes_no(meets: bool | None) -> str:
    return "" if meets is None else YES if meets else NO


def test_monthly_dashboard(
    browser: Any,
    live: str,
    sections: dict[str, ref.Section],
    monthly: dict[str, tuple[int, bool | None]],
) -> None:
    # the water page shows the newest month: MONTH
    rows = table_rows(browser, live + "/water", "#water-monthly")
    by_name = {s.name: k for k, s in sections.items()}
    got = {}
    for cells in rows:
        name = next(n for n in by_name if cells[0].startswith(n))
        got[by_name[name]] = (cells[2], cells[4])
    assert got == {s: (ref.LABELS[c - 1], _yes_no(m)) for s, (c, m) in monthly.items()}
    # the overview's line: sections meeting / sections
    ctx = browser.new_context(locale="zh-CN")
    try:
        page = ctx.new_page()
        page.goto(live + "/")
        # the page holds "…" until the answer is drawn
        # (a locator, not wait_for_function: the page's CSP forbids evaluating strings)
        page.locator("#water-summary", has_text=":").wait_for(timeout=PAGE_TIMEOUT_MS)
        line = page.inner_text("#water-summary")
    finally:
        ctx.close()
    met = sum(m is True for _, m in monthly.values())
    assert line.startswith(f"{MONTH}: {met} / {len(monthly)}"), line


def test_monthly_report(
    url: str,
    sections: dict[str, ref.Section],
    monthly: dict[str, tuple[int, bool | None]],
    tmp_path: Path,
) -> None:
    rows, text = report_files(url, "water-monthly", MONTH, tmp_path)
    head = next(
        i
        for i, r in enumerate(rows)
        if r[:7] == ["断面", "河流", "市州", "属性", "目标类别", "水质类别", "达标"]
    )
    got = {}
    names = {s.name: k for k, s in sections.items()}
    for r in rows[head + 1 : head + 1 + len(monthly)]:
        got[names[r[0]]] = (r[5], r[6])
    assert got == {s: (ref.LABELS[c - 1], m) for s, (c, m) in monthly.items()}
    met = sum(m is True for _, m in monthly.values())
    missed = sum(m is False for _, m in monthly.values())
    untargeted = sum(m is None for _, m in monthly.values())
    assert (
        f"2026年12月，共评价{len(monthly)}个断面，{met}个达到水质目标，{missed}个未达到，"
        f"{untargeted}个无公开的水质目标"
    ) in text
    for s, (c, m) in monthly.items():
        sec = sections[s]
        if m is not None:  # a targeted section: target, class and 达标 in one row of the table
            assert squeeze(f"{ref.LABELS[sec.target - 1]}{ref.LABELS[c - 1]}{_yes_no(m)}") in text


# ----------------------------------------------------------------------------- annual


@pytest.fixture(scope="module")
def annual(db: str, sections: dict[str, ref.Section]) -> dict[tuple[str, str], float | None]:
    """(level, region) → annual compliance (fraction) in YEAR; None: not assessed."""
    counts = ref.annual_compliance(db, YEAR)
    out: dict[tuple[str, str], float | None] = {
        k: (met / n if n else None) for k, (met, n) in counts.items()
    }
    for s in sections.values():  # regions whose sections have no target: not assessed
        out.setdefault(("city", s.city), None)
        out.setdefault(("province", s.province), None)
    assert out[("city", "海东市")] == 9 / 24 and out[("city", "兰州市")] is None
    return out


@pytest.fixture(scope="module")
def share(db: str, annual: dict[tuple[str, str], float | None]) -> dict[tuple[str, str], Any]:
    """(level, region) → share of sections whose annual mean class meets the target, None when no
    section has a target (given beside the annual compliance)."""
    counts = ref.annual_share(db, YEAR)
    out = {k: (counts[k][0] / counts[k][1] if k in counts else None) for k in annual}
    assert out[("city", "兰州市")] is None
    return out


def _annual_of(rows: list[dict[str, Any]]) -> dict[tuple[str, str], float | None]:
    return {(r["level"], r["region"]): r["annual_compliance"] for r in rows}


def _share_of(rows: list[dict[str, Any]]) -> dict[tuple[str, str], float | None]:
    return {(r["level"], r["region"]): r["share_meeting"] for r in rows}


def test_annual_cli(
    cli: Callable[[str], Any], annual: dict[tuple[str, str], Any], share: dict[Any, Any]
) -> None:
    rows = cli("water-annual")
    assert _annual_of(rows) == annual
    assert _share_of(rows) == share


def test_annual_api(live: str, annual: dict[tuple[str, str], Any], share: dict[Any, Any]) -> None:
    rows = api_items(live, f"/water/annual?year={YEAR}")
    assert _annual_of(rows) == annual
    assert _share_of(rows) == share


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.1f}%"


def test_annual_dashboard(
    browser: Any, live: str, annual: dict[tuple[str, str], float | None]
) -> None:
    rows = table_rows(browser, live + "/water", "#water-annual")
    got = {(cells[1], cells[0]): cells[2] for cells in rows}
    assert got == {k: _pct(v) for k, v in annual.items()}


def test_annual_report(
    url: str, annual: dict[tuple[str, str], Any], share: dict[Any, Any], tmp_path: Path
) -> None:
    rows, text = report_files(url, "water-annual", str(YEAR), tmp_path)
    head = next(r for r in rows if r and r[0] == "排名")
    col, col_share = head.index("断面—月达标率"), head.index("断面达标比例")
    got, got_share = {}, {}
    level = "province"
    for r in rows:
        if r and r[0] == "市州考核结果":
            level = "city"
        if r and r[1] in {k[1] for k in annual} and r[0] != "排名":
            got[(level, r[1])] = r[col]
            got_share[(level, r[1])] = r[col_share]
    assert got == annual
    assert got_share == share
    for (_, region), v in annual.items():
        # the region's row: … 断面—月数, 达标断面—月数, 断面—月达标率 …
        assert squeeze(region) in text and _pct(v) in text


# --------------------------------------------------------------------------- warnings


@pytest.fixture(scope="module")
def warn_settings() -> Iterator[None]:
    """The non-default thresholds in this process's settings (the server, the report builder)."""
    from lanxi.settings import get_settings

    with pytest.MonkeyPatch.context() as mp:
        for k, v in WARN_ENV.items():
            mp.setenv(k, v)
        get_settings.cache_clear()
        try:
            yield
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()


@pytest.fixture(scope="module")
def live_warn(
    url: str, warn_settings: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server started under the non-default thresholds (settings are read once per process in
    use; the session's server keeps the answers it computed under the defaults)."""
    with serve(url, tmp_path_factory.mktemp("warn")) as base:
        yield base


@pytest.fixture(scope="module")
def warnings(db: str) -> dict[str, tuple[int, bool]]:
    """Section → (months missed, warned) in QUARTER under MISSED and DECLINE."""
    now = ref.warnings(db, QUARTER, missed=MISSED, decline=DECLINE)
    default = ref.warnings(db, QUARTER, missed=1, decline=1)
    # the settings matter on this data: under the defaults some section would differ
    assert any(now[s].warned != default[s].warned for s in now)
    return {s: (w.months_missed, w.warned) for s, w in now.items()}


def _warnings_of(rows: list[dict[str, Any]]) -> dict[str, tuple[int, bool]]:
    return {r["section"]: (r["months_missed"], r["warned"]) for r in rows}


def test_warnings_cli(cli: Callable[[str], Any], warnings: dict[str, tuple[int, bool]]) -> None:
    rows = cli("water-warnings")  # under WARN_ENV
    assert _warnings_of(rows) == warnings


def test_warnings_api(live_warn: str, warnings: dict[str, tuple[int, bool]]) -> None:
    assert _warnings_of(api_items(live_warn, f"/water/warnings?quarter={QUARTER}")) == warnings


def test_warnings_dashboard(
    browser: Any, live_warn: str, warnings: dict[str, tuple[int, bool]]
) -> None:
    # the water page shows the newest quarter: QUARTER
    rows = table_rows(browser, live_warn + "/water", "#water-warnings")
    got = {cells[0]: cells[2] for cells in rows}
    assert got == {s: YES if w else NO for s, (_, w) in warnings.items()}


def test_warnings_report(
    url: str,
    warn_settings: None,
    sections: dict[str, ref.Section],
    warnings: dict[str, tuple[int, bool]],
    tmp_path: Path,
) -> None:
    rows, text = report_files(url, "water-warnings", QUARTER, tmp_path)
    names = {s.name: k for k, s in sections.items()}
    head = next(i for i, r in enumerate(rows) if r and r[0] == "断面" and "预警" in r)
    got = {}
    for r in rows[head + 1 : head + 1 + len(warnings)]:
        cells = [v for v in r if v is not None]
        got[names[cells[0]]] = (r[rows[head].index("未达标月数")], r[rows[head].index("预警")])
    assert got == warnings
    n = sum(w for _, w in warnings.values())
    assert f"2026年第四季度，共评价{len(warnings)}个断面，其中{n}个列入预警。" in text
    assert f"季度内未达标月数≥{MISSED}，或季度类别较上年同期下降≥{DECLINE}个类别" in text


# ----------------------------------------------------------------------- compensation


@pytest.fixture(scope="module")
def statement(db: str) -> dict[str, ref.Settlement]:
    """Period (``2026``, ``2026-01`` …) → the 青—甘 settlement of 边墙村 (no amount set)."""
    months = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    out = {str(YEAR): ref.qing_gan(db, "HS-OUT", months, None)}
    out.update({m: ref.qing_gan(db, "HS-OUT", [m], None) for m in months})
    assert {s.steps for s in out.values()} >= {0, -1}
    return out


def test_compensation_cli(
    cli: Callable[[str], Any], db: str, statement: dict[str, ref.Settlement]
) -> None:
    rows = cli("water-compensation")
    got = {r["period"]: (r["water_class"], r["steps"]) for r in rows if r["period"] != "total"}
    assert got == {p: (s.water_class, s.steps) for p, s in statement.items()}
    year = statement[str(YEAR)]
    total = next(r for r in rows if r["period"] == "total")
    assert (total["payer"], total["payee"]) == (year.payer, year.payee)
    # with an amount per step and a base the user sets (the agreement reports neither)
    months = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    rows = cli("water-compensation-set")  # --base-class 4 --amount-per-step 500
    total = next(r for r in rows if r["period"] == "total")
    cls = ref.mean_class(db, "HS-OUT", months)
    assert cls is not None
    steps = 4 - cls
    assert steps != 0
    payer, payee = ("甘肃", "青海") if steps > 0 else ("青海", "甘肃")
    assert (total["payer"], total["payee"], total["amount"]) == (payer, payee, abs(steps) * 500)


def test_compensation_report(
    url: str, statement: dict[str, ref.Settlement], tmp_path: Path
) -> None:
    rows, text = report_files(url, "compensation", str(YEAR), tmp_path, section="HS-OUT")
    head = next(i for i, r in enumerate(rows) if r and r[0] == "考核期")
    got = {}
    for r in rows[head + 1 : head + 1 + len(statement)]:
        got[r[0]] = (r[1], r[2], r[3])
    label = {str(YEAR): f"{YEAR}年", **{f"{YEAR}-{m:02d}": f"{YEAR}年{m}月" for m in range(1, 13)}}
    assert got == {
        label[p]: (ref.LABELS[s.water_class - 1], ref.LABELS[s.base - 1], s.steps)
        for p, s in statement.items()
    }
    y = statement[str(YEAR)]
    assert (
        f"{YEAR}年边墙村断面年均水质{ref.LABELS[y.water_class - 1]}类，基准{ref.LABELS[y.base - 1]}类"
        in text
    )
    # the table's rows in the PDF: period, class, base, steps, 计入结算 (a long month name may wrap,
    # so the cells after it are looked for in order)
    at = 0
    for p, s in statement.items():
        cells = f"{ref.LABELS[s.water_class - 1]}{ref.LABELS[s.base - 1]}{s.steps}"
        cells += "是" if p == str(YEAR) else "否"
        at = text.index(cells, at) + len(cells)
