"""Xin'an River style compensation index P = K0 Σ k_i C_i / C0_i and the payment rule."""

from __future__ import annotations

import pytest

from lanxi.compute.water import (
    CompensationSettings,
    compensation_statement,
    xinanjiang_pilot_settings,
)
from lanxi.errors import ValidationError

C0 = {"codmn": 2.0, "nh3n": 0.10, "tp": 0.020, "tn": 1.0}
MEANS = {"codmn": 1.8, "nh3n": 0.09, "tp": 0.021, "tn": 1.1, "do": 8.0}


def test_worked_example_by_hand() -> None:
    # ratios 0.9, 0.9, 1.05, 1.1 → Σ = 3.95; P = 0.85 × 0.25 × 3.95 = 0.839375 ≤ 1
    st = compensation_statement("街口", 2013, MEANS, xinanjiang_pilot_settings(C0))
    assert st.p == pytest.approx(0.839375, abs=1e-12)
    assert st.ratios == pytest.approx({"codmn": 0.9, "nh3n": 0.9, "tp": 1.05, "tn": 1.1})
    assert sum(st.contributions.values()) == pytest.approx(st.p)
    assert st.contributions["tn"] == pytest.approx(0.85 * 0.25 * 1.1)
    assert (st.payer, st.payee, st.amount, st.unit) == ("浙江", "安徽", 1.0, "亿元")
    assert st.central_fund == 3.0
    assert "P = 0.8394" in st.summary_zh
    assert "由浙江向安徽拨付1亿元" in st.summary_zh
    assert "中央财政另拨付安徽3亿元" in st.summary_zh
    assert "浙江 pays 安徽 1 亿元" in st.summary_en


def test_worse_water_makes_upstream_pay() -> None:
    means = {"codmn": 3.0, "nh3n": 0.2, "tp": 0.03, "tn": 1.5}
    # ratios 1.5, 2.0, 1.5, 1.5 → Σ = 6.5; P = 0.85 × 0.25 × 6.5 = 1.38125 > 1
    st = compensation_statement("街口", 2014, means, xinanjiang_pilot_settings(C0))
    assert st.p == pytest.approx(1.38125)
    assert (st.payer, st.payee) == ("安徽", "浙江")


def _settings(**kw: object) -> CompensationSettings:
    base: dict[str, object] = {
        "k0": 1.0,
        "c0": C0,
        "fund_amount": 2.0,
        "upstream": "甲",
        "downstream": "乙",
        "unit": "万元",
    }
    base.update(kw)
    return CompensationSettings(**base)  # type: ignore[arg-type]


def test_threshold_boundary() -> None:
    at = compensation_statement("X", 2020, C0, _settings())
    assert at.p == 1.0
    assert (at.payer, at.payee) == ("乙", "甲")
    above = {**C0, "tp": 0.020001}
    st = compensation_statement("X", 2020, above, _settings())
    assert st.p > 1.0
    assert (st.payer, st.payee) == ("甲", "乙")
    assert st.central_fund is None
    assert "中央" not in st.summary_zh


def test_unweighted_sum_is_a_setting() -> None:
    ones = dict.fromkeys(C0, 1.0)
    st = compensation_statement("X", 2020, MEANS, _settings(k0=0.85, weights=ones))
    assert st.p == pytest.approx(0.85 * 3.95)


def test_index_rises_with_each_concentration() -> None:
    s = xinanjiang_pilot_settings(C0)
    base = compensation_statement("X", 2020, MEANS, s).p
    for item in C0:
        worse = {**MEANS, item: MEANS[item] * 1.1}
        assert compensation_statement("X", 2020, worse, s).p > base


def test_missing_and_bad_values_are_listed_together() -> None:
    with pytest.raises(ValidationError) as info:
        compensation_statement(
            "X", 2020, {"codmn": 1.0, "nh3n": -0.1}, xinanjiang_pilot_settings(C0)
        )
    assert {p.field for p in info.value.problems} == {"nh3n", "tp", "tn"}


def test_settings_are_validated() -> None:
    with pytest.raises(ValidationError) as info:
        _settings(k0=0.0, c0={"codmn": 0.0}, upstream="乙", weights={"tp": 1.0})
    fields = {p.field for p in info.value.problems}
    assert {"k0", "c0.codmn", "weights", "downstream"} <= fields
    with pytest.raises(ValidationError):
        xinanjiang_pilot_settings({"codmn": 2.0})
