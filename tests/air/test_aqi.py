"""HJ 633-2012 / HJ 633-2026 IAQI and AQI, checked against the printed tables.

The breakpoints are typed here again from the PDFs (HJ 633-2012 表1, HJ 633-2026 表3), independently
of the YAML files, so a typo in either fails. A tiny exact oracle (fractions, one segment at a time)
computes the expected IAQI on both sides of every breakpoint.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.air import compute_aqi, iaqi, round_gbt8170, validate_air_frame
from lanxi.errors import ValidationError
from lanxi.standards.hj633 import breakpoints, edition_for

LEVELS = [0, 50, 100, 150, 200, 300, 400, 500]

#: HJ 633-2026 5.3.2 declarations for one-pollutant frames: every other pollutant is outside the
#: monitoring programme, so 5.3.1 does not withhold the AQI of a single column.
OTHERS_THAN = {
    p: tuple(q for q in ("so2", "no2", "pm10", "co", "o3_1h", "o3_8h", "pm2_5") if q != p)
    for p in ("so2", "no2", "pm10", "co", "o3_1h", "o3_8h", "pm2_5")
}
PRINTED_2012 = {
    "so2_24h": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "so2_1h": [0, 150, 500, 650, 800],
    "no2_24h": [0, 40, 80, 180, 280, 565, 750, 940],
    "no2_1h": [0, 100, 200, 700, 1200, 2340, 3090, 3840],
    "pm10_24h": [0, 50, 150, 250, 350, 420, 500, 600],
    "co_24h": [0, 2, 4, 14, 24, 36, 48, 60],
    "co_1h": [0, 5, 10, 35, 60, 90, 120, 150],
    "o3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "o3_8h": [0, 100, 160, 215, 265, 800],
    "pm2_5_24h": [0, 35, 75, 115, 150, 250, 350, 500],
}
PRINTED_2026 = {
    **PRINTED_2012,
    "pm10_24h": [0, 50, 120, 250, 350, 420, 500, 600],
    "pm2_5_24h": [0, 35, 60, 115, 150, 250, 350, 500],
}
PRINTED = {"2012": PRINTED_2012, "2026": PRINTED_2026}
# table column → (input column, report type) that selects it
ADDRESS = {
    "so2_24h": ("so2", "daily"),
    "so2_1h": ("so2", "hourly"),
    "no2_24h": ("no2", "daily"),
    "no2_1h": ("no2", "hourly"),
    "pm10_24h": ("pm10", "daily"),
    "co_24h": ("co", "daily"),
    "co_1h": ("co", "hourly"),
    "o3_1h": ("o3_1h", "hourly"),
    "o3_8h": ("o3_8h", "daily"),
    "pm2_5_24h": ("pm2_5", "daily"),
}


def oracle(edition: str, table: str, conc: float) -> float:
    """Exact IAQI: GB/T 8170 rounding (2026), 式(1) in fractions, rounded up; 500 above the top."""
    c = Decimal(str(conc))
    if edition == "2026":
        c = c.quantize(Decimal("0.1") if table.startswith("co") else Decimal("1"), ROUND_HALF_EVEN)
    x = Fraction(c)
    bps = PRINTED[edition][table]
    for k in range(1, len(bps)):
        if x <= bps[k]:
            v = Fraction(LEVELS[k] - LEVELS[k - 1], bps[k] - bps[k - 1]) * (x - bps[k - 1])
            return float(math.ceil(v + LEVELS[k - 1]))
    if edition == "2026" and table in ("so2_1h", "o3_8h"):
        return {"so2_1h": 200.0, "o3_8h": 300.0}[table]  # 表3 notes b, c
    return 500.0


def one(edition: str, table: str, conc: float) -> float:
    pollutant, kind = ADDRESS[table]
    return float(iaqi(pollutant, [conc], kind=kind, edition=edition)[0])  # type: ignore[arg-type]


@pytest.mark.parametrize("edition", ["2012", "2026"])
def test_yaml_matches_printed_tables(edition: str) -> None:
    std = breakpoints(edition)  # type: ignore[arg-type]
    assert set(std.tables) == set(PRINTED[edition])
    for key, printed in PRINTED[edition].items():
        assert std.tables[key].conc.tolist() == printed, key
        assert std.tables[key].iaqi.tolist() == LEVELS[: len(printed)], key


CASES = [
    (ed, table, k)
    for ed in ("2012", "2026")
    for table, bps in PRINTED[ed].items()
    for k in range(1, len(bps))
]


@pytest.mark.parametrize(("edition", "table", "k"), CASES)
def test_both_sides_of_every_breakpoint(edition: str, table: str, k: int) -> None:
    bp = PRINTED[edition][table][k]
    step = 0.1 if table.startswith("co") else 1.0
    assert one(edition, table, bp) == LEVELS[k]
    below = bp - step
    assert one(edition, table, below) == oracle(edition, table, below)
    assert one(edition, table, below) <= LEVELS[k]
    last = k == len(PRINTED[edition][table]) - 1
    if not last or len(PRINTED[edition][table]) == len(LEVELS):
        above = bp + step
        assert one(edition, table, above) == oracle(edition, table, above)
        assert one(edition, table, above) > LEVELS[k] or (last and LEVELS[k] == 500)
    if edition == "2012":  # no rounding of C: a tenth either side already counts
        small = 0.01 if table.startswith("co") else 0.1
        assert one(edition, table, bp - small) == oracle(edition, table, bp - small)
        if not last:
            assert one(edition, table, bp + small) == oracle(edition, table, bp + small)
            assert one(edition, table, bp + small) == LEVELS[k] + 1


def test_hand_computed_values() -> None:
    # PM2.5 2012: 76 → 100 + (150-100)/(115-75)·(76-75) = 101.25 → 102
    assert one("2012", "pm2_5_24h", 76) == 102
    # PM2.5 2026: 76 → 100 + 50/55·16 = 114.54… → 115
    assert one("2026", "pm2_5_24h", 76) == 115
    # PM10 2012 vs 2026 at 130: 50 + 50/100·80 = 90 vs 100 + 50/130·10 = 103.8… → 104
    assert one("2012", "pm10_24h", 130) == 90
    assert one("2026", "pm10_24h", 130) == 104
    # CO 24-h 2.2 mg/m³: 50 + 25·0.2 = 55 exactly (float gives 55.000000000000004; not 56)
    assert one("2012", "co_24h", 2.2) == 55
    # O3 1-h 164: 50 + 50/40·4 = 55 (CNEMC 万寿西宫 2017-07-07 16时)
    assert one("2012", "o3_1h", 164) == 55
    # NO2 1-h 51: 25.5 → 26
    assert one("2012", "no2_1h", 51) == 26


def test_iaqi_rounded_up_not_to_nearest() -> None:
    # PM2.5 36 (2012): 51.25 → 52; SO2 24-h 51: 50.5 → 51; 1 µg/m³ PM2.5: 1.43 → 2
    assert iaqi("pm2_5", [36, 1], kind="daily", edition="2012").tolist() == [52, 2]
    assert iaqi("so2", [51], kind="daily", edition="2012").tolist() == [51]


def test_gbt8170_rounding() -> None:
    vals = np.array([34.5, 35.5, 35.4, 35.6, 36.5, 35.50001, 0.5, 1.5])
    assert round_gbt8170(vals, 0).tolist() == [34, 36, 35, 36, 36, 36, 0, 2]
    assert round_gbt8170(np.array([2.25, 2.35, 2.675, 2.05, 2.15]), 1).tolist() == [
        2.2,
        2.4,
        2.7,
        2.0,
        2.2,
    ]


def test_2026_rounds_concentration_before_lookup() -> None:
    # PM2.5 35.4: 2012 interpolates (50.8 → 51, 良); 2026 rounds to 35 first (50, 优)
    assert one("2012", "pm2_5_24h", 35.4) == 51
    assert one("2026", "pm2_5_24h", 35.4) == 50
    # 35.5 → 36 (5 after an odd digit goes up): 50 + 50/25 = 52; 34.5 → 34: 48.57 → 49
    assert one("2026", "pm2_5_24h", 35.5) == 52
    assert one("2026", "pm2_5_24h", 34.5) == 49
    # CO to one decimal: 2.25 → 2.2 (55), 2.35 → 2.4 (60)
    assert one("2026", "co_24h", 2.25) == 55
    assert one("2026", "co_24h", 2.35) == 60
    frame = pd.DataFrame({"time": ["2026-03-01"], "pm2_5": [35.4]})
    out = compute_aqi(frame, kind="daily", not_monitored=OTHERS_THAN["pm2_5"])
    assert out["aqi"].tolist() == [50]
    assert out["category"].tolist() == ["优"]
    assert out["primary_pollutant"].tolist() == [""]


class TestAbove800:
    def test_2012_so2_1h_uses_24h_iaqi(self) -> None:
        assert iaqi("so2", [800, 801], kind="hourly", edition="2012")[0] == 200
        assert np.isnan(iaqi("so2", [801], kind="hourly", edition="2012")[0])
        frame = pd.DataFrame(
            {"time": ["2020-01-01 10:00"] * 2, "so2": [900.0, 900.0], "so2_24h": [200.0, np.nan]}
        )
        out = compute_aqi(frame, kind="hourly")
        # SO2 24-h 200: 100 + 50/325·50 = 107.7 → 108
        assert out["iaqi_so2"].tolist()[0] == 108
        assert np.isnan(out["iaqi_so2"].tolist()[1])
        assert out["aqi"].tolist()[0] == 108
        assert out["primary_pollutant"].tolist()[0] == "SO2"

    def test_2012_so2_24h_column_without_so2_24h_input(self) -> None:
        frame = pd.DataFrame({"time": ["2020-01-01 10:00"], "so2": [900.0], "no2": [50.0]})
        out = compute_aqi(frame, kind="hourly")
        assert np.isnan(out["iaqi_so2"].iloc[0])
        assert out["aqi"].iloc[0] == 25

    def test_2012_o3_8h_reports_o3_1h(self) -> None:
        assert iaqi("o3_8h", [800], kind="daily", edition="2012")[0] == 300
        assert np.isnan(iaqi("o3_8h", [801], kind="daily", edition="2012")[0])
        frame = pd.DataFrame({"time": ["2020-07-01"], "o3_8h": [900.0], "o3_1h": [500.0]})
        out = compute_aqi(frame, kind="daily")
        # O3 1-h 500: 200 + 100/400·100 = 225
        assert np.isnan(out["iaqi_o3_8h"].iloc[0])
        assert out["aqi"].iloc[0] == 225
        assert out["primary_pollutant"].iloc[0] == "O3_1h"

    def test_2026_fixed_iaqi(self) -> None:
        assert iaqi("so2", [801, 5000], kind="hourly", edition="2026").tolist() == [200, 200]
        assert iaqi("o3_8h", [801, 2000], kind="daily", edition="2026").tolist() == [300, 300]
        frame = pd.DataFrame({"time": ["2026-07-01"], "o3_8h": [900.0], "pm10": [10.0]})
        out = compute_aqi(frame, kind="daily")
        assert out["aqi"].iloc[0] == 300
        assert out["category"].iloc[0] == "重度污染"

    def test_full_columns_cap_at_500(self) -> None:
        for ed in ("2012", "2026"):
            assert iaqi("pm2_5", [500, 501, 9999], kind="daily", edition=ed).tolist() == [500] * 3  # type: ignore[arg-type]
            assert iaqi("co", [150.1], kind="hourly", edition=ed).tolist() == [500]  # type: ignore[arg-type]


class TestFrames:
    def test_ties_are_all_listed(self) -> None:
        frame = pd.DataFrame(
            {"time": ["2020-01-01"] * 2, "pm10": [150.0, 150.0], "pm2_5": [75.0, 74.0]}
        )
        out = compute_aqi(frame, kind="daily")
        assert out["aqi"].tolist() == [100, 100]
        assert out["primary_pollutant"].tolist() == ["PM10;PM2.5", "PM10"]

    def test_primary_only_above_50(self) -> None:
        # PM2.5 35 → 50 (no primary); 36 → 52 (primary); 2012 category 优 from 0
        frame = pd.DataFrame({"time": ["2020-01-01"] * 3, "pm2_5": [35.0, 36.0, 0.0]})
        out = compute_aqi(frame, kind="daily")
        assert out["aqi"].tolist() == [50, 52, 0]
        assert out["primary_pollutant"].tolist() == ["", "PM2.5", ""]
        assert out["category"].tolist() == ["优", "良", "优"]

    def test_nan_never_becomes_zero(self) -> None:
        frame = pd.DataFrame(
            {
                "time": ["2020-01-01"] * 3,
                "pm2_5": [np.nan, np.nan, 80.0],
                "so2": [np.nan, 20.0, np.nan],
            }
        )
        out = compute_aqi(frame, kind="daily")
        assert out["aqi"].isna().tolist() == [True, False, False]
        assert out["aqi"].iloc[1] == 20
        assert out["aqi"].iloc[2] == 107  # 100 + 50/40·5 = 106.25 → 107
        assert pd.isna(out["category"].iloc[0])
        assert pd.isna(out["primary_pollutant"].iloc[0])
        assert pd.isna(out["level"].iloc[0])
        assert np.isnan(out["iaqi_pm2_5"].iloc[0])
        assert np.isnan(iaqi("pm2_5", [np.nan], kind="daily", edition="2012")[0])

    @pytest.mark.parametrize(
        ("aqi_conc", "level", "category", "color"),
        [
            (50, 1, "优", "#00E400"),
            (51, 2, "良", "#FFFF00"),
            (100, 2, "良", "#FFFF00"),
            (101, 3, "轻度污染", "#FF7E00"),
            (150, 3, "轻度污染", "#FF7E00"),
            (151, 4, "中度污染", "#FF0000"),
            (200, 4, "中度污染", "#FF0000"),
            (201, 5, "重度污染", "#99004C"),
            (300, 5, "重度污染", "#99004C"),
            (301, 6, "严重污染", "#7E0023"),
            (500, 6, "严重污染", "#7E0023"),
        ],
    )
    def test_categories_and_colours(
        self, aqi_conc: int, level: int, category: str, color: str
    ) -> None:
        # an integer SO2 24-h concentration whose IAQI is exactly aqi_conc (same in both editions)
        guess = int(np.interp(aqi_conc, LEVELS, PRINTED_2012["so2_24h"]))
        conc = next(
            c for c in range(guess - 5, guess + 6) if oracle("2012", "so2_24h", c) == aqi_conc
        )
        for ed, day in (("2012", "2020-01-01"), ("2026", "2026-06-01")):
            frame = pd.DataFrame({"time": [day], "so2": [conc]})
            out = compute_aqi(frame, kind="daily", not_monitored=OTHERS_THAN["so2"])
            assert out["edition"].iloc[0] == ed
            assert out["aqi"].iloc[0] == aqi_conc, (ed, conc)
            assert (out["level"].iloc[0], out["category"].iloc[0], out["color"].iloc[0]) == (
                level,
                category,
                color,
            )

    def test_edition_chosen_by_date(self) -> None:
        assert edition_for("2026-02-28T23:00") == "2012"
        assert edition_for("2026-03-01") == "2026"
        frame = pd.DataFrame(
            {"time": ["2026-02-28 23:00", "2026-03-01 00:00", "2025-12-31"], "pm2_5": [70.0] * 3}
        )
        out = compute_aqi(frame, kind="hourly")
        assert out["edition"].tolist() == ["2012", "2026", "2012"]
        # 70: 2012 → 50 + 50/40·35 = 93.75 → 94 (良); 2026 → 100 + 50/55·10 = 109.09 → 110
        assert out["aqi"].tolist() == [94, 110, 94]
        assert out["category"].tolist() == ["良", "轻度污染", "良"]

    def test_edition_by_beijing_date_for_aware_times(self) -> None:
        times = pd.to_datetime(["2026-02-28T15:00Z", "2026-02-28T16:00Z"])
        out = compute_aqi(pd.DataFrame({"time": times, "pm2_5": [70.0, 70.0]}))
        assert out["edition"].tolist() == ["2012", "2026"]

    def test_explicit_edition_overrides_date(self) -> None:
        frame = pd.DataFrame({"time": ["2020-01-01"], "pm2_5": [70.0]})
        assert compute_aqi(frame, kind="daily", edition="2026")["aqi"].tolist() == [110]

    def test_indicator_sets_per_edition(self) -> None:
        # 2012 real-time counts O3 8-h (表4); 2026 real-time ignores it and daily ignores O3 1-h
        row = {"o3_1h": [100.0], "o3_8h": [200.0]}
        h12 = compute_aqi(pd.DataFrame({"time": ["2020-07-01 15:00"], **row}))
        assert h12["aqi"].iloc[0] == 137  # O3 8-h 200: 100 + 50/55·40 = 136.4 → 137
        # the other four pollutants declared outside the programme (5.3.2): AQI 32 is published
        gases = ("so2", "no2", "co", "pm10", "pm2_5")
        h26 = compute_aqi(pd.DataFrame({"time": ["2026-07-01 15:00"], **row}), not_monitored=gases)
        assert "iaqi_o3_8h" not in h26.columns
        assert h26["aqi"].iloc[0] == 32  # O3 1-h 100: 31.25 → 32
        d26 = compute_aqi(pd.DataFrame({"time": ["2026-07-01"], **row}), kind="daily")
        assert "iaqi_o3_1h" not in d26.columns
        assert d26["aqi"].iloc[0] == 137

    def test_hourly_2012_uses_1h_columns_for_gases(self) -> None:
        frame = pd.DataFrame({"time": ["2020-01-01 08:00"], "no2": [100.0], "co": [5.0]})
        assert compute_aqi(frame, kind="hourly")["aqi"].tolist() == [50]
        # daily: NO2 100 → 100 + 50/100·20 = 110; CO 5 → 100 + 50/10·1 = 105
        assert compute_aqi(frame.assign(time="2020-01-01"), kind="daily")["aqi"].tolist() == [110]

    def test_keeps_input_columns_and_order(self) -> None:
        frame = pd.DataFrame(
            {"station": ["b", "a"], "time": ["2020-01-01"] * 2, "pm10": [1.0, 2.0]}
        )
        out = compute_aqi(frame, kind="daily")
        assert out[["station", "pm10"]].equals(frame[["station", "pm10"]])
        assert list(out.columns[:3]) == ["station", "time", "pm10"]


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(ADDRESS)),
    st.sampled_from(["2012", "2026"]),
    st.lists(st.floats(0, 5000, allow_nan=False), min_size=2, max_size=30),
)
def test_iaqi_monotone_and_in_range(table: str, edition: str, concs: list[float]) -> None:
    pollutant, kind = ADDRESS[table]
    concs = sorted(round(c, 3) for c in concs)
    if table in ("so2_1h", "o3_8h") and edition == "2012":
        concs = [c for c in concs if c <= 800]
    got = iaqi(pollutant, concs, kind=kind, edition=edition)  # type: ignore[arg-type]
    assert np.all(np.diff(got) >= 0)
    assert np.all((got >= 0) & (got <= 500))
    assert np.all(got == np.floor(got))
    assert got.tolist() == [oracle(edition, table, c) for c in concs]


class TestValidation:
    def test_every_problem_listed_once(self) -> None:
        frame = pd.DataFrame(
            {
                "station": ["A", "A", "A"],
                "time": ["2020-01-01 00:00", "not a time", "2020-01-01 02:00"],
                "pm2_5": [10.0, -1.0, 5.0],
                "no2": ["12", "abc", ""],
                "co": [800.0, 900.0, 1000.0],
                "temperature": [1, 2, 3],
            }
        )
        with pytest.raises(ValidationError) as info:
            validate_air_frame(frame, "hourly.csv")
        problems = {(p.row, p.field) for p in info.value.problems}
        assert (None, "temperature") in problems
        assert (2, "time") in problems
        assert (2, "pm2_5") in problems
        assert (2, "no2") in problems
        assert (3, "no2") not in problems  # empty text is missing, not an error
        assert (None, "co") in problems
        text = str(info.value)
        assert "hourly.csv" in text and "µg/m³" in text and "mg/m³" in text

    def test_compute_validates(self) -> None:
        with pytest.raises(ValidationError):
            compute_aqi(pd.DataFrame({"time": ["2020-01-01"], "pm2_5": [-3.0]}))

    def test_long_runs_are_summarised(self) -> None:
        frame = pd.DataFrame({"time": ["2020-01-01"] * 50, "pm10": [-1.0] * 50})
        with pytest.raises(ValidationError) as info:
            validate_air_frame(frame)
        assert len(info.value.problems) == 21
        assert "30 more rows" in info.value.problems[-1].message

    def test_iaqi_rejects_negative_and_unknown(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            iaqi("pm10", [-1], kind="daily", edition="2012")
        with pytest.raises(ValueError, match="unknown pollutant"):
            iaqi("pm1", [1], kind="daily", edition="2012")
        with pytest.raises(ValueError, match="edition"):
            iaqi("pm10", [1], kind="daily", edition="2013")  # type: ignore[arg-type]


def test_large_mixed_frame_matches_oracle_row_by_row() -> None:
    # more rows than one chunk (threads, several chunks) and both editions in one call
    rng = np.random.default_rng(7)
    n = 600_000
    times = pd.Timestamp("2026-02-20") + pd.to_timedelta(rng.integers(0, 20 * 24, n), unit="h")
    frame = pd.DataFrame(
        {
            "time": times,
            "so2": np.round(rng.lognormal(3, 1, n), 1),
            "pm10": np.round(rng.lognormal(4.3, 0.7, n), 1),
            "pm2_5": np.round(rng.lognormal(3.7, 0.8, n), 1),
            "co": np.round(rng.lognormal(0, 0.6, n), 2),
        }
    )
    frame.loc[rng.random(n) < 0.05, "pm2_5"] = np.nan
    before = frame.copy()
    # NO2 and O3 declared outside the programme (HJ 633-2026 5.3.2); PM2.5 missing is not
    out = compute_aqi(frame, kind="hourly", not_monitored=("no2", "o3_1h"))
    assert frame.equals(before)  # input untouched
    for i in rng.choice(n, 300, replace=False):
        row = frame.iloc[i]
        ed = "2026" if row["time"] >= pd.Timestamp("2026-03-01") else "2012"
        table = {"so2": "so2_1h", "pm10": "pm10_24h", "pm2_5": "pm2_5_24h", "co": "co_1h"}
        expected = {p: oracle(ed, t, row[p]) for p, t in table.items() if not np.isnan(row[p])}
        if ed == "2012" and row["so2"] > 800:
            expected.pop("so2")  # no so2_24h column: not computed
        assert out["edition"].iloc[i] == ed
        if ed == "2026" and np.isnan(row["pm2_5"]) and max(expected.values()) <= 100:
            # 5.3.1: PM2.5 missing and AQI ≤ 100 → not published
            assert out["aqi"].iloc[i] is pd.NA
            assert out["primary_pollutant"].iloc[i] is np.nan
            continue
        assert out["aqi"].iloc[i] == max(expected.values())
        best = [
            p for p in ("so2", "pm10", "co", "pm2_5") if expected.get(p) == max(expected.values())
        ]
        labels = {"so2": "SO2", "pm10": "PM10", "co": "CO", "pm2_5": "PM2.5"}
        want = ";".join(labels[p] for p in best) if max(expected.values()) > 50 else ""
        assert set(out["primary_pollutant"].iloc[i].split(";")) == set(want.split(";"))


def test_empty_frame() -> None:
    out = compute_aqi(pd.DataFrame({"time": pd.to_datetime([]), "pm10": np.array([], float)}))
    assert len(out) == 0 and "aqi" in out.columns


def test_malformed_table_lists_every_problem() -> None:
    import copy

    from lanxi.standards import load_standard
    from lanxi.standards.hj633 import _parse_hj633

    std = load_standard("hj633_2012")
    data = copy.deepcopy(std.data)
    data["breakpoints"]["pm2_5_24h"]["values"][2] = 30  # not increasing
    del data["beyond_table"]["o3_8h"]  # shortened column without its rule
    data["categories"][1]["aqi_min"] = 52  # gap after 优
    with pytest.raises(ValidationError) as info:
        _parse_hj633(std.model_copy(update={"data": data}))
    fields = {p.field for p in info.value.problems}
    assert {"breakpoints.pm2_5_24h", "beyond_table.o3_8h", "categories"} <= fields


class TestMissingDataRule:
    """HJ 633-2026 5.3.1: a missing indicator withholds an AQI ≤ 100; HJ 633-2012 has no rule."""

    ROW: ClassVar[dict[str, float]] = {
        "no2": 20.0,
        "pm10": 40.0,
        "pm2_5": 30.0,
        "o3_1h": 100.0,
        "co": 0.5,
    }

    def test_issue_example_2026_06_01_noon_so2_missing_is_na(self) -> None:
        # IAQIs (hourly, 2026): NO2 50·20/100 = 10; PM10 50·40/50 = 40; PM2.5 50·30/35 = 42.9
        # → 43; O3 1-h 50·100/160 = 31.25 → 32; CO 50·0.5/5 = 5 → the others give 43 (≤ 100)
        frame = pd.DataFrame(
            {"time": ["2026-06-01 12:00"], "so2": [np.nan], **{k: [v] for k, v in self.ROW.items()}}
        )
        out = compute_aqi(frame)
        assert out["iaqi_pm2_5"].tolist() == [43.0] and out["iaqi_o3_1h"].tolist() == [32.0]
        assert out["aqi"].iloc[0] is pd.NA
        assert out[["level", "category", "color", "primary_pollutant"]].isna().all(axis=None)
        # the same row under HJ 633-2012 (a 2025 date): 式(2) over the five present → 43 优
        old = compute_aqi(frame.assign(time="2025-06-01 12:00"))
        assert old["aqi"].tolist() == [43] and old["category"].tolist() == ["优"]
        # with SO2 present the row is published: SO2 1-h 5 → 50·5/150 = 1.7 → 2; AQI 43
        full = compute_aqi(frame.assign(so2=5.0))
        assert full["aqi"].tolist() == [43] and full["category"].tolist() == ["优"]

    def test_above_100_is_published_and_absent_column_counts_as_missing(self) -> None:
        # PM2.5 90 (2026 hourly, PM on the daily column): 100 + 50·30/55 = 127.3 → 128 > 100
        frame = pd.DataFrame(
            {"time": ["2026-06-01 12:00"] * 2, **{k: [v, v] for k, v in self.ROW.items()}}
        )
        frame.loc[1, "pm2_5"] = 90.0
        out = compute_aqi(frame)  # no so2 column at all
        assert out["aqi"].iloc[0] is pd.NA
        assert out["aqi"].iloc[1] == 128 and out["category"].iloc[1] == "轻度污染"
        assert out["primary_pollutant"].iloc[1] == "PM2.5"

    def test_exactly_100_is_withheld(self) -> None:
        # daily 2026: PM2.5 60 → IAQI 100 exactly; "大于100时仍继续发布" → 100 is withheld
        frame = pd.DataFrame(
            {
                "time": ["2026-06-01"],
                "pm2_5": [60.0],
                "pm10": [10.0],
                "no2": [10.0],
                "co": [0.2],
                "o3_8h": [50.0],
            }
        )
        assert compute_aqi(frame, kind="daily")["aqi"].iloc[0] is pd.NA
        assert compute_aqi(frame.assign(so2=3.0), kind="daily")["aqi"].tolist() == [100]

    def test_not_monitored_is_5_3_2_and_must_name_pollutants(self) -> None:
        frame = pd.DataFrame(
            {"time": ["2026-06-01 12:00"], **{k: [v] for k, v in self.ROW.items()}}
        )
        assert compute_aqi(frame, not_monitored=["so2"])["aqi"].tolist() == [43]
        assert compute_aqi(frame, not_monitored=["no2"])["aqi"].iloc[0] is pd.NA
        with pytest.raises(ValueError, match="not_monitored"):
            compute_aqi(frame, not_monitored=["SO2"])

    def test_rule_is_data_with_its_clause(self) -> None:
        new, old = breakpoints("2026"), breakpoints("2012")
        assert new.publish_aqi_above == 100.0 and new.missing_clause == "5.3.1"
        assert old.publish_aqi_above is None
