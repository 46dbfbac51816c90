"""One region lookup: codes, full names, short names and the plans' forms select the same rows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import NotFoundError
from lanxi.reports.builders.common import region_filter
from lanxi.services import store
from lanxi.services.regions import name_stems, region_code
from lanxi.settings import get_settings

runner = CliRunner()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("临夏回族自治州", "622900"),  # full name
        ("临夏州", "622900"),  # station lists and 003 § 二(二)1
        ("临夏", "622900"),
        ("海南", "632500"),  # 001 § 第三章 第三节 writes 海南、海北、黄南
        ("海北", "632200"),
        ("黄南", "632300"),
        ("海南州", "632500"),
        ("兰州", "620100"),
        ("Lanzhou", "620100"),
        ("湟中县", "630106"),  # former name (2020)
        ("630122", "630106"),  # former code
        ("甘肃", "620000"),
        ("632500", "632500"),
    ],
)
def test_every_form_of_a_name_resolves_to_its_code(name: str, code: str) -> None:
    assert region_code(name) == code


def test_unknown_and_ambiguous_names_are_refused() -> None:
    with pytest.raises(NotFoundError, match="海西"):
        region_code("海西")  # not in the agglomeration
    assert name_stems("海南藏族自治州") == ("海南", "海南州")


@pytest.fixture(scope="module")
def cli_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("regions") / "lanxi.sqlite"
    mp = pytest.MonkeyPatch()
    mp.setenv("LANXI_DATABASE_URL", f"sqlite:///{path}")
    get_settings.cache_clear()
    store.engine.cache_clear()
    assert runner.invoke(app, ["setup"]).exit_code == 0
    yield path
    mp.undo()
    get_settings.cache_clear()
    store.engine.cache_clear()


@pytest.mark.parametrize("command", [["tasks"], ["projects"], ["progress"]])
def test_region_option_takes_the_plans_short_names(cli_db: Path, command: list[str]) -> None:
    def rows(region: str) -> list[dict]:
        res = runner.invoke(app, [*command, "--region", region, "--format", "json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    by_code = rows("632500")
    assert rows("海南") == by_code == rows("海南藏族自治州") == rows("海南州")
    if command != ["progress"]:
        assert by_code  # 海南州's tasks and projects exist


def test_report_region_filter_compares_by_code() -> None:
    recs = [{"city": "临夏州"}, {"city": "临夏回族自治州"}, {"city": "兰州市"}, {"city": "海南州"}]
    assert region_filter(recs, "临夏", ("city",)) == recs[:2]
    assert region_filter(recs, "622900", ("city",)) == recs[:2]
    assert region_filter(recs, "海南", ("city",)) == recs[3:]
