"""Class-step compensation rules (豫—鲁, 甘—宁, 青—甘) computed by hand from the reported rules.

The rules as reported (shared research compensation-agreements.md):

* 豫—鲁, first round (新华网 2021-05-10), section 刘庄: annual mean class Ⅲ → nobody pays; each
  class better → 山东 pays 河南 6,000 万元, each class worse → 河南 pays 山东 6,000 万元; change
  term: the key-pollutant index falling 1 percentage point → 山东 pays 河南 100 万元 (rising → the
  other way), capped at 4,000 万元.
* 甘—宁 (人民日报 2023-07-30), section 五佛寺: annual mean class Ⅱ → nobody pays; worse than Ⅱ →
  甘肃 pays 宁夏 5,000 万元; better (Ⅰ) → 宁夏 pays 甘肃 5,000 万元.
* 青—甘 (人民日报 2024-08-25), sections 大河家 and 边墙村: annual mean class; amounts not reported.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from lanxi.compute.water import class_step_statement
from lanxi.errors import ValidationError
from lanxi.services.environment import compensation as comp
from lanxi.standards.compensation import compensation_rule

YU_LU = compensation_rule("yu-lu-2021")
GAN_NING = compensation_rule("gan-ning-2023")
QING_GAN = compensation_rule("qing-gan-2024")


def test_rules_hold_the_reported_numbers() -> None:
    assert (YU_LU.upstream, YU_LU.downstream, YU_LU.sections) == ("河南", "山东", ("刘庄",))
    assert (YU_LU.base_class, YU_LU.amount_per_step, YU_LU.per_step) == (3, 6000.0, True)
    assert YU_LU.change_term is not None
    assert (YU_LU.change_term.amount_per_point, YU_LU.change_term.cap) == (100.0, 4000.0)
    assert (GAN_NING.base_class, GAN_NING.amount_per_step, GAN_NING.per_step) == (2, 5000.0, False)
    assert (GAN_NING.upstream, GAN_NING.downstream) == ("甘肃", "宁夏")
    # the 青—甘 amounts were not reported: none is invented
    assert QING_GAN.amount_per_step is None and QING_GAN.base_from_target
    assert set(QING_GAN.sections) == {"大河家", "边墙村"}


def test_yu_lu_one_class_better_and_index_down() -> None:
    # class Ⅱ vs base Ⅲ: 1 step better → 山东 pays 河南 1 × 6,000 = 6,000 万元;
    # index down 12.6 points → 12 whole points × 100 = 1,200 万元, also 山东 → 河南; net 7,200
    st = class_step_statement(YU_LU, "刘庄", 2021, 2, {}, base_class=3, change_points=-12.6)
    assert st.periods[0].steps == 1
    assert st.class_amount == 6000.0 and st.change_amount == 1200.0
    assert (st.payer, st.payee, st.amount, st.unit) == ("山东", "河南", 7200.0, "万元")
    assert "由山东向河南补偿7200万元" in st.summary_zh
    assert "浙江" not in st.summary_zh


def test_yu_lu_one_class_worse_change_capped() -> None:
    # class Ⅳ: 1 step worse → 河南 pays 山东 6,000; index down 45 points → 4,500 capped at 4,000
    # paid by 山东 to 河南; net 6,000 − 4,000 = 2,000 万元 from 河南 to 山东
    st = class_step_statement(YU_LU, "刘庄", 2022, 4, {}, base_class=3, change_points=-45.0)
    assert st.class_amount == -6000.0 and st.change_amount == 4000.0 and st.change_capped
    assert (st.payer, st.payee, st.amount) == ("河南", "山东", 2000.0)


def test_yu_lu_two_classes_worse_index_up() -> None:
    # class Ⅴ: 2 steps worse → 2 × 6,000 = 12,000 from 河南 to 山东; index up 3.9 points →
    # 3 × 100 = 300, also 河南 → 山东; net 12,300
    st = class_step_statement(YU_LU, "刘庄", 2022, 5, {}, base_class=3, change_points=3.9)
    assert (st.payer, st.payee, st.amount) == ("河南", "山东", 12300.0)


def test_yu_lu_without_the_index_settles_the_class_term_and_says_so() -> None:
    st = class_step_statement(YU_LU, "刘庄", 2021, 3, {}, base_class=3)
    assert (st.payer, st.payee, st.amount) == (None, None, 0.0)
    assert "双方互不补偿" in st.summary_zh and "变化项未计算" in st.summary_zh


@pytest.mark.parametrize(
    ("cls", "payer", "payee", "amount"),
    [
        (1, "宁夏", "甘肃", 5000.0),  # better than Ⅱ
        (2, None, None, 0.0),  # meets Ⅱ
        (3, "甘肃", "宁夏", 5000.0),  # worse
        (6, "甘肃", "宁夏", 5000.0),  # 劣Ⅴ: still 5,000 — the reported amount is not per class
    ],
)
def test_gan_ning(cls: int, payer: str | None, payee: str | None, amount: float) -> None:
    st = class_step_statement(GAN_NING, "五佛寺", 2024, cls, {}, base_class=2)
    assert (st.payer, st.payee, st.amount) == (payer, payee, amount)


def test_qing_gan_amount_not_set_unless_the_user_sets_it() -> None:
    st = class_step_statement(QING_GAN, "HH-OUT", 2025, 3, {}, base_class=2, section_name="大河家")
    assert st.amount is None and not st.amount_set
    assert (st.upstream, st.downstream) == ("青海", "甘肃")
    assert "应由青海向甘肃补偿" in st.summary_zh and "金额未设定" in st.summary_zh
    assert "amount is not set" in st.summary_en
    set_ = class_step_statement(
        QING_GAN, "HH-OUT", 2025, 3, {}, base_class=2, amount_per_step=1500.0
    )
    assert (set_.payer, set_.payee, set_.amount) == ("青海", "甘肃", 1500.0)


def test_qing_gan_equal_to_the_base_pays_nothing_without_an_amount() -> None:
    st = class_step_statement(QING_GAN, "HS-OUT", 2025, 3, {}, base_class=3)
    assert (st.payer, st.payee, st.amount) == (None, None, 0.0) and st.amount_set
    assert "双方互不补偿" in st.summary_zh


def test_monthly_compliance_sums_the_months() -> None:
    rule = compensation_rule("yu-lu-2023")  # monthly; amount not reported
    months = {"2024-01": 2, "2024-02": 3, "2024-03": 4, "2024-04": 2}
    st = class_step_statement(rule, "刘庄", 2024, 3, months, base_class=3, amount_per_step=100.0)
    # +1, 0, −1, +1 → net +1 step × 100: 山东 pays 河南 100; the year row does not count
    assert [p.counts for p in st.periods] == [False, True, True, True, True]
    assert (st.payer, st.payee, st.amount) == ("山东", "河南", 100.0)


def _samples(section: str, values: dict[str, float]) -> pd.DataFrame:
    times = pd.date_range("2024-01-01", periods=12, freq="MS") + pd.Timedelta(days=14)
    return pd.DataFrame(
        [
            {"section": section, "waterbody": "river", "time": t.strftime("%Y-%m-%d"), **values}
            for t in times
        ]
    )


def test_service_gan_ning_from_samples() -> None:
    # every month: DO 8.0 (Ⅰ ≥ 7.5), CODMn 1.5 (Ⅰ ≤ 2), NH3-N 0.1 (Ⅰ ≤ 0.15), TP 0.015 (Ⅰ ≤ 0.02)
    df = _samples("五佛寺", {"do": 8.0, "codmn": 1.5, "nh3n": 0.1, "tp": 0.015})
    st = comp.water_compensation(df, "五佛寺", 2024)
    assert st.periods[0].water_class == 1  # type: ignore[union-attr]
    assert (st.payer, st.payee, st.amount) == ("宁夏", "甘肃", 5000.0)
    frame = comp.statement_frame(st)
    assert list(frame["period"])[:2] == ["2024", "2024-01"] and frame["period"].iloc[-1] == "total"


def test_service_qing_gan_uses_the_target_as_base_and_sets_no_amount() -> None:
    # NH3-N 0.6 is Ⅲ (0.5 < 0.6 ≤ 1.0); 大河家's target is Ⅱ (the plan) → one class worse
    df = _samples("HH-OUT", {"do": 8.0, "codmn": 1.5, "nh3n": 0.6, "tp": 0.015})
    st = comp.water_compensation(df, "HH-OUT", 2025 - 1)
    assert st.base_class == 2 and st.periods[0].steps == -1  # type: ignore[union-attr]
    assert st.amount is None and "金额未设定" in st.summary_zh
    assert "浙江" not in st.summary_zh and "安徽" not in st.summary_zh


def test_section_without_a_rule_is_refused_in_both_languages() -> None:
    df = _samples("HH-XCQ", {"do": 8.0, "codmn": 1.5, "nh3n": 0.1, "tp": 0.015})
    with pytest.raises(ValidationError) as err:
        comp.water_compensation(df, "HH-XCQ", 2024)
    (p,) = err.value.problems
    assert "no compensation rule names section '新城桥'" in p.message
    assert p.message_zh is not None and "不出具结算单" in p.message_zh


def test_rule_outside_its_term_is_refused() -> None:
    with pytest.raises(ValidationError) as err:
        comp.compensation_rule_for("五佛寺", 2030)
    assert "not in force" in err.value.problems[0].message or "in force" in str(err.value)


def test_report_for_a_section_without_a_rule_says_so(tmp_path: Path) -> None:
    from lanxi.reports import build_report

    url = f"sqlite:///{tmp_path / 'none.sqlite'}"  # never opened: the refusal comes first
    zh = build_report("compensation", period="2025", section="HH-XCQ", url=url)
    en = build_report("compensation", period="2025", section="HH-XCQ", lang="en", url=url)
    assert zh.no_data and "不出具结算单" in zh.sections[0].paragraphs[0]
    assert en.no_data and "no compensation rule names section" in en.sections[0].paragraphs[0]
    assert not (tmp_path / "none.sqlite").exists()
