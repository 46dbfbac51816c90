"""The list of regions, one definition for every reader, and a fast way to it for the command line.

:func:`regions_from` is the one definition of the records that ``lanxi regions``, the API's
``/regions`` and the reports read (:func:`lanxi.services.plans.list_regions` calls it on a
SQLAlchemy session). It is written as plain SQL over a :data:`~lanxi.storage.sqlite_read.Fetch`
function so that :func:`list_regions_in_store` can run the same queries with the standard
library's :mod:`sqlite3` on the default SQLite store: ``lanxi regions`` then starts without
SQLAlchemy, pandas or pydantic (issue 17: under 0.3 s and 80 MB). Other databases, and any store
the fast reader cannot open, go through SQLAlchemy as before.

This module imports nothing heavy; keep it so (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from lanxi.errors import NotFoundError
from lanxi.storage.sqlite_read import Fetch

Record = dict[str, Any]
LEVELS = ("agglomeration", "province", "prefecture", "county")

_COLUMNS = (
    "code, name, name_en, level, parent_code, province, in_scope, area_km2, lon, lat, source, "
    "code_source, geo_source"
)


def regions_from(
    fetch: Fetch, *, level: str | None = None, group: str | None = None
) -> list[Record]:
    """Regions, optionally of one level or one named group, read through ``fetch``.

    Parameters
    ----------
    fetch : callable
        Runs one SQL statement with named parameters on the store and returns its rows.
    level : {"agglomeration", "province", "prefecture", "county"}, optional
        Keep only this level.
    group : str, optional
        A group id (``lanxi_belt``) or its Chinese name (``兰州—白银都市圈``); keep its members.

    Returns
    -------
    list of dict
        ``code, name, name_en, level, parent_code, province, in_scope, area_km2, lon, lat,
        aliases, groups, source, code_source, geo_source`` — ordered by code.

    Raises
    ------
    lanxi.errors.NotFoundError
        For an unknown level or group (naming the ones there are).
    """
    if level is not None and level not in LEVELS:
        raise NotFoundError(f"no level '{level}': use one of {', '.join(LEVELS)}")
    where: list[str] = []
    params: dict[str, Any] = {}
    if level is not None:
        where.append("level = :level")
        params["level"] = level
    if group is not None:
        found = fetch("SELECT id FROM region_groups WHERE id = :g OR name = :g", {"g": group})
        if not found:
            ids = ", ".join(str(r[0]) for r in fetch("SELECT id FROM region_groups", {}))
            raise NotFoundError(f"no region group '{group}': use one of {ids}")
        where.append(
            "code IN (SELECT region_code FROM region_group_members WHERE group_id = :group_id)"
        )
        params["group_id"] = found[0][0]
    sql = f"SELECT {_COLUMNS} FROM regions"
    if where:
        sql += " WHERE " + " AND ".join(where)
    rows = fetch(sql + " ORDER BY code", params)
    aliases: dict[str, list[Record]] = defaultdict(list)
    for code, name, alias_code, valid_until in fetch(
        "SELECT code, alias_name, alias_code, valid_until FROM region_aliases ORDER BY id", {}
    ):
        aliases[code].append({"name": name, "code": alias_code, "valid_until": valid_until})
    groups: dict[str, list[str]] = defaultdict(list)
    for code, group_id in fetch("SELECT region_code, group_id FROM region_group_members", {}):
        groups[code].append(group_id)
    return [
        {
            "code": r[0],
            "name": r[1],
            "name_en": r[2],
            "level": r[3],
            "parent_code": r[4],
            "province": r[5],
            "in_scope": r[6],
            "area_km2": r[7],
            "lon": r[8],
            "lat": r[9],
            "aliases": aliases.get(r[0], []),
            "groups": sorted(groups.get(r[0], [])),
            "source": r[10],
            "code_source": r[11],
            "geo_source": r[12],
        }
        for r in rows
    ]


def list_regions_in_store(
    *, level: str | None = None, group: str | None = None, url: str | None = None
) -> list[Record]:
    """:func:`regions_from` on the store, read with :mod:`sqlite3` when it is a SQLite file.

    Parameters
    ----------
    level, group
        As :func:`regions_from`.
    url : str, optional
        The store's URL; the settings' (:func:`lanxi.home.database_url`) by default.

    Returns
    -------
    list of dict
        The records of :func:`regions_from`.

    Raises
    ------
    lanxi.errors.ConfigurationError
        If the store has no schema yet (from the SQLAlchemy path, with the command to run).
    """
    from lanxi.home import database_url
    from lanxi.storage import sqlite_read

    path = sqlite_read.sqlite_file(url if url is not None else database_url())
    if path is not None:
        try:
            with sqlite_read.reader(path) as fetch:
                return regions_from(fetch, level=level, group=group)
        except sqlite_read.UnavailableError:
            pass  # the full path below reads it, or says what is wrong
    from lanxi.services.plans import list_regions
    from lanxi.services.store import session

    with session(url) as s:
        return list_regions(s, level=level, group=group)
