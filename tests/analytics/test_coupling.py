"""Coupling degree, coupling coordination degree, grade scales and entropy weights.

Sources:

* 王淑佳, 孔伟, 任亮, 治丹丹, 戴彬婷 (2021). 国内耦合协调度模型的误区及修正. 自然资源学报 36(3):
  793–810 — the normative form of C and the misuses (coefficient loss, model failure) refused here.
* 田深圳 等 (2021). 地理学报 76(4), 表1 — the D and C grade tables, re-typed below independently of
  the data file.
* Elsayed, Dawood & Karthikeyan (2017), IJETT 46(2): 60–66 — entropy weights of a 12 × 5 decision
  matrix, as reproduced in the test suite of the ``pymcdm`` package
  ([0.104991, 0.069124, 0.071373, 0.449937, 0.304575]).

The two-subsystem C/T/D example and the min–max entropy example are computed by hand (inline): no
published example with its raw data could be checked for them.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from lanxi.compute.coupling import (
    REFUSED_FORMS,
    classify,
    coupling_coordination,
    coupling_degree,
    entropy_weight,
    grade_scale,
    grades_from_data,
)
from lanxi.errors import ValidationError

levels_2d = arrays(float, st.tuples(st.integers(1, 6), st.integers(2, 5)), elements=st.floats(0, 1))

# ------------------------------------------------------------------------------ coupling degree


def test_two_subsystems_hand_computed() -> None:
    # C = 2√(0.2·0.8)/(0.2+0.8) = 2·0.4/1 = 0.8; T = 0.5; D = √0.4 = 0.632456
    out = coupling_coordination([0.2, 0.8])
    assert out.loc[0, "C"] == pytest.approx(0.8)
    assert out.loc[0, "T"] == pytest.approx(0.5)
    assert out.loc[0, "D"] == pytest.approx(math.sqrt(0.4))
    # weights α = (0.3, 0.7): T = 0.06 + 0.56 = 0.62, D = √(0.8·0.62)
    out = coupling_coordination(pd.DataFrame({"econ": [0.2], "eco": [0.8]}), weights=[0.3, 0.7])
    assert out.loc[0, "D"] == pytest.approx(math.sqrt(0.8 * 0.62))


def test_three_subsystems_is_geometric_over_arithmetic_mean() -> None:
    u = [0.1, 0.4, 0.9]
    assert coupling_degree(u) == pytest.approx(3 * (0.1 * 0.4 * 0.9) ** (1 / 3) / 1.4)


def test_squared_denominator_form_is_refused() -> None:
    """The 'coefficient loss' form is wrong; the mean form of the same idea is the normative one.

    王淑佳 et al. (2021) set out the normative C = n·(ΠU)^(1/n)/ΣU; for n = 2 it is
    2√(U1U2)/(U1+U2) = {U1U2/[(U1+U2)/2]²}^(1/2). Dropping the coefficient gives
    {U1U2/(U1+U2)²}^(1/2) = C/2, which is at most 0.5 and equals 0.5 for perfectly coupled
    subsystems (U1 = U2), where C must be 1.
    """
    for u1, u2 in [(0.3, 0.3), (0.2, 0.8), (0.05, 0.9), (1.0, 1.0)]:
        normative = coupling_degree([u1, u2])
        mean_form = math.sqrt(u1 * u2 / ((u1 + u2) / 2) ** 2)
        coefficient_lost = math.sqrt(u1 * u2 / (u1 + u2) ** 2)
        assert normative == pytest.approx(mean_form)  # the same formula, written with the mean
        assert coefficient_lost == pytest.approx(normative / 2)
        assert coefficient_lost <= 0.5
    # the known case: equal levels are perfectly coupled
    assert coupling_degree([0.3, 0.3]) == pytest.approx(1.0)
    assert math.sqrt(0.3 * 0.3 / (0.3 + 0.3) ** 2) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="refused") as exc:
        coupling_degree([0.3, 0.3], form="squared")
    assert "丢失系数" in str(exc.value) and "王淑佳" in str(exc.value)
    assert str(exc.value) == REFUSED_FORMS["squared"]


def test_pairwise_product_form_is_refused() -> None:
    def pairwise(u: list[float]) -> float:
        n = len(u)
        den = math.prod(u[i] + u[j] for i in range(n) for j in range(i + 1, n))
        return n * (math.prod(u) / den) ** (1 / n)

    assert pairwise([0.5, 0.5, 0.5]) == pytest.approx(1.5)  # > 1: not a coupling degree
    assert pairwise([0.2] * 4) != pytest.approx(pairwise([0.4] * 4))  # not scale-free
    assert coupling_degree([0.5, 0.5, 0.5]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="模型不成立"):
        coupling_degree([0.5, 0.5, 0.5], form="pairwise")
    with pytest.raises(ValueError, match="unknown form"):
        coupling_degree([0.5, 0.5], form="liao")


@settings(max_examples=80, deadline=None)
@given(levels_2d)
def test_c_t_d_lie_in_unit_interval(u: np.ndarray) -> None:
    out = coupling_coordination(pd.DataFrame(u))
    ok = out.dropna()
    assert ((ok >= 0) & (ok <= 1 + 1e-12)).all().all()
    # NaN only where a whole row is 0
    assert (out["C"].isna() == (u.sum(axis=1) == 0)).all()


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-6, 1.0), st.integers(2, 8))
def test_c_is_one_when_all_levels_are_equal(v: float, n: int) -> None:
    assert coupling_degree([v] * n) == pytest.approx(1.0)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(2, 6), elements=st.floats(0.01, 1.0)))
def test_c_is_symmetric_and_scale_free(u: np.ndarray) -> None:
    c = coupling_degree(u)
    assert coupling_degree(u[::-1]) == pytest.approx(c)
    assert coupling_degree(u * 0.5) == pytest.approx(c)


def test_frame_input_returns_labelled_series() -> None:
    df = pd.DataFrame({"U1": [0.2, 0.5], "U2": [0.8, 0.5]}, index=["兰州", "西宁"])
    c = coupling_degree(df)
    assert list(c.index) == ["兰州", "西宁"]
    assert c["西宁"] == pytest.approx(1.0)
    assert coupling_degree(pd.DataFrame({"U1": [0.0], "U2": [0.0]})).isna().all()


def test_bad_levels_and_weights_are_named() -> None:
    with pytest.raises(ValidationError) as exc:
        coupling_coordination(pd.DataFrame({"U1": [0.2, -0.1], "U2": [np.nan, 1.4]}))
    got = {(p.row, p.field) for p in exc.value.problems}
    assert got == {(2, "U1"), (1, "U2"), (2, "U2")}
    with pytest.raises(ValidationError, match="sum to 1"):
        coupling_coordination([0.2, 0.8], weights=[0.5, 0.6])
    with pytest.raises(ValidationError, match="2 values for 3"):
        coupling_coordination([0.2, 0.8, 0.5], weights=[0.5, 0.5])
    with pytest.raises(ValidationError, match="missing"):
        coupling_coordination(pd.DataFrame({"a": [0.1], "b": [0.2]}), weights={"a": 1.0})
    with pytest.raises(ValidationError, match="at least 2 subsystems"):
        coupling_degree([0.5])


# ------------------------------------------------------------------------------ grade scales

# 田深圳 et al. (2021) 地理学报 76(4) 表1, re-typed: (lower, upper] and label.
TIAN_2021_D = [
    (0.0, 0.1, "极度失调"),
    (0.1, 0.2, "严重失调"),
    (0.2, 0.3, "中度失调"),
    (0.3, 0.4, "轻度失调"),
    (0.4, 0.5, "濒临失调"),
    (0.5, 0.6, "勉强协调"),
    (0.6, 0.7, "初级协调"),
    (0.7, 0.8, "中级协调"),
    (0.8, 0.9, "良好协调"),
    (0.9, 1.0, "优质协调"),
]
TIAN_2021_C = [
    (0.0, 0.3, "低水平耦合"),
    (0.3, 0.5, "拮抗阶段"),
    (0.5, 0.8, "磨合阶段"),
    (0.8, 1.0, "高水平耦合"),
]


def test_grade_tables_match_the_published_table() -> None:
    assert [(g.lower, g.upper, g.label) for g in grade_scale("coordination_10")] == TIAN_2021_D
    assert [(g.lower, g.upper, g.label) for g in grade_scale("coupling_4")] == TIAN_2021_C
    five = grade_scale("coordination_5")
    assert [g.upper for g in five] == [0.2, 0.4, 0.6, 0.8, 1.0]
    with pytest.raises(ValueError, match="unknown scheme"):
        grade_scale("coordination_3")  # type: ignore[arg-type]


def test_classify_uses_upper_inclusive_classes() -> None:
    scale = grade_scale()
    assert classify(0.0, scale) == "极度失调"
    assert classify(0.1, scale) == "极度失调"
    assert classify(0.1000001, scale) == "严重失调"
    assert classify(0.6325, scale) == "初级协调"
    assert classify(1.0, scale) == "优质协调"
    assert classify(float("nan"), scale) is None
    d = coupling_coordination(pd.DataFrame({"a": [0.2, 0.9], "b": [0.8, 0.95]}))["D"]
    labels = classify(d, scale)
    assert list(labels) == ["初级协调", "优质协调"]
    with pytest.raises(ValidationError, match="outside the scale"):
        classify([0.5, 1.2], scale)


def test_grades_from_data_rejects_gaps() -> None:
    with pytest.raises(ValidationError) as exc:
        grades_from_data(
            [
                {"lower": 0, "upper": 0.5, "label": "a", "label_en": "a"},
                {"lower": 0.6, "upper": 1, "label": "", "label_en": "b"},
            ]
        )
    assert {p.field for p in exc.value.problems} == {"lower", "label"}


# ------------------------------------------------------------------------------ entropy weights

ELSAYED_2017 = np.array(
    [
        [7, 312, 1891, 6613, 163],
        [72, 88, 728, 941804, 1078],
        [10, 252, 2594, 3466, 117471],
        [10, 145, 980, 2371, 86329],
        [65, 54, 350, 501, 29897],
        [29, 48, 380, 912, 34051],
        [7, 476, 3300, 78470, 2212],
        [70, 87, 650, 733, 819000],
        [4, 86, 591, 3015, 103],
        [12, 79, 579, 3240, 96098],
        [21, 45, 261, 1253, 453],
        [1, 72, 530, 4333, 0.104800],
    ]
)


def test_entropy_weights_reproduce_elsayed_2017() -> None:
    res = entropy_weight(pd.DataFrame(ELSAYED_2017), standardize="none")
    expected = [0.104991, 0.069124, 0.071373, 0.449937, 0.304575]
    assert np.round(res.weights.to_numpy(), 6).tolist() == expected
    assert res.index is None


def test_entropy_minmax_hand_computed() -> None:
    # A = [1, 2, 3] → z = [0, .5, 1] → p = [0, 1/3, 2/3];
    #   e = −(1/ln 3)(⅓ln⅓ + ⅔ln⅔) = 0.579380, d = 0.420620
    # B = [1, 1, 4] → z = [0, 0, 1] → p = [0, 0, 1]; e = 0, d = 1
    # w = (0.420620, 1) / 1.420620 = (0.296082, 0.703918)
    data = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [1.0, 1.0, 4.0]})
    res = entropy_weight(data)
    e_a = -(1 / 3 * math.log(1 / 3) + 2 / 3 * math.log(2 / 3)) / math.log(3)
    assert res.entropy["A"] == pytest.approx(e_a)
    assert res.entropy["A"] == pytest.approx(0.579380, abs=1e-6)
    assert res.entropy["B"] == pytest.approx(0.0)
    assert res.weights["A"] == pytest.approx((1 - e_a) / (2 - e_a))
    assert res.weights["A"] == pytest.approx(0.296082, abs=1e-6)
    # composite index U = Σ w z
    assert res.index is not None
    assert res.index.tolist() == pytest.approx([0.0, 0.5 * res.weights["A"], 1.0])


def test_negative_indicator_is_reversed() -> None:
    data = pd.DataFrame({"gdp": [1.0, 2.0, 5.0], "pollution": [9.0, 4.0, 1.0]})
    res = entropy_weight(data, negative=["pollution"])
    assert res.standardized["pollution"].tolist() == pytest.approx([0.0, 0.625, 1.0])
    mirrored = entropy_weight(data.assign(pollution=-data["pollution"]))
    pd.testing.assert_series_equal(res.weights, mirrored.weights)


def test_shift_avoids_zero_proportions() -> None:
    data = pd.DataFrame({"A": [1.0, 2.0, 3.0], "B": [1.0, 1.0, 4.0]})
    res = entropy_weight(data, shift=0.01)
    assert 0 < res.entropy["B"] < 1  # p > 0 everywhere now
    assert res.shift == 0.01
    assert res.standardized["B"].min() == 0.0  # stored unshifted


@settings(max_examples=80, deadline=None)
@given(
    arrays(
        float, st.tuples(st.integers(2, 10), st.integers(1, 6)), elements=st.floats(-1e3, 1e3)
    ).filter(lambda x: bool((np.ptp(x, axis=0) > 1e-6).all())),
    st.sampled_from([0.0, 1e-4, 0.01]),
)
def test_entropy_weights_are_nonnegative_and_sum_to_one(x: np.ndarray, shift: float) -> None:
    res = entropy_weight(pd.DataFrame(x), shift=shift)
    assert (res.weights >= 0).all()
    assert res.weights.sum() == pytest.approx(1.0)
    assert ((res.entropy >= 0) & (res.entropy <= 1)).all()
    assert res.index is not None
    assert ((res.index >= -1e-12) & (res.index <= 1 + 1e-12)).all()


def test_entropy_validation() -> None:
    with pytest.raises(ValidationError) as exc:
        entropy_weight(pd.DataFrame({"A": [1.0, "x", 3.0], "B": [2.0, 2.0, 2.0]}))
    assert {(p.row, p.field) for p in exc.value.problems} == {(2, "A")}
    with pytest.raises(ValidationError, match="no variation"):
        entropy_weight(pd.DataFrame({"A": [1.0, 2.0], "B": [2.0, 2.0]}))
    with pytest.raises(ValidationError, match="not found"):
        entropy_weight(pd.DataFrame({"A": [1.0, 2.0]}), negative=["Z"])
    with pytest.raises(ValidationError, match="negative"):
        entropy_weight(pd.DataFrame({"A": [1.0, -2.0]}), standardize="none")
    with pytest.raises(ValidationError, match="at least 2"):
        entropy_weight(pd.DataFrame({"A": [1.0]}))
    with pytest.raises(ValueError, match="shift"):
        entropy_weight(pd.DataFrame({"A": [1.0, 2.0]}), shift=-1)
