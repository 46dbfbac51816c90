"""Worked example of the progress report and the public summary, by hand.

A store with the bundled plans and three observations of the agglomeration (LXCSQ) for 2025:
good-days ratio 92.0 % (approved), urbanization rate 66.0 % (approved), GDP growth 5.0 %
(submitted, not yet approved). Report as of 2025-12-31 for the 2022 scheme (scheme2022:
good-days ratio ≥ 90 % by 2025, urbanization ≈ 69 % by 2025, GDP growth ≥ 6 % by 2025).

Rules (``progress_methods.yaml``, Open SDG method; only approved values count): in the target
year, a target is 已达到 when the latest value reaches it — ≥ for “≥”, within the tolerance 2 %
of the target for “≈” — and 未达到 otherwise; without an approved value 数据不足.

* good-days ratio: 92.0 ≥ 90 → 已达到;
* urbanization: |66.0 − 69| / 69 = 4.3 % > 2 % → 未达到;
* GDP growth: the 5.0 % is not approved → no latest value → 数据不足 (in both reports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.reports.conftest import STAMP, _store, pdf_text, squeeze

from lanxi.reports import build_report, render
from lanxi.services import store
from lanxi.storage.models import ObservationRow

OBS = (
    ("air_good_days_ratio", 92.0, "approved"),
    ("urbanization_rate", 66.0, "approved"),
    ("gdp_growth", 5.0, "submitted"),
)


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    u = _store(tmp_path_factory.mktemp("progress") / "p.sqlite", demo=False)
    with store.session(u) as s:
        for indicator, value, status in OBS:
            s.add(
                ObservationRow(
                    indicator_id=indicator,
                    region_code="LXCSQ",
                    period="2025",
                    value=value,
                    unit="%",
                    source="worked example",
                    entered_by="test",
                    status=status,
                )
            )
        s.commit()
    yield u
    store.engine(u).dispose()


def _rows(rep) -> dict[str, dict]:  # type: ignore[no-untyped-def, type-arg]
    return {r["target_id"]: r for r in rep.table("targets").rows}


@pytest.mark.parametrize("kind", ["progress", "public"])
def test_statuses_by_hand(kind: str, url: str, tmp_path: Path) -> None:
    rep = build_report(
        kind, as_of=dt.date(2025, 12, 31), plan="scheme2022", url=url, generated_at=STAMP
    )
    rows = _rows(rep)
    air = rows["scheme2022.air_good_days_ratio.2025"]
    urb = rows["scheme2022.urbanization_rate.2025"]
    gdp = rows["scheme2022.gdp_growth.2025"]
    assert (air["latest_value"], air["status_text"]) == (92.0, "已达到")
    assert (urb["latest_value"], urb["status_text"]) == (66.0, "未达到")
    assert (air["target_value"], urb["target_value"]) == (90.0, 69.0)
    # the submitted value is not published
    assert gdp["latest_value"] is None and gdp["status_text"] == "数据不足"
    text = pdf_text(render(rep, "pdf", tmp_path / f"{kind}.pdf"))
    assert squeeze("92.00") in text and squeeze("66.00") in text
    assert "已达到" in text and "未达到" in text and "数据不足" in text
    assert "5.00" not in text  # the unapproved GDP growth appears nowhere


def test_progress_lists_the_plans_projects(url: str) -> None:
    from importlib import resources

    import yaml

    rep = build_report(
        "progress", as_of=dt.date(2025, 12, 31), plan="scheme2022", url=url, generated_at=STAMP
    )
    text = (resources.files("lanxi.data.plans") / "projects.yaml").read_text("utf-8")
    assert len(rep.table("projects").rows) == len(yaml.safe_load(text))  # every plan's projects
