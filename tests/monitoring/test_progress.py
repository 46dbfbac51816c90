"""Progress methods: the published worked example, the Open SDG bands, ≈ and rate targets."""

from __future__ import annotations

import math

import pytest

from lanxi.compute.progress import (
    STATUSES,
    Thresholds,
    assess,
    cagr,
    classify,
    method_params,
    opensdg_score,
    opensdg_trend_score,
)
from lanxi.services.monitoring.progress import params_for, progress_config, status_label

OPEN = params_for("opensdg")


def test_thresholds_come_from_the_data_file() -> None:
    cfg = progress_config()
    assert OPEN.thresholds == Thresholds(0.95, 0.6, 0.0)
    assert OPEN.score_points == (-0.6, 0.6, 1.3)
    assert OPEN.approx_tolerance == cfg["approx_tolerance"] == 0.02
    assert params_for("eurostat").window_years == 5
    assert params_for("unsd").thresholds == Thresholds(0.95, 0.10, None)
    with pytest.raises(ValueError, match="unknown progress method"):
        method_params(cfg, "nope")


def test_sdg_build_worked_example_without_target() -> None:
    """open-sdg/sdg-build tests/assets/progress-calculation: indicator 1-1-1, headline series
    2020 → 100, 2021 → 120, default configuration (direction negative, base year 2015 → the first
    year with data, 2020): CAGR = 0.2, progress value −0.2, status deterioration, score −5."""
    r = assess(
        [(2020, 100.0), (2021, 120.0)],
        target=None,
        target_year=None,
        comparison=None,
        higher_is_better=False,
        params=OPEN,
    )
    assert r.actual_rate == pytest.approx(0.2)
    assert r.ratio == pytest.approx(-0.2)
    assert (r.status, r.score) == ("deterioration", -5.0)
    assert "first approved observation" in r.notes[0]


def test_quantitative_formula_by_hand() -> None:
    # baseline 60.1 % (2020), target ≥ 62 % (2025), latest 61.0 % (2022)
    r = assess(
        [(2022, 61.0)],
        target=62,
        target_year=2025,
        comparison="ge",
        baseline=60.1,
        baseline_year=2020,
        params=OPEN,
    )
    actual = (61.0 / 60.1) ** (1 / 2) - 1
    required = (62 / 60.1) ** (1 / 5) - 1
    assert r.actual_rate == pytest.approx(actual)
    assert r.required_rate == pytest.approx(required)
    assert r.ratio == pytest.approx(actual / required)
    assert r.status == "on_track"
    assert r.expected_value == pytest.approx(60.1 * (1 + required) ** 2)
    assert r.score == pytest.approx(min(5.0, 5 * (actual / required - 0.6) / 0.7))


@pytest.mark.parametrize(
    ("latest", "status"),
    [
        (62.5, "target_met"),
        (61.0, "on_track"),
        (60.8, "needs_acceleration"),
        (60.3, "limited_progress"),
        (59.0, "deterioration"),
    ],
)
def test_open_sdg_bands(latest: float, status: str) -> None:
    r = assess(
        [(2022, latest)],
        target=62,
        target_year=2025,
        comparison="ge",
        baseline=60.1,
        baseline_year=2020,
        params=OPEN,
    )
    assert r.status == status


def test_lower_is_better_targets() -> None:
    r = assess(
        [(2020, 100.0), (2022, 90.0)], target=80, target_year=2025, comparison="le", params=OPEN
    )
    assert r.direction == -1
    assert r.status == "on_track"  # −5.1 %/yr observed vs −4.4 %/yr required
    assert (
        assess(
            [(2020, 100.0), (2022, 110.0)],
            target=80,
            target_year=2025,
            comparison="le",
            params=OPEN,
        ).status
        == "deterioration"
    )


def test_approx_target_met_within_tolerance_or_beyond_the_desired_way() -> None:
    # rule 1 (docs/monitoring.md, Status rules): ≈ 69 (urbanization, higher is better) with the
    # 2 % of progress_methods.yaml: 69 × 0.98 = 67.62 — met from 67.62 up, past it included
    kw = {
        "target": 69.0,
        "target_year": 2025,
        "comparison": "approx",
        "higher_is_better": True,
        "params": OPEN,
    }
    assert assess([(2020, 60.0), (2024, 67.7)], **kw).status == "target_met"  # within 2 %
    assert assess([(2020, 60.0), (2024, 71.0)], **kw).status == "target_met"  # beyond, upwards
    near = assess([(2020, 60.0), (2024, 67.5)], **kw)  # 0.12 short of the tolerance band
    assert near.status != "target_met" and any("≈" in n for n in near.notes)
    assert near.shortfall == pytest.approx(1.5)


