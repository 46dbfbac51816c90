"""Worked example of the quarterly warning notice: levels raised, kept, adjusted and lifted.

The rule is the monthly bulletin's (长江流域水环境质量监测预警办法（试行）, 生态环境部 2018, as
quoted in ``docs/reports.md``), with the default thresholds (settings): in a month, a section whose
class **and** 1—N月 class are both worse than Ⅲ and fell year on year by ≥ 1 class (the smaller of
the two falls), the 1—N月 class missing its target, is 二级; a fall of ≥ 2 classes is 一级. The
quarter's level is the highest of its months'; a city takes its sections' highest; against the
quarter before: 发布 (raised), 继续 (kept), 升级 / 降级, 解除 (lifted).

Only NH3-N varies (GB 3838-2002 表1: Ⅱ ≤ 0.5, Ⅲ ≤ 1.0, Ⅳ ≤ 1.5, Ⅴ ≤ 2.0 mg/L, above: 劣Ⅴ); every
other item is Ⅱ or better (DO 6, CODMn 3, TP 0.1 → Ⅱ), so a class is read off NH3-N. One sample a
month, January to June of 2024 and 2025; a 1—N月 class is the class of the mean of the months.

Hand calculation (2025; a year before in brackets):

* 边墙村 HS-OUT (海东市, target Ⅲ), 2024 0.8 every month (Ⅲ). 2025 Jan–Mar 0.8 (Ⅲ: not worse than
  Ⅲ, no level). Apr 1.2 Ⅳ, 1—4月 (3×0.8 + 1.2)/4 = 0.90 Ⅲ → no level. May 1.8 Ⅴ (fall 2),
  1—5月 (2.4 + 1.2 + 1.8)/5 = 1.08 Ⅳ (fall 1, misses Ⅲ) → min(2, 1) = 1 → 二级. Jun 2.5 劣Ⅴ
  (fall 3), 1—6月 7.9/6 = 1.317 Ⅳ (fall 1) → 二级. Q1 none, Q2 二级 (last in June) → 发布预警.
* 民和桥 HS-MHQ (海东市, target Ⅲ), 2024 0.4 (Ⅱ). 2025 Jan–Mar 2.5 劣Ⅴ: month fall 4, 1—N月 2.5
  劣Ⅴ fall 4 → 一级 each month; Apr–Jun 0.4 Ⅱ: not worse than Ⅲ → none. Q1 一级, Q2 none →
  解除预警. (June: month Ⅱ→Ⅱ; 1—6月 (3×2.5 + 3×0.4)/6 = 1.45 Ⅳ against Ⅱ.)
* 湟水桥 HS-HSQ (兰州市, target Ⅲ), 2024 0.8 (Ⅲ); 2025 1.8 every month (Ⅴ): month and 1—N月 both
  fall 2 → 一级 in every month; Q1 一级, Q2 一级 → 继续预警.
* 大河家 HH-OUT (海东市, target Ⅱ), 2024 0.4 (Ⅱ); 2025 0.8 (Ⅲ): misses Ⅱ but is not worse than Ⅲ
  → never warned.

Cities: 海东市 Q1 一级 (民和桥), Q2 二级 (边墙村) → 降级; 兰州市 一级 both → 继续预警.
Counts for Q2: 4 sections, 2 warned (一级 1, 二级 1), raised or raised a level 1, lifted 1; cities
warned 2 (一级 1 兰州市, 二级 1 海东市).
"""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from tests.reports.conftest import STAMP, pdf_text, squeeze

from lanxi.reports import build_report, render, render_bytes
from lanxi.services.bulletins import WarningLevelRules, graded_warnings

BASE = {"ph": 7.0, "do": 6.0, "codmn": 3.0, "cod": 10.0, "bod5": 2.0, "tp": 0.1, "f": 0.5}
# section: (city, province, target, NH3-N of 2024 (every month), NH3-N of 2025 Jan … Jun)
SECTIONS = {
    "HS-OUT": ("海东市", "青海", 3, 0.8, [0.8, 0.8, 0.8, 1.2, 1.8, 2.5]),
    "HS-MHQ": ("海东市", "青海", 3, 0.4, [2.5, 2.5, 2.5, 0.4, 0.4, 0.4]),
    "HS-HSQ": ("兰州市", "甘肃", 3, 0.8, [1.8] * 6),
    "HH-OUT": ("海东市", "青海", 2, 0.4, [0.8] * 6),
}
CITIES = {s: v[0] for s, v in SECTIONS.items()}


def fixture_samples() -> pd.DataFrame:
    rows = []
    for section, (city, province, target, before, values) in SECTIONS.items():
        for year, series in ((2024, [before] * 6), (2025, values)):
            for month, nh3n in enumerate(series, start=1):
                rows.append(
                    {
                        "section": section,
                        "time": f"{year}-{month:02d}-15",
                        "waterbody": "river",
                        "target_class": target,
                        "city": city,
                        "province": province,
                        **BASE,
                        "nh3n": nh3n,
                    }
                )
    return pd.DataFrame(rows)


