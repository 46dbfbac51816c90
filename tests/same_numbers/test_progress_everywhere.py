"""One figure, one answer: target progress, its status words and task completion on every surface.

The suite's store (``conftest.py``): the bundled plans' 15 quantitative targets, the monitoring
demo's approved observations (seed 1, to 2025) and the plan figures the environment demo produces
for 2026, the demo's approved task reports. The expectations are ``tests/reference_progress.py``,
the rules of docs/monitoring.md typed as a small reference on plain SQL — no call of the service.

Figures and the surfaces that show them:

* **status of each target and its words** (已达到, 未达到, 按期推进, 需加快, 进展有限, 倒退, 数据不足),
  on every approved observation: CLI (``lanxi progress --format json``), API (``/progress``),
  dashboard (the overview's target table), 规划实施进展报告 (Excel and PDF, period 2026 = as of
  31 December 2026). On this store every 2025 target is judged (未达到 / 已达到, never a band),
  the 2020 target still unmet is 未达到, two of the ≈ targets are met within ±2 % and one (≈ 69 at
  66.2) is not;
* the same **as of 31 December 2023** (before the 2025 targets' year: the bands): CLI
  (``--as-of``), API (``as_of=``), the progress report of 2023. The dashboard has no as-of date:
  it shows the current status only;
* **binding versus expected**: the status words are the same whatever the nature; the bundled
  targets carry no nature (the plans' tables do not say 约束性/预期性 for them), so no surface shows
  one here — checked: none is shown;
* **task completion by province** (assignments whose latest approved report says 已完成 ÷
  assignments): CLI (``lanxi task-status --by province --format json``), API
  (``/tasks/completion?by=province``), dashboard (the tasks page's completion table), the progress
  report's province table (Excel and PDF).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

import pytest
from tests import reference_progress as ref
from tests.reports.conftest import squeeze
from tests.same_numbers.conftest import api_items, report_files, table_rows


@pytest.fixture(scope="module")
def now(db: str) -> dict[str, str]:
    """Target id → status words on every approved observation."""
    out = {k: ref.WORDS[v] for k, v in ref.progress(db).items()}
    assert len(out) == 15 and set(out.values()) == {"已达到", "未达到"}
    return out


@pytest.fixture(scope="module")
def in_2023(db: str) -> dict[str, str]:
    """Target id → status words as of 31 December 2023."""
    out = {k: ref.WORDS[v] for k, v in ref.progress(db, 2023).items()}
    assert {"按期推进", "需加快", "进展有限", "未达到"} <= set(out.values())
    return out


@pytest.fixture(scope="module")
def reports(
    url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[int, tuple[list[list[Any]], str]]:
    """The progress report of 2026 and of 2023: Excel rows and PDF text (built once)."""
    out = tmp_path_factory.mktemp("progress")
    # the 2023 report's PDF is not rendered (36 pages, the slowest thing in the folder): its
    # Excel file is read; the 2026 PDF checks the table's words
    return {
        y: report_files(url, "progress", str(y), out / str(y), pdf=y == 2026) for y in (2026, 2023)
    }


def _status_of(rows: list[dict[str, Any]]) -> dict[str, str]:
    return {r["target_id"]: r["status_zh"] for r in rows}


def test_progress_cli(
    cli: Callable[[str], Any], now: dict[str, str], in_2023: dict[str, str]
) -> None:
    rows = cli("progress")
    assert _status_of(rows) == now
    assert all(r["nature_zh"] is None for r in rows)
    assert _status_of(cli("progress-2023")) == in_2023  # --as-of 2023-12-31


def test_progress_api(live: str, now: dict[str, str], in_2023: dict[str, str]) -> None:
    assert _status_of(api_items(live, "/progress")) == now
    assert _status_of(api_items(live, "/progress?as_of=2023-12-31")) == in_2023


def _names(db: str) -> dict[str, tuple[str, str, str, str, int]]:
    """Target id → (target name, indicator name, region name, region or group name, year)."""
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT t.id, t.name, i.name, r.name, COALESCE(g.name, r.name), t.target_year "
        "FROM targets t JOIN indicators i ON i.id = t.indicator_id "
        "JOIN regions r ON r.code = t.region_code LEFT JOIN region_groups g ON g.id = t.group_id "
        "WHERE t.kind = 'target'"
    ).fetchall()
    con.close()
    return {r[0]: (r[1], r[2], r[3], r[4], r[5]) for r in rows}


def test_progress_dashboard(browser: Any, live: str, db: str, now: dict[str, str]) -> None:
    names = _names(db)
    # a target's name, unit (its group, e.g. 兰州经济圈, else its region) and year tell it apart
    key = {(n[0], n[3], n[4]): k for k, n in names.items()}
    assert len(key) == len(names)
    rows = table_rows(browser, live + "/", "#targets")
    # cells: target, region, latest value, "≥ 85 (2035)", status words
    got = {key[(c[0], c[1], int(c[3].rsplit("(", 1)[1].rstrip(")")))]: c[4] for c in rows}
    assert got == now  # the words alone: no nature is shown beside them


@pytest.mark.parametrize("year", [2026, 2023])
def test_progress_report(
    reports: dict[int, tuple[list[list[Any]], str]],
    db: str,
    now: dict[str, str],
    in_2023: dict[str, str],
    year: int,
) -> None:
    expected = now if year == 2026 else in_2023
    names = _names(db)
    # the report names a group's target by the group (兰州经济圈), others by the region
    key = {(n[1], n[3], str(n[4])): k for k, n in names.items()}
    assert len(key) == len(names)
    rows, text = reports[year]
    head = next(r for r in rows if r and r[0] == "指标" and "状态" in r)
    start = rows.index(head)
    got, order = {}, []
    for r in rows[start + 1 : start + 1 + len(expected)]:
        k = key[(r[0], r[1], str(r[head.index("目标年")]))]
        got[k] = r[head.index("状态")]
        order.append(k)
    assert got == expected
    if not text:
        return
    # the PDF's table: as many of each status words as expected (narrow cells wrap, 已达 / 到, and
    # a table over a page break comes out of pdftotext out of row order, so the words' first
    # two characters, which tell them apart, are counted in the table's text)
    assert len({w[:2] for w in ref.WORDS.values()}) == len(ref.WORDS)
    start = text.index("（一）目标指标进展")
    table_text = text[start : text.index("来源：", start)]
    # the section's title, the running page header (the report's title) and the synthetic mark
    for words in ("目标指标进展", "规划实施进展报告", "合成数据"):
        table_text = table_text.replace(words, "")
    for w in ref.WORDS.values():
        assert table_text.count(w[:2]) == sum(v == w for v in expected.values()), w


# ---------------------------------------------------------------------------- tasks


@pytest.fixture(scope="module")
def completion(db: str) -> dict[str, tuple[int, int]]:
    """Province (甘肃省, 青海省) → (completed, assignments)."""
    out = {f"{p}省": v for p, v in ref.completion_by_province(db).items()}
    assert set(out) == {"甘肃省", "青海省"} and all(0 < c < n for c, n in out.values())
    return out


def _completion_of(rows: list[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    out = {}
    for r in rows:
        c, n = r["completed"], r["assignments"]
        assert r["share_completed"] == pytest.approx(c / n, abs=5e-5)
        out[r["name"]] = (c, n)
    return out


def test_tasks_cli(cli: Callable[[str], Any], completion: dict[str, tuple[int, int]]) -> None:
    rows = cli("task-completion")
    assert _completion_of(rows) == completion


def test_tasks_api(live: str, completion: dict[str, tuple[int, int]]) -> None:
    assert _completion_of(api_items(live, "/tasks/completion?by=province")) == completion


def _pct(c: int, n: int) -> str:
    return f"{100 * c / n:.1f}"


def test_tasks_dashboard(browser: Any, live: str, completion: dict[str, tuple[int, int]]) -> None:
    rows = table_rows(browser, live + "/tasks", "#completion-table")
    got = {cells[0]: (cells[1], cells[2], cells[3]) for cells in rows}
    assert got == {p: (str(n), str(c), f"{_pct(c, n)} %") for p, (c, n) in completion.items()}


def test_tasks_report(
    reports: dict[int, tuple[list[list[Any]], str]], completion: dict[str, tuple[int, int]]
) -> None:
    rows, text = reports[2026]
    head = next(r for r in rows if r and r[0] == "省份")
    start = rows.index(head)
    got = {}
    for r in rows[start + 1 : start + 1 + len(completion)]:
        got[r[0]] = (r[head.index("已完成")], r[head.index("任务分工数")])
        assert r[head.index("完成比例")] == pytest.approx(got[r[0]][0] / got[r[0]][1], abs=5e-5)
    assert got == completion
    for p, (c, n) in completion.items():
        assert squeeze(f"{p}{n}{c}{_pct(c, n)}%") in text