@pytest.mark.parametrize(
    ("value", "higher", "status", "shortfall"),
    [
        # higher is better, ≈ 6 ± 2 % → the band is 5.88 … 6.12
        (5.89, True, "target_met", 0.11),  # just inside, below the target
        (5.87, True, "target_missed", 0.13),  # just outside, below: a shortfall
        (6.18, True, "target_met", -0.18),  # the GDP case: beyond it, met
        (9.00, True, "target_met", -3.00),  # far above
        # lower is better (e.g. a ratio to be brought down to ≈ 6): mirror image
        (6.11, False, "target_met", 0.11),  # just inside, above the target (short, tolerated)
        (6.13, False, "target_missed", 0.13),  # just outside, above: a shortfall
        (5.82, False, "target_met", -0.18),  # below it: beyond in the desired direction
        (3.00, False, "target_met", -3.00),  # far below
    ],
)
def test_approx_edges_in_both_directions(
    value: float, higher: bool, status: str, shortfall: float
) -> None:
    # judged in the target year (rule 2); the shortfall is direction × (target − value), by hand
    r = assess(
        [(2021, 6.0), (2025, value)],
        target=6.0,
        target_year=2025,
        comparison="approx",
        higher_is_better=higher,
        params=OPEN,
    )
    assert r.status == status
    assert r.direction == (1 if higher else -1)
    assert r.shortfall == pytest.approx(shortfall)


def test_gdp_growth_6_18_against_approx_6_is_met() -> None:
    # the case: the mean growth rate 6.18 % exceeds "≈ 6 %" — 达到, not "尚差0.18个百分点"
    rates = [(2021, 6.0), (2022, 6.36)]  # geometric mean (1.06 × 1.0636)^(1/2) − 1 = 6.18 %
    mean = ((1.06 * 1.0636) ** 0.5 - 1) * 100
    assert mean == pytest.approx(6.18, abs=0.005)
    r = assess(
        rates,
        target=6.0,
        target_year=2022,
        comparison="approx",
        higher_is_better=True,
        rate=True,
        params=OPEN,
    )
    assert r.status == "target_met" and status_label(r.status) == "已达到"
    assert r.shortfall == pytest.approx(6.0 - mean)  # negative: beyond the target
    # a growth rate short beyond the tolerance (5.8 < 5.88) is missed
    short = assess(
        [(2021, 5.8), (2022, 5.8)],
        target=6.0,
        target_year=2022,
        comparison="approx",
        higher_is_better=True,
        rate=True,
        params=OPEN,
    )
    assert short.status == "target_missed" and short.shortfall == pytest.approx(0.2)


def test_approx_8_at_7_35_is_not_met() -> None:
    # the case: a target "≈ 8" (income growth, higher is better) shown as 已达成 at 7.35
    # (8 × 0.98 = 7.84 > 7.35)
    kw = {"target": 8.0, "comparison": "approx", "higher_is_better": True, "params": OPEN}
    before = assess([(2020, 10.0), (2023, 7.35)], target_year=2025, **kw)
    assert before.status != "target_met"
    judged = assess([(2020, 10.0), (2025, 7.35)], target_year=2025, **kw)
    assert judged.status == "target_missed"
    assert status_label(judged.status) == "未达到"
    assert assess([(2020, 10.0), (2025, 7.9)], target_year=2025, **kw).status == "target_met"


def test_approx_without_indicator_direction_takes_baseline_to_target() -> None:
    # no higher_is_better: the direction is from the baseline towards the target (10 → 8: down),
    # so 7.35 is beyond the target the desired way (met) and 8.3 short beyond 2 % (missed)
    kw = {"target": 8.0, "target_year": 2025, "comparison": "approx", "params": OPEN}
    assert assess([(2020, 10.0), (2025, 7.35)], **kw).status == "target_met"
    assert assess([(2020, 10.0), (2025, 8.3)], **kw).status == "target_missed"


