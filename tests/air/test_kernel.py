"""The compiled kernel of compute_aqi against the numpy reference ``iaqi`` (and the printed tables).

``iaqi`` is checked against an exact fraction oracle in ``test_aqi.py``; here ``compute_aqi`` must
give the same IAQI bit for bit on every 0.1 µg/m³ (0.01 mg/m³ for CO) from 0 to past the last
breakpoint of every table column of both editions, plus off-grid values, NaN and the rules above
800 µg/m³ — whether the edition is fixed or chosen per row.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.air import compute_aqi, iaqi
from lanxi.compute.air.aqi import CHUNK, aqi_reference
from lanxi.errors import ValidationError
from lanxi.standards.hj633 import POLLUTANTS, breakpoints

INPUTS = {"so2": 0, "no2": 0, "pm10": 0, "co": 0, "o3_1h": 0, "o3_8h": 0, "pm2_5": 0}
ALL = tuple(INPUTS)  # declared outside the programme (HJ 633-2026 5.3.2): 5.3.1 never applies


def grid(pollutant: str, edition: str, kind: str) -> np.ndarray:
    """Every tenth (CO: hundredth) up to 1.2 × the last breakpoint, off-grid values and NaN."""
    std = breakpoints(edition)  # type: ignore[arg-type]
    key = std.indicators[kind].get(pollutant)  # type: ignore[index]
    top = std.tables[key].conc[-1] if key else 1000.0
    step = 0.01 if pollutant == "co" else 0.1
    on = np.arange(0, round(top * 1.2 / step) + 1) * step
    on = np.round(on, 2)
    rng = np.random.default_rng(7)
    off = rng.uniform(0, top * 1.2, 5_000)  # 15-17 significant digits: never on a grid
    halves = np.arange(0, int(top) + 2) + 0.5  # GB/T 8170 ties
    return np.concatenate([on, off, halves, [np.nan, 0.0]])


@pytest.mark.parametrize("edition", ["2012", "2026"])
@pytest.mark.parametrize("kind", ["hourly", "daily"])
@pytest.mark.parametrize("pollutant", POLLUTANTS)
def test_kernel_equals_numpy_reference(edition: str, kind: str, pollutant: str) -> None:
    values = grid(pollutant, edition, kind)
    frame = pd.DataFrame({pollutant: values})
    # validate=False: a CO grid up to 180 mg/m³ would fail the unit check (median > 50)
    out = compute_aqi(frame, kind=kind, edition=edition, validate=False)  # type: ignore[arg-type]
    column = f"iaqi_{pollutant}"
    std = breakpoints(edition)  # type: ignore[arg-type]
    if pollutant not in std.indicators[kind]:  # type: ignore[index]
        assert column not in out.columns
        return
    expected = iaqi(pollutant, values, kind=kind, edition=edition).astype(np.float32)  # type: ignore[arg-type]
    got = out[column].to_numpy()
    assert np.array_equal(got, expected, equal_nan=True), pollutant
    aqi = out["aqi"].to_numpy(dtype=float, na_value=np.nan)
    if edition == "2026":  # 5.3.1: the five other indicators are missing → NA up to 100
        expected[expected <= 100] = np.nan
    assert np.array_equal(aqi, expected.astype(float), equal_nan=True)
    # the numpy reference of 式(2) and 5.3.1 agrees
    ref = aqi_reference(frame, kind=kind, edition=edition)  # type: ignore[arg-type]
    assert np.array_equal(aqi, ref, equal_nan=True)


def test_so2_above_800_in_a_2012_real_time_report_uses_the_24_hour_iaqi() -> None:
    so2 = np.array([799.0, 800.0, 800.5, 900.0, 2000.0, 900.0, 900.0])
    so2_24h = np.array([10.0, 10.0, 100.0, 200.0, 3000.0, np.nan, 160.0])
    frame = pd.DataFrame({"so2": so2, "so2_24h": so2_24h})
    out = compute_aqi(frame, kind="hourly", edition="2012")
    # 799/800 on the 1-hour column; above 800 the 24-hour IAQI (表1 说明(2)); 3000 > 2620 → 500
    # 799: 150 + 50·149/150 → 200; 24-h 100: 50 + 50·50/100 = 75; 200: 100 + 50·50/325 → 108
    assert out["iaqi_so2"].tolist()[:5] == [200.0, 200.0, 75.0, 108.0, 500.0]
    assert np.isnan(out["iaqi_so2"].iloc[5])
    assert out["iaqi_so2"].iloc[6] == iaqi("so2_24h", [160.0], kind="hourly", edition="2012")[0]
    new = compute_aqi(frame, kind="hourly", edition="2026")  # 表3 注b: 200 above 800
    assert new["iaqi_so2"].tolist()[2:5] == [200.0, 200.0, 200.0]


def test_per_row_editions_equal_fixed_editions_across_chunks() -> None:
    rng = np.random.default_rng(3)
    n = CHUNK + 5_000  # two chunks, the switch inside the second
    times = pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(n) - CHUNK - 10, unit="h")
    data = {p: np.round(rng.lognormal(3.5, 0.9, n), 1) for p in INPUTS}
    data["co"] = np.round(rng.lognormal(0, 0.6, n), 2)
    frame = pd.DataFrame({"station": "A", "time": times, **data})
    frame.loc[::97, "pm2_5"] = np.nan
    mixed = compute_aqi(frame)
    new = times >= pd.Timestamp("2026-03-01")
    assert mixed["edition"].astype(str).eq(np.where(new, "2026", "2012")).all()
    for edition, rows in (("2012", ~new), ("2026", new)):
        fixed = compute_aqi(frame[rows], edition=edition)
        for col in ("aqi", "category", "primary_pollutant", "iaqi_pm2_5", "iaqi_o3_1h"):
            left = mixed.loc[rows, col].astype(object).to_numpy()
            right = fixed[col].astype(object).to_numpy()
            assert pd.Series(left).equals(pd.Series(right)), (edition, col)


def test_kernel_reports_every_bad_value_of_every_column() -> None:
    frame = pd.DataFrame(
        {
            "pm2_5": [10.0, -1.0, 20.0, np.inf],
            "o3_8h": [-5.0, 1.0, 1.0, 1.0],  # not used by a 2026 real-time report: still checked
            "so2_24h": [1.0, 1.0, -2.0, 1.0],
        }
    )
    with pytest.raises(ValidationError) as info:
        compute_aqi(frame, kind="hourly", edition="2026")
    found = {(p.row, p.field) for p in info.value.problems}
    assert found == {(2, "pm2_5"), (4, "pm2_5"), (1, "o3_8h"), (3, "so2_24h")}


@pytest.mark.parametrize("edition", ["2012", "2026"])
@pytest.mark.parametrize("kind", ["hourly", "daily"])
def test_kernel_equals_reference_when_every_block_mixes_grid_off_grid_top_and_missing(
    edition: str, kind: str
) -> None:
    """Shuffled values: each block of the kernel holds on-grid, off-grid (the run-wide 式(1)
    path), above-the-top, NaN and (validate=False) negative values at once; and a block of only
    off-grid daily means (the path 2012 daily reports take)."""
    rng = np.random.default_rng(11)
    data = {}
    for p in POLLUTANTS:
        values = grid(p, edition, kind)
        values = np.concatenate([values, [-3.0, -0.1]])
        data[p] = rng.permutation(np.resize(values, 30_000))
    data["pm10"][:8_192] = rng.uniform(0, 400, 8_192)  # two whole blocks off the grid, below top
    frame = pd.DataFrame(data)
    out = compute_aqi(frame, kind=kind, edition=edition, validate=False)  # type: ignore[arg-type]
    std = breakpoints(edition)  # type: ignore[arg-type]
    for p in POLLUTANTS:
        if p not in std.indicators[kind]:  # type: ignore[index]
            continue
        values = data[p].copy()
        negative = values < 0
        values[negative] = np.nan  # the reference refuses negatives; the kernel gives NaN
        expected = iaqi(p, values, kind=kind, edition=edition).astype(np.float32)  # type: ignore[arg-type]
        got = out[f"iaqi_{p}"].to_numpy()
        assert np.array_equal(got, expected, equal_nan=True), p
    aqi = out["aqi"].to_numpy(dtype=float, na_value=np.nan)
    clean = pd.DataFrame({p: np.where(data[p] < 0, np.nan, data[p]) for p in POLLUTANTS})
    ref = aqi_reference(clean, kind=kind, edition=edition)  # type: ignore[arg-type]
    assert np.array_equal(aqi, ref, equal_nan=True)


@pytest.mark.parametrize("kind", ["hourly", "daily"])
@pytest.mark.parametrize(
    "not_monitored", [(), ("so2",), ("co", "o3_1h", "o3_8h"), tuple(POLLUTANTS)]
)
def test_missing_data_rule_of_kernel_equals_reference(
    kind: str, not_monitored: tuple[str, ...]
) -> None:
    """HJ 633-2026 5.3.1 in the kernel and in the numpy reference, on low values (AQI ≤ 100 is
    common) with a third missing, across the 2026-03-01 switch inside blocks and chunks."""
    rng = np.random.default_rng(5)
    n = CHUNK + 9_000
    data = {p: np.round(rng.uniform(0, 140, n), 1) for p in POLLUTANTS}
    data["co"] = np.round(rng.uniform(0, 6, n), 2)
    for p in POLLUTANTS:
        data[p][rng.random(n) < 0.3] = np.nan
    times = pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(n) - n // 2, unit="h")
    frame = pd.DataFrame({"time": times, **data})
    out = compute_aqi(frame, kind=kind, not_monitored=not_monitored)  # type: ignore[arg-type]
    aqi = out["aqi"].to_numpy(dtype=float, na_value=np.nan)
    new = np.asarray(times >= pd.Timestamp("2026-03-01"))
    expected = np.empty(n)
    for ed, rows in (("2012", ~new), ("2026", new)):
        expected[rows] = aqi_reference(
            frame[rows],
            kind=kind,
            edition=ed,
            not_monitored=not_monitored,  # type: ignore[arg-type]
        )
    assert np.array_equal(aqi, expected, equal_nan=True)
    withheld = np.isnan(aqi) & out.filter(like="iaqi_").notna().any(axis=1).to_numpy()
    assert withheld[new].sum() > 1000 if len(not_monitored) < 6 else not withheld[new].any()
    assert not withheld[~new].any()  # HJ 633-2012 has no such rule
    assert out.loc[np.isnan(aqi), ["level", "category", "primary_pollutant"]].isna().all().all()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_computes_with_its_own_thread_pool() -> None:
    """The thread pool is kept between calls; a child forked after a call must not reuse it (the
    parent's threads do not exist in the child, and the task would never run)."""
    import multiprocessing

    n = 3 * (1 << 14)  # several tasks: the pool is used
    frame = pd.DataFrame({"pm2_5": np.full(n, 35.4), "so2": np.full(n, 10.0)})
    parent = compute_aqi(frame, kind="daily", edition="2026", not_monitored=ALL)
    parent = parent["aqi"].astype(int).tolist()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        result = pool.apply_async(_child_aqi, (frame,))
        child = result.get(timeout=60)  # hung forever when the child reused the parent's pool
    assert child == parent
    assert set(child) == {50}  # 35.4 → 35 (GB/T 8170) → IAQI 50


def _child_aqi(frame: pd.DataFrame) -> list[int]:
    out = compute_aqi(frame, kind="daily", edition="2026", not_monitored=ALL)
    return out["aqi"].astype(int).tolist()
