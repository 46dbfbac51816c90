"""Where the PyPI packages aqi-hub and python-aqi disagree with Lanxi, and who is right.

Found by benchmarks/bench_air.py on a 20,000-row sample; each case below is settled by the text
of the standard. The packages belong in a ``bench`` extra; without them these tests are skipped.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lanxi.compute.air import compute_aqi, iaqi


class TestAqiHub:
    """aqi-hub 0.3.x implements HJ 633-2026 (its README and docstrings say so)."""

    @pytest.fixture(autouse=True)
    def _hub(self) -> None:
        pytest.importorskip("aqi_hub", reason="aqi-hub not installed (pip install aqi-hub)")

    def test_concentrations_are_rounded_before_lookup(self) -> None:
        # HJ 633-2026 4.2.3: 1-hour concentrations are rounded per GB/T 8170 to integers (CO to one
        # decimal) before 式(1). PM2.5 35.4 → 35 → IAQI 50 (优). aqi-hub interpolates 35.4 → 51 (良).
        from aqi_hub.aqi_cn import cal_aqi_cn, cal_iaqi_cn

        assert cal_iaqi_cn("PM25_1H", 35.4) == 51
        assert iaqi("pm2_5", [35.4], kind="hourly", edition="2026").tolist() == [50]
        aqi, _ = cal_aqi_cn(35.4, 20, 5, 10, 0.4, 60, data_type="hourly")
        frame = pd.DataFrame(
            {"time": ["2026-03-02 10:00"], "pm2_5": [35.4], "pm10": [20.0], "so2": [5.0],
             "no2": [10.0], "co": [0.4], "o3_1h": [60.0]}
        )  # fmt: skip
        out = compute_aqi(frame)
        assert (aqi, out["aqi"].iloc[0], out["category"].iloc[0]) == (51, 50, "优")

    def test_float_noise_is_not_rounded_up(self) -> None:
        # CO 24-h 2.2 mg/m³: 50 + (100 - 50)/(4 - 2)·(2.2 - 2) = 55 exactly. In binary floating point
        # the product is 55.000000000000004, which aqi-hub's ceil turns into 56.
        from aqi_hub.aqi_cn import cal_iaqi_cn

        assert cal_iaqi_cn("CO_24H", 2.2) == 56
        assert iaqi("co", [2.2], kind="daily", edition="2026").tolist() == [55]
        assert iaqi("co", [2.2], kind="daily", edition="2012").tolist() == [55]

    def test_agrees_on_the_rules_above_800_and_the_cap(self) -> None:
        from aqi_hub.aqi_cn import cal_iaqi_cn

        assert cal_iaqi_cn("SO2_1H", 801) == 200  # 表3 note b
        assert cal_iaqi_cn("O3_8H", 801) == 300  # 表3 note c
        assert iaqi("so2", [801], kind="hourly", edition="2026").tolist() == [200]
        assert iaqi("o3_8h", [801], kind="daily", edition="2026").tolist() == [300]
        assert cal_iaqi_cn("PM25_24H", 600) == 500
        assert iaqi("pm2_5", [600], kind="daily", edition="2026").tolist() == [500]


class TestPythonAqi:
    """python-aqi's "MEP" algorithm claims the Chinese AQI; it uses the HJ 633-2012 breakpoints."""

    @pytest.fixture(autouse=True)
    def _aqi(self) -> None:
        pytest.importorskip("aqi", reason="python-aqi not installed (pip install python-aqi)")

    def test_breakpoint_segments_follow_formula_1(self) -> None:
        # HJ 633-2012 式(1): between BP_Lo = 35 (IAQI 50) and BP_Hi = 75 (IAQI 100),
        # PM2.5 40 → 50 + 50/40·5 = 56.25, rounded UP (6.2) → 57. python-aqi uses US-EPA style
        # segments (36…75 → 51…100) and rounds half-even: 51 + 49/39·4 = 56.03 → 56.
        import aqi
        from aqi.constants import ALGO_MEP, POLLUTANT_PM25

        assert int(aqi.to_iaqi(POLLUTANT_PM25, "40", algo=ALGO_MEP)) == 56
        assert int(aqi.to_iaqi(POLLUTANT_PM25, "76", algo=ALGO_MEP)) == 101
        assert iaqi("pm2_5", [40, 76], kind="daily", edition="2012").tolist() == [57, 102]

    def test_concentrations_are_not_truncated(self) -> None:
        # python-aqi truncates every concentration to an integer — CO 2.5 mg/m³ becomes 2 (IAQI 50).
        # HJ 633-2012 prints no such rule: 50 + 50/2·0.5 = 62.5 → 63.
        import aqi
        from aqi.constants import ALGO_MEP, POLLUTANT_CO_24H, POLLUTANT_PM25

        assert int(aqi.to_iaqi(POLLUTANT_CO_24H, "2.5", algo=ALGO_MEP)) == 50
        assert iaqi("co", [2.5], kind="daily", edition="2012").tolist() == [63]
        assert int(aqi.to_iaqi(POLLUTANT_PM25, "35.5", algo=ALGO_MEP)) == 50
        assert iaqi("pm2_5", [35.5], kind="daily", edition="2012").tolist() == [51]

    def test_so2_above_800_is_reported_not_an_error(self) -> None:
        # HJ 633-2012 表1 note (2): SO2 1-h above 800 µg/m³ → report the SO2 24-h IAQI.
        # python-aqi raises instead.
        import aqi
        from aqi.constants import ALGO_MEP, POLLUTANT_SO2_1H

        with pytest.raises(TypeError):
            aqi.to_iaqi(POLLUTANT_SO2_1H, "801", algo=ALGO_MEP)
        frame = pd.DataFrame({"time": ["2017-01-01 08:00"], "so2": [801.0], "so2_24h": [300.0]})
        out = compute_aqi(frame)
        # SO2 24-h 300: 100 + 50/325·150 = 123.1 → 124
        assert out["iaqi_so2"].tolist() == [124]
        assert not np.isnan(out["aqi"].astype(float).iloc[0])
