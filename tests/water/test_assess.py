"""Period means, river grading (2011 method 表2), compliance and responsibility."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.water import (
    annual_responsibility,
    classify_samples,
    grade_river,
    monthly_compliance,
    section_classes,
    section_means,
)


def _samples(rows: list[tuple[str, str, float]], waterbody: str = "river") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "section": [r[0] for r in rows],
            "time": [r[1] for r in rows],
            "waterbody": waterbody,
            "nh3n": [r[2] for r in rows],
        }
    )


# --------------------------------------------------------------------------- means and classes


def test_section_means_skip_missing_values() -> None:
    frame = _samples(
        [
            ("S1", "2024-01-03", 1.0),
            ("S1", "2024-01-13", np.nan),
            ("S1", "2024-01-23", 2.0),
            ("S1", "2024-02-03", 0.4),
            ("S2", "2024-01-10", 0.2),
        ]
    )
    m = section_means(frame, "M")
    assert m["section"].tolist() == ["S1", "S1", "S2"]
    assert [str(p) for p in m["period"]] == ["2024-01", "2024-02", "2024-01"]
    assert m["nh3n"].tolist() == [1.5, 0.4, 0.2]
    assert m["n_samples"].tolist() == [3, 1, 1]
    y = section_means(frame, "Y")
    assert y.loc[0, "nh3n"] == pytest.approx((1.0 + 2.0 + 0.4) / 3)
    with pytest.raises(ValueError, match="freq"):
        section_means(frame, "W")  # type: ignore[arg-type]


def test_section_classes_with_per_section_targets() -> None:
    frame = _samples([("S1", "2024-01-03", 1.2), ("S2", "2024-01-03", 1.2)])
    out = section_classes(frame, freq="M", target_class={"S1": 3, "S2": 4})
    assert out["water_class"].tolist() == [4, 4]
    assert out["target_class"].tolist() == [3, 4]
    assert out["exceeding_items"].tolist() == ["nh3n:0.20", ""]


# --------------------------------------------------------------------------- river grade


def _sections(classes: list[int]) -> pd.DataFrame:
    return pd.DataFrame({"section": [f"S{i}" for i in range(len(classes))], "water_class": classes})


def _mix(good: int, iv_v: int, worse_v: int) -> list[int]:
    return [2] * good + [4] * iv_v + [6] * worse_v


@pytest.mark.parametrize(
    ("good", "iv_v", "worse_v", "grade"),
    [
        (9, 1, 0, "优"),  # Ⅰ–Ⅲ = 90 % → 优 (boundary included)
        (18, 2, 0, "优"),
        (17, 3, 0, "良好"),  # 85 %
        (15, 5, 0, "良好"),  # 75 % → 良好 (boundary included)
        (14, 6, 0, "轻度污染"),  # 70 %, 劣Ⅴ 0 %
        (14, 3, 3, "轻度污染"),  # 劣Ⅴ 15 %
        (14, 2, 4, "中度污染"),  # 劣Ⅴ 20 % → 中度 (boundary included)
        (11, 2, 7, "中度污染"),  # 劣Ⅴ 35 %
        (11, 1, 8, "重度污染"),  # Ⅰ–Ⅲ 55 %, 劣Ⅴ 40 %
        (12, 0, 8, "重度污染"),  # Ⅰ–Ⅲ 60 %, 劣Ⅴ 40 %: no row matches → fall-back
        (0, 0, 5, "重度污染"),
        (3, 1, 1, "中度污染"),  # exactly 5 sections: proportion method; 劣Ⅴ 20 %
    ],
)
def test_grading_thresholds_at_their_boundaries(
    good: int, iv_v: int, worse_v: int, grade: str
) -> None:
    result = grade_river(_sections(_mix(good, iv_v, worse_v)))
    assert result.method == "proportion"
    assert result.grade == grade
    n = good + iv_v + worse_v
    assert result.share_i_iii == pytest.approx(good / n)
    assert result.share_worse_v == pytest.approx(worse_v / n)


def test_fewer_than_five_sections_grade_the_mean_concentration() -> None:
    frame = pd.DataFrame(
        {
            "section": list("ABCD"),
            "waterbody": "river",
            "nh3n": [0.4, 0.6, 1.4, 1.8],  # classes Ⅱ, Ⅲ, Ⅳ, Ⅴ; mean 1.05 → Ⅳ
        }
    )
    result = grade_river(classify_samples(frame))
    assert result.method == "mean_concentration"
    assert result.water_class == 4
    assert result.grade == "轻度污染"
    assert result.exceedance_rates == {"nh3n": 0.5}
    assert result.main_pollutants == ("nh3n",)
    with pytest.raises(ValueError, match="item columns"):
        grade_river(_sections([2, 3, 4]))


def test_river_main_pollutants_by_section_exceedance_rate() -> None:
    frame = pd.DataFrame(
        {
            "section": [f"S{i}" for i in range(10)],
            "waterbody": "river",
            "nh3n": [1.2] * 3 + [0.5] * 7,
            "tp": [0.3] * 5 + [0.1] * 5,
            "codmn": [3.0] * 10,
        }
    )
    result = grade_river(classify_samples(frame))
    assert result.exceedance_rates["tp"] == 0.5
    assert result.exceedance_rates["nh3n"] == 0.3
    assert result.main_pollutants == ("tp", "nh3n")
    assert result.grade == "轻度污染"  # Ⅰ–Ⅲ 50 %, 劣Ⅴ 0 %


def test_grade_river_refuses_duplicates_and_empty() -> None:
    with pytest.raises(ValueError, match="one row per section"):
        grade_river(pd.DataFrame({"section": ["A", "A"], "water_class": [1, 2]}))
    with pytest.raises(ValueError, match="no section"):
        grade_river(pd.DataFrame({"section": ["A"], "water_class": pd.array([None], "Int64")}))


# --------------------------------------------------------------------------- compliance, warnings


def test_monthly_compliance() -> None:
    frame = pd.DataFrame(
        {
            "section": ["S1", "S2", "S3", "S4"],
            "water_class": pd.array([3, 4, None, 2], dtype="Int64"),
        }
    )
    out = monthly_compliance(frame, {"S1": 3, "S2": 3, "S3": 3})
    assert out["meets_target"].tolist()[:2] == [True, False]
    assert pd.isna(out.loc[2, "meets_target"])
    assert pd.isna(out.loc[3, "meets_target"])


# The graded warnings (一级 / 二级) are tested in tests/reports/test_worked_water_warnings.py and,
# through the CLI and the API, in tests/water/test_warnings_everywhere.py.


# --------------------------------------------------------------------------- responsibility


def _monthly_classes(section: str, meeting: int, failing: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "section": section,
            "period": pd.period_range("2024-01", periods=meeting + failing, freq="M"),
            "water_class": [3] * meeting + [5] * failing,
        }
    )


REGIONS = {
    "S1": ("兰州", "甘肃"),
    "S2": ("兰州", "甘肃"),
    "S3": ("西宁", "青海"),
    "S4": ("海东", "青海"),
}


def _year(s4_meeting: int = 11) -> tuple[pd.DataFrame, pd.DataFrame]:
    monthly = pd.concat(
        [
            _monthly_classes("S1", 10, 2),
            _monthly_classes("S2", 6, 6),
            _monthly_classes("S3", 12, 0),
            _monthly_classes("S4", s4_meeting, 12 - s4_meeting),
        ],
        ignore_index=True,
    )
    annual = pd.DataFrame({"section": ["S1", "S2", "S3", "S4"], "water_class": [2, 4, 3, 3]})
    return monthly, annual


def test_annual_responsibility_ranking() -> None:
    monthly, annual = _year()
    out = annual_responsibility(monthly, annual, dict.fromkeys(REGIONS, 3), REGIONS)
    cities = out[out["level"] == "city"].set_index("region")
    assert cities["rank"].to_dict() == {"西宁": 1, "海东": 2, "兰州": 3}
    assert cities.loc["兰州", "sections"] == 2
    assert cities.loc["兰州", "sections_meeting"] == 1
    assert cities.loc["兰州", "share_meeting"] == 0.5
    assert cities.loc["兰州", "compliance_rate"] == pytest.approx(16 / 24)
    assert cities.loc["海东", "compliance_rate"] == pytest.approx(11 / 12)
    assert cities.loc["海东", "province"] == "青海"
    provinces = out[out["level"] == "province"].set_index("region")
    assert provinces["rank"].to_dict() == {"青海": 1, "甘肃": 2}
    assert provinces.loc["青海", "compliance_rate"] == pytest.approx(23 / 24)
    assert out["trend"].isna().all()


def test_annual_responsibility_ties_and_trend() -> None:
    monthly, annual = _year(s4_meeting=12)
    previous = pd.DataFrame(
        {
            "level": ["city", "city", "province"],
            "region": ["兰州", "西宁", "甘肃"],
            "share_meeting": [0.5, 0.0, 1.0],
        }
    )
    regions = pd.DataFrame(
        [(s, c, p) for s, (c, p) in REGIONS.items()], columns=["section", "city", "province"]
    )
    out = annual_responsibility(
        monthly, annual, dict.fromkeys(REGIONS, 3), regions, previous=previous
    )
    cities = out[out["level"] == "city"].set_index("region")
    assert cities["rank"].to_dict() == {"海东": 1, "西宁": 1, "兰州": 3}
    assert cities.loc["兰州", "trend"] == "unchanged"
    assert cities.loc["西宁", "trend"] == "improved"
    assert cities.loc["西宁", "share_change"] == 1.0
    assert pd.isna(cities.loc["海东", "trend"])
    provinces = out[out["level"] == "province"].set_index("region")
    assert provinces.loc["甘肃", "trend"] == "declined"
