"""Worked example of the monthly water bulletin: a small fixture, every figure computed by hand.

Three bundled sections (湟水出省断面 HS-OUT and 黄河干流出省断面 HH-OUT in 海东市, 湟水西宁段
HS-XN in 西宁市), samples of 2024-06, 2025-05 and 2025-06. Values are chosen as multiples of the
GB 3838-2002 表1 Ⅲ-class limits (DO 5, CODMn 6, COD 20, BOD5 4, NH3-N 1.0, TP 0.2, F 1.0 mg/L),
pH 7 (index 0), so that the class and CWQI of each section can be read off by hand.

Rules applied (cited in ``cwqi_2017.yaml`` and ``water_eval_2011.yaml``):

* class: single-factor (环办〔2011〕22号 二、（一）1), total nitrogen not assessed in rivers;
* CWQI (环办监测〔2017〕51号): pH (7 − pH)/(7 − 6) or (pH − 7)/(9 − 7); DO C_Ⅲ/C; others C/C_Ⅲ; a
  section's CWQI is their sum (TN left out), a city's the mean of its sections'; ΔCWQI =
  (CWQI − CWQI_base)/CWQI_base; rank from the smallest, equal values share a rank;
* shares of Ⅰ–Ⅲ and 劣Ⅴ and their changes in 百分点 (同比: same month a year before; 环比: the month
  before; 1—N月: means of January to the month).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tests.reports.conftest import STAMP

from lanxi.reports import build_report
from lanxi.services.bulletins import water_month_bulletin

BASE = {"ph": 7.0, "codmn": 3.0, "cod": 10.0, "bod5": 2.0, "tp": 0.1, "tn": 2.0, "f": 0.5}
XN = {"ph": 7.0, "codmn": 6.0, "cod": 20.0, "bod5": 4.0, "tp": 0.2, "tn": 2.0, "f": 1.0}
META = {
    "HS-OUT": ("海东市", "青海", 3),
    "HH-OUT": ("海东市", "青海", 2),
    "HS-XN": ("西宁市", "青海", 4),
}
ROWS = [
    # 2024-06: HS-OUT NH3-N 1.2 → Ⅳ; HH-OUT DO 6 → Ⅱ; HS-XN NH3-N 2.0 → Ⅴ
    ("2024-06-15", "HS-OUT", {**BASE, "do": 5.0, "nh3n": 1.2}),
    ("2024-06-15", "HH-OUT", {**BASE, "do": 6.0, "nh3n": 0.5}),
    ("2024-06-15", "HS-XN", {**XN, "do": 5.0, "nh3n": 2.0}),
    # 2025-05: Ⅲ, Ⅲ (DO 5), Ⅴ (NH3-N 1.8)
    ("2025-05-15", "HS-OUT", {**BASE, "do": 5.0, "nh3n": 0.5}),
    ("2025-05-15", "HH-OUT", {**BASE, "do": 5.0, "nh3n": 0.5}),
    ("2025-05-15", "HS-XN", {**XN, "do": 5.0, "nh3n": 1.8}),
    # 2025-06: Ⅲ (DO 5), Ⅱ (DO 6), 劣Ⅴ (NH3-N 2.5)
    ("2025-06-15", "HS-OUT", {**BASE, "do": 5.0, "nh3n": 0.5}),
    ("2025-06-15", "HH-OUT", {**BASE, "do": 6.0, "nh3n": 0.5}),
    ("2025-06-15", "HS-XN", {**XN, "do": 5.0, "nh3n": 2.5}),
]


def fixture_samples() -> pd.DataFrame:
    rows = []
    for time, section, values in ROWS:
        city, province, target = META[section]
        rows.append(
            {
                "section": section,
                "time": time,
                "waterbody": "river",
                "target_class": target,
                "city": city,
                "province": province,
                **values,
            }
        )
    return pd.DataFrame(rows)


CITIES = {s: m[0] for s, m in META.items()}


def test_section_classes_and_cwqi_by_hand() -> None:
    b = water_month_bulletin(fixture_samples(), "2025-06", cities=CITIES)
    rows = {r["section"]: r for r in b.sections.to_dict("records")}
    # classes: this month, the month before, a year before, 1—6月 (means of May and June)
    assert [rows["HS-OUT"][k] for k in ("water_class", "previous_class", "last_year_class")] == [
        3,
        3,
        4,
    ]
    assert [rows["HH-OUT"][k] for k in ("water_class", "previous_class", "last_year_class")] == [
        2,
        3,
        2,
    ]
    assert [rows["HS-XN"][k] for k in ("water_class", "previous_class", "last_year_class")] == [
        6,
        5,
        5,
    ]
    # 1—6月: HH-OUT DO (5 + 6)/2 = 5.5 → Ⅲ; HS-XN NH3-N (1.8 + 2.5)/2 = 2.15 → 劣Ⅴ
    assert [rows[s]["cumulative_class"] for s in ("HS-OUT", "HH-OUT", "HS-XN")] == [3, 3, 6]
    # CWQI: HS-OUT 5/5 + 6 × 0.5 = 4.0; HH-OUT 5/6 + 3.0; HS-XN 1 + 1 + 1 + 1 + 2.5 + 1 + 1 = 8.5
    assert rows["HS-OUT"]["cwqi"] == pytest.approx(4.0)
    assert rows["HH-OUT"]["cwqi"] == pytest.approx(5 / 6 + 3.0)
    assert rows["HS-XN"]["cwqi"] == pytest.approx(8.5)
    # a year before: HS-OUT 1 + 5 × 0.5 + 1.2 = 4.7; HS-XN 1 × 6 + 2.0 = 8.0
    assert rows["HS-OUT"]["cwqi_last_year"] == pytest.approx(4.7)
    assert rows["HS-XN"]["cwqi_last_year"] == pytest.approx(8.0)


def test_shares_and_changes_by_hand() -> None:
    b = water_month_bulletin(fixture_samples(), "2025-06", cities=CITIES)
    month, prev, last = (b.periods[k] for k in ("month", "previous_month", "last_year"))
    assert month is not None and prev is not None and last is not None
    assert (month.share_i_iii, month.share_worse_v) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert (prev.share_i_iii, prev.share_worse_v) == (pytest.approx(2 / 3), 0.0)
    assert (last.share_i_iii, last.share_worse_v) == (pytest.approx(1 / 3), 0.0)
    cum, cum_last = b.periods["cumulative"], b.periods["cumulative_last_year"]
    assert cum is not None and cum_last is not None
    assert (cum.share_i_iii, cum.share_worse_v) == (pytest.approx(2 / 3), pytest.approx(1 / 3))
    assert (cum_last.share_i_iii, cum_last.share_worse_v) == (pytest.approx(1 / 3), 0.0)
    # fewer than 5 sections: graded on the mean concentrations (表2 note): NH3-N
    # (0.5 + 0.5 + 2.5)/3 = 1.167 → Ⅳ → 轻度污染, main pollutant NH3-N
    assert month.grade == "轻度污染" and month.main_pollutants == ("nh3n",)


def test_city_ranking_by_hand() -> None:
    b = water_month_bulletin(fixture_samples(), "2025-06", cities=CITIES)
    rows = {r["city"]: r for r in b.cities.to_dict("records")}
    haidong_now = (4.0 + 5 / 6 + 3.0) / 2  # 3.9167
    haidong_then = (4.7 + 5 / 6 + 3.0) / 2  # 4.2667
    assert rows["海东市"]["cwqi"] == pytest.approx(haidong_now)
    assert rows["海东市"]["cwqi_change"] == pytest.approx(
        (haidong_now - haidong_then) / haidong_then
    )
    assert rows["海东市"]["cwqi_change"] == pytest.approx(-0.08203, abs=1e-5)
    assert rows["西宁市"]["cwqi_change"] == pytest.approx(0.0625)  # (8.5 − 8.0)/8.0
    assert (rows["海东市"]["rank"], rows["西宁市"]["rank"]) == (1, 2)
    assert (rows["海东市"]["change_rank"], rows["西宁市"]["change_rank"]) == (1, 2)


def test_the_bulletin_states_the_figures(empty_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from lanxi.reports.builders import water

    monkeypatch.setattr(water, "stored_samples", lambda url: fixture_samples())
    monkeypatch.setattr(water, "flag_synthetic", lambda *a, **k: None)
    # the demo section HS-XN (西宁市) left the bundled list when main took the real sections:
    # the fixture describes it itself
    bundled = water.sections_info()
    hs_xn = {
        "name": "湟水西宁段（演示）",
        "river": "湟水",
        "city": "西宁市",
        "province": "青海",
        "lon": None,
        "lat": None,
        "synthetic_demo": True,
        "border": False,
        "name_en": None,
    }
    monkeypatch.setattr(water, "sections_info", lambda: {**bundled, "HS-XN": hs_xn})
    rep = build_report("water-monthly", period="2025-06", url=empty_url, generated_at=STAMP)
    text = " ".join(rep.sections[0].paragraphs)
    assert (
        "2025年6月，3个断面中，水质优良（Ⅰ—Ⅲ类）断面比例为66.7%，同比上升33.3个百分点，环比持平；"
        "劣Ⅴ类断面比例为33.3%，同比上升33.3个百分点，环比上升33.3个百分点。主要污染指标为氨氮。"
        "总体水质为轻度污染。"
    ) in text
    assert "2025年1—6月，水质优良（Ⅰ—Ⅲ类）断面比例为66.7%，同比上升33.3个百分点" in text
    ranking = rep.table("cwqi").rows
    assert [(r["city_name"], r["rank"]) for r in ranking] == [("海东市", 1), ("西宁市", 2)]
    assert ranking[0]["cwqi_change_pct"] == pytest.approx(-8.203, abs=1e-3)
    assert rep.issued == dt.date(2026, 1, 5)
    warned = rep.table("warning-sections").rows
    assert [(r["section_name"], r["level_text"], r["change_text"]) for r in warned] == [
        ("湟水西宁段（演示）", "二级", "发布预警")
    ]
    assert [(r["city_name"], r["level_text"]) for r in rep.table("warning-cities").rows] == [
        ("西宁市", "二级")
    ]


def test_warning_levels_by_hand() -> None:
    """长江流域水环境质量监测预警办法（试行）rule with the default thresholds (1 and 2 classes, Ⅲ)."""
    from lanxi.services.bulletins import WarningLevelRules, graded_warnings

    levels = graded_warnings(fixture_samples(), "2025-06", cities=CITIES, rules=WarningLevelRules())
    rows = {r["section"]: r for r in levels.sections.to_dict("records")}
    # HS-XN: month 劣Ⅴ vs Ⅴ a year before (−1), 1—6月 劣Ⅴ vs Ⅴ (−1), worse than Ⅲ, 1—6月 misses
    # its target Ⅳ → 二级; in May there was no May 2024 to compare with → no level → raised
    assert (rows["HS-XN"]["level"], rows["HS-XN"]["change"]) == (2, "raised")
    # HS-OUT is Ⅲ (not worse than Ⅲ) and HH-OUT Ⅱ: no warning in either month
    assert pd.isna(rows["HS-OUT"]["level"]) and pd.isna(rows["HS-OUT"]["change"])
    cities = {r["city"]: r for r in levels.cities.to_dict("records")}
    assert cities["西宁市"]["level"] == 2 and pd.isna(cities["海东市"]["level"])
    # a two-class fall gives 一级 when the threshold says so
    strict = graded_warnings(
        fixture_samples(), "2025-06", cities=CITIES, rules=WarningLevelRules(level1_decline=1)
    )
    assert strict.sections.set_index("section").at["HS-XN", "level"] == 1
