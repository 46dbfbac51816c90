"""The graded water-quality warnings read the same on the CLI (JSON and table) and the API.

The fixture is the worked example of ``tests/reports/test_worked_water_warnings.py`` (four
sections, January to June of 2024 and 2025, only NH3-N varying); its module docstring gives the
hand calculation. Expected for 2025Q2 with the default thresholds (一级 from a fall of 2 classes,
二级 from 1, worse than Ⅲ; classes 1–6 = Ⅰ…劣Ⅴ):

============  ======  =====  ======  ======  ===========  =============  ======
section       level   prev.  change  month   month class  1—N月 class    target
============  ======  =====  ======  ======  ===========  =============  ======
湟水桥 HS-HSQ  1       1      kept    2025-06  Ⅲ→Ⅴ (3→5)    Ⅲ→Ⅴ (3→5)      Ⅲ
边墙村 HS-OUT  2       —      raised  2025-06  Ⅲ→劣Ⅴ (3→6)  Ⅲ→Ⅳ (3→4)      Ⅲ
大河家 HH-OUT  —       —      —       2025-06  Ⅱ→Ⅲ (2→3)    Ⅱ→Ⅲ (2→3)      Ⅱ
民和桥 HS-MHQ  —       1      lifted  2025-06  Ⅱ→Ⅱ (2→2)    Ⅱ→Ⅳ (2→4)      Ⅲ
============  ======  =====  ======  ======  ===========  =============  ======

Cities: 兰州市 一级 kept (湟水桥); 海东市 二级, 一级 the quarter before (民和桥) → down (降级).
With ``LANXI_WATER_WARNING_LEVEL1_DECLINE=3`` 湟水桥's fall of 2 is 二级 in both quarters (kept),
and 兰州市 二级.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from tests.reports.test_worked_water_warnings import fixture_samples
from typer.testing import CliRunner

from lanxi.cli.main import app

runner = CliRunner()

THRESHOLDS = {"level1_decline": 2, "level2_decline": 1, "below_class": 3}
# (scope, unit, unit_name, city, level, level_zh, previous, change, change_zh,
#  level_month, (water, last_year, cumulative, cumulative_last_year, target))
EXPECTED = [
    ("section", "HS-HSQ", "湟水桥（湟水河桥）", "兰州市", 1, "一级", 1, "kept", "继续预警",
     "2025-06", (5, 3, 5, 3, 3)),
    ("section", "HS-OUT", "边墙村", "海东市", 2, "二级", None, "raised", "发布预警",
     "2025-06", (6, 3, 4, 3, 3)),
    ("section", "HH-OUT", "大河家", "海东市", None, None, None, None, None,
     "2025-06", (3, 2, 3, 2, 2)),
    ("section", "HS-MHQ", "民和桥", "海东市", None, None, 1, "lifted", "解除预警",
     "2025-06", (2, 2, 4, 2, 3)),
    ("city", "兰州市", "兰州市", "兰州市", 1, "一级", 1, "kept", "继续预警",
     None, (None,) * 5),
    ("city", "海东市", "海东市", "海东市", 2, "二级", 1, "down", "降级",
     None, (None,) * 5),
]  # fmt: skip
CLASSES = (
    "water_class",
    "last_year_class",
    "cumulative_class",
    "cumulative_last_year_class",
    "target_class",
)


def _check(
    rows: list[dict[str, Any]], expected: list[tuple[Any, ...]], rules: dict[str, int]
) -> None:
    got = [
        (
            r["scope"],
            r["unit"],
            r["unit_name"],
            r["city"],
            r["warning_level"],
            r["warning_level_zh"],
            r["previous_level"],
            r["change"],
            r["change_zh"],
            r["level_month"],
            tuple(r[c] for c in CLASSES),
        )
        for r in rows
    ]
    assert got == expected
    for r in rows:
        assert r["period"] == "2025Q2"
        assert {k: r[k] for k in rules} == rules


@pytest.fixture
def samples_csv(tmp_path: Path) -> Path:
    path = tmp_path / "samples.csv"
    fixture_samples().to_csv(path, index=False)
    return path


def test_cli_json_gives_the_levels_by_hand(samples_csv: Path) -> None:
    res = runner.invoke(
        app, ["water", "warnings", "--quarter", "2025Q2", "--file", str(samples_csv), "--json"]
    )
    assert res.exit_code == 0, res.output
    _check(json.loads(res.stdout), EXPECTED, THRESHOLDS)


def test_cli_table_shows_levels_and_thresholds(samples_csv: Path) -> None:
    res = runner.invoke(
        app,
        ["water", "warnings", "--quarter", "2025Q2", "--file", str(samples_csv)],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    out = res.stdout
    for word in ("边墙村", "二级", "发布预警", "民和桥", "解除预警", "海东市", "降级", "Ⅲ类→劣Ⅴ类"):
        assert word in out, word
    # the rule with the thresholds in force
    assert "下降≥1个类别、劣于Ⅲ类" in out and "下降≥2个类别 → 一级" in out


def test_cli_thresholds_are_the_settings(
    samples_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lanxi.settings import get_settings

    monkeypatch.setenv("LANXI_WATER_WARNING_LEVEL1_DECLINE", "3")
    get_settings.cache_clear()
    try:
        res = runner.invoke(
            app,
            ["water", "warnings", "--quarter", "2025Q2", "--file", str(samples_csv), "--json"],
        )
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    rows = {r["unit"]: r for r in json.loads(res.stdout)}
    assert (rows["HS-HSQ"]["warning_level"], rows["HS-HSQ"]["previous_level"]) == (2, 2)
    assert rows["HS-HSQ"]["change"] == "kept"
    assert rows["兰州市"]["warning_level"] == 2
    assert rows["HS-MHQ"]["previous_level"] == 1  # a fall of 4 stays 一级
    assert {r["level1_decline"] for r in rows.values()} == {3}


def test_cli_a_month_and_a_period_without_samples(samples_csv: Path) -> None:
    res = runner.invoke(
        app, ["water", "warnings", "--month", "2025-05", "--file", str(samples_csv), "--json"]
    )
    assert res.exit_code == 0, res.output
    rows = {r["unit"]: r for r in json.loads(res.stdout)}
    # May against April: 边墙村 first 二级 in May (see the hand calculation)
    assert (rows["HS-OUT"]["warning_level"], rows["HS-OUT"]["change"]) == (2, "raised")
    res = runner.invoke(
        app, ["water", "warnings", "--quarter", "2030Q1", "--file", str(samples_csv)]
    )
    assert res.exit_code == 2 and "no samples in 2030Q1" in res.stderr


@pytest.fixture
def fixture_store(tmp_path: Path) -> Iterator[str]:
    """A store holding the fixture's samples, with the fixture's target classes."""
    from lanxi.services import store
    from lanxi.services.sheet_import import WaterImport, store_water
    from lanxi.storage.env_models import WaterSectionRow

    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    store.init_database(url)
    store_water(WaterImport(samples=fixture_samples(), info=None), url)  # type: ignore[arg-type]
    # the bundled list has no published target for 民和桥 and 湟水桥: the fixture's Ⅲ
    with store.session(url) as s:
        s.execute(
            update(WaterSectionRow)
            .where(WaterSectionRow.id.in_(["HS-MHQ", "HS-HSQ"]))
            .values(target_class=3)
        )
    yield url
    store.engine(url).dispose()


def test_api_json_and_cli_on_the_store_give_the_same_levels(
    fixture_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lanxi.api import create_app
    from lanxi.settings import Settings, get_settings

    settings = Settings(database_url=fixture_store, home=tmp_path, env="test")
    with TestClient(create_app(settings), base_url="http://testserver") as c:
        body = c.get("/api/v1/water/warnings", params={"quarter": "2025Q2"}).json()
        default = c.get("/api/v1/water/warnings").json()  # the latest quarter: 2025Q2
        bad = c.get("/api/v1/water/warnings", params={"quarter": "2025Q5"})
    assert body["total"] == 6
    _check(body["items"], EXPECTED, THRESHOLDS)
    assert default["items"] == body["items"]
    assert bad.status_code == 422
    monkeypatch.setenv("LANXI_DATABASE_URL", fixture_store)
    monkeypatch.setenv("LANXI_HOME", str(tmp_path))
    get_settings.cache_clear()
    try:
        res = runner.invoke(app, ["water", "warnings", "--quarter", "2025Q2", "--json"])
    finally:
        get_settings.cache_clear()
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == body["items"]
