"""The bundled water sections: derived coordinates are what their stated derivation gives."""

from __future__ import annotations

import re

import pytest

from lanxi.data.boundaries import geometry_of, load_boundaries
from lanxi.services.environment import store as env_store

pytest.importorskip("shapely")


def test_derived_coordinates_follow_their_stated_method() -> None:
    polys = {f["properties"]["code"]: geometry_of(f) for f in load_boundaries("county")["features"]}
    sections = env_store.bundled_sections()
    approx = sections[sections["coord_quality"] == "approximate"]
    assert len(approx) == 8
    for r in approx.to_dict("records"):
        codes = re.findall(r"\((\d{6})\)", r["coord_source"])
        if "shared boundary" in r["coord_source"]:
            a, b = codes
            point = (
                polys[a]
                .boundary.intersection(polys[b].boundary.buffer(0.003))
                .representative_point()
            )
        else:
            (a,) = codes
            point = polys[a].representative_point()
        assert float(r["lon"]) == pytest.approx(point.x, abs=1e-4), r["name"]
        assert float(r["lat"]) == pytest.approx(point.y, abs=1e-4), r["name"]


def test_sourced_coordinates_agree_with_the_border_derivation() -> None:
    # 民和桥's published coordinate lies within 2 km of the 民和/红古 border point derived for
    # 边墙村 (both on the 湟水 where it leaves Qinghai): a check of the derivation's plausibility
    s = env_store.bundled_sections().set_index("id")
    assert abs(float(s.loc["HS-MHQ", "lon"]) - float(s.loc["HS-OUT", "lon"])) < 0.02
    assert abs(float(s.loc["HS-MHQ", "lat"]) - float(s.loc["HS-OUT", "lat"])) < 0.02
