"""Worked example of the air report's ranking and level days, computed by hand.

城市环境空气质量排名技术规定 (环办〔2014〕64号): cities ranked by the composite index from the smallest,
equal values sharing a rank; change rate = (I − I_before)/I_before; a city meeting grade Ⅱ for every
pollutant is left out of the ranking of deterioration. HJ 633: AQI levels 1 优 … 6 严重污染; days of
level 5 and 6 are heavily polluted; the primary pollutant of each day above AQI 50.
"""

from __future__ import annotations

import pandas as pd
import pytest

from lanxi.services.bulletins import aqi_level_days, composite_ranking


def _year(rows: list[tuple[str, float, bool]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"level": "city", "unit": u, "composite_index": i, "complies_grade_ii": ok}
            for u, i, ok in rows
        ]
        + [
            {
                "level": "station",
                "unit": "1475A",
                "composite_index": 9.9,
                "complies_grade_ii": False,
            }
        ]
    )


def test_composite_ranking_by_hand() -> None:
    now = _year(
        [
            ("兰州市", 4.84, False),
            ("西宁市", 4.60, False),
            ("海东市", 3.44, True),
            ("白银市", 4.60, False),
        ]
    )
    before = _year(
        [
            ("兰州市", 5.00, False),
            ("西宁市", 4.00, False),
            ("海东市", 3.20, True),
            ("白银市", 4.60, False),
        ]
    )
    rows = {r["city"]: r for r in composite_ranking(now, before).to_dict("records")}
    # ranks from the smallest index; 西宁 and 白银 tie at 4.60 → both 2, 兰州 4
    assert [rows[c]["rank"] for c in ("海东市", "西宁市", "白银市", "兰州市")] == [1, 2, 2, 4]
    # change rates: 兰州 (4.84 − 5.00)/5.00 = −3.2 %; 西宁 (4.60 − 4.00)/4.00 = +15 %;
    # 海东 (3.44 − 3.20)/3.20 = +7.5 %; 白银 0
    assert rows["兰州市"]["change_rate"] == pytest.approx(-0.032)
    assert rows["西宁市"]["change_rate"] == pytest.approx(0.15)
    assert rows["海东市"]["change_rate"] == pytest.approx(0.075)
    assert rows["白银市"]["change_rate"] == pytest.approx(0.0)
    # 海东 meets grade Ⅱ and got worse: not ranked for deterioration; the rest from the smallest
    assert rows["海东市"]["change_rank"] is None or pd.isna(rows["海东市"]["change_rank"])
    assert [rows[c]["change_rank"] for c in ("兰州市", "白银市", "西宁市")] == [1, 2, 3]
    assert "1475A" not in rows  # stations are not ranked


def test_no_year_before_gives_no_change() -> None:
    out = composite_ranking(_year([("兰州市", 4.84, False)]), None)
    assert out.loc[0, "rank"] == 1 and out.loc[0, "change_rate"] is None


def test_level_days_and_primary_pollutants_by_hand() -> None:
    days = pd.DataFrame(
        {
            "city": ["兰州市"] * 5 + ["西宁市"] * 2,
            "time": pd.date_range("2025-01-01", periods=5).tolist()
            + pd.date_range("2025-01-01", periods=2).tolist(),
            "aqi": [40, 80, 160, 220, None, 320, 60],
            "level": [1, 2, 4, 5, None, 6, 2],
            "primary_pollutant": [None, "PM10", "PM2.5", "PM2.5;PM10", None, "PM10", "O3_8h"],
        }
    )
    rows = {r["city"]: r for r in aqi_level_days(days).to_dict("records")}
    lz = rows["兰州市"]
    assert lz["days"] == 4  # the day without AQI does not count
    assert [lz[f"level_{k}"] for k in range(1, 7)] == [1, 1, 0, 1, 1, 0]
    assert lz["heavy_days"] == 1  # level 5 (重度污染) and above
    assert (lz["primary_PM10"], lz["primary_PM2.5"]) == (2, 2)  # the shared day counts for both
    xn = rows["西宁市"]
    assert (xn["heavy_days"], xn["level_6"], xn["primary_O3_8h"]) == (1, 1, 1)
