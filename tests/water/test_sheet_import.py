"""``lanxi water import FILE.xlsx``: section samples exported by a provincial system.

The workbook is built here with openpyxl: Chinese headers with units (mg/L, Hg in µg/L), the
month written 2025年6月, sections by name with their river. The sections are taken from the
bundled list (so the test follows the list when real sections replace the demo ones); the values
and the classes are worked by hand from GB 3838-2002 表1.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.services import sheet_import as si
from lanxi.services.environment.store import bundled_sections

runner = CliRunner()


@pytest.fixture
def env_db(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The store at ``db_url`` as the configured one (settings and engine caches cleared)."""
    from lanxi.services import store
    from lanxi.settings import get_settings

    monkeypatch.setenv("LANXI_DATABASE_URL", db_url)
    get_settings.cache_clear()
    store.engine.cache_clear()
    store.init_database(db_url)
    yield db_url
    store.engine(db_url).dispose()
    store.engine(None).dispose()
    get_settings.cache_clear()
    store.engine.cache_clear()


def _two_rivers() -> pd.DataFrame:
    secs = bundled_sections()
    return secs[secs["waterbody"] == "river"].head(2).reset_index(drop=True)


def _workbook(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "断面监测"
    ws.append(["2025年6月地表水断面监测结果"])
    ws.merge_cells("A1:H1")
    ws.append(
        [
            "断面名称",
            "河流",
            "采样时间",
            "溶解氧（mg/L）",
            "高锰酸盐指数(mg/L)",
            "氨氮（NH3-N）",
            "总磷 mg/L",
            "汞（μg/L）",
        ]
    )
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _good_rows() -> list[list[object]]:
    a, b = _two_rivers().to_dict("records")
    # exports write 湟水河 for 湟水 and 黄河 for 黄河干流: the river still matches
    river_a = (
        a["river"].removesuffix("干流")
        if a["river"].endswith("干流")
        else a["river"]
        if a["river"].endswith("河")
        else a["river"] + "河"
    )
    return [
        [a["name"], river_a, "2025年6月", 6.5, 3.8, 0.42, 0.12, 0.05],
        [b["name"], b["river"], "2025-06-12", 4.2, 5.5, 1.2, 0.18, 0.08],
    ]


def test_sections_by_name_units_and_months(tmp_path: Path) -> None:
    a, b = _two_rivers().to_dict("records")
    res = si.import_water_sheet(_workbook(tmp_path / "w.xlsx", _good_rows()))
    assert res.info.mapping == "cn-water-section" and res.info.auto
    s = res.samples.set_index("section")
    assert s.loc[a["id"], "time"] == "2025-06-01"  # 2025年6月 → the month's first day
    assert s.loc[b["id"], "time"] == "2025-06-12"
    assert (s.loc[a["id"], "do"], s.loc[a["id"], "codmn"], s.loc[a["id"], "nh3n"]) == (
        6.5,
        3.8,
        0.42,
    )
    # Hg 0.05 µg/L = 0.00005 mg/L; 0.08 µg/L = 0.00008 mg/L
    assert s.loc[a["id"], "hg"] == pytest.approx(0.00005, rel=1e-12)
    assert s.loc[b["id"], "hg"] == pytest.approx(0.00008, rel=1e-12)
    assert str(s.loc[a["id"], "target_class"]) == a["target_class"]
    assert s.loc[a["id"], "waterbody"] == "river"
    assert res.info.columns["hg"] == "汞（μg/L） [µg/L → mg/L]"


def test_cli_import_then_classify_and_store(tmp_path: Path, env_db: str) -> None:
    a, b = _two_rivers().to_dict("records")
    url = env_db
    from lanxi.services.environment import store as env_store

    src = _workbook(tmp_path / "w.xlsx", _good_rows())
    out = tmp_path / "samples.csv"
    res = runner.invoke(app, ["water", "import", str(src), "--out", str(out), "--store"])
    assert res.exit_code == 0, res.output
    assert "cn-water-section" in res.output
    classes = tmp_path / "classes.csv"
    res = runner.invoke(app, ["water", "classify", str(out), "--out", str(classes)])
    assert res.exit_code == 0, res.output
    got = pd.read_csv(classes).set_index("section")
    # by hand, GB 3838 表1 (river): DO 6.5 Ⅱ (≥6), CODMn 3.8 Ⅱ (≤4), NH3-N 0.42 Ⅱ (≤0.5),
    # TP 0.12 Ⅲ (≤0.2), Hg 0.00005 Ⅰ → Ⅲ; DO 4.2 Ⅳ (≥3), NH3-N 1.2 Ⅳ (≤1.5) → Ⅳ
    assert got.loc[a["id"], "water_class"] == 3 and got.loc[b["id"], "water_class"] == 4
    stored = env_store.samples_frame(url).set_index("section")
    assert stored.loc[a["id"], "tp"] == 0.12 and stored.loc[b["id"], "nh3n"] == 1.2
    # importing again replaces the same section-time-items (no duplicates)
    res = runner.invoke(app, ["water", "import", str(src), "--store"])
    assert res.exit_code == 0, res.output
    assert len(env_store.samples_frame(url)) == 2


def test_unknown_section_wrong_river_and_bad_values_refused(tmp_path: Path) -> None:
    a, b = _two_rivers().to_dict("records")
    rows = [
        [a["name"], a["river"], "2025年6月", 6.5, 3.8, 0.42, 0.12, 0.05],
        ["新城桥（不在内置列表）", "黄河", "2025年6月", 6.5, 3.8, 0.42, 0.12, 0.05],
        [b["name"], "不存在的河", "2025年6月", 6.5, 3.8, 0.42, 0.12, 0.05],
        [a["name"], a["river"], "2025年7月", "未检出", 3.8, 0.42, 0.12, 0.05],
        [a["name"], a["river"], "2025年6月", 7.0, 3.8, 0.42, 0.12, 0.05],
    ]
    path = _workbook(tmp_path / "bad.xlsx", rows)
    with pytest.raises(ValidationError) as err:
        si.import_water_sheet(path)
    probs = {(p.row, p.field): p for p in err.value.problems}
    # rows: title 1, header 2, data 3–7
    assert set(probs) == {(4, "断面名称"), (5, "断面名称"), (6, "溶解氧（mg/L）"), (7, "断面名称")}
    assert "unknown section" in probs[(4, "断面名称")].message
    assert "不存在的河" in probs[(5, "断面名称")].message
    assert "duplicate of row 3" in probs[(7, "断面名称")].message
    assert all(p.sheet == "断面监测" and p.message_zh for p in err.value.problems)
    out = tmp_path / "s.csv"
    res = runner.invoke(app, ["water", "import", str(path), "--out", str(out)])
    assert res.exit_code == 2 and not out.exists()


def test_long_layout_with_units_per_row(tmp_path: Path) -> None:
    a = _two_rivers().iloc[0]
    path = tmp_path / "long.csv"
    path.write_text(
        "断面名称,采样时间,监测项目,监测值,单位\n"
        f"{a['name']},2025-07-08,溶解氧,7.9,mg/L\n"
        f"{a['name']},2025-07-08,氨氮,0.11,mg/L\n"
        f"{a['name']},2025-07-08,汞,0.03,μg/L\n",
        encoding="utf-8",
    )
    res = si.import_water_sheet(path)
    assert res.info.mapping == "cn-water-long" and res.info.auto
    row = res.samples.iloc[0]
    assert (row["section"], row["time"]) == (a["id"], "2025-07-08")
    # 0.03 µg/L = 0.00003 mg/L
    assert (row["do"], row["nh3n"]) == (7.9, 0.11)
    assert row["hg"] == pytest.approx(0.00003, rel=1e-12)


def test_section_name_variants_and_rivers() -> None:
    from lanxi.services.sheet_import import _river_key, _section_names

    assert _section_names("湟水桥（湟水河桥）") == {"湟水桥(湟水河桥)", "湟水桥", "湟水河桥"}
    assert _section_names("新城桥断面") == {"新城桥断面", "新城桥"}
    assert _river_key("黄河干流") == _river_key("黄河") and _river_key("湟水河") == _river_key(
        "湟水"
    )
    assert _river_key("湟水") != _river_key("黄河")
