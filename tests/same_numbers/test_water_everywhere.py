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
* **graded warnings** (一级/二级) of 2026Q4 — each section's and each city's level and the
  quarter before's — under ``LANXI_WATER_WARNING_LEVEL1_DECLINE=3``, ``…_LEVEL2_DECLINE=2``,
  ``…_BELOW_CLASS=2`` (not the defaults 2, 1, Ⅲ, so a surface that ignores the settings fails), on
  a copy of the store in which 边墙村 is made worse in 2026 (the demo warns no section under any
  thresholds; ``warn_url``): CLI (``lanxi water warnings --json``), API (``/water/warnings``),
  dashboard (the water page's warning table), 季度水质预警通报 (Excel and PDF, with the
  thresholds in its rule);
* **compensation statement** of 边墙村 (``HS-OUT``, 青—甘 agreement) for 2026: CLI
  (``lanxi water compensation --json``) and 生态补偿结算单 (Excel and PDF). The API and the
  dashboard do not show compensation statements (no route, no page).
"""

from __future__ import annotations

import sqlite3
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
    run_cli,
    serve,
    table_rows,
)

MONTH, QUARTER, YEAR = "2026-12", "2026Q4", 2026
#: non-default warning thresholds (defaults 2, 1 and Ⅲ)
L1 = int(WARN_ENV["LANXI_WATER_WARNING_LEVEL1_DECLINE"])
L2 = int(WARN_ENV["LANXI_WATER_WARNING_LEVEL2_DECLINE"])
BELOW = int(WARN_ENV["LANXI_WATER_WARNING_BELOW_CLASS"])
LEVEL_ZH = {1: "一级", 2: "二级"}
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
    levels = {"市州": "city", "省": "province"}  # the page's words for the records' levels
    got = {(levels[cells[1]], cells[0]): cells[2] for cells in rows}
    # a region without an assessed section says so instead of "0 / 0"
    assert all(c[3] == "无考核断面" for c in rows if c[2] == "—")
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


#: HS-OUT's 氨氮 in every month of YEAR in the warnings' store (Ⅴ类: 1.5 < 1.8 ≤ 2.0 mg/L)
WARN_NH3N = 1.8


@pytest.fixture(scope="module")
def warn_url(db: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The suite's store with 边墙村 (HS-OUT, target Ⅲ) made worse in YEAR, for the warnings.

    On the suite's demo data no section is warned in any quarter of 2026 under any thresholds:
    a level needs the 1—N月 class to miss the target, and the two targeted sections' 1—N月
    classes of 2026 (大河家 Ⅱ, 边墙村 Ⅲ) meet theirs all year — the thresholds cannot change
    that. So the warnings read a copy of the store in which HS-OUT's 氨氮 of every month of YEAR
    is WARN_NH3N (plain SQL): its months and 1—N月 become Ⅴ类 or worse, a fall of one to three
    classes against 2025, so the thresholds decide its level.
    """
    path = tmp_path_factory.mktemp("warn_store") / "w.sqlite"
    src, dst = sqlite3.connect(db), sqlite3.connect(path)
    try:
        src.backup(dst)
        dst.execute(
            "UPDATE water_samples SET value = ? "
            "WHERE section_id = 'HS-OUT' AND item = 'nh3n' AND time LIKE ?",
            (WARN_NH3N, f"{YEAR}-%"),
        )
        dst.commit()
    finally:
        src.close()
        dst.close()
    return f"sqlite:///{path}"


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
    warn_url: str, warn_settings: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A server on the warnings' store under the non-default thresholds (settings are read once
    per process in use; the session's server keeps the answers it computed under the defaults)."""
    with serve(warn_url, tmp_path_factory.mktemp("warn")) as base:
        yield base


#: unit (section id or city name) → (level in QUARTER, level in the quarter before); 1 一级, 2 二级
Levels = dict[str, tuple[int | None, int | None]]


@pytest.fixture(scope="module")
def warnings(warn_url: str) -> Levels:
    """Each section's and each city's level in QUARTER and the quarter before under WARN_ENV."""
    wdb = warn_url.removeprefix("sqlite:///")
    before = f"{YEAR}Q{int(QUARTER[-1]) - 1}"

    def levels(quarter: str, l1: int, l2: int, below: int) -> dict[str, int | None]:
        secs, cities = ref.graded_levels(wdb, quarter, level1=l1, level2=l2, below=below)
        return {**secs, **cities}

    now, prev = levels(QUARTER, L1, L2, BELOW), levels(before, L1, L2, BELOW)
    out = {u: (lv, prev.get(u)) for u, lv in now.items()}
    assert len(out) == 12 + 2  # twelve sections, two cities
    # at least one warned section (and its city)
    assert any(lv is not None for lv, _ in out.values())
    # the settings matter on this data: under the defaults (2, 1, Ⅲ) some level would differ
    assert levels(QUARTER, 2, 1, 3) != now
    return out


