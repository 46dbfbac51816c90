"""Accessibility: a snapping limit, places off the network reported, non-finite times refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.services import analytics as svc

runner = CliRunner()


def _network(tmp_path: Path, nodes: str, edges: str) -> tuple[Path, Path]:
    n = tmp_path / "nodes.csv"
    n.write_text("node_id,lon,lat\n" + nodes, encoding="utf-8")
    e = tmp_path / "edges.csv"
    e.write_text("u,v,minutes\n" + edges, encoding="utf-8")
    return e, n


def _circle(edges: Path, nodes: Path, *extra: str) -> tuple[int, str]:
    res = runner.invoke(
        app,
        [
            "access",
            "circle",
            "--center",
            "西宁市",
            "--network",
            str(edges),
            "--nodes",
            str(nodes),
            "--format",
            "json",
            *extra,
        ],
    )
    return res.exit_code, res.output


def test_a_network_elsewhere_is_refused(tmp_path: Path) -> None:
    # Helsinki: every seat of the plan is about 5,000 km from any node
    edges, nodes = _network(tmp_path, "a,24.94,60.17\nb,24.95,60.18\n", "a,b,3\n")
    code, out = _circle(edges, nodes)
    assert code == 2, out
    assert "does not cover the plan area" in out


def test_a_seat_35_km_off_is_off_the_network_not_covered_at_0_min(tmp_path: Path) -> None:
    # two nodes in central Xining (城东区 and 城中区 seats); 大通 (630121, 101.68 E 36.93 N) is
    # about 36 km from the nearer one
    edges, nodes = _network(tmp_path, "east,101.80,36.62\nmid,101.78,36.62\n", "east,mid,4\n")
    code, out = _circle(edges, nodes)
    assert code == 0, out
    res = strict_loads(out)
    off = {r["code"]: r for r in res["off_network"]}
    assert "630121" in off and off["630121"]["snap_km"] > 30
    assert res["max_snap_km"] == 5.0
    covered = {r["code"] for r in res["reached"]}
    assert "630121" not in covered
    assert {"630102", "630103"} <= covered
    datong = next(r for r in res["not_reached"] if r["code"] == "630121")
    assert datong["minutes"] is None and datong["node_id"] is None and not datong["on_network"]
    # 39 units, off-network ones counted as not covered
    assert res["n_units"] == 39 and res["n_covered"] == len(res["reached"])
    assert res["n_off_network"] == len(res["off_network"]) and res["n_off_network"] >= 30


def test_a_larger_limit_brings_datong_on(tmp_path: Path) -> None:
    edges, nodes = _network(tmp_path, "east,101.80,36.62\nmid,101.78,36.62\n", "east,mid,4\n")
    code, out = _circle(edges, nodes, "--max-snap-km", "50")
    assert code == 0, out
    res = strict_loads(out)
    assert "630121" in {r["code"] for r in res["reached"]}


def test_the_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from lanxi.settings import get_settings

    monkeypatch.setenv("LANXI_ACCESS_MAX_SNAP_KM", "50")
    get_settings.cache_clear()
    try:
        assert svc.max_snap_km() == 50.0
    finally:
        monkeypatch.delenv("LANXI_ACCESS_MAX_SNAP_KM")
        get_settings.cache_clear()


@pytest.mark.parametrize("minutes", ["inf", "nan"])
def test_minutes_must_be_finite(minutes: str) -> None:
    for cmd in ("circle", "isochrone"):
        res = runner.invoke(app, ["access", cmd, "--center", "西宁市", "--minutes", minutes])
        assert res.exit_code == 2, (cmd, res.output)
        # inf reaches the service (finite check); Click's min=0 already refuses nan
        assert "finite" in res.output or "greater than or equal to 0" in res.output


def test_check_minutes() -> None:
    assert svc.check_minutes(60) == 60.0
    with pytest.raises(ValidationError):
        svc.check_minutes(float("inf"))


@pytest.mark.parametrize(
    ("header", "row", "field"),
    [
        ("u,v,minutes", "a,b,inf", "minutes"),
        ("u,v,length_km,speed_kmh", "a,b,inf,60", "length_km"),
        ("u,v,length_km,speed_kmh", "a,b,10,inf", "speed_kmh"),
    ],
)
def test_infinite_edge_times_are_refused(tmp_path: Path, header: str, row: str, field: str) -> None:
    e = tmp_path / "e.csv"
    e.write_text(f"{header}\n{row}\nb,c,5\n" if header == "u,v,minutes" else f"{header}\n{row}\n")
    res = runner.invoke(
        app, ["access", "isochrone", "--center", "a", "--network", str(e), "--format", "json"]
    )
    assert res.exit_code == 2, res.output
    assert f"row 2, field '{field}'" in res.output and "finite" in res.output