def test_levels_by_hand() -> None:
    q2 = graded_warnings(fixture_samples(), "2025Q2", cities=CITIES, rules=WarningLevelRules())
    monthly = {(r["section"], r["month"]): r for r in q2.monthly.to_dict("records")}
    assert [monthly[("HS-OUT", m)]["level"] for m in ("2025-04", "2025-05", "2025-06")][1:] == [
        2,
        2,
    ]
    assert pd.isna(monthly[("HS-OUT", "2025-04")]["level"])
    june = monthly[("HS-OUT", "2025-06")]
    assert (june["water_class"], june["last_year_class"]) == (6, 3)
    assert (june["cumulative_class"], june["cumulative_last_year_class"]) == (4, 3)
    assert monthly[("HS-OUT", "2025-05")]["cumulative_class"] == 4  # 1.08
    assert monthly[("HS-OUT", "2025-04")]["cumulative_class"] == 3  # 0.90
    assert monthly[("HS-MHQ", "2025-06")]["cumulative_class"] == 4  # 1.45
    sections = q2.sections.set_index("section")
    expected = {
        "HS-OUT": (2, None, "raised"),
        "HS-MHQ": (None, 1, "lifted"),
        "HS-HSQ": (1, 1, "kept"),
        "HH-OUT": (None, None, None),
    }
    for s, (level, previous, change) in expected.items():
        got = sections.loc[s]
        as_int = [None if pd.isna(v) else int(v) for v in (got["level"], got["previous_level"])]
        assert as_int == [level, previous], s
        assert (None if pd.isna(got["change"]) else got["change"]) == change, s
    assert sections.at["HS-OUT", "level_month"] == "2025-06"  # the last month at 二级
    cities = q2.cities.set_index("city")
    assert (cities.at["海东市", "level"], cities.at["海东市", "previous_level"]) == (2, 1)
    assert cities.at["海东市", "change"] == "down"
    assert cities.at["兰州市", "change"] == "kept"


def test_thresholds_are_settings() -> None:
    # level 1 only from a fall of 3 classes: 湟水桥 (fall 2) becomes 二级, 民和桥 in Q1 (fall 4)
    # stays 一级
    rules = WarningLevelRules(level1_decline=3)
    q2 = graded_warnings(fixture_samples(), "2025Q2", cities=CITIES, rules=rules)
    s = q2.sections.set_index("section")
    assert (s.at["HS-HSQ", "level"], s.at["HS-HSQ", "previous_level"]) == (2, 2)
    assert s.at["HS-MHQ", "previous_level"] == 1


def test_the_monthly_and_quarterly_bulletins_use_the_same_levels() -> None:
    """A month of the quarter: the monthly bulletin's level is that month's level here."""
    q2 = graded_warnings(fixture_samples(), "2025Q2", cities=CITIES)
    may = graded_warnings(fixture_samples(), "2025-05", cities=CITIES)
    quarter_may = q2.monthly[q2.monthly["month"] == "2025-05"].set_index("section")["level"]
    month = may.sections.set_index("section")["level"]
    assert quarter_may.equals(month.loc[quarter_may.index])
    # May against April: 边墙村 raised in May
    assert may.sections.set_index("section").at["HS-OUT", "change"] == "raised"


@pytest.fixture
def notice(empty_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    from lanxi.reports.builders import water

    monkeypatch.setattr(water, "stored_samples", lambda url: fixture_samples())
    monkeypatch.setattr(water, "flag_synthetic", lambda *a, **k: None)
    return build_report("water-warnings", period="2025Q2", url=empty_url, generated_at=STAMP)


def test_the_notice_states_the_levels(notice, tmp_path) -> None:  # type: ignore[no-untyped-def]
    overview = " ".join(notice.sections[0].paragraphs)
    assert (
        "2025年第二季度，共评价4个断面，2个断面处于预警状态，其中一级预警1个、二级预警1个；"
        "新发布或升级预警1个，解除预警1个。"
    ) in overview
    assert "2个市州处于预警状态（一级1个、二级1个）" in overview
    rows = {r["section_name"]: r for r in notice.table("warning-sections").rows}
    assert set(rows) == {"边墙村", "民和桥", "湟水桥（湟水河桥）"}  # 大河家 never warned
    assert (rows["边墙村"]["level_text"], rows["边墙村"]["change_text"]) == ("二级", "发布预警")
    assert rows["边墙村"]["month_classes_text"] == "Ⅲ类→劣Ⅴ类"
    assert rows["边墙村"]["cumulative_classes_text"] == "Ⅲ类→Ⅳ类"
    assert rows["边墙村"]["level_month_text"] == "2025年6月"
    assert (rows["民和桥"]["previous_level_text"], rows["民和桥"]["change_text"]) == (
        "一级",
        "解除预警",
    )
    assert rows["湟水桥（湟水河桥）"]["change_text"] == "继续预警"
    cities = {r["city_name"]: r["change_text"] for r in notice.table("warning-cities").rows}
    assert cities == {"海东市": "降级", "兰州市": "继续预警"}
    # the PDF says it, with the thresholds of the rule
    text = pdf_text(render(notice, "pdf", tmp_path / "warnings.pdf"))
    assert squeeze("一级预警1个、二级预警1个") in text
    assert squeeze("下降1个类别及以上、降为Ⅲ类以下") in text
    assert squeeze("边墙村") in text and "解除预警" in text and "降级" in text
    # the workbook holds the same rows
    wb = openpyxl.load_workbook(io.BytesIO(render_bytes(notice, "xlsx")))
    cells = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert {"边墙村", "二级", "发布预警", "解除预警", "降级", "Ⅲ类→劣Ⅴ类"} <= cells
