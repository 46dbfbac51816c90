#!/usr/bin/env python
"""Regenerate the shipped boundary layers and recompute area_km2/lon/lat of regions.csv.

Usage (from the repository root, with the ``boundaries`` extra installed):

    .venv/bin/python scripts/build_boundaries.py              # write the GeoJSON, print the diff
    .venv/bin/python scripts/build_boundaries.py --check      # write nothing, exit 1 on any diff
    .venv/bin/python scripts/build_boundaries.py --update-csv # also write the new values into
                                                              # regions.csv (other cells untouched)

The layers go to src/lanxi/data/plans/boundaries/{counties,prefectures}.geojson (WGS 84 lon/lat,
converted from GCJ-02 by cnmaps; see lanxi.data.boundaries).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

from lanxi.data import boundaries as bd
from lanxi.data.loader import read_csv_records
from lanxi.domain.plans import Region, RegionLevel

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "src" / "lanxi" / "data" / "plans"
REGIONS_CSV = PLANS / "regions.csv"
OUT_DIR = PLANS / "boundaries"
PLAN_AREA_KM2 = 97_500  # 001 § 前言（规划范围）: 总面积 9.75 万平方公里


def _fmt(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else repr(v)


def _csv_value(raw: str) -> float | None:
    return float(raw) if raw.strip() else None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 on any difference")
    ap.add_argument(
        "--update-csv", action="store_true", help="write area_km2/lon/lat to regions.csv"
    )
    args = ap.parse_args(argv)

    regions = read_csv_records(REGIONS_CSV, Region)
    status = 0

    # 1. the layers
    collection = bd.extract_boundaries(regions)
    for level, layer in sorted(bd.split_layers(collection).items()):
        path = OUT_DIR / bd.LAYER_FILES[level]
        text = bd.to_geojson_text(layer)
        old = path.read_text(encoding="utf-8") if path.exists() else None
        same = old is not None and json.loads(old)["features"] == layer["features"]
        print(
            f"{path.relative_to(ROOT)}: {len(layer['features'])} features, "
            f"{len(text.encode()) / 1024:.0f} KiB, {'unchanged' if same else 'CHANGED'}"
        )
        if not same:
            status = 1
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    # 2. areas and points
    measured = bd.measure_regions(regions)
    text = REGIONS_CSV.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = list(rows[0].keys())
    diffs = 0
    for row in rows:
        new = measured.get(row["code"])
        if new is None:
            continue
        for col in ("area_km2", "lon", "lat"):
            if new[col] is None:  # the agglomeration's area is the plan's figure
                continue
            old_v = _csv_value(row[col])
            if old_v != new[col]:
                diffs += 1
                print(f"  {row['code']} {row['name']} {col}: {row[col] or '∅'} -> {_fmt(new[col])}")
                row[col] = _fmt(new[col])
    print(f"regions.csv: {diffs} value(s) differ from the recomputed ones")
    if diffs:
        status = 1
        if args.update_csv and not args.check:
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
            REGIONS_CSV.write_text(buf.getvalue(), encoding="utf-8")
            print("regions.csv updated")

    # 3. the plan's total area
    total = sum(
        v["area_km2"] or 0.0
        for r in regions
        if r.level is RegionLevel.COUNTY
        for v in [measured[r.code]]
    )
    dev = (total - PLAN_AREA_KM2) / PLAN_AREA_KM2
    print(
        f"39 county-level units: {total:,.0f} km² vs the plan's {PLAN_AREA_KM2:,} km² ({dev:+.2%})"
    )
    return status if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