def test_a_2020_target_unmet_is_missed_in_2025_never_on_track() -> None:
    # rule 2: the year has passed — judged on the value of 2020 (58 < 60), whatever came later
    kw = {"target": 60.0, "target_year": 2020, "comparison": "ge", "params": OPEN}
    r = assess([(2016, 50.0), (2020, 58.0), (2024, 59.0), (2025, 61.0)], **kw)
    assert r.status == "target_missed" and status_label(r.status) == "未达到"
    assert any("2020 has passed" in n for n in r.notes)
    # met in its year → 已达到
    assert assess([(2016, 50.0), (2020, 60.0), (2025, 59.0)], **kw).status == "target_met"
    # data stop before the target year, but the assessment date is past it: judged on the latest
    late = assess([(2016, 50.0), (2019, 59.5)], as_of=2025.5, **kw)
    assert late.status == "target_missed"
    assert any("judged on 59.5 (2019)" in n for n in late.notes)  # the latest by 2020
    # an on-course series with the target year not yet passed is still projected
    assert assess([(2016, 50.0), (2019, 59.5)], as_of=2020.5, **kw).status == "on_track"


def test_a_rate_target_whose_year_passed_is_met_or_missed() -> None:
    kw = {"target": 6.0, "target_year": 2022, "comparison": "ge", "rate": True, "params": OPEN}
    assert assess([(2021, 5.0), (2022, 5.5)], **kw).status == "target_missed"
    assert assess([(2021, 6.5), (2022, 6.0)], **kw).status == "target_met"


def test_a_target_without_data_is_insufficient_data() -> None:
    r = assess([], target=60.0, target_year=2020, comparison="ge", params=OPEN)
    assert r.status == "insufficient_data" and status_label(r.status) == "数据不足"


def test_every_surface_uses_the_same_status_words() -> None:
    # one table (progress_methods.yaml); the dashboard's fallback words and the reports'
    # catalogue repeat it exactly
    from lanxi.reports.i18n import t
    from lanxi.web.i18n import catalogue

    for status in STATUSES:
        zh, en = status_label(status, "zh"), status_label(status, "en")
        assert catalogue("zh")[f"status_{status}"] == zh == t(f"status.{status}", "zh")
        assert catalogue("en")[f"status_{status}"] == en == t(f"status.{status}", "en")


def test_rate_targets_compare_the_mean_rate() -> None:
    rates = [(2021, 5.0), (2022, 6.0), (2023, 7.0)]
    r = assess(rates, target=6.0, target_year=2025, comparison="approx", rate=True, params=OPEN)
    mean = (math.prod(1 + x / 100 for _, x in rates) ** (1 / 3) - 1) * 100
    assert r.actual_rate == pytest.approx(mean)
    assert r.status == "on_track"  # at the target (±2 %) but before the target year
    done = assess(
        [*rates, (2024, 6.0), (2025, 6.0)],
        target=6.0,
        target_year=2025,
        comparison="approx",
        rate=True,
        params=OPEN,
    )
    assert done.status == "target_met"
    slow = assess(
        [(2021, 4.0), (2022, 4.2)],
        target=6.0,
        target_year=2025,
        comparison="ge",
        rate=True,
        params=OPEN,
    )
    assert slow.status == "needs_acceleration" and slow.ratio == pytest.approx(slow.actual_rate / 6)


def test_eurostat_uses_the_last_five_years() -> None:
    series = [(2010, 50.0), (2015, 50.0), (2016, 51.0), (2020, 55.0)]
    e = assess(series, target=60, target_year=2025, comparison="ge", params=params_for("eurostat"))
    o = assess(series, target=60, target_year=2025, comparison="ge", params=OPEN)
    assert e.baseline_year == 2015 and o.baseline_year == 2010
    assert e.ratio == pytest.approx(cagr(50, 55, 2015, 2020) / cagr(50, 60, 2015, 2025))
    assert e.label == "Significant progress towards the target"


def test_unsd_anticipated_progress() -> None:
    u = assess(
        [(2020, 50.0), (2022, 52.0)],
        target=60,
        target_year=2030,
        comparison="ge",
        params=params_for("unsd"),
    )
    g = cagr(50, 52, 2020, 2022)
    expected = 52 * (1 + g) ** 8
    assert u.ratio == pytest.approx((expected - 50) / 10)
    assert u.status == classify(u.ratio, Thresholds(0.95, 0.10))


