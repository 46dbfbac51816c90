"""The Xin'an River pilot numbers live in a cited data file, and the engine uses them."""

from __future__ import annotations

import pytest

from lanxi.compute.water import compensation_statement, xinanjiang_pilot_settings
from lanxi.standards import load_standard
from lanxi.standards.compensation import xinanjiang_pilot


def test_pilot_file_cells_match_the_sources() -> None:
    p = xinanjiang_pilot()
    assert p.items == ("codmn", "nh3n", "tp", "tn")
    assert p.k0 == 0.85
    assert p.weights == {"codmn": 0.25, "nh3n": 0.25, "tp": 0.25, "tn": 0.25}
    assert (p.fund_amount, p.central_fund, p.unit) == (1.0, 3.0, "亿元")
    assert (p.upstream, p.downstream) == ("安徽", "浙江")
    std = load_standard("xinanjiang_pilot")
    assert "ecns.cn" in std.source and "handmsg.com" in std.source


def test_engine_reads_the_file() -> None:
    s = xinanjiang_pilot_settings({"codmn": 2.0, "nh3n": 0.10, "tp": 0.020, "tn": 1.0})
    assert s.k0 == xinanjiang_pilot().k0 and s.threshold == 1.0
    st = compensation_statement(
        "街口", 2013, {"codmn": 1.8, "nh3n": 0.09, "tp": 0.021, "tn": 1.1}, s
    )
    assert st.p == pytest.approx(0.839375)
    assert (st.payer, st.payee, st.central_fund) == ("浙江", "安徽", 3.0)
