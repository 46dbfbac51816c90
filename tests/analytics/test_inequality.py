"""Theil (both labelled forms, with decomposition), coefficient of variation, Williamson, Gini.

Published values reproduced: PySAL ``inequality`` (Rey & Sastre-Gutiérrez 2010 data, the 32 Mexican
states' GDP per capita 1940–2000, partitioned by the ``hanson98`` regions):

* ``Theil(y).T`` (``inequality/tests/test_theil.py`` and the class docstring);
* ``TheilD(y, regimes).bg`` and ``.wg`` (test and docstring);
* ``TheilD([0,0,0,10,10,10], [0,0,0,1,1,1])``: T = bg = ln 2, wg = 0 (test);
* ``Gini(y[:, 0]).g`` = 0.35372371173452849 (``inequality/tests/test_gini.py``) and the
  Gini of every decade printed in PySAL's Gini notebook.

The data table below is ``libpysal/examples/mexico/mexico.csv`` (libpysal, BSD-3-Clause), columns
State, pcgdp1940 … pcgdp2000, hanson98. The population-weighted Theil, the CV and Williamson's
index have no published example with data that could be checked here; their examples are computed
by hand (inline), and the weighted Theil is tied to PySAL through its equal-population case.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lanxi.compute.inequality import (
    coefficient_of_variation,
    gini,
    theil,
    theil_population,
    williamson,
)
from lanxi.errors import ValidationError

MEXICO_CSV = """State,pcgdp1940,pcgdp1950,pcgdp1960,pcgdp1970,pcgdp1980,pcgdp1990,pcgdp2000,hanson98
Aguascalientes,10384,6234,8714,16078,21022,20787,27782,2
Baja California,22361,20977,17865,25321,29283,26839,29855,1
Baja California Sur,9573,16013,16707,24384,29038,25842,26103,2
Campeche,3758,4929,5925,10274,12166,51123,36163,5
Chiapas,2934,4138,5280,7015,16200,8637,8684,5
Chihuahua,8578,13997,16265,19178,23399,25332,30735,1
Coahuila,8537,9673,12318,20562,25688,26084,28460,1
Colima,6909,6049,6036,12551,17427,18313,21358,3
Distrito Federal,17816,17119,23174,32386,42028,43810,54349,4
Durango,12132,8859,9323,12700,16726,17353,17379,2
Guanajuato,4359,5686,8209,11635,13864,13607,15585,3
Guerrero,2181,3629,4991,6497,8727,9084,11820,5
Hidalgo,4414,5194,6399,7767,12391,13091,12348,3
Jalisco,5309,8232,9953,16288,20659,20133,21610,3
Mexico,3408,4972,9053,17164,20165,18547,16322,4
Michoacan,3327,5272,5244,8109,11206,10980,11838,3
Morelos,6936,8962,10499,13892,16513,17701,18170,3
Nayarit,4836,7515,7621,10880,13354,12757,11478,2
Nuevo Leon,9073,11490,20117,28206,34856,34726,38672,1
Oaxaca,1892,4538,4140,5230,7730,8465,9010,5
Puebla,3569,6415,6542,9775,13374,11895,15685,3
Quertaro,11016,5560,7110,14073,20088,22441,26149,3
Quintana Roo,21965,28747,9677,17046,26695,25049,33442,5
San Luis Potosi,4372,7533,6440,9721,12691,15436,15866,2
Sinaloa,4840,6663,9613,14477,15312,15823,15242,2
Sonora,6399,10345,12134,22662,23181,24784,24068,1
Tabasco,2459,3857,6494,9367,42361,16055,13360,5
Tamaulipas,7508,8536,8383,17128,21937,19983,23546,1
Tlaxcala,3605,4178,4357,6245,9882,10339,11701,3
Veracruz,5203,10143,11404,12240,14252,13796,12191,3
Yucatan,7990,8428,10067,11665,15239,13979,17509,5
Zacatecas,3734,6435,5821,7426,8876,11656,11130,2
"""
MEXICO = pd.read_csv(io.StringIO(MEXICO_CSV))
DECADES = [f"pcgdp{d}" for d in range(1940, 2010, 10)]

PYSAL_THEIL_T = [0.20894344, 0.15222451, 0.10472941, 0.10194725, 0.09560113, 0.10511256, 0.10660832]
PYSAL_THEIL_BG = [0.0345889, 0.02816853, 0.05260921, 0.05931219, 0.03205257, 0.02963731, 0.03635872]
PYSAL_THEIL_WG = [0.17435454, 0.12405598, 0.0521202, 0.04263506, 0.06354856, 0.07547525, 0.0702496]
PYSAL_GINI = [
    0.3537237117345285,
    0.29644613439022827,
    0.2537183285655905,
    0.25513356494927303,
    0.24505338049421577,
    0.25181825879538217,
    0.2581130824882791,
]


def test_mexico_data_is_complete() -> None:
    assert MEXICO.shape == (32, 9)
    assert MEXICO["pcgdp1940"].sum() == 231377  # checksum of the transcription


@pytest.mark.parametrize("k", range(7))
def test_unweighted_theil_reproduces_pysal(k: int) -> None:
    y = MEXICO[DECADES[k]].to_numpy(float)
    r = theil(y, groups=MEXICO["hanson98"].to_numpy())
    assert r.form == "unweighted"
    assert r.total == pytest.approx(PYSAL_THEIL_T[k], abs=5e-9)
    assert r.between == pytest.approx(PYSAL_THEIL_BG[k], abs=5e-9)
    assert r.within == pytest.approx(PYSAL_THEIL_WG[k], abs=5e-9)
    assert theil(y).total == pytest.approx(PYSAL_THEIL_T[k], abs=5e-9)


def test_theil_toy_decomposition_reproduces_pysal() -> None:
    r = theil([0, 0, 0, 10, 10, 10], groups=[0, 0, 0, 1, 1, 1])
    assert r.total == pytest.approx(math.log(2))
    assert r.between == pytest.approx(math.log(2))
    assert r.within == pytest.approx(0.0)


@pytest.mark.parametrize("k", range(7))
def test_gini_reproduces_pysal(k: int) -> None:
    assert gini(MEXICO[DECADES[k]]) == pytest.approx(PYSAL_GINI[k], abs=1e-12)


def test_population_weighted_theil_with_equal_populations_is_pysal_theil() -> None:
    y = MEXICO["pcgdp1940"].to_numpy(float)
    r = theil_population(y, np.full(32, 7.0), groups=MEXICO["hanson98"].to_numpy())
    assert r.form == "population_weighted"
    assert r.total == pytest.approx(PYSAL_THEIL_T[0], abs=5e-9)
    assert r.between == pytest.approx(PYSAL_THEIL_BG[0], abs=5e-9)


def test_population_weighted_theil_hand_computed() -> None:
    # Y = (1, 3), P = (1, 1): T = .25·ln(.25/.5) + .75·ln(.75/.5) = 0.130812
    r = theil_population([1.0, 3.0], [1.0, 1.0])
    assert r.total == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5))
    assert r.total == pytest.approx(0.130812, abs=1e-6)
    # equal income per head everywhere → 0, whatever the population sizes
    assert theil_population([10.0, 30.0, 5.0], [1.0, 3.0, 0.5]).total == pytest.approx(0.0)


def test_population_weighted_decomposition_hand_computed() -> None:
    # Groups A = {1, 2}, B = {3}: Y = (2, 2, 4), P = (1, 3, 4)
    y, p = [2.0, 2.0, 4.0], [1.0, 3.0, 4.0]
    r = theil_population(y, p, groups=["A", "A", "B"])
    between = 0.5 * math.log(0.5 / 0.5) + 0.5 * math.log(0.5 / 0.5)  # both groups 1/2 and 1/2
    t_a = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    assert r.between == pytest.approx(between)
    assert r.within == pytest.approx(0.5 * t_a)
    assert r.groups is not None
    assert r.groups.loc["A", "theil"] == pytest.approx(t_a)
    assert r.total == pytest.approx(theil_population(y, p).total)


def test_the_two_theil_forms_are_labelled_and_differ() -> None:
    income = pd.Series({"兰州": 3300.0, "西宁": 1500.0, "海东": 500.0})
    pop = pd.Series({"西宁": 250.0, "兰州": 440.0, "海东": 135.0})
    w = theil_population(income, pop)
    u = theil(income / pop.reindex(income.index))
    assert w.form == "population_weighted" and u.form == "unweighted"
    assert "P_i/P" in w.formula and "PySAL" in u.formula
    assert w.total != pytest.approx(u.total)


group_data = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        arrays(float, n, elements=st.floats(0.0, 1e5)).filter(lambda a: a.sum() > 0),
        arrays(float, n, elements=st.floats(0.1, 1e4)),
        st.lists(st.sampled_from("abc"), min_size=n, max_size=n),
    )
)


@settings(max_examples=80, deadline=None)
@given(group_data)
def test_between_plus_within_is_total(data: tuple[np.ndarray, np.ndarray, list[str]]) -> None:
    y, p, g = data
    for r, plain in (
        (theil_population(y, p, groups=g), theil_population(y, p)),
        (theil(y, groups=g), theil(y)),
    ):
        assert r.between is not None and r.within is not None
        assert r.between + r.within == pytest.approx(r.total, abs=1e-12)
        assert r.total == pytest.approx(plain.total, rel=1e-9, abs=1e-12)
        assert r.between >= -1e-12 and r.within >= -1e-12


def test_cv_and_williamson_hand_computed() -> None:
    # [1, 2, 3]: σ = √(2/3) = 0.816497, mean 2 → 0.408248; sample form s = 1 → 0.5
    assert coefficient_of_variation([1, 2, 3]) == pytest.approx(math.sqrt(2 / 3) / 2)
    assert coefficient_of_variation([1, 2, 3], ddof=1) == pytest.approx(0.5)
    # y = (1, 3), P = (3, 1): ȳ = 1.5, Σ(y−ȳ)²P/P = (.25·3 + 2.25·1)/4 = .75 → √.75/1.5 = 0.577350
    assert williamson([1.0, 3.0], [3.0, 1.0]) == pytest.approx(math.sqrt(0.75) / 1.5)
    # equal populations: Williamson = CV (population form)
    y = MEXICO["pcgdp1940"]
    assert williamson(y, np.ones(32)) == pytest.approx(coefficient_of_variation(y))


def test_weighted_gini_equals_gini_of_repeated_values() -> None:
    y, w = [1.0, 4.0, 2.0], [3, 1, 2]
    repeated = [1.0] * 3 + [4.0] + [2.0] * 2
    assert gini(y, weights=w) == pytest.approx(gini(repeated))
    assert gini([5.0, 5.0, 5.0]) == 0.0


def test_bad_inputs_are_named() -> None:
    with pytest.raises(ValidationError) as exc:
        theil_population(pd.Series({"a": -1.0, "b": np.nan}), pd.Series({"a": 1.0, "b": 0.0}))
    found = {(p.file, p.field) for p in exc.value.problems}
    assert found == {("income", "a"), ("income", "b"), ("population", "b")}
    with pytest.raises(ValidationError, match="has 2 values, income has 3"):
        theil_population([1.0, 2.0, 3.0], [1.0, 2.0])
    with pytest.raises(ValidationError, match="labels differ"):
        williamson(pd.Series({"a": 1.0}), pd.Series({"b": 1.0}))
    with pytest.raises(ValidationError, match="sums to 0"):
        theil([0.0, 0.0])
    with pytest.raises(ValidationError, match="3 labels for 2 values"):
        theil([1.0, 2.0], groups=["a", "b", "c"])
    with pytest.raises(ValidationError, match="not a number"):
        gini(["x", 1.0])
