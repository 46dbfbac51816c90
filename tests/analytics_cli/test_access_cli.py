"""The `lanxi access` commands on the bundled planning-level network."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app

runner = CliRunner()


def _json(*args: str) -> object:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return strict_loads(result.stdout)


def test_circle_xining_60_reaches_haidong_not_lanzhou_core() -> None:
    res = _json("access", "circle", "--center", "西宁市", "--minutes", "60", "--format", "json")
    assert isinstance(res, dict)
    reached = {r["name"]: r for r in res["reached"]}
    assert "乐都区" in reached and "平安区" in reached
    for name in ("城关区", "七里河区", "西固区", "安宁区"):
        assert name not in reached
    assert all(r["minutes"] <= 60 for r in res["reached"])
    assert all(r["minutes"] is None or r["minutes"] > 60 for r in res["not_reached"])
    assert res["scope"] == "county"
    assert "PLANNING-LEVEL" in res["network"]
    assert res["n_units"] == 39
    assert res["n_covered"] == len(res["reached"])
    assert res["share_county_units"] == round(res["n_covered"] / 39, 4)
    assert res["definition"].startswith("A county-level unit is covered")
    assert "lowest-coded" in res["centre"]["rule"]
    # no sourced populations for every unit: the share is null and the note says so
    if res["share_population"] is None:
        assert "county counts" in res["population_note"]
    kinds = {k["kind"] for k in res["shares_by_kind"]}
    assert "county_seat" in kinds


def test_circle_geojson_is_a_feature_collection(tmp_path: Path) -> None:
    out = tmp_path / "c.geojson"
    result = runner.invoke(
        app, ["access", "circle", "--center", "西宁市", "--format", "geojson", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    fc = strict_loads(out.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection"
    kinds = [f["properties"]["kind"] for f in fc["features"]]
    assert kinds.count("county") == 39
    assert kinds.count("isochrone") == 1 and kinds.count("centre") == 1
    for f in fc["features"]:
        assert f["type"] == "Feature"
        assert f["geometry"]["type"] in {"Polygon", "MultiPolygon", "Point"}
        assert f["geometry"]["coordinates"]
    le_du = next(f for f in fc["features"] if f["properties"].get("code") == "630202")
    assert le_du["properties"]["covered"] is True


def test_circle_with_user_network_says_so(tmp_path: Path) -> None:
    from lanxi.io.networks import planning_data_dir

    edges = planning_data_dir() / "lanxi_planning_edges.csv"
    nodes = planning_data_dir() / "lanxi_planning_nodes.csv"
    res = _json(
        "access",
        "circle",
        "--center",
        "兰州市",
        "--network",
        str(edges),
        "--nodes",
        str(nodes),
        "--format",
        "json",
    )
    assert res["network"].startswith("user network")
    assert "城关区" in {r["name"] for r in res["reached"]}


def test_isochrone_json_and_geojson() -> None:
    res = _json("access", "isochrone", "--center", "630102", "--minutes", "15", "--format", "json")
    assert res["scope"] == "node"
    assert res["nodes"][0]["minutes"] == 0
    assert all(n["minutes"] <= 15 for n in res["nodes"])
    fc = _json(
        "access", "isochrone", "--center", "630102", "--minutes", "15", "--format", "geojson"
    )
    assert fc["type"] == "FeatureCollection"
    assert fc["features"][0]["properties"]["kind"] == "isochrone"
    assert fc["features"][0]["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_matrix_default_county_seats_csv(tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    result = runner.invoke(app, ["access", "matrix", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM (docs/cli.md)
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("origin,origin_name,destination,destination_name,minutes,scope")
    assert len(lines) == 1 + 39 * 39


def test_matrix_named_places_symmetric_and_lanzhou_xining_about_an_hour() -> None:
    rows = _json(
        "access",
        "matrix",
        "--origins",
        "兰州市,西宁市",
        "--destinations",
        "兰州市,西宁市",
        "--format",
        "json",
    )
    t = {(r["origin"], r["destination"]): r["minutes"] for r in rows}
    assert t[("兰州市", "兰州市")] == 0
    # the same path both ways except the expected wait, paid where the train is boarded
    import pandas as pd

    from lanxi.io.networks import planning_data_dir

    edges = pd.read_csv(planning_data_dir() / "lanxi_planning_edges.csv", dtype=str)
    wait = {
        r.v: float(r.wait_min) for r in edges[edges["class"] == "access"].itertuples() if r.wait_min
    }
    diff = wait["lanzhou_west_station"] - wait["xining_station"]
    assert t[("兰州市", "西宁市")] - t[("西宁市", "兰州市")] == pytest.approx(diff, abs=0.02)
    assert 50 < t[("兰州市", "西宁市")] < 120


def test_unknown_centre_is_a_clear_error() -> None:
    result = runner.invoke(app, ["access", "circle", "--center", "北京市"])
    assert result.exit_code == 1
    assert "centre not found: 北京市" in result.output


def test_circle_map_png(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    png = tmp_path / "circle.png"
    result = runner.invoke(
        app, ["access", "circle", "--center", "西宁市", "--format", "json", "--map", str(png)]
    )
    assert result.exit_code == 0, result.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_cjk_font_detection_returns_a_name_or_none() -> None:
    pytest.importorskip("matplotlib")
    from lanxi.io.maps import cjk_font

    font = cjk_font()
    assert font is None or isinstance(font, str)


def test_user_network_with_other_node_ids_snaps_county_seats(tmp_path: Path) -> None:
    import pandas as pd

    from lanxi.io.networks import planning_data_dir

    edges = pd.read_csv(planning_data_dir() / "lanxi_planning_edges.csv", dtype=str)
    nodes = pd.read_csv(planning_data_dir() / "lanxi_planning_nodes.csv", dtype=str)
    edges["u"], edges["v"] = "n" + edges["u"], "n" + edges["v"]
    nodes["node_id"] = "n" + nodes["node_id"]
    nodes = nodes.drop(columns=["region_code", "kind"])
    edges.to_csv(tmp_path / "e.csv", index=False)
    nodes.to_csv(tmp_path / "n.csv", index=False)
    res = _json(
        "access",
        "circle",
        "--center",
        "西宁市",
        "--network",
        str(tmp_path / "e.csv"),
        "--nodes",
        str(tmp_path / "n.csv"),
        "--format",
        "json",
    )
    assert res["centre"]["nodes"] == ["n630102"]
    reached = {r["name"]: r for r in res["reached"]}
    assert "乐都区" in reached and "平安区" in reached and "城关区" not in reached
    assert all(r["snap_km"] == 0 for r in res["reached"])
    assert res["shares_by_kind"] == []  # the user network has no node kinds


def test_multi_centre_circle_covers_both_capitals() -> None:
    res = _json("access", "circle", "--center", "兰州,西宁", "--format", "json")
    assert res["centre"]["nodes"] == ["620102", "630102"]
    names = {r["name"] for r in res["reached"]}
    assert {"城关区", "城东区", "乐都区"} <= names
