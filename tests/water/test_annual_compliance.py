"""The one annual compliance figure: section-months meeting their target (docs/water.md)."""

from __future__ import annotations

import pandas as pd
import pytest

from lanxi.services.environment import assessments as env


def _samples() -> pd.DataFrame:
    # nine Ⅲ-class sections of one city, a sample a month of 2025. Seven alternate NH3-N 1.4 (Ⅳ,
    # above Ⅲ's 1.0 of GB 3838-2002 表1) and 0.4 (Ⅱ): they fail 6 of 12 months, yet their annual
    # mean 0.9 is Ⅲ. Two sections are 0.4 (Ⅱ) every month.
    rows = []
    for k in range(9):
        for m in range(1, 13):
            nh3n = (1.4 if m % 2 else 0.4) if k < 7 else 0.4
            rows.append(
                {
                    "section": f"S{k}",
                    "time": f"2025-{m:02d}-10",
                    "waterbody": "river",
                    "target_class": 3,
                    "city": "兰州市",
                    "province": "甘肃",
                    "nh3n": nh3n,
                }
            )
    return pd.DataFrame(rows)


def test_a_city_failing_half_its_months_does_not_read_100_percent() -> None:
    out = env.water_annual(_samples(), 2025).set_index(["level", "region"])
    city = out.loc[("city", "兰州市")]
    # every annual mean meets Ⅲ (0.9 ≤ 1.0 and 0.4): the 2011 method's share is 100 % …
    assert city["sections_meeting"] == 9 and city["share_meeting"] == pytest.approx(1.0)
    # … but the published annual compliance counts section-months: 7 × 6 + 2 × 12 of 108
    assert city["annual_compliance"] == pytest.approx((7 * 6 + 2 * 12) / 108)
    # and the monthly view of any odd month: 7 of 9 sections fail
    jan = env.water_assess(_samples(), "2025-01")
    assert int((~jan["meets_target"].astype(bool)).sum()) == 7
