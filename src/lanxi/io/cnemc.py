"""Readers of CNEMC's hourly national release files, as agencies and researchers pass them around.

Two layouts, recognised by their header, in a folder or a ``.zip`` / ``.tar(.gz|.bz2|.xz)``
archive (members may sit in sub-folders):

**National release** (one CSV per hour, all national stations; e.g. GitHub ``HeQinWill/CNEMC``,
``Archive/YYYY-MM-DD/YYYY-MM-DDTHH.csv``)::

    timepoint, stationcode, longitude, latitude, area, positionname, primarypollutant, aqi,
    pm10, pm10_24h, pm2_5, pm2_5_24h, o3, o3_24h, o3_8h, o3_8h_24h, no2, no2_24h, so2, so2_24h,
    co, co_24h

The O3 columns are mislabelled (the archive's README; checked here against the published AQI,
``tests/air/test_cnemc_import.py``): ``o3_24h`` holds the latest 1-hour O3, ``o3`` the maximum
1-hour value of the last 24 hours, ``o3_8h_24h`` the latest 8-hour moving mean and ``o3_8h`` the
day's maximum 8-hour mean. The ``*_24h`` columns of the other pollutants are the means of the last
24 hourly values. ``timepoint`` marks the **end** of the hour (the hour-00 file of day D+1 carries
the natural-day means of day D).

**china_sites** (one CSV per day, ``china_sites_YYYYMMDD.csv``)::

    date, hour, type, <station code>, <station code>, …

one row per hour and ``type`` (``AQI``, ``PM2.5``, ``PM2.5_24h``, ``PM10``, ``PM10_24h``, ``SO2``,
``SO2_24h``, ``NO2``, ``NO2_24h``, ``O3``, ``O3_24h``, ``O3_8h``, ``O3_8h_24h``, ``CO``,
``CO_24h``), the same fields as the national release under upper-case names, ``hour`` the
release's hour (0–23, the end of the hour as ``timepoint``).

:func:`read_releases` reads every file, keeps the rows of the wanted stations and returns one
frame in the national-release layout (field names as published, values as floats), with pyarrow
and vectorized pandas: no Python loop over rows.
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from lanxi.errors import Problem, ValidationError

__all__ = [
    "NUMERIC_FIELDS",
    "ReleaseFiles",
    "list_release_files",
    "read_releases",
]

#: The numeric fields of the national release, as published (names as in the file).
NUMERIC_FIELDS: tuple[str, ...] = (
    "aqi", "pm10", "pm10_24h", "pm2_5", "pm2_5_24h", "o3", "o3_24h", "o3_8h", "o3_8h_24h",
    "no2", "no2_24h", "so2", "so2_24h", "co", "co_24h",
)  # fmt: skip

#: china_sites ``type`` → national-release field.
CHINA_SITES_TYPES: dict[str, str] = {
    "AQI": "aqi",
    "PM2.5": "pm2_5",
    "PM2.5_24h": "pm2_5_24h",
    "PM10": "pm10",
    "PM10_24h": "pm10_24h",
    "SO2": "so2",
    "SO2_24h": "so2_24h",
    "NO2": "no2",
    "NO2_24h": "no2_24h",
    "O3": "o3",
    "O3_24h": "o3_24h",
    "O3_8h": "o3_8h",
    "O3_8h_24h": "o3_8h_24h",
    "CO": "co",
    "CO_24h": "co_24h",
}

#: Strings that mean "no value" in these files.
MISSING = ("", "-", "—", "-;", "NA", "NaN", "nan", "None")

_RELEASE_HEAD = "timepoint"
_SITES_HEAD = ("date", "hour", "type")


@dataclass(frozen=True)
class ReleaseFiles:
    """The CSV files of a folder or archive, read lazily.

    Attributes
    ----------
    source : str
        The folder or archive name, for messages.
    names : list of str
        Member paths (relative), sorted.
    """

    source: str
    names: list[str]
    _open: Callable[[str], bytes]
    _close: Callable[[], None] = lambda: None

    def read(self, name: str) -> bytes:
        """The bytes of one member."""
        return self._open(name)

    def close(self) -> None:
        """Close the archive (a folder has nothing to close)."""
        self._close()


def list_release_files(path: Path) -> ReleaseFiles:
    """The ``.csv`` files of a folder (recursively) or of a zip / tar archive.

    Raises
    ------
    ValidationError
        When the path does not exist, is no folder or known archive, or holds no CSV file.
    """
    path = Path(path)
    label = path.name
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.csv") if p.is_file())
        names = [str(p.relative_to(path)) for p in files]
        rel = {str(p.relative_to(path)): p for p in files}
        out = ReleaseFiles(label, names, lambda n: rel[n].read_bytes())
    elif path.is_file() and zipfile.is_zipfile(path):
        zf = zipfile.ZipFile(path)  # closed by ReleaseFiles.close
        names = sorted(n for n in zf.namelist() if n.lower().endswith(".csv"))
        out = ReleaseFiles(label, names, zf.read, zf.close)
    elif path.is_file() and tarfile.is_tarfile(path):
        tf = tarfile.open(path)  # noqa: SIM115 - read lazily, closed by ReleaseFiles.close
        members = {m.name: m for m in tf.getmembers() if m.isfile() and m.name.endswith(".csv")}

        def _read_member(n: str) -> bytes:
            f = tf.extractfile(members[n])
            assert f is not None
            return f.read()

        out = ReleaseFiles(label, sorted(members), _read_member, tf.close)
    else:
        raise ValidationError(
            [
                Problem(
                    label,
                    None,
                    None,
                    "not found, or not a folder, .zip or .tar archive",
                    message_zh="找不到该路径，或不是文件夹、.zip 或 .tar 压缩包",
                )
            ]
        )
    if not out.names:
        out.close()
        raise ValidationError(
            [
                Problem(
                    label,
                    None,
                    None,
                    "holds no .csv file",
                    message_zh="其中没有 .csv 文件",
                )
            ]
        )
    return out


def _numeric(table: pa.Table, name: str, file: str, problems: list[Problem]) -> pa.Array:
    """A text column as float64: the missing markers → null; anything else unparsable → problem."""
    col = table.column(name).combine_chunks()
    if pa.types.is_floating(col.type) or pa.types.is_integer(col.type):
        return pc.cast(col, pa.float64())
    text = pc.utf8_trim_whitespace(pc.cast(col, pa.string()))
    text = pc.if_else(pc.is_in(text, pa.array(MISSING)), pa.scalar(None, pa.string()), text)
    values = pd.to_numeric(pd.Series(text.to_numpy(zero_copy_only=False)), errors="coerce")
    bad = values.isna().to_numpy() & pc.is_valid(text).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(bad)[:5]:
        problems.append(
            Problem(
                file,
                int(i) + 2,
                name,
                "not a number (expected a concentration or blank)",
                value=text[int(i)].as_py(),
                message_zh="不是数值（应为浓度值或空白）",
            )
        )
    return pa.array(values.to_numpy(dtype=float), pa.float64())


def _read_csv(data: bytes, file: str) -> pa.Table:
    try:
        return pacsv.read_csv(
            io.BytesIO(data),
            convert_options=pacsv.ConvertOptions(
                column_types={"stationcode": pa.string(), "date": pa.string(), "type": pa.string()},
                strings_can_be_null=True,
                null_values=list(MISSING),
            ),
        )
    except pa.ArrowInvalid as e:
        raise ValidationError(
            [
                Problem(
                    file,
                    None,
                    None,
                    f"not a readable CSV: {e}",
                    message_zh="无法读取为 CSV 文件",
                )
            ]
        ) from e


def _release(table: pa.Table, file: str, wanted: pa.Array | None) -> pa.Table:
    missing = [
        c for c in ("timepoint", "stationcode", *NUMERIC_FIELDS) if c not in table.column_names
    ]
    if missing:
        raise ValidationError(
            [
                Problem(
                    file,
                    1,
                    ",".join(missing),
                    "column missing from a CNEMC national release file",
                    message_zh="国家实时发布文件缺少这些列",
                )
            ]
        )
    if wanted is not None:
        table = table.filter(pc.is_in(table.column("stationcode"), wanted))
    problems: list[Problem] = []
    cols = {
        "timepoint": pc.cast(table.column("timepoint"), pa.string()),
        "stationcode": table.column("stationcode"),
    }
    for c in ("area", "positionname", "primarypollutant"):
        if c in table.column_names:
            cols[c] = pc.cast(table.column(c), pa.string())
        else:
            cols[c] = pa.nulls(table.num_rows, pa.string())
    for c in NUMERIC_FIELDS:
        cols[c] = _numeric(table, c, file, problems)
    if problems:
        raise ValidationError(problems)
    return pa.table(cols)


def _china_sites(table: pa.Table, file: str, wanted: Collection[str] | None) -> pd.DataFrame:
    df = table.to_pandas()
    stations = [c for c in df.columns[3:] if wanted is None or c in wanted]
    df = df[["date", "hour", "type", *stations]]
    df = df[df["type"].isin(list(CHINA_SITES_TYPES))]
    long = df.melt(id_vars=["date", "hour", "type"], var_name="stationcode", value_name="value")
    return long.assign(file=file)


def _china_sites_frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    long = pd.concat(parts, ignore_index=True)
    problems: list[Problem] = []
    raw = long["value"]
    text = raw.astype("string").str.strip()
    missing = text.isna() | text.isin(MISSING)
    value = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = value.isna() & ~missing
    for i in np.flatnonzero(bad.to_numpy())[:20]:
        r = long.iloc[int(i)]
        problems.append(
            Problem(
                str(r["file"]),
                None,
                str(r["stationcode"]),
                f"{r['type']} at {r['date']} {r['hour']}时 is not a number",
                value=str(raw.iloc[int(i)]),
                message_zh=f"{r['type']}（{r['date']} {r['hour']}时）不是数值",
            )
        )
    hour = pd.to_numeric(long["hour"], errors="coerce")
    day = pd.to_datetime(long["date"].astype("string"), format="%Y%m%d", errors="coerce")
    for col, s in (("date", day), ("hour", hour)):
        for i in np.flatnonzero(s.isna().to_numpy())[:5]:
            r = long.iloc[int(i)]
            problems.append(
                Problem(
                    str(r["file"]),
                    None,
                    col,
                    "expected date YYYYMMDD and hour 0–23",
                    value=str(r[col]),
                    message_zh="应为日期 YYYYMMDD、小时 0–23",
                )
            )
    if problems:
        raise ValidationError(problems)
    long = long.assign(
        value=value.astype(float),
        timepoint=(day + pd.to_timedelta(hour, unit="h")).dt.strftime("%Y-%m-%dT%H:%M:%S"),
        field=long["type"].map(CHINA_SITES_TYPES),
    )
    wide = long.pivot_table(
        index=["timepoint", "stationcode"],
        columns="field",
        values="value",
        aggfunc="first",
        dropna=False,
    ).reset_index()
    wide.columns.name = None
    wide = wide.dropna(subset=[c for c in NUMERIC_FIELDS if c in wide], how="all")
    for c in NUMERIC_FIELDS:
        if c not in wide:
            wide[c] = np.nan
    for c in ("area", "positionname", "primarypollutant"):
        wide[c] = pd.NA
    return wide


def _iter_tables(
    files: ReleaseFiles, progress: Callable[[int, int], None] | None
) -> Iterator[tuple[str, pa.Table]]:
    n = len(files.names)
    for i, name in enumerate(files.names):
        label = f"{files.source}/{name}" if files.source != name else name
        yield label, _read_csv(files.read(name), label)
        if progress is not None:
            progress(i + 1, n)


def _read_all(
    files: ReleaseFiles,
    progress: Callable[[int, int], None] | None,
    wanted: pa.Array | None,
    stations: Collection[str] | None,
    release_parts: list[pa.Table],
    sites_parts: list[pd.DataFrame],
    problems: list[Problem],
) -> None:
    for label, table in _iter_tables(files, progress):
        head = table.column_names
        try:
            if head and head[0] == _RELEASE_HEAD:
                release_parts.append(_release(table, label, wanted))
            elif tuple(head[:3]) == _SITES_HEAD:
                sites_parts.append(_china_sites(table, label, stations))
            else:
                problems.append(
                    Problem(
                        label,
                        1,
                        None,
                        "neither a CNEMC national release file (timepoint, stationcode, …) "
                        "nor a china_sites file (date, hour, type, <stations>)",
                        value=",".join(head[:4]),
                        message_zh="既不是国家实时发布文件，也不是 china_sites 文件",
                    )
                )
        except ValidationError as e:
            problems.extend(e.problems)


def read_releases(
    path: Path,
    stations: Collection[str] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Read every release file of a folder or archive, keeping the rows of ``stations``.

    Parameters
    ----------
    path : Path
        A folder (searched recursively) or a ``.zip`` / ``.tar`` archive of national release
        files and/or ``china_sites_YYYYMMDD.csv`` files.
    stations : collection of str, optional
        Station codes to keep; None keeps all.
    progress : callable, optional
        Called as ``progress(done, total)`` after each file.

    Returns
    -------
    pandas.DataFrame
        One row per station and hour in the national-release layout: ``timepoint`` (datetime,
        the end of the hour), ``stationcode``, ``area``, ``positionname``, ``primarypollutant``
        and the :data:`NUMERIC_FIELDS` (float, NaN when blank), sorted by station and time; a
        station-hour given twice keeps its first row.

    Raises
    ------
    ValidationError
        Naming the file, row and field of every unreadable value, a file of neither layout, or
        a release file missing a column; nothing is returned then.
    """
    files = list_release_files(path)
    wanted = None if stations is None else pa.array(sorted(set(stations)), pa.string())
    release_parts: list[pa.Table] = []
    sites_parts: list[pd.DataFrame] = []
    problems: list[Problem] = []
    try:
        _read_all(files, progress, wanted, stations, release_parts, sites_parts, problems)
    finally:
        files.close()
    if problems:
        raise ValidationError(problems)
    frames: list[pd.DataFrame] = []
    if release_parts:
        frames.append(pa.concat_tables(release_parts).to_pandas())
    if sites_parts:
        frames.append(_china_sites_frame(sites_parts))
    cols = ["timepoint", "stationcode", "area", "positionname", "primarypollutant"]
    cols += list(NUMERIC_FIELDS)
    if not frames:
        return pd.DataFrame(columns=cols)
    df = pd.concat([f[cols] for f in frames], ignore_index=True)
    df["timepoint"] = pd.to_datetime(df["timepoint"], format="ISO8601")
    df = df.drop_duplicates(["stationcode", "timepoint"], keep="first")
    return df.sort_values(["stationcode", "timepoint"], kind="stable").reset_index(drop=True)
