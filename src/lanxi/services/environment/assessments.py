"""Environmental assessments, the published figures from frames and files: frames in, frames out.

The engines in :mod:`lanxi.compute.air` and :mod:`lanxi.compute.water` are pure; this module reads
input tables, separates pass-through identifying columns, converts text cells after validation, runs
the engines and writes results. Air: the AQI (HJ 633), the annual evaluation (HJ 663), a city's
days (:func:`city_days_by_code`, the one definition), the plans' good-days targets and their
verdicts. Water: classes (GB 3838-2002), monthly and annual compliance, the quarterly warnings.
Compensation statements are in :mod:`.compensation`; the stored data are read in :mod:`.store`
and served, cached, by :mod:`.views`. Nothing here reads the store.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from lanxi.compute.air import compute_aqi, daily_from_hourly, validate_air_frame
from lanxi.compute.air.annual import annual_evaluation, city_daily
from lanxi.compute.air.targets import GoodDaysTarget
from lanxi.compute.air.validate import EXTRA_COLUMNS
from lanxi.compute.duplicates import DuplicatePolicy, resolve_duplicates
from lanxi.compute.times import label_beijing, to_beijing
from lanxi.compute.water import (
    annual_responsibility,
    classify_samples,
    monthly_compliance,
    section_classes,
    validate_water_frame,
)
from lanxi.compute.water.classify import NO_DETECTION_LIMIT
from lanxi.compute.water.detection import split_detection
from lanxi.errors import Problem, ValidationError
from lanxi.io.tables import (
    TableSink,
    iter_table,
    read_table,
    should_stream,
    table_rows_estimate,
    write_table,
)
from lanxi.io.tables import check_output as check_table_output
from lanxi.services import stations
from lanxi.standards.gb3838 import ITEM_KEYS
from lanxi.standards.hj633 import POLLUTANTS, Edition

#: Identifying columns carried through the air commands unchanged (never read as pollutants).
AIR_PASS_THROUGH: tuple[str, ...] = (
    "name",
    "station_name",
    "city",
    "province",
    "region_code",
    "county",
    "lon",
    "lat",
    "code",
    "note",
)

#: Identifying columns the water commands accept besides the engine's own.
WATER_PASS_THROUGH: tuple[str, ...] = (
    "name",
    "river",
    "city",
    "province",
    "region_code",
    "lon",
    "lat",
    "note",
)

Kind = Literal["hourly", "daily"]


# ------------------------------------------------------------------------------------ air


def split_air_columns(
    df: pd.DataFrame, keep: Iterable[str] = ()
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``df`` into the engine's columns and the identifying columns to carry through.

    Parameters
    ----------
    df : pandas.DataFrame
        Input frame.
    keep : iterable of str
        Further column names to carry through (beyond :data:`AIR_PASS_THROUGH`).

    Returns
    -------
    (engine_frame, pass_through)
        Any other unknown column stays in ``engine_frame`` so the validator reports it.
    """
    carried = set(AIR_PASS_THROUGH) | set(keep)
    engine_cols = {"station", "time", *POLLUTANTS, *EXTRA_COLUMNS}
    passing = [c for c in df.columns if c in carried and c not in engine_cols]
    return df.drop(columns=passing), df[passing]


