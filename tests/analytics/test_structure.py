"""Location quotient, Krugman index, similarity, Hoover and Gini localisation.

Published worked examples: Farhauer & Kröll (2013), *Standorttheorien*, as reproduced by the R
package REAT (Wieland), whose documented results are re-typed here:

* ``locq(1714, 79006, 879213, 15593224)`` = 0.3847623
* ``gini.conc(c(500,500,1000,7000,1000), c(20000,15000,20000,40000,5000))`` = 0.4068966
* ``gini.spec(c(700,600,500,10000,40000), c(30000,15000,10000,60000,50000))`` = 0.6222222
* ``krugman.spec(c(20,10,70,0,0), c(0,0,0,60,40))`` = 2 (no sector in both regions)

No published example was found for the Hoover coefficient, the Lorenz form of the locational Gini
or the UNIDO similarity coefficient; their examples below are computed by hand (shown inline).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lanxi.compute.structure import (
    gini_localization,
    hoover_localization,
    krugman_index,
    krugman_specialization,
    location_quotient,
    similarity_coefficient,
    similarity_matrix,
)
from lanxi.errors import ValidationError

# Farhauer & Kröll (2013) gini.conc example: one industry in five regions.
INDUSTRY = [500, 500, 1000, 7000, 1000]
REGION_TOTAL = [20000, 15000, 20000, 40000, 5000]


def _farhauer_matrix() -> tuple[pd.DataFrame, pd.Series]:
    regions = ["R1", "R2", "R3", "R4", "R5"]
    ind = pd.Series(INDUSTRY, index=regions, dtype=float)
    tot = pd.Series(REGION_TOTAL, index=regions, dtype=float)
    return pd.DataFrame({"industry": ind, "other": tot - ind}), tot


# ------------------------------------------------------------------------------ worked examples


def test_location_quotient_reproduces_farhauer_kroell_reat_locq() -> None:
    m = pd.DataFrame({"industry": [1714.0], "other": [79006.0 - 1714]}, index=["j"])
    ref = pd.Series({"industry": 879213.0, "other": 15593224.0 - 879213})
    lq = location_quotient(m, ref)
    assert lq.loc["j", "industry"] == pytest.approx(0.3847623, abs=5e-8)


def test_gini_localization_lq_reproduces_reat_gini_conc() -> None:
    m, tot = _farhauer_matrix()
    g = gini_localization(m, tot, method="lq")
    assert g["industry"] == pytest.approx(0.4068966, abs=5e-8)


def test_gini_specialisation_is_gini_localization_of_the_transpose_reat_gini_spec() -> None:
    # gini.spec: five industries of one region j against the industries' national totals.
    e_ij = pd.Series([700, 600, 500, 10000, 40000], dtype=float)
    e_i = pd.Series([30000, 15000, 10000, 60000, 50000], dtype=float)
    by_industry = pd.DataFrame({"j": e_ij, "rest": e_i - e_ij})
    g = gini_localization(by_industry, e_i, method="lq")
    assert g["j"] == pytest.approx(0.6222222, abs=5e-8)


def test_krugman_index_reproduces_reat_krugman_spec() -> None:
    assert krugman_index([20, 10, 70, 0, 0], [0, 0, 0, 60, 40]) == pytest.approx(2.0)


def test_hoover_localization_hand_computed() -> None:
    # Industry shares .05 .05 .10 .70 .10 against region shares .20 .15 .20 .40 .05:
    # |diff| = .15 + .10 + .10 + .30 + .05 = .70, halved = 0.35.
    m, tot = _farhauer_matrix()
    assert hoover_localization(m, tot)["industry"] == pytest.approx(0.35)


def test_gini_localization_lorenz_hand_computed() -> None:
    # Regions sorted by LQ (.25, .333, .5, 1.75, 2.0): cumulative reference shares
    # .20 .35 .55 .95 1.0, cumulative industry shares .05 .10 .20 .90 1.0.
    # Trapezoids: .2·.05 + .15·.15 + .2·.30 + .4·1.10 + .05·1.90 = .6275, G = 1 − .6275 = .3725.
    m, tot = _farhauer_matrix()
    assert gini_localization(m, tot)["industry"] == pytest.approx(0.3725)


def test_similarity_hand_computed() -> None:
    # shares (1, 0) and (.5, .5): cos = .5 / (1 · √.5) = 1/√2
    assert similarity_coefficient([3, 0], [2, 2]) == pytest.approx(1 / math.sqrt(2))
    assert similarity_coefficient([1, 0], [0, 5]) == pytest.approx(0.0)


def test_krugman_specialization_against_reference_and_rest() -> None:
    m = pd.DataFrame({"a": [10.0, 0.0, 30.0], "b": [0.0, 10.0, 10.0]}, index=["x", "y", "z"])
    # reference = column sums (40, 20): shares (2/3, 1/3)
    k = krugman_specialization(m)
    assert k["x"] == pytest.approx(abs(1 - 2 / 3) + abs(0 - 1 / 3))
    # rest of x = y + z = (30, 20): shares (.6, .4) → |1 − .6| + |0 − .4| = .8
    assert krugman_specialization(m, exclude_self=True)["x"] == pytest.approx(0.8)
    with pytest.raises(ValueError, match="exclude_self"):
        krugman_specialization(m, pd.Series({"a": 1.0, "b": 1.0}), exclude_self=True)


def test_similarity_matrix_is_symmetric_with_unit_diagonal() -> None:
    m = pd.DataFrame({"a": [1.0, 2.0, 0.0], "b": [3.0, 1.0, 4.0]}, index=["x", "y", "z"])
    s = similarity_matrix(m)
    assert np.allclose(s.to_numpy(), s.to_numpy().T)
    assert np.allclose(np.diag(s.to_numpy()), 1.0)
    assert s.loc["x", "y"] == pytest.approx(similarity_coefficient(m.loc["x"], m.loc["y"]))


# ------------------------------------------------------------------------------ properties

positive_vectors = arrays(float, st.integers(2, 8), elements=st.floats(0.01, 1e6, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(positive_vectors, st.floats(0.01, 1e4))
def test_lq_is_one_for_a_region_shaped_like_the_reference(ref: np.ndarray, scale: float) -> None:
    sectors = [f"s{i}" for i in range(len(ref))]
    reference = pd.Series(ref, index=sectors)
    m = pd.DataFrame([ref * scale], columns=sectors, index=["r"])
    assert np.allclose(location_quotient(m, reference).to_numpy(), 1.0)


@settings(max_examples=60, deadline=None)
@given(positive_vectors)
def test_self_similarity_is_one_and_krugman_self_is_zero(v: np.ndarray) -> None:
    assert similarity_coefficient(v, v * 3.0) == pytest.approx(1.0)
    assert krugman_index(v, v * 7.0) == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_krugman_in_0_2_and_similarity_in_0_1(data: st.DataObject) -> None:
    n = data.draw(st.integers(2, 8))
    elems = st.floats(0, 1e6, allow_nan=False)
    a = data.draw(arrays(float, n, elements=elems).filter(lambda x: x.sum() > 0))
    b = data.draw(arrays(float, n, elements=elems).filter(lambda x: x.sum() > 0))
    assert 0.0 <= krugman_index(a, b) <= 2.0 + 1e-12
    assert 0.0 <= similarity_coefficient(a, b) <= 1.0


@settings(max_examples=40, deadline=None)
@given(arrays(float, (4, 3), elements=st.floats(0.1, 1e5)))
def test_localisation_indices_in_range(x: np.ndarray) -> None:
    m = pd.DataFrame(x, columns=["a", "b", "c"])
    h = hoover_localization(m)
    g = gini_localization(m)
    assert ((h >= -1e-12) & (h < 1)).all()
    assert ((g >= -1e-9) & (g < 1)).all()


def test_localisation_is_zero_when_sector_is_spread_like_the_reference() -> None:
    w = pd.Series([1.0, 2.0, 3.0], index=["x", "y", "z"])
    m = pd.DataFrame({"a": w * 5, "b": w * 2})
    assert np.allclose(hoover_localization(m, w), 0.0)
    assert np.allclose(gini_localization(m, w), 0.0)
    assert np.allclose(gini_localization(m, w, method="lq"), 0.0)


def test_concentration_raises_the_localisation_indices() -> None:
    w = pd.Series([1.0, 1.0, 1.0, 1.0])
    spread = pd.DataFrame({"a": [10.0, 10.0, 10.0, 10.0]})
    concentrated = pd.DataFrame({"a": [37.0, 1.0, 1.0, 1.0]})
    assert hoover_localization(concentrated, w)["a"] > hoover_localization(spread, w)["a"]
    assert gini_localization(concentrated, w)["a"] > gini_localization(spread, w)["a"]


# ------------------------------------------------------------------------------ validation


def test_bad_matrix_lists_every_problem_with_field() -> None:
    m = pd.DataFrame({"a": [1, -2, "x"], "b": [np.nan, 2, 3]}, index=["p", "q", "r"])
    with pytest.raises(ValidationError) as exc:
        location_quotient(m)
    found = {(p.file, p.row, p.field) for p in exc.value.problems}
    assert found == {("matrix", 2, "a"), ("matrix", 3, "a"), ("matrix", 1, "b")}
    assert "negative" in str(exc.value) and "not a number" in str(exc.value)


def test_reference_labels_must_match_the_sectors() -> None:
    m = pd.DataFrame({"a": [1.0], "b": [2.0]})
    with pytest.raises(ValidationError, match="no value for columns"):
        location_quotient(m, pd.Series({"a": 1.0}))
    with pytest.raises(ValidationError, match="not columns of matrix"):
        location_quotient(m, pd.Series({"a": 1.0, "b": 1.0, "c": 1.0}))


def test_mismatched_lengths_and_zero_totals() -> None:
    with pytest.raises(ValidationError) as exc:
        krugman_index([1, 2, 3], [1, 2])
    assert exc.value.problems[0].file == "b"
    with pytest.raises(ValidationError, match="sums to 0"):
        similarity_coefficient([0, 0], [1, 2])
    with pytest.raises(ValidationError, match="sums to 0"):
        location_quotient(pd.DataFrame({"a": [0.0, 1.0], "b": [0.0, 1.0]}))


def test_series_are_aligned_by_label() -> None:
    a = pd.Series({"x": 1.0, "y": 0.0})
    b = pd.Series({"y": 0.0, "x": 5.0})
    assert krugman_index(a, b) == pytest.approx(0.0)
    with pytest.raises(ValidationError, match="labels differ"):
        krugman_index(a, pd.Series({"x": 1.0, "z": 1.0}))
