"""Gravity linkage, linkage membership, urban primacy and the rank–size regression.

No published worked example with its data could be found for these formulas; the examples below
are computed by hand (shown inline) or are exact synthetic cases (a power law for the rank–size
fit, where the OLS estimate must equal the exponent).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lanxi.compute.linkage import (
    gravity_linkage,
    gravity_strength,
    linkage_membership,
    rank_size,
    urban_primacy,
)
from lanxi.errors import ValidationError

CITIES = ["兰州", "西宁", "白银", "定西"]
DIST = pd.DataFrame(
    [[0, 200, 70, 100], [200, 0, 260, 290], [70, 260, 0, 160], [100, 290, 160, 0]],
    index=CITIES,
    columns=CITIES,
    dtype=float,
)


def test_gravity_linkage_hand_computed() -> None:
    # √(P·G): √(100·1) = 10 and √(400·4) = 40; R = 10·40 / 10² = 4, times k = 2 → 8.
    pop = pd.Series({"a": 100.0, "b": 400.0})
    gdp = pd.Series({"b": 4.0, "a": 1.0})
    d = pd.DataFrame([[0, 10], [10, 0]], index=["a", "b"], columns=["a", "b"], dtype=float)
    r = gravity_linkage(pop, gdp, d, k=2.0)
    assert r.loc["a", "b"] == pytest.approx(8.0)
    assert r.loc["a", "a"] == 0.0
    # b = 1: 10·40 / 10 = 40
    assert gravity_linkage(pop, gdp, d, b=1.0).loc["b", "a"] == pytest.approx(40.0)


def test_gravity_linkage_is_gravity_strength_with_sqrt_pg_mass() -> None:
    pop = pd.Series([320.0, 250.0, 150.0, 250.0], index=CITIES)
    gdp = pd.Series([3300.0, 1500.0, 600.0, 500.0], index=CITIES)
    a = gravity_linkage(pop, gdp, DIST)
    b = gravity_strength(np.sqrt(pop * gdp), DIST)
    pd.testing.assert_frame_equal(a, b)


def test_gravity_is_symmetric_and_zero_on_the_diagonal() -> None:
    mass = pd.Series([5.0, 3.0, 2.0, 1.0], index=CITIES)
    r = gravity_strength(mass, DIST)
    assert np.allclose(r.to_numpy(), r.to_numpy().T)
    assert np.allclose(np.diag(r.to_numpy()), 0.0)


@settings(max_examples=50, deadline=None)
@given(
    st.floats(0.1, 1e4),
    st.floats(0.1, 1e4),
    st.floats(1.0, 1e3),
    st.floats(1.01, 10.0),
    st.floats(0.1, 3.0),
)
def test_gravity_decreases_with_distance(
    m1: float, m2: float, d: float, f: float, b: float
) -> None:
    mass = pd.Series({"a": m1, "b": m2})

    def dist(x: float) -> pd.DataFrame:
        return pd.DataFrame([[0, x], [x, 0]], index=["a", "b"], columns=["a", "b"], dtype=float)

    near = gravity_strength(mass, dist(d), b=b).loc["a", "b"]
    far = gravity_strength(mass, dist(d * f), b=b).loc["a", "b"]
    assert far < near


def test_membership_rows_sum_to_one() -> None:
    mass = pd.Series([5.0, 3.0, 2.0, 1.0], index=CITIES)
    f = linkage_membership(gravity_strength(mass, DIST))
    assert np.allclose(f.sum(axis=1), 1.0)
    # 白银 (closest to 兰州, 70 km) sends its largest share to 兰州
    assert f.loc["白银"].idxmax() == "兰州"


def test_primacy_hand_computed() -> None:
    p = urban_primacy(pd.Series({"a": 100.0, "b": 400.0, "c": 200.0, "d": 100.0}))
    assert p.largest == "b"
    assert p.s2 == pytest.approx(2.0)  # 400 / 200
    assert p.s4 == pytest.approx(1.0)  # 400 / (200 + 100 + 100)
    assert p.s11 is None
    assert urban_primacy([3.0, 1.0]).s4 is None


def test_primacy_of_an_exact_zipf_hierarchy() -> None:
    sizes = [1.0 / r for r in range(1, 12)]
    p = urban_primacy(sizes)
    assert p.s2 == pytest.approx(2.0)
    assert p.s4 == pytest.approx(1 / (1 / 2 + 1 / 3 + 1 / 4))
    assert p.s11 == pytest.approx(2 / sum(1 / r for r in range(2, 12)))


@settings(max_examples=50, deadline=None)
@given(st.floats(0.3, 3.0), st.floats(1e2, 1e7), st.integers(3, 40))
def test_rank_size_recovers_q_of_an_exact_power_law(q: float, p1: float, n: int) -> None:
    sizes = [p1 * r ** (-q) for r in range(1, n + 1)]
    fit = rank_size(list(reversed(sizes)))  # order must not matter
    assert fit.q == pytest.approx(q, rel=1e-9)
    assert fit.ln_p1 == pytest.approx(math.log(p1), rel=1e-9, abs=1e-9)
    assert fit.r_squared == pytest.approx(1.0)
    assert fit.std_err == pytest.approx(0.0, abs=1e-7)
    assert fit.n == n


def test_rank_size_with_gabaix_ibragimov_shift() -> None:
    sizes = [1000 * (r - 0.5) ** -1.2 for r in range(1, 21)]
    assert rank_size(sizes, rank_shift=0.5).q == pytest.approx(1.2)
    assert rank_size(sizes).q != pytest.approx(1.2, rel=1e-3)


def test_rank_size_standard_error_matches_ols_formula() -> None:
    rng = np.random.default_rng(7)
    sizes = 5000 * np.arange(1, 31) ** -1.1 * np.exp(rng.normal(0, 0.05, 30))
    fit = rank_size(sizes)
    y = np.log(np.sort(sizes)[::-1])
    x = np.log(np.arange(1, 31))
    design = np.column_stack([np.ones(30), x])
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    cov = resid @ resid / 28 * np.linalg.inv(design.T @ design)
    assert fit.q == pytest.approx(-beta[1])
    assert fit.std_err == pytest.approx(math.sqrt(cov[1, 1]))
    assert abs(fit.q - 1.1) < 4 * fit.std_err


def test_bad_inputs_are_named() -> None:
    bad = DIST.copy()
    bad.loc["兰州", "西宁"] = 0.0
    bad.loc["白银", "定西"] = -5.0
    with pytest.raises(ValidationError) as exc:
        gravity_strength(pd.Series([1.0, np.nan, 1.0, 1.0], index=CITIES), bad)
    fields = {(p.file, p.field) for p in exc.value.problems}
    assert ("mass", "西宁") in fields
    assert ("distance", "西宁") in fields
    assert ("distance", "定西") in fields
    with pytest.raises(ValidationError, match="no row for"):
        gravity_strength(pd.Series({"兰州": 1.0, "海东": 1.0}), DIST)
    with pytest.raises(ValidationError, match="labels differ"):
        gravity_linkage(pd.Series({"a": 1.0}), pd.Series({"b": 1.0}), DIST)
    with pytest.raises(ValidationError, match="at least 3"):
        rank_size([2.0, 1.0])
    with pytest.raises(ValidationError, match="P > 0"):
        rank_size([2.0, 1.0, 0.0])
    with pytest.raises(ValidationError, match="negative"):
        urban_primacy([5.0, -1.0])
    with pytest.raises(ValueError, match="rank_shift"):
        rank_size([3.0, 2.0, 1.0], rank_shift=1.0)


def test_distance_diagonal_is_ignored() -> None:
    d = DIST.copy()
    for c in CITIES:
        d.loc[c, c] = np.nan
    mass = pd.Series([5.0, 3.0, 2.0, 1.0], index=CITIES)
    pd.testing.assert_frame_equal(gravity_strength(mass, d), gravity_strength(mass, DIST))