def _air_numeric(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in (*POLLUTANTS, *EXTRA_COLUMNS):
        if c in out:
            out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    if "time" in out:
        out["time"], had_offset = to_beijing(out["time"])
        out.attrs["time_offset"] = had_offset
    if "station" in out:
        out["station"] = out["station"].astype(str)
    return out


_ID = "__id__:"


def _dedupe_air(
    data: pd.DataFrame,
    passing: pd.DataFrame,
    file: str,
    policy: DuplicatePolicy,
    *,
    by_day: bool,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Refuse (or resolve by ``policy``) rows repeating a station and time (a day with ``by_day``).

    ``data`` holds the numeric engine columns, ``passing`` the identifying ones (same index).
    Without a ``station`` column the time alone is the key.
    """
    if "time" not in data:
        return data, passing
    time = data["time"].dt.normalize() if by_day else data["time"]
    keys = [data["station"], time] if "station" in data else [time]
    both = pd.concat([passing.add_prefix(_ID), data], axis=1)
    resolved = resolve_duplicates(
        both,
        keys,
        policy=policy,
        file=file,
        field="station, time" if "station" in data else "time",
        describe=("station {0} on {1}" if by_day else "station {0} at {1}")
        if "station" in data
        else "time {0}",
        value_columns=[c for c in (*POLLUTANTS, *EXTRA_COLUMNS) if c in data],
    )
    if resolved is both:
        return data, passing
    ids = [c for c in resolved.columns if c.startswith(_ID)]
    out_passing = resolved[ids].rename(columns=lambda c: c[len(_ID) :])
    return resolved.drop(columns=ids), out_passing


def air_aqi(
    df: pd.DataFrame,
    *,
    kind: Kind = "hourly",
    edition: Edition | None = None,
    keep: Iterable[str] = (),
    file: str = "<input>",
    not_monitored: Iterable[str] = (),
    duplicates: DuplicatePolicy = "refuse",
) -> pd.DataFrame:
    """AQI of every row (HJ 633), identifying columns carried through.

    Parameters
    ----------
    df : pandas.DataFrame
        ``station``, ``time``, pollutant columns (text or numbers), identifying columns.
    kind : {"hourly", "daily"}
    edition : {"2012", "2026"} or None
        None picks per row by date.
    keep : iterable of str
        More identifying columns to carry through.
    file : str
        Source name for messages.
    not_monitored : iterable of str
        HJ 633-2026 5.3.2: pollutants outside the monitoring programme whose absence does not
        withhold the AQI (the user's declaration; see :func:`lanxi.compute.air.compute_aqi`).
    duplicates : {"refuse", "first", "last", "mean"}
        Rows repeating a station and time (a station and day with ``kind="daily"``): refused by
        default (:mod:`lanxi.compute.duplicates`).

    Returns
    -------
    pandas.DataFrame
        Identifying columns, the input columns and the output of
        :func:`lanxi.compute.air.compute_aqi`.

    Raises
    ------
    ValidationError
        Every problem of the input at once.
    """
    exempt = _not_monitored(not_monitored)
    engine_df, passing = split_air_columns(df, keep)
    validate_air_frame(engine_df, file)
    numeric = _air_numeric(engine_df)
    had_offset = bool(numeric.attrs.get("time_offset"))
    data, passing = _dedupe_air(numeric, passing, file, duplicates, by_day=kind == "daily")
    result = compute_aqi(data, kind=kind, edition=edition, validate=False, not_monitored=exempt)
    if had_offset and "time" in result:
        # the input carried offsets: the times out are Beijing time and say so (+08:00)
        result["time"] = label_beijing(result["time"])
    result.index = passing.index
    return pd.concat([passing, result], axis=1)[[*passing.columns, *result.columns]]


def _not_monitored(names: Iterable[str]) -> tuple[str, ...]:
    """The pollutants declared outside the monitoring programme (HJ 633-2026 5.3.2), checked."""
    names = tuple(names)
    bad = [p for p in names if p not in POLLUTANTS]
    if bad:
        raise ValidationError(
            [
                Problem(
                    "--not-monitored",
                    None,
                    "not_monitored",
                    f"unknown pollutant; expected one of {', '.join(POLLUTANTS)}",
                    p,
                    message_zh=f"未知污染物；应为 {', '.join(POLLUTANTS)} 之一",
                )
                for p in bad
            ]
        )
    return names


def _air_input(
    df: pd.DataFrame, file: str, duplicates: DuplicatePolicy = "refuse"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validated numeric engine columns and the pass-through columns of an air table.

    Rows repeating a station and time are refused (or resolved by ``duplicates``).
    """
    engine_df, passing = split_air_columns(df)
    if "station" not in engine_df:
        raise ValidationError([Problem(file, None, "station", "station column missing")])
    validate_air_frame(engine_df, file)
    return _dedupe_air(_air_numeric(engine_df), passing, file, duplicates, by_day=False)


def fill_days(days: pd.DataFrame, source: pd.DataFrame, daily: pd.DataFrame) -> pd.DataFrame:
    """``days`` plus the rows of ``daily`` whose station-day ``source`` has no row on.

    The rule of one source per station-day, hourly first (docs/air.md): ``days`` are the daily
    values computed from the hourly ``source``; a stored daily row is added only for a station-day
    without any hourly row, and is never mixed with hourly values.
    """
    covered = pd.MultiIndex.from_arrays([source["station"], source["time"].dt.normalize()])
    keys = pd.MultiIndex.from_arrays([daily["station"], daily["time"]])
    rest = daily[~keys.isin(covered.unique())]
    if rest.empty:
        return days
    out = pd.concat([days, rest], ignore_index=True)
    return out.sort_values(["station", "time"], kind="stable", ignore_index=True)


def _is_hourly(df: pd.DataFrame) -> bool:
    days = df["time"].dt.normalize()
    return bool(pd.DataFrame({"s": df["station"], "d": days}).duplicated().any())


def station_days(
    df: pd.DataFrame,
    daily: pd.DataFrame | None = None,
    *,
    kind: Kind | Literal["auto"] = "auto",
    edition: Edition | None = None,
    file: str = "<input>",
    duplicates: DuplicatePolicy = "refuse",
) -> pd.DataFrame:
    """A station's days from its observations: **the** hours-first rule, in one place.

    Every figure that reads days reads these: the HJ 633/663 annual evaluation
    (:func:`air_annual`, :func:`.store.air_annual`), a city's days and the plan targets
    (:func:`city_days_by_code`, :func:`air_targets`, :func:`.views.city_days`), the bulletins'
    daily AQI (:func:`lanxi.services.bulletins.city_daily_aqi`); the stored observations reach it
    through :func:`.store.air_station_days`.

    * Hourly rows make a day by GB 3095 表4 (:func:`lanxi.compute.air.daily_from_hourly`): the
      24-hour mean of SO2, NO2, CO, PM10 and PM2.5 needs at least 20 valid hours of that
      pollutant on the calendar day (GB 3095-2012 表4, GB 3095-2026 表4 / 6.4: 每日至少有20个
      小时平均浓度值), else that pollutant's value of the day is invalid (NaN); the daily maximum
      8-hour O3 needs 6 valid hours per 8-hour window and 14 valid windows (HJ 663-2013). The
      edition whose rules made the day is the one in force on it (GB 3095-2026 from 2026-03-01)
      unless ``edition`` is given; it is the ``edition`` column.
    * A station-day with at least one row in ``df`` takes all its values from ``df``; a row of
      ``daily`` is used only for a station-day ``df`` has no row on, whole — never averaged with
      the hourly values nor used to fill a pollutant the hours lack (or leave invalid). So no day
      counts twice (:func:`fill_days`).

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly or daily rows: ``station``, ``time``, pollutants (text or numbers); optional
        ``city`` and the other :data:`AIR_PASS_THROUGH` columns.
    daily : pandas.DataFrame or None
        Daily values (``station``, ``time``, pollutants incl. ``o3_8h``; optional ``city``) for
        the station-days ``df`` does not cover.
    kind : {"auto", "hourly", "daily"}
        Of ``df``. ``auto``: hourly when some station has two rows on one calendar day.
    edition : {"2012", "2026"} or None
        Whose 表4 rules make the hourly days; None: the edition in force on each day.
    file : str
        Source name for messages (``daily``'s: ``"<file> (daily)"``).
    duplicates : {"refuse", "first", "last", "mean"}
        Rows repeating a station and time — for daily rows a station and calendar day — are
        refused by default (:mod:`lanxi.compute.duplicates`).

    Returns
    -------
    pandas.DataFrame
        One row per station and day, sorted: ``station``, ``time`` (the day, midnight), the daily
        values present (NaN: invalid), ``edition`` (the 表4 edition of an hourly day, empty for a
        daily row) and, when either input has one, ``city`` (a station's first non-empty one).

    Raises
    ------
    ValidationError
        Every problem of the inputs, or when they give no day at all.

    Examples
    --------
    >>> hours = pd.date_range("2026-03-01", periods=24, freq="h")
    >>> pm = [40.0] * 20 + [float("nan")] * 4  # 20 valid hours: just enough
    >>> one = pd.DataFrame({"station": "A", "time": hours, "pm2_5": pm})
    >>> station_days(one, kind="hourly")[["pm2_5", "edition"]].values.tolist()
    [[40.0, '2026']]
    """
    data, passing = _air_input(df, file, duplicates)
    if kind == "auto":
        kind = "hourly" if _is_hourly(data) else "daily"
    if kind == "daily":
        data, passing = _dedupe_air(data, passing, file, duplicates, by_day=True)
    ids = [passing.assign(station=data["station"].to_numpy())]
    if kind == "hourly":
        days = daily_from_hourly(data, edition=edition, file=file)
    else:
        days = data.assign(time=data["time"].dt.normalize())
    if daily is not None:
        extra, extra_passing = _air_input(daily, f"{file} (daily)", duplicates)
        extra, extra_passing = _dedupe_air(
            extra, extra_passing, f"{file} (daily)", duplicates, by_day=True
        )
        ids.append(extra_passing.assign(station=extra["station"].to_numpy()))
        days = fill_days(days, data, extra.assign(time=extra["time"].dt.normalize()))
    if days.empty:
        raise ValidationError([Problem(file, None, None, "no daily values")])
    names = pd.concat(ids, ignore_index=True)
    if "city" in names:
        city_of = names.dropna(subset=["city"]).groupby("station")["city"].first()
        days = days.assign(city=days["station"].map(city_of))
    return days.reset_index(drop=True)


def air_annual(
    df: pd.DataFrame,
    *,
    kind: Kind | Literal["auto"] = "auto",
    edition: Edition | None = None,
    file: str = "<input>",
    method: str = "hj663_2013",
    daily: pd.DataFrame | None = None,
    not_monitored: Iterable[str] = (),
    control_points: Iterable[str] | None = None,
    duplicates: DuplicatePolicy = "refuse",
) -> pd.DataFrame:
    """Annual evaluation per station and (with a ``city`` column) per city.

    A city's rows are evaluated on its days as :func:`city_days_by_code` forms them — the one
    definition the plan targets read too: one city per region whatever form its name takes, the
    mean of its stations' values, its control points (对照点) left out (HJ 663-2013 evaluates a
    city on its 城市点, and a 对照点 is not one; ``docs/air.md``). Control points keep their
    station rows.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly or daily rows: ``station``, ``time``, pollutants; optional ``city``.
    kind : {"auto", "hourly", "daily"}
        ``auto``: hourly when some station has two rows on one calendar day.
    edition : {"2012", "2026"} or None
        Limits, validity minima and the daily AQI edition; None → limits and validity minima of
        the edition in force on each year's last day, the daily AQI (good days) of the edition in
        force on each day — the same AQI as the daily calendar.
    file : str
        Source name for messages.
    method : str
        Annual-evaluation method (:data:`lanxi.compute.air.annual.METHODS`).
    daily : pandas.DataFrame or None
        Daily values (``station``, ``time``, pollutants incl. ``o3_8h``; optional ``city``) for
        the station-days ``df`` does not cover — e.g. a year of published daily values beside a
        month of hourly data. **Rule** (:func:`station_days`, the one definition): a station-day
        with at least one row in ``df`` takes all its values from ``df``; the ``daily`` rows of
        that station-day are dropped, whole (never averaged with ``df``'s values nor used to fill
        a pollutant ``df`` lacks), so no day counts twice.
    not_monitored : iterable of str
        HJ 633-2026 5.3.2 declaration for the daily AQI (see :func:`air_aqi`).
    control_points : iterable of str or None
        Station codes left out of the city rows; None: the stations CNEMC marks 对照点 in the
        bundled list (:func:`lanxi.services.stations.control_points`).
    duplicates : {"refuse", "first", "last", "mean"}
        Rows repeating a station and time — and, for daily input, a station and calendar day —
        are refused by default (:mod:`lanxi.compute.duplicates`).

    Returns
    -------
    pandas.DataFrame
        :func:`lanxi.compute.air.annual.annual_evaluation` rows with ``level`` (``station`` /
        ``city``) and ``unit`` (the station or city name); with a ``city`` column also
        ``control_point`` (True for a station left out of its city's rows).
    """
    exempt = _not_monitored(not_monitored)
    # the station-days: the one hours-first rule (station_days)
    days = station_days(df, daily, kind=kind, edition=edition, file=file, duplicates=duplicates)
    city_of = days.groupby("station")["city"].first() if "city" in days else None
    if "city" in days:
        days = days.drop(columns="city")

    def evaluate(station_days: pd.DataFrame, by: str) -> pd.DataFrame:
        frames = []
        for year, part in station_days.groupby(station_days["time"].dt.year):
            ed = edition or _edition_of_year(int(year))
            pollutant_cols = [c for c in POLLUTANTS if c in part]
            # the daily AQI under the edition in force on each day (``edition`` given: that
            # one), as the calendar shows it; the limits are the year's (GB 3095 on 31 December)
            aqi = compute_aqi(
                part[[by, "time", *pollutant_cols]].rename(columns={by: "station"}),
                kind="daily",
                edition=edition,
                validate=False,
                not_monitored=exempt,
            )["aqi"]
            frames.append(
                annual_evaluation(part.assign(aqi=aqi.to_numpy()), by=by, edition=ed, method=method)
            )
        out = pd.concat(frames, ignore_index=True)
        out.insert(0, "level", by)
        return out.rename(columns={by: "unit"})

    results = [evaluate(days, "station")]
    if city_of is not None:
        from lanxi.services.regions import region_lookup

        lookup = region_lookup()
        # the city rows are evaluated on the one definition of a city's days
        # (city_days_by_code): one city per region whatever form its name takes (临夏州 =
        # 临夏回族自治州, keyed by code), its control points left out; a name no region answers
        # to stays a unit of its own (a file's cities need not be the agglomeration's)
        by_code = city_days_by_code(
            days.assign(city=days["station"].map(city_of)),
            file=file,
            control_points=control_points,
            unknown="keep",
        )
        cities = evaluate(by_code, "city")
        # the names people read: the region's current name (its code beside it, below), in the
        # order of those names
        cities["unit"] = cities["unit"].map(lookup.name)
        cities = cities.sort_values(["year", "unit"], kind="stable", ignore_index=True)
        current = {n: lookup.name(lookup.get(n) or n) for n in city_of.dropna().unique()}
        city_of = city_of.map(current)
        results[0].insert(2, "city", results[0]["unit"].map(city_of))
        controls = _controls(control_points)
        results[0].insert(3, "control_point", results[0]["unit"].astype(str).isin(controls))
        results.append(cities)
    out = pd.concat(results, ignore_index=True)
    if "city" in out:
        out["city"] = out["city"].where(out["level"] != "city", out["unit"])
        from lanxi.services.regions import region_lookup

        lookup = region_lookup()
        out.insert(out.columns.get_loc("city") + 1, "region_code", out["city"].map(lookup.get))
    if "control_point" in out:
        out["control_point"] = out["control_point"].eq(True)
    return out


def plan_good_days_targets() -> list[GoodDaysTarget]:
    """The plans' targets on the good-days ratio (indicator ``air_good_days_ratio``), bundled.

    Each carries its plan's issue date (the edition it was set under), its region and group, and
    the **codes** of the cities it covers: the members of its group (兰州经济圈: 兰州、白银、定西、
    临夏 — never a Qinghai city), the prefectures of a province, or the region itself; a target
    on the whole agglomeration (``LXCSQ``) covers its nine prefecture-level cities, so a city
    missing from the data shows as missing (``cities_missing``), never silently.
    """
    from lanxi.data.catalog import bundled_catalog

    cat = bundled_catalog()
    plans = {p.id: p for p in cat.plans}
    levels = {r.code: str(getattr(r.level, "value", r.level)) for r in cat.regions}
    groups = {g.id: g for g in cat.region_groups}
    out = []
    for t in cat.targets:
        if t.indicator != "air_good_days_ratio" or t.kind.value != "target":
            continue
        plan = plans[t.plan]
        if plan.date is None or t.target_value is None or t.target_year is None:
            continue
        cities: tuple[str, ...]
        if t.group is not None:
            cities = tuple(c for c in groups[t.group].members if c in levels)
        elif t.region_code == "LXCSQ":
            cities = tuple(c for c, lv in levels.items() if lv == "prefecture")
        else:
            cities = (
                tuple(
                    c
                    for c, lv in levels.items()
                    if lv == "prefecture" and c[:2] == t.region_code[:2]
                )
                if levels.get(t.region_code) == "province"
                else (t.region_code,)
            )
        out.append(
            GoodDaysTarget(
                target_id=t.id,
                plan=t.plan,
                set_on=plan.date,
                target_year=t.target_year,
                comparison=str(t.comparison.value if t.comparison else "ge"),
                value=float(t.target_value),
                cities=cities,
                region_code=t.region_code,
                group=t.group,
            )
        )
    return out


def approx_tolerance() -> float:
    """Relative tolerance of ≈ (左右) targets (``approx_tolerance`` of progress_methods.yaml)."""
    from lanxi.services.monitoring.progress import progress_config

    return float(progress_config()["approx_tolerance"])


#: How a comparison is written beside a target value.
COMPARISON_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "approx": "≈", "eq": "="}

#: Chinese and English words of each verdict of a target assessment.
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    # the words of the progress statuses (progress_methods.yaml status_labels): one vocabulary
    "met": ("已达到", "Target met"),
    "not_met": ("未达到", "Target missed"),
    "at_target_level": ("已达到", "Target met"),
    "below_target_level": ("尚未达到", "Not yet met"),
    "no_data": ("数据不足", "Insufficient data"),
}


def _controls(control_points: Iterable[str] | None) -> set[str]:
    """The control points (对照点) left out of city figures: given, or the bundled list's."""
    return set(stations.control_points() if control_points is None else map(str, control_points))


def city_days_by_code(
    daily: pd.DataFrame,
    *,
    file: str = "<input>",
    control_points: Iterable[str] | None = None,
    unknown: Literal["refuse", "keep"] = "refuse",
) -> pd.DataFrame:
    """City daily values keyed by region code, from station days with a ``city`` name or code.

    **The** definition of a city's days: the plan targets (:func:`assess_targets_on_days`), the
    annual evaluation's city rows (:func:`air_annual`) and the store's views all read it.

    Station days (``station``, ``city``, ``time``, pollutants) → :func:`city_daily` rows whose
    ``city`` is the region code the name resolves to (:func:`lanxi.services.regions.region_code`:
    临夏州, 临夏 and 临夏回族自治州 are one city; 兰州新区 is a unit of its own, never inside
    兰州市). A city's day is the mean of its stations' values (HJ 663-2013 4.1). Control
    points (对照点; ``control_points``, default the stations the bundled list marks) are not
    城市点 and stay out of their city's days.

    Parameters
    ----------
    unknown : {"refuse", "keep"}
        A name no region answers to: an error naming it (default — a city is never dropped
        silently), or with ``"keep"`` a unit of its own under that name (the annual evaluation of
        a file whose cities are not the agglomeration's).
    """
    from lanxi.services.regions import region_lookup

    controls = _controls(control_points)
    if "station" in daily and controls:
        daily = daily[~daily["station"].astype(str).isin(controls)]
    lookup = region_lookup()
    names = daily["city"].dropna().astype(str).unique().tolist()
    unknown_names = [n for n in names if lookup.get(n) is None]
    if unknown_names and unknown == "refuse":
        raise ValidationError(
            [
                Problem(
                    file,
                    None,
                    "city",
                    "not a region of the agglomeration (give a code, name or short name)",
                    n,
                    message_zh="不是城市群的地区（请填写代码、名称或简称）",
                )
                for n in unknown_names
            ]
        )
    codes = {n: lookup.get(n) or n for n in names}
    coded = daily.dropna(subset=["city"]).assign(city=lambda d: d["city"].astype(str).map(codes))
    return city_daily(coded)


def assess_targets_on_days(
    city_days: pd.DataFrame,
    year: int | None = None,
    *,
    targets: list[GoodDaysTarget] | None = None,
) -> pd.DataFrame:
    """The plans' good-days targets assessed on city days keyed by code: the one definition.

    :func:`lanxi.compute.air.targets.assess_air_targets` with the bundled targets
    (:func:`plan_good_days_targets`) and the ≈ tolerance of the progress rules
    (:func:`approx_tolerance`), plus the names people read: ``unit_name`` (the city's or
    region's name), ``scope_name`` (the target's group or region), ``verdict_zh`` and
    ``verdict_en``. ``year`` defaults to the newest year of the data. Used by ``lanxi air
    targets``, ``/api/v1/air/targets`` (the dashboard) and the annual air report.
    """
    from lanxi.compute.air.targets import assess_air_targets
    from lanxi.data.catalog import bundled_catalog
    from lanxi.services.regions import region_name

    if year is None:
        year = int(pd.to_datetime(city_days["time"], format="mixed").dt.year.max())
    out = assess_air_targets(
        city_days,
        plan_good_days_targets() if targets is None else targets,
        year,
        approx_tolerance=approx_tolerance(),
    )
    if out.empty:
        return out
    cat = bundled_catalog()
    group_names = {g.id: g.name for g in cat.region_groups}
    plans = {p.id: p for p in cat.plans}
    scope = [
        group_names.get(g, g) if isinstance(g, str) else region_name(r)
        for g, r in zip(out["group"], out["region_code"], strict=True)
    ]
    names = out["unit"].map(region_name).where(out["level"] == "city", pd.Series(scope))
    out.insert(out.columns.get_loc("unit") + 1, "unit_name", names)
    out["scope_name"] = scope
    out["plan_title"] = out["plan"].map(lambda p: plans[p].title if p in plans else p)
    issued = {k: v.date.isoformat() for k, v in plans.items() if v.date is not None}
    out["issued"] = out["plan"].map(issued)
    out["comparison_symbol"] = out["comparison"].map(COMPARISON_SYMBOLS)
    out["verdict_zh"] = out["verdict"].map(lambda v: VERDICT_LABELS[v][0])
    out["verdict_en"] = out["verdict"].map(lambda v: VERDICT_LABELS[v][1])
    return out


def city_target_verdicts(rows: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Each city's reading against the targets of the nearest target year that cover it.

    From :func:`assess_targets_on_days` rows: per city code, ``targets`` (the ids, comma-separated),
    ``target_value``, ``edition``, ``good_days_ratio`` (% under that edition), ``meets`` (every one
    of those targets satisfied) and ``verdict`` / ``verdict_zh`` / ``verdict_en`` (the worst of
    them). A city no target covers is absent.
    """
    order = {v: i for i, v in enumerate(("not_met", "below_target_level", "no_data"))}
    out: dict[str, dict[str, object]] = {}
    city = rows[rows["level"] == "city"] if not rows.empty else rows
    for code, part in city.groupby("unit", sort=False):
        first = part[part["target_year"] == part["target_year"].min()]
        worst = min(first["verdict"], key=lambda v: order.get(v, len(order)))
        out[str(code)] = {
            "targets": ",".join(first["target_id"]),
            "target_year": int(first["target_year"].iloc[0]),
            "target_value": float(first["target_value"].iloc[0]),
            "edition": str(first["edition"].iloc[0]),
            "good_days_ratio": first["good_days_ratio"].iloc[0],
            "meets": bool(first["meets"].all()),
            "verdict": worst,
            "verdict_zh": VERDICT_LABELS[worst][0],
            "verdict_en": VERDICT_LABELS[worst][1],
        }
    return out


def air_targets(
    df: pd.DataFrame,
    *,
    kind: Kind | Literal["auto"] = "auto",
    file: str = "<input>",
    targets: list[GoodDaysTarget] | None = None,
    duplicates: DuplicatePolicy = "refuse",
    year: int | None = None,
) -> pd.DataFrame:
    """Good-days ratio of the cities against the plans' targets, from an observations table.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly or daily rows: ``station``, ``city`` (name, short name or code), ``time``,
        pollutants.
    kind : {"auto", "hourly", "daily"}
    file : str
        Source name for messages.
    targets : list of GoodDaysTarget, optional
        Default: :func:`plan_good_days_targets`.
    duplicates : {"refuse", "first", "last", "mean"}
        As in :func:`air_annual`.
    year : int, optional
        The year assessed; default the newest in the data.

    Returns
    -------
    pandas.DataFrame
        :func:`assess_targets_on_days` rows.
    """
    engine_df, passing = split_air_columns(df)
    problems = [
        Problem(
            file,
            None,
            c,
            f"needed to assess the plan targets ({c} column missing)",
            message_zh=f"评估规划目标需要 {c} 列",
        )
        for c, frame in (("station", engine_df), ("city", passing))
        if c not in frame
    ]
    if problems:
        raise ValidationError(problems)
    # the station-days of the annual evaluation (station_days), then the city's days
    days = city_days_by_code(
        station_days(df, kind=kind, file=file, duplicates=duplicates), file=file
    )
    return assess_targets_on_days(days, year, targets=targets)


def _edition_of_year(year: int) -> Edition:
    from datetime import date

    from lanxi.standards.hj633 import edition_for

    return edition_for(date(year, 12, 31))


# ---------------------------------------------------------------------------------- water


def water_samples(
    df: pd.DataFrame,
    file: str = "<input>",
    extra: Iterable[str] = (),
    duplicates: DuplicatePolicy = "refuse",
    *,
    detection_column: bool = False,
) -> pd.DataFrame:
    """Water samples as every water figure reads them: validated, times parsed, one per time.

    The one reading of a samples table behind :func:`water_classify`, :func:`water_assess`,
    :func:`water_annual`, the graded warnings, the compensation statements
    (:mod:`.compensation`) and the bulletins (:mod:`lanxi.services.bulletins`).

    Parameters
    ----------
    df : pandas.DataFrame
        ``section``, ``time``, ``waterbody``, item columns (text or numbers) and any of
        :data:`WATER_PASS_THROUGH` (as :func:`.store.samples_frame` gives them, or a file's).
    file : str
        Source name for messages.
    extra : iterable of str
        Further columns accepted and carried through.
    duplicates : {"refuse", "first", "last", "mean"}
        A section sampled twice at one time is refused by default; a policy of
        :mod:`lanxi.compute.duplicates` resolves such rows instead.
    detection_column : bool
        Add ``below_detection``: what was reported below the detection limit
        (``"nh3n 0.02L; tp <0.01"``).

    Returns
    -------
    pandas.DataFrame
        The rows with ``time`` as Beijing time (naive) and items as numbers; results below the
        detection limit (``0.02L``, ``<0.025``, ``ND(0.025)``) become ½ of the limit
        (:mod:`lanxi.compute.water.detection`).

    Raises
    ------
    ValidationError
        Every problem of the table at once (file, row, field, expected form).
    """
    validate_water_frame(df, file, extra_columns=(*WATER_PASS_THROUGH, *extra))
    out = df.copy()
    out["time"], _ = to_beijing(out["time"])
    notes = pd.Series("", index=out.index, dtype=object)
    for item in (k for k in ITEM_KEYS if k in out and k not in NO_DETECTION_LIMIT):
        numbers, limits = split_detection(out[item])
        below = limits.notna().to_numpy()
        if below.any():
            notes[below] += [f"{item} {v}; " for v in out[item][below].astype(str).str.strip()]
            out[item] = numbers
    if detection_column:
        out["below_detection"] = notes.str.rstrip("; ")
    return resolve_duplicates(
        out,
        [out["section"].astype(str), out["time"]],
        policy=duplicates,
        file=file,
        field="section, time",
        describe="section {0} at {1}",
        row_offset=2,
        value_columns=[c for c in ITEM_KEYS if c in out],
    )


def water_classify(
    df: pd.DataFrame, *, file: str = "<input>", duplicates: DuplicatePolicy = "refuse"
) -> pd.DataFrame:
    """Single-factor class of every sample (GB 3838-2002, 环办〔2011〕22号).

    Parameters
    ----------
    df : pandas.DataFrame
        ``section``, ``time``, ``waterbody``, item columns (text or numbers).
    file : str
        Source name for messages.
    duplicates : {"refuse", "first", "last", "mean"}
        Rows repeating a section and time: refused by default (:mod:`lanxi.compute.duplicates`).

    Returns
    -------
    pandas.DataFrame
        The input plus ``water_class`` (1–6), ``water_class_label``, ``worst_items``,
        ``main_pollutants`` and, with a ``target_class`` column, ``exceeding_items``.
    """
    data = water_samples(df, file, duplicates=duplicates, detection_column=True)
    target = "target_class" if "target_class" in data else None
    if target:
        data["target_class"] = pd.to_numeric(data["target_class"], errors="coerce").astype("Int64")
    out = classify_samples(data, target_class=target)
    out["time"] = out["time"].dt.strftime("%Y-%m-%d")
    return out


def section_target_classes(df: pd.DataFrame, file: str = "<input>") -> pd.Series:
    """The target class of each section (the first a section's rows give).

    Parameters
    ----------
    df : pandas.DataFrame
        Samples with ``section`` and ``target_class`` (1–5, Ⅰ–Ⅴ类 of GB 3838-2002), e.g.
        :func:`water_samples`.
    file : str
        Source name for messages.

    Returns
    -------
    pandas.Series
        Section id → target class (float; NaN where a section has none).

    Raises
    ------
    ValidationError
        When ``df`` has no ``target_class`` column.
    """
    if "target_class" not in df:
        raise ValidationError(
            [Problem(file, None, "target_class", "needed: the target class (1–5) of each section")]
        )
    t = pd.to_numeric(df["target_class"], errors="coerce")
    return (
        pd.Series(t.to_numpy(), index=df["section"].astype(str).to_numpy()).groupby(level=0).first()
    )


def water_assess(
    samples: pd.DataFrame,
    month: str,
    *,
    file: str = "<input>",
    duplicates: DuplicatePolicy = "refuse",
) -> pd.DataFrame:
    """Monthly class of each section and whether it meets its target (``month`` = ``YYYY-MM``).

    ``duplicates`` as in :func:`water_classify`.
    """
    data = water_samples(samples, file, duplicates=duplicates)
    targets = section_target_classes(data, file)
    period = pd.Period(month, "M")
    part = data[data["time"].dt.to_period("M") == period]
    if part.empty:
        raise ValidationError([Problem(file, None, "time", f"no samples in {month}")])
    classes = section_classes(part.drop(columns="target_class"), freq="M", target_class=targets)
    out = monthly_compliance(classes, targets)
    out["period"] = out["period"].astype(str)
    return out


def water_annual(
    samples: pd.DataFrame,
    year: int,
    *,
    file: str = "<input>",
    duplicates: DuplicatePolicy = "refuse",
) -> pd.DataFrame:
    """Annual responsibility assessment per city and province.

    Needs ``city`` and ``province`` columns; the year before, when present, gives the trend;
    ``duplicates`` as in :func:`water_classify`.
    ``annual_compliance`` is the published annual compliance: the share of the region's
    section-months meeting their target class (``compliance_rate``); ``share_meeting`` (sections
    whose annual mean class meets the target, 2011 method) is given beside it, never instead.
    """
    data = water_samples(samples, file, duplicates=duplicates)
    missing = [c for c in ("city", "province") if c not in data]
    if missing:
        raise ValidationError(
            [
                Problem(file, None, c, "needed for the annual assessment per city and province")
                for c in missing
            ]
        )
    targets = section_target_classes(data, file)
    regions = data[["section", "city", "province"]].drop_duplicates("section")
    items = data.drop(columns=["target_class", "city", "province"], errors="ignore")
    items = items.drop(columns=[c for c in WATER_PASS_THROUGH if c in items])

    def one(y: int, previous: pd.DataFrame | None) -> pd.DataFrame | None:
        part = items[items["time"].dt.year == y]
        if part.empty:
            return None
        monthly = section_classes(part, freq="M", target_class=targets)
        annual = section_classes(part, freq="Y", target_class=targets)
        return annual_responsibility(monthly, annual, targets, regions, previous=previous)

    prev = one(year - 1, None)
    out = one(year, prev)
    if out is None:
        raise ValidationError([Problem(file, None, "time", f"no samples in {year}")])
    out.insert(0, "year", year)
    # the one annual compliance figure (docs/water.md, "Annual compliance"): the share of the
    # region's section-months whose class met the target — a city whose sections fail most
    # months cannot read 100 % because the annual means happen to pass
    out["annual_compliance"] = out["compliance_rate"]
    return out


# ------------------------------------------------------------------------------------ files


def read_input(path: Path) -> tuple[pd.DataFrame, str]:
    """Read an input table (CSV, Excel, Parquet, Arrow) for the air and water engines.

    The pollutant and item columns come as numbers when every cell is one (else as text, for the
    validators to name the bad cells); the other columns as text. Returns the frame and the file
    name for messages.
    """
    df = read_table(path, numeric=VALUE_COLUMNS)
    return df, str(df.attrs.get("file", Path(path).name))


#: The value columns of the air and water tables (read as numbers when clean).
VALUE_COLUMNS: frozenset[str] = frozenset((*POLLUTANTS, *EXTRA_COLUMNS, *ITEM_KEYS))


def check_output(path: Path) -> None:
    """Refuse an output extension before any work is done (nothing is written on error)."""
    check_table_output(path)


def write_output(df: pd.DataFrame, path: Path) -> Path:
    """Write a result frame by extension (:func:`lanxi.io.tables.write_table`)."""
    return write_table(df, path)


def air_aqi_file(
    infile: Path,
    out: Path,
    *,
    stream: bool | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    **options: Any,
) -> int:
    """``lanxi air aqi``: the AQI of every row of a file, written to ``out``; the row count.

    A file larger than ``LANXI_STREAM_MB`` (:func:`lanxi.io.tables.should_stream`; or
    ``stream=True``) is read, computed and written in batches of ``LANXI_STREAM_ROWS`` rows: the
    AQI of an hour or a day is computed from its row alone, so the batches give the rows the
    whole file would. Rows repeating a station and time in one batch are refused or resolved by
    ``duplicates`` as in :func:`air_aqi`; across batches they are found at the end (a station
    whose times in two batches overlap has its keys compared) and refused, with the rows named —
    the output is then not written (it is renamed into place only at the end).

    Parameters
    ----------
    infile, out : Path
        Input and output tables, formats by extension.
    stream : bool or None
        Force (True) or forbid (False) batches; None: by size.
    progress : callable or None
        Called with (rows done, rows in all or None) after each batch.
    **options
        Passed to :func:`air_aqi` (``kind``, ``edition``, ``keep``, ``not_monitored``,
        ``duplicates``).
    """
    check_output(out)
    if stream is None:
        stream = should_stream(infile)
    if not stream:
        df, name = read_input(infile)
        result = air_aqi(df, file=name, **options)
        write_output(result, out)
        if progress is not None:
            progress(len(result), len(result))
        return len(result)
    name = Path(infile).name
    total = table_rows_estimate(infile)
    by_day = options.get("kind", "hourly") == "daily"
    refuse = options.get("duplicates", "refuse") == "refuse"
    keys = _KeyLedger(by_day)
    with TableSink(out) as sink:
        for chunk in iter_table(infile, numeric=VALUE_COLUMNS):
            offset = int(chunk.attrs["offset"])
            try:
                result = air_aqi(chunk.reset_index(drop=True), file=name, **options)
            except ValidationError as exc:
                raise _shifted(exc, offset) from None
            keys.add(result, numbered=refuse)
            sink.write(result)
            if progress is not None:
                progress(offset + len(chunk), total)
        keys.check(name)
    return sink.rows


def _shifted(exc: ValidationError, offset: int) -> ValidationError:
    """The problems of a batch with the row numbers of the file."""
    return ValidationError(
        [replace(p, row=p.row + offset) if p.row is not None else p for p in exc.problems]
    )


class _KeyLedger:
    """The station-time keys of the batches of a streamed file, to find repeats across batches.

    Keys are ``station id << 34 | seconds`` (or days) as int64; they are compared only for the
    stations whose time spans in two batches overlap (a file in station or time order has none,
    so no sort of the whole file is needed).
    """

    def __init__(self, by_day: bool) -> None:
        self.by_day = by_day
        self.ids: dict[str, int] = {}
        self.names: list[str] = []
        self.keys: list[np.ndarray] = []
        # with duplicates="refuse" each batch's output rows are its input rows, so a key's
        # position in the ledger is its data row - 1 (no row numbers stored: 16.6 M would be
        # 133 MB); with a resolving policy the rows are not named
        self.numbered = True
        self.spans: dict[int, list[tuple[int, int]]] = {}
        self.overlap = False

    def add(self, result: pd.DataFrame, *, numbered: bool) -> None:
        if "station" not in result or "time" not in result or result.empty:
            return
        codes, uniques = pd.factorize(result["station"].astype(str))
        remap = np.array([self._id(str(u)) for u in uniques] + [-1], dtype=np.int64)
        sid = remap[codes]
        t = result["time"]
        if isinstance(t.dtype, pd.DatetimeTZDtype):
            t = t.dt.tz_convert(None)
        sec = t.to_numpy("datetime64[s]").astype(np.int64)
        if self.by_day:
            sec = sec // 86400
        ok = (sid >= 0) & (t.notna().to_numpy())
        key = (sid << 34) | ((sec + (1 << 33)) & ((1 << 34) - 1))
        self.keys.append(np.where(ok, key, -1 - np.arange(len(key), dtype=np.int64)))
        self.numbered = self.numbered and numbered
        if not self.overlap and ok.any():
            spans = pd.DataFrame({"s": sid[ok], "t": sec[ok]}).groupby("s")["t"].agg(["min", "max"])
            for s, lo, hi in zip(spans.index, spans["min"], spans["max"], strict=True):
                seen = self.spans.setdefault(int(s), [])
                if any(lo <= h and a <= hi for a, h in seen):
                    self.overlap = True
                seen.append((int(lo), int(hi)))

    def _id(self, name: str) -> int:
        if name not in self.ids:
            self.ids[name] = len(self.names)
            self.names.append(name)
        return self.ids[name]

    def check(self, file: str) -> None:
        """Raise when a key repeats across batches (within a batch :func:`air_aqi` checked)."""
        if not self.overlap:
            return
        keys = np.concatenate(self.keys)
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        dup = np.flatnonzero((ordered[1:] == ordered[:-1]) & (ordered[1:] >= 0))
        if dup.size == 0:
            return
        numbered = self.numbered
        problems = []
        for i in dup[:20]:
            k = int(ordered[i + 1])
            station = self.names[k >> 34]
            sec = (k & ((1 << 34) - 1)) - (1 << 33)
            when = pd.Timestamp(sec * (86400 if self.by_day else 1), unit="s")
            shown = when.strftime("%Y-%m-%d" if self.by_day else "%Y-%m-%d %H:%M")
            row = int(order[i + 1]) + 1 if numbered else None
            first = f" (first in row {int(order[i]) + 1})" if numbered else ""
            problems.append(
                Problem(
                    file,
                    row,
                    "station, time",
                    f"station {station} at {shown} repeats a row of an earlier batch{first}; "
                    "give each station and time once (or sort the file by station and time)",
                    message_zh=f"站点 {station} 在 {shown} 的数据重复{first}；"
                    "每个站点和时间只能有一行（或按站点、时间排序）",
                )
            )
        if dup.size > 20:
            problems.append(
                Problem(file, None, "station, time", f"… and {dup.size - 20} more repeated rows")
            )
        raise ValidationError(problems)
