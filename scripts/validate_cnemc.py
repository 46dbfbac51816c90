"""Compare Lanxi's real-time AQI with what CNEMC published (two national snapshots).

Reads the snapshots ``*.geojson`` or ``*.geojson.gz`` of a folder — by default
``../shared/validation/cnemc-aqi`` beside the repository, else the copies vendored in
``tests/fixtures/cnemc-aqi`` — (missing values are the string "-;"), computes
the real-time AQI with :func:`lanxi.compute.air.compute_aqi` (HJ 633-2012) and compares AQI,
category and primary pollutant with the published ``aqi``, ``quality`` and ``primarypollutant``.

Usage::

    .venv/bin/python scripts/validate_cnemc.py [DIR]

Prints agreement rates per snapshot and overall, and a table of the disagreements by cause.
The functions are imported by tests/air/test_cnemc_validation.py.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from lanxi.compute.air import compute_aqi

REPO = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO.parent / "shared" / "validation" / "cnemc-aqi"
VENDORED_DIR = REPO / "tests" / "fixtures" / "cnemc-aqi"
DEFAULT_DIR = SHARED_DIR if SHARED_DIR.is_dir() else VENDORED_DIR
MISSING = "-;"
FIELDS = (
    "so2", "so2_24h", "no2", "co", "o3", "o3_24h", "o3_8h", "o3_8h_24h",
    "pm10", "pm10_24h", "pm2_5", "pm2_5_24h",
)  # fmt: skip
PRIMARY_NAMES = {
    "二氧化硫": "SO2",
    "二氧化氮": "NO2",
    "一氧化碳": "CO",
    "臭氧1小时": "O3_1h",
    "臭氧8小时": "O3_8h",
    "颗粒物(PM10)": "PM10",
    "细颗粒物(PM2.5)": "PM2.5",
}
AGGLOMERATION = ("兰州市", "西宁市", "白银市", "定西市", "临夏州", "海东地区")


def load_snapshot(path: Path) -> pd.DataFrame:
    """One geojson snapshot as a frame: concentrations as floats ("-;" → NaN), published fields."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    features = json.loads(raw.decode("utf-8"))["features"]
    stem = path.name.removesuffix(".gz").removesuffix(".geojson")
    rows = []
    for f in features:
        p = f["properties"]
        row = {
            "snapshot": stem,
            "station": p["stationcode"],
            "name": p["positionname"],
            "area": p["area"],
            "time": p["timepoint"],
            "pub_aqi": p["aqi"],
            "pub_quality": p["quality"],
            "pub_primary": p["primarypollutant"],
        }
        row.update({k: p.get(k, MISSING) for k in FIELDS})
        rows.append(row)
    df = pd.DataFrame(rows)
    for k in (*FIELDS, "pub_aqi"):
        df[k] = pd.to_numeric(df[k].replace(MISSING, np.nan))
    df["pub_quality"] = df["pub_quality"].replace(MISSING, "")
    df["pub_primary"] = df["pub_primary"].map(_primary_set)
    return df


def _primary_set(text: str) -> str:
    if text in (MISSING, "", None):
        return ""
    return ";".join(sorted(PRIMARY_NAMES.get(t, t) for t in str(text).split(",")))


# What each variant feeds compute_aqi: compute_aqi column → snapshot field. In these snapshots the
# O3 fields are swapped against their names: ``o3_24h`` holds the current 1-hour O3 and ``o3`` the
# 24-hour maximum (o3 ≥ o3_24h at every station), likewise ``o3_8h_24h`` the current 8-hour moving
# average and ``o3_8h`` its 24-hour maximum.
VARIANTS: dict[str, dict[str, str]] = {
    # CNEMC's practice, found by this comparison: PM 1-hour values, O3 1-hour, no O3 8-hour.
    "cnemc": {"so2": "so2", "so2_24h": "so2_24h", "no2": "no2", "co": "co",
              "o3_1h": "o3_24h", "pm10": "pm10", "pm2_5": "pm2_5"},
    # The same, reading the O3 fields by their names.
    "cnemc_o3_by_name": {"so2": "so2", "so2_24h": "so2_24h", "no2": "no2", "co": "co",
                         "o3_1h": "o3", "pm10": "pm10", "pm2_5": "pm2_5"},
    # The same plus the O3 8-hour moving average (HJ 633-2012 表4 gives it an IAQI).
    "cnemc_plus_o3_8h": {"so2": "so2", "so2_24h": "so2_24h", "no2": "no2", "co": "co",
                         "o3_1h": "o3_24h", "o3_8h": "o3_8h_24h", "pm10": "pm10",
                         "pm2_5": "pm2_5"},
    # HJ 633-2012 5.1.3 / 表4 as written: PM 24-hour moving averages, O3 1-hour and 8-hour.
    "hj633_2012_text": {"so2": "so2", "so2_24h": "so2_24h", "no2": "no2", "co": "co",
                        "o3_1h": "o3_24h", "o3_8h": "o3_8h_24h", "pm10": "pm10_24h",
                        "pm2_5": "pm2_5_24h"},
}  # fmt: skip


def compute(df: pd.DataFrame, variant: str = "cnemc", *, edition: str = "2012") -> pd.DataFrame:
    """Real-time AQI of every station of a snapshot under one input variant."""
    cols = VARIANTS[variant]
    frame = pd.DataFrame({"station": df["station"], "time": df["time"]})
    for out, src in cols.items():
        frame[out] = df[src]
    res = compute_aqi(frame, kind="hourly", edition=edition)  # type: ignore[arg-type]
    return res