def test_insufficient_data_and_edge_cases() -> None:
    assert assess([], target=1, target_year=2025, params=OPEN).status == "insufficient_data"
    one = assess([(2023, 5.0)], target=10, target_year=2025, params=OPEN)
    assert one.status == "insufficient_data"
    signs = assess([(2020, -1.0), (2022, 2.0)], target=10, target_year=2025, params=OPEN)
    assert signs.status == "insufficient_data"


def test_scores_follow_sdg_build() -> None:
    pts = (-0.6, 0.6, 1.3)
    for r, s in [(1.3, 5.0), (2.0, 5.0), (0.95, 2.5), (0.6, 0.0), (0.0, -2.5), (-0.6, -5.0)]:
        assert opensdg_score(r, pts) == pytest.approx(s, abs=1e-3)
        assert opensdg_score(r, pts) == pytest.approx(
            min(7.1429 * r - 4.2857, 5) if r >= 0.6 else max(4.1667 * r - 2.5, -5), abs=1e-3
        )
    th = Thresholds(0.015, 0.005, 0.0)
    assert opensdg_trend_score(0.02, th) == pytest.approx(5.0)
    assert opensdg_trend_score(-0.02, th) == pytest.approx(-5.0)
    assert opensdg_trend_score(0.0, th) == pytest.approx(-2.5)


def test_only_approved_values_count(store, write_csv) -> None:  # type: ignore[no-untyped-def]
    """Qinghai's urbanization target of the sample plan: 60.1 % (2020) → ≥ 62 % (2025)."""
    from lanxi.services.monitoring.progress import progress_records
    from lanxi.services.monitoring.submit import submit_file
    from lanxi.services.monitoring.workflow import transition

    def qinghai() -> dict[str, object]:
        with store() as s:
            (rec,) = [r for r in progress_records(s) if r["region_code"] == "630000"]
        return rec

    with store() as s, s.begin():
        first = submit_file(s, write_csv("urbanization_rate,630000,2022,61.0,%,公报,"), "admin")
    assert (qinghai()["latest_value"], qinghai()["status"]) == (None, "insufficient_data")
    with store() as s, s.begin():
        transition(s, first.batch_id, "approve", "office2")
    with store() as s, s.begin():  # a later correction, submitted but not yet approved
        submit_file(s, write_csv("urbanization_rate,630000,2022,59.0,%,公报,"), "admin")
    rec = qinghai()
    assert (rec["latest_value"], rec["latest_period"], rec["baseline_source"]) == (
        61.0,
        "2022",
        "plan",
    )
    assert rec["status"] == "on_track"  # R = 1.195, as in test_quantitative_formula_by_hand
    assert rec["ratio"] == pytest.approx(((61 / 60.1) ** 0.5 - 1) / ((62 / 60.1) ** 0.2 - 1))


def test_sdg_build_worked_example_with_a_target() -> None:
    """open-sdg/sdg-build tests/assets/progress-calculation: indicator 3-3-3 (headline series
    2010–2019), configured ``direction: negative, target: 0``; sdg-build's defaults put the base
    year at 2015 (1.55) and the target year at 2030, and replace the target 0 by 0.001.
    Methodology 2: CAGR_o = (1.82 / 1.55)^(1/4) − 1 = 4.096 %, CAGR_r = (0.001 / 1.55)^(1/15) − 1
    = −38.72 %, ratio −0.1058: negative progress (Open SDG: deterioration)."""
    headline = {2016: 1.69, 2017: 1.65, 2018: 1.62, 2019: 1.82}
    r = assess(
        list(headline.items()),
        target=0,
        target_year=2030,
        comparison="le",
        baseline=1.55,
        baseline_year=2015,
        params=OPEN,
    )
    assert r.actual_rate == pytest.approx((1.82 / 1.55) ** (1 / 4) - 1)
    assert r.actual_rate == pytest.approx(0.04096, abs=1e-5)
    assert r.required_rate == pytest.approx((0.001 / 1.55) ** (1 / 15) - 1)
    assert r.required_rate == pytest.approx(-0.38721, abs=1e-5)
    assert r.ratio == pytest.approx(-0.1058, abs=1e-4)
    assert r.status == "deterioration"
    assert r.score == pytest.approx(4.1667 * r.ratio - 2.5, abs=1e-3)  # −2.94, sdg-build's line