def _change(level: int | None, previous: int | None) -> str:
    """The change's word (docs/water.md: 发布, 继续, 升级/降级, 解除); "" with no warning."""
    if level is None and previous is None:
        return ""
    if previous is None:
        return "发布预警"
    if level is None:
        return "解除预警"
    if level == previous:
        return "继续预警"
    return "升级" if level < previous else "降级"


def _levels_of(rows: list[dict[str, Any]]) -> Levels:
    return {r["unit"]: (r["warning_level"], r["previous_level"]) for r in rows}


def _thresholds_of(rows: list[dict[str, Any]]) -> set[tuple[int, int, int]]:
    return {(r["level1_decline"], r["level2_decline"], r["below_class"]) for r in rows}


def test_warnings_cli(warn_url: str, warnings: Levels) -> None:
    rows = run_cli(warn_url, "water", "warnings", "--quarter", QUARTER, "--json", env=WARN_ENV)
    assert _levels_of(rows) == warnings
    assert {r["unit"]: r["change_zh"] or "" for r in rows} == {
        u: _change(*lv) for u, lv in warnings.items()
    }
    assert _thresholds_of(rows) == {(L1, L2, BELOW)}


def test_warnings_api(live_warn: str, warnings: Levels) -> None:
    rows = api_items(live_warn, f"/water/warnings?quarter={QUARTER}")
    assert _levels_of(rows) == warnings
    assert _thresholds_of(rows) == {(L1, L2, BELOW)}


def test_warnings_dashboard(
    browser: Any, live_warn: str, sections: dict[str, ref.Section], warnings: Levels
) -> None:
    # the water page shows the newest quarter: QUARTER; columns 断面/市州, 市州, 级别, 变化
    rows = table_rows(browser, live_warn + "/water", "#water-warnings")
    names = {s.name: k for k, s in sections.items()}
    got = {names.get(cells[0], cells[0]): (cells[2], cells[3]) for cells in rows}
    assert got == {u: (LEVEL_ZH.get(lv, "—"), _change(lv, p)) for u, (lv, p) in warnings.items()}


def test_warnings_report(
    warn_url: str,
    warn_settings: None,
    sections: dict[str, ref.Section],
    warnings: Levels,
    tmp_path: Path,
) -> None:
    rows, text = report_files(warn_url, "water-warnings", QUARTER, tmp_path)
    names = {s.name: k for k, s in sections.items()}
    # every section's quarter level: 全部断面季度情况
    head = next(i for i, r in enumerate(rows) if r and r[0] == "断面" and "季度预警级别" in r)
    col = rows[head].index("季度预警级别")
    got = {names[r[0]]: r[col] for r in rows[head + 1 : head + 1 + len(sections)]}
    assert got == {s: LEVEL_ZH.get(warnings[s][0]) for s in sections}
    # the cities warned now or before: 市州预警 (本期, 上期, 变化)
    head = next(i for i, r in enumerate(rows) if r and r[:2] == ["市州", "本期预警级别"])
    cities = {s.city for s in sections.values()}
    got_c = {}
    for r in rows[head + 1 :]:
        if r[0] not in cities:
            break
        got_c[r[0]] = (r[1], r[2], r[3])
    assert got_c == {
        c: (LEVEL_ZH.get(lv), LEVEL_ZH.get(p), _change(lv, p))
        for c, (lv, p) in warnings.items()
        if c in cities and (lv, p) != (None, None)
    }
    # the PDF: the summary's counts and the thresholds in force
    at = {s: lv for s, (lv, _) in warnings.items() if s in sections}
    n1 = sum(lv == 1 for lv in at.values())
    n2 = sum(lv == 2 for lv in at.values())
    assert (
        f"2026年第四季度，共评价{len(at)}个断面，{n1 + n2}个断面处于预警状态，"
        f"其中一级预警{n1}个、二级预警{n2}个" in text
    )
    assert f"以上阈值（{L1}、{L2}个类别，{ref.LABELS[BELOW - 1]}类）" in text
    for s, lv in at.items():
        if lv is not None:  # the section's row: … 季度预警级别 (the PDF has no white space)
            assert squeeze(sections[s].name) in text and LEVEL_ZH[lv] in text


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