def _primary_sorted(series: pd.Series) -> pd.Series:
    return (
        series.astype("string")
        .fillna("")
        .map(lambda s: ";".join(sorted(s.split(";"))) if s else "")
    )


def compare(df: pd.DataFrame, variant: str = "cnemc") -> pd.DataFrame:
    """Published vs computed, per station with a published AQI; adds ``cause`` of disagreements."""
    res = compute(df, variant)
    out = df[
        ["snapshot", "station", "name", "area", "pub_aqi", "pub_quality", "pub_primary"]
    ].copy()
    out["aqi"] = res["aqi"].astype("Float64")
    out["category"] = res["category"].astype("string").fillna("")
    out["primary"] = _primary_sorted(res["primary_pollutant"])
    keep = out["pub_aqi"].notna()
    out = out[keep].copy()
    out["aqi_ok"] = (out["aqi"] == out["pub_aqi"]).fillna(False).astype(bool)
    out["category_ok"] = out["category"] == out["pub_quality"]
    out["primary_ok"] = out["primary"] == out["pub_primary"]
    out["cause"] = ""
    bad = ~(out["aqi_ok"] & out["category_ok"] & out["primary_ok"])
    if bad.any():
        ref = compute(df, "cnemc")[keep][bad]
        out.loc[bad, "cause"] = _causes(variant, res[keep][bad], ref, out[bad])
    return out


def _causes(variant: str, res: pd.DataFrame, ref: pd.DataFrame, cmp: pd.DataFrame) -> pd.Series:
    """Name the inputs that make a variant differ from CNEMC's practice where it matters.

    An input matters when, compared with the "cnemc" variant, its IAQI changed and it either sets
    the computed AQI or was the published leader.
    """
    cols = VARIANTS[variant]
    ref_cols = VARIANTS["cnemc"]
    pub = cmp["pub_aqi"].astype("float64").to_numpy()
    aqi = cmp["aqi"].astype("float64").to_numpy()
    nan = np.full(len(cmp), np.nan)
    labels = np.full(len(cmp), "", dtype=object)
    for p in ("so2", "no2", "co", "o3_1h", "o3_8h", "pm10", "pm2_5"):
        if p not in cols:
            continue
        mine = res[f"iaqi_{p}"].to_numpy(dtype="float64")
        theirs = ref[f"iaqi_{p}"].to_numpy(dtype="float64") if f"iaqi_{p}" in ref else nan
        changed = ~((mine == theirs) | (np.isnan(mine) & np.isnan(theirs)))
        matters = changed & ((mine == aqi) | (theirs == pub))
        how = f"{p} from field {cols[p]}" + ("" if p in ref_cols else " (added)")
        labels[matters] = [f"{a}; {how}" if a else how for a in labels[matters]]
    labels[(labels == "") & cmp["aqi_ok"].to_numpy()] = "category or primary only"
    labels[labels == ""] = "other"
    return pd.Series(labels, index=cmp.index)


def summarise(cmp: pd.DataFrame) -> pd.DataFrame:
    """Agreement rates per snapshot and overall."""
    parts = []
    for key, grp in [*cmp.groupby("snapshot"), ("overall", cmp)]:
        parts.append(
            {
                "snapshot": key,
                "stations": len(grp),
                "aqi": grp["aqi_ok"].mean(),
                "category": grp["category_ok"].mean(),
                "primary": grp["primary_ok"].mean(),
                "all_three": (grp["aqi_ok"] & grp["category_ok"] & grp["primary_ok"]).mean(),
            }
        )
    return pd.DataFrame(parts).set_index("snapshot")


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT_DIR
    snaps = pd.concat(
        [load_snapshot(p) for p in sorted(folder.glob("*.geojson*"))], ignore_index=True
    )
    n_missing = int(snaps["pub_aqi"].isna().sum())
    pd.set_option("display.width", 140)
    print(f"{len(snaps)} station records, {n_missing} without a published AQI (left out)\n")
    for variant in VARIANTS:
        cmp = compare(snaps, variant)
        print(f"== variant {variant!r}: agreement (share of stations with a published AQI)")
        print(summarise(cmp).to_string(float_format=lambda x: f"{x:.4f}"))
        bad = cmp[cmp["cause"] != ""]
        print(f"\n   disagreements by cause ({len(bad)}):")
        table = bad.groupby(["cause", "snapshot"]).size().unstack(fill_value=0)
        table["total"] = table.sum(axis=1)
        print(table.sort_values("total", ascending=False).to_string())
        print()
    print("== The same inputs under HJ 633-2026 (PM 1-hour on the new daily columns, GB/T 8170)")
    old = compute(snaps, "cnemc")["category"]
    new = compute(snaps, "cnemc", edition="2026")["category"]
    print(pd.crosstab(old.rename("HJ 633-2012"), new.rename("HJ 633-2026")).to_string())
    changed = int(((old != new) & old.notna() & new.notna()).sum())
    print(f"category changes at {changed} of {int(old.notna().sum())} stations\n")
    cmp = compare(snaps, "cnemc")
    local = cmp[cmp["area"].isin(AGGLOMERATION)]
    print("== Lanzhou–Xining agglomeration stations, variant 'cnemc'")
    cols = [
        "snapshot",
        "station",
        "area",
        "name",
        "pub_aqi",
        "aqi",
        "pub_primary",
        "primary",
        "cause",
    ]
    print(local[cols].to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
