"""Views of the stored environment data for the web platform: computed once per data version.

Each function reads the store through :mod:`.store`, runs the engines (:mod:`.assessments`,
:mod:`lanxi.compute.air`) and returns plain records. Results are cached per database URL and the
environment's part of *the* data version (:func:`lanxi.services.read_cache.data_version`, the one
every cache keys on; :func:`lanxi.services.read_cache.environment_part`), so any write to the
environment data, the networks or the catalogue is seen at the next request, an approval of
monitoring data does not recompute them, and repeated dashboard reads cost one small query.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import func, select

from lanxi.compute.air import compute_aqi
from lanxi.errors import NotFoundError, Problem, ValidationError
from lanxi.services.environment import assessments as env_svc
from lanxi.services.environment import store as env_store
from lanxi.services.monitoring.common import Record
from lanxi.services.store import database_url, engine
from lanxi.standards.hj633 import POLLUTANTS
from lanxi.storage.db import session_factory
from lanxi.storage.env_models import AirObservationRow

T = TypeVar("T")
_cache: dict[tuple[str, str, tuple[Any, ...]], Any] = {}
_lock = threading.Lock()
_compute_lock = threading.RLock()


def data_version(url: str | None = None) -> tuple[int, ...]:
    """The data version of the store at ``url``: :func:`lanxi.services.read_cache.data_version`.

    One version for every cache: a load, a network reload (``lanxi env network``, which changes
    target classes without touching the samples), an approval — each leaves an audit entry that
    moves it, so the next request recomputes.
    """
    from lanxi.services.read_cache import data_version as shared

    return shared(engine(url))


def environment_part(version: tuple[int, ...]) -> tuple[int, ...]:
    """:func:`lanxi.services.read_cache.environment_part` (what these views depend on)."""
    from lanxi.services.read_cache import environment_part as part

    return part(version)


def _cached(name: str, url: str | None, args: tuple[Any, ...], make: Callable[[], T]) -> T:
    # the environment's part of the one version: an approval does not recompute these views
    key = (database_url(url), name, (*args, environment_part(data_version(url))))
    with _lock:
        if key in _cache:
            return _cache[key]
    # one computation at a time (the others wait here, then find the result): a burst of cache
    # misses must not take every connection of the pool at once
    with _compute_lock:
        with _lock:
            if key in _cache:
                return _cache[key]
        value = make()
        with _lock:
            if len(_cache) > 256:
                _cache.clear()
            _cache[key] = value
    return value


def _records(df: pd.DataFrame) -> list[Record]:
    out = df.replace({np.nan: None}).to_dict("records")
    return [
        {str(k): (v.item() if isinstance(v, np.generic) else v) for k, v in r.items()} for r in out
    ]


def city_days(url: str | None = None) -> pd.DataFrame:
    """City daily values of the stored observations, ``city`` the region code (cached).

    :func:`.assessments.city_days_by_code` of :func:`.store.air_station_days` (a station-day
    from its hours when it has any, else from its daily row; the station-days the annual
    evaluation reads): every surface that reads a city's day reads this frame.
    """
    return _cached(
        "city_days",
        url,
        (),
        lambda: env_svc.city_days_by_code(env_store.air_station_days(url), file="store"),
    )


def _daily_city_frame(url: str | None) -> pd.DataFrame:
    from lanxi.services.regions import region_name

    cd = city_days(url).rename(columns={"city": "region_code"})
    cd.insert(0, "city", cd["region_code"].map(region_name))
    cols = [c for c in POLLUTANTS if c in cd]
    aqi = compute_aqi(
        cd[["city", "time", *cols]].rename(columns={"city": "station"}),
        kind="daily",
        validate=False,
    )
    out = pd.concat(
        [cd[["city", "region_code", "time"]].reset_index(drop=True), aqi.reset_index(drop=True)],
        axis=1,
    )
    out = out.loc[:, ~out.columns.duplicated()]
    out["date"] = pd.to_datetime(out["time"]).dt.strftime("%Y-%m-%d")
    return out.drop(columns=["time", "station"], errors="ignore")


def air_daily_aqi(url: str | None = None, *, city: str | None = None) -> list[Record]:
    """Daily AQI of every city (HJ 633, edition by date) from the stored observations.

    Returns
    -------
    list of dict
        ``city, date, aqi``, the individual indices and the primary pollutant, ``edition``, …
        (the columns of :func:`lanxi.compute.air.compute_aqi`).
    """
    rows = _cached("air_daily", url, (), lambda: _records(_daily_city_frame(url)))
    if city is None:
        return rows
    from lanxi.services.regions import region_lookup

    code = region_lookup().get(city)
    return [r for r in rows if r["region_code"] == code or r["city"] == city]


def latest_air_year(url: str | None = None) -> int:
    """The calendar year of the newest stored air observation."""
    with session_factory(engine(url))() as s:
        newest = s.execute(select(func.max(AirObservationRow.time))).scalar()
    if newest is None:
        raise NotFoundError("the store holds no air observations (try `lanxi env demo`)")
    return int(pd.Timestamp(newest).year)


def air_annual_cities(url: str | None = None, year: int | None = None) -> list[Record]:
    """Annual evaluation per city and station (HJ 663-2013) of the stored air observations.

    The same evaluation as the 年度环境空气质量报告: :func:`.store.air_annual`
    on the hourly and daily observations of ``year`` (default: the newest year in the store).
    """
    y = latest_air_year(url) if year is None else year
    return _cached("air_annual", url, (y,), lambda: _records(env_store.air_annual(y, url=url)))


def _samples(url: str | None) -> pd.DataFrame:
    return _cached("samples", url, (), lambda: env_store.samples_frame(url))


def water_months(url: str | None = None) -> list[str]:
    """Months with water samples, newest first."""
    s = _samples(url)
    return sorted({t[:7] for t in s["time"]}, reverse=True)


def _check_period(field: str, value: str, pattern: str, form: str) -> None:
    """Refuse a malformed period (with the expected form) before pandas sees it."""
    if not re.fullmatch(pattern, value):
        raise ValidationError(
            [Problem("request", None, field, f"expected {form} (years 1900–2100)", value)]
        )


MONTH = r"(19\d\d|20\d\d|2100)-(0[1-9]|1[0-2])"
QUARTER = r"(19\d\d|20\d\d|2100)Q[1-4]"


#: ``position`` of :func:`water_monthly` for each quality of :func:`.store.section_places`.
POSITION_OF_QUALITY = {
    "sourced": "measured",
    "approximate": "approximate",
    "city": "placed_near_city",
}


def water_monthly(url: str | None = None, *, month: str | None = None) -> list[Record]:
    """Class of each section in ``month`` (default the latest) with its target and location.

    ``lon``, ``lat`` and ``position`` come from :func:`.store.section_places`, as the reports'
    maps: ``measured`` (a monitoring network's coordinates), ``approximate`` (a county's or a
    border's representative point), ``placed_near_city`` (no coordinates: near its city's seat)
    or ``none``.
    """
    if month is not None:
        _check_period("month", month, MONTH, "YYYY-MM")
    month = month or water_months(url)[0]

    def make() -> list[Record]:
        out = env_svc.water_assess(_samples(url), month, file="store")
        sections = env_store.bundled_sections().set_index("id")
        for col in ("name", "river", "city", "province", "region_code"):
            if col in sections:
                out[col] = out["section"].map(sections[col])
        # the one placement rule and how each place is known (env_store.section_places), as the
        # reports' maps: a monitoring network's point is "measured", a county's or border's
        # representative point "approximate", no coordinates "placed_near_city" (near the seat)
        places = env_store.section_places([str(s) for s in out["section"]])
        out["lon"] = out["section"].map(lambda s: places[s][0] if s in places else None)
        out["lat"] = out["section"].map(lambda s: places[s][1] if s in places else None)
        out["position"] = out["section"].map(
            lambda s: POSITION_OF_QUALITY[places[s][2]] if s in places else "none"
        )
        # marked per section from the stored samples of the month (never all or none by default)
        first = dt.date.fromisoformat(f"{month}-01")
        after = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        synthetic = env_store.synthetic_sections(first, after, url=url)
        out["synthetic"] = out["section"].map(lambda s: str(s) in synthetic)
        return _records(out)

    return _cached("water_monthly", url, (month,), make)


def water_warnings(
    url: str | None = None, *, quarter: str | None = None, month: str | None = None
) -> list[Record]:
    """Graded water-quality warnings of a quarter (default the latest with samples) or a month.

    :func:`lanxi.services.bulletins.warning_records` on the stored samples: the levels the
    monthly and quarterly bulletins print, with the thresholds of the settings
    (``LANXI_WATER_WARNING_LEVEL*``, :func:`lanxi.services.bulletins.warning_level_rules`).
    """
    from lanxi.services import bulletins

    if month is not None:
        _check_period("month", month, MONTH, "YYYY-MM")
        period = month
    elif quarter is not None:
        _check_period("quarter", quarter, QUARTER, "YYYYQn")
        period = quarter
    else:
        period = str(pd.Period(water_months(url)[0], "M").asfreq("Q"))
    rules = bulletins.warning_level_rules()
    return _cached(
        "water_warnings",
        url,
        (period, rules),
        lambda: bulletins.warning_records(_samples(url), period, rules=rules, file="store"),
    )


def water_annual(url: str | None = None, *, year: int | None = None) -> list[Record]:
    """Annual responsibility assessment per city and province (default the latest year)."""
    y = year or int(water_months(url)[0][:4])
    return _cached(
        "water_annual",
        url,
        (y,),
        lambda: _records(env_svc.water_annual(_samples(url), y, file="store")),
    )


def air_targets(url: str | None = None, *, year: int | None = None) -> list[Record]:
    """The plans' good-days targets assessed on the stored observations of ``year``.

    :func:`.assessments.assess_targets_on_days` on :func:`city_days` — the one
    definition the CLI (``lanxi air targets``), the API (``/air/targets``), the dashboard and the
    annual air report read. ``year`` defaults to the newest year in the store.
    """
    y = latest_air_year(url) if year is None else year

    def make() -> list[Record]:
        out = env_svc.assess_targets_on_days(city_days(url), y)
        return _records(out) if not out.empty else []

    return _cached("air_targets", url, (y,), make)


def air_city_verdicts(url: str | None = None, *, year: int | None = None) -> dict[str, Any]:
    """Per city code, its reading against the nearest targets covering it.

    :func:`.assessments.city_target_verdicts` of :func:`air_targets`.
    """
    rows = pd.DataFrame(air_targets(url, year=year))
    return env_svc.city_target_verdicts(rows) if not rows.empty else {}


#: Plan indicators the environment data can produce, with what produces them.
ENVIRONMENT_INDICATORS = ("air_good_days_ratio", "water_section_class_iii_share")


def plan_figures(url: str | None = None) -> pd.DataFrame:
    """The plan figures the stored environment data produce, one row per indicator, region, year.

    So that no two surfaces disagree, the demo's plan-figure observations of these indicators
    are *derived* from the environment data, never invented beside them:

    * ``air_good_days_ratio`` (%): for each year with air data, each city's ratio (the figure of
      ``/air/annual``, edition of each day) and each target region's group value (the mean of the
      cities its target covers, :func:`air_targets`: ``LXCSQ`` all nine, ``620000`` 兰州经济圈);
    * ``water_section_class_iii_share`` (%): for each year with water samples, the share of
      the months in which 湟水出省断面 (``HS-OUT``) was Ⅲ类 or better, for ``630000`` (the plan's
      target).

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``region_code``, ``period`` (year), ``value``; empty without data.
    """
    rows: list[dict[str, object]] = []
    with contextlib.suppress(NotFoundError):
        years = sorted({int(str(t)[:4]) for t in city_days(url)["time"].astype(str)})
        for y in years:
            for r in air_targets(url, year=y):
                if r["good_days_ratio"] is None:
                    continue
                key = "good_days_ratio" if r["level"] == "target" else "good_days_ratio_by_day"
                value = r[key]
                if value is None:
                    continue
                rows.append(
                    {
                        "indicator_id": "air_good_days_ratio",
                        "region_code": r["unit"],
                        "period": str(y),
                        "value": float(value),
                    }
                )
    with contextlib.suppress(NotFoundError):
        samples = _samples(url)
        hs = samples[samples["section"] == "HS-OUT"]
        for y in sorted({int(t[:4]) for t in hs["time"]}):
            monthly = pd.DataFrame(
                [r for m in range(1, 13) for r in _hs_month(url, f"{y}-{m:02d}")]
            )
            if monthly.empty:
                continue
            share = 100.0 * float((monthly["water_class"] <= 3).mean())
            rows.append(
                {
                    "indicator_id": "water_section_class_iii_share",
                    "region_code": "630000",
                    "period": str(y),
                    "value": round(share, 1),
                }
            )
    out = pd.DataFrame(rows, columns=["indicator_id", "region_code", "period", "value"])
    return out.drop_duplicates(["indicator_id", "region_code", "period"], ignore_index=True)


def _hs_month(url: str | None, month: str) -> list[Record]:
    if month not in water_months(url):
        return []
    return [r for r in water_monthly(url, month=month) if r["section"] == "HS-OUT"]
