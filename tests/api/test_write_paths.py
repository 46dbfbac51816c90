"""Every write path moves the one data version: the API serves the new answer without a restart.

Submissions and approvals are covered by test_answer_cache.py; here the other write paths: an
environment load (``lanxi env demo``), a network reload (``lanxi env network``, which changes
sections' target classes without touching the samples) and a plan reload (``lanxi load-plans``).
Each leaves an audit entry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.conftest import URLS, make_client

from lanxi.data.catalog import bundled_catalog
from lanxi.services import store, webdemo
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring.queries import list_audit

WATER = "/api/v1/water/monthly"
AIR = "/api/v1/air/annual"
TARGETS = "/api/v1/targets"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    u = f"sqlite:///{tmp_path_factory.mktemp('writes') / 'w.sqlite'}"
    URLS.add(u)
    webdemo.ensure_store(u)
    env_store.generate_demo(year=2025, air_days=2, url=u)
    return u


@pytest.fixture
def client(url: str, tmp_path: Path) -> Iterator[TestClient]:
    with make_client(url, tmp_path) as c:
        yield c


def _actions(url: str) -> list[str]:
    with store.session(url) as s:
        return [a["action"] for a in list_audit(s, "system:test", limit=1000)]


def test_network_reload_changes_the_water_answer_at_once(
    url: str, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    params = {"month": "2025-06", "limit": 1000}
    first = {r["section"]: r for r in client.get(WATER, params=params).json()["items"]}
    assert client.get(WATER, params=params).headers.get("x-lanxi-cache") == "hit"
    assert first["HS-OUT"]["target_class"] == 3
    # the bundled list now gives 湟水出省断面 target class Ⅰ (as an edited water_sections.csv would)
    sections = env_store.bundled_sections().copy()
    sections.loc[sections["id"] == "HS-OUT", "target_class"] = "1"
    monkeypatch.setattr(env_store, "bundled_sections", lambda: sections)
    env_store.load_network(url)  # what `lanxi env network` runs
    after = client.get(WATER, params=params)
    assert "x-lanxi-cache" not in after.headers
    row = {r["section"]: r for r in after.json()["items"]}["HS-OUT"]
    assert row["target_class"] == 1
    assert row["meets_target"] is (row["water_class"] <= 1)
    assert "load_network" in _actions(url)


def test_environment_load_changes_the_air_answer_at_once(url: str, client: TestClient) -> None:
    params = {"level": "city", "limit": 100}
    before = client.get(AIR, params=params).json()["items"]
    env_store.generate_demo(year=2025, air_days=2, seed=7, url=url)  # `lanxi env demo --seed 7`
    after = client.get(AIR, params=params)
    assert "x-lanxi-cache" not in after.headers
    assert [r["good_days"] for r in after.json()["items"]] != [r["good_days"] for r in before]
    assert "env_demo" in _actions(url)


def test_plan_reload_changes_the_targets_answer_at_once(url: str, client: TestClient) -> None:
    tid = "scheme2022.air_good_days_ratio.2025"
    params = {"indicator": "air_good_days_ratio", "kind": "target", "limit": 100}

    def value() -> float:
        items = client.get(TARGETS, params=params).json()["items"]
        return float(next(t["target_value"] for t in items if t["id"] == tid))

    assert value() == 90.0
    assert client.get(TARGETS, params=params).headers.get("x-lanxi-cache") == "hit"
    cat = bundled_catalog()
    targets = [
        t.model_copy(update={"target_value": 91.0}) if t.id == tid else t for t in cat.targets
    ]
    from lanxi.storage.load import load_plans  # the loader `lanxi load-plans` runs

    load_plans(store.engine(url), dataclasses.replace(cat, targets=targets))
    assert value() == 91.0
