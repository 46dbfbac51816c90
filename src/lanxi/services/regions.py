"""One lookup from a region's name, in any of the forms people and data write, to its code.

Regions are identified by code everywhere (GB/T 2260, ``LXCSQ`` for the agglomeration). Names
reach Lanxi in several forms: the full name (临夏回族自治州), the short forms of the plans and of
the station lists (临夏州, 临夏; 海南州, 海南; 兰州, 兰州市), English names, and former names and
codes (湟中县, 630122). :func:`region_code` resolves every one of them through one table built from
the bundled catalogue (``regions.csv`` and ``region_aliases.csv``):

1. the code itself, the Chinese and the English name, every alias and former code;
2. for provinces and prefecture-level units, the *stem* of the name: the name without its
   administrative suffix (省, 市, 地区, 州 and the ethnic 自治州 forms: 临夏回族自治州 → 临夏,
   海南藏族自治州 → 海南), and for an autonomous prefecture the stem with 州 (临夏州).

A stem that two regions share is dropped (never guessed); an unknown name raises
:class:`lanxi.errors.NotFoundError` naming it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lanxi.errors import NotFoundError

#: Peoples named in the autonomous units of Gansu and Qinghai (回族自治州, 蒙古族藏族自治州, …).
_PEOPLES = ("回", "藏", "蒙古", "土", "撒拉", "东乡", "保安", "哈萨克", "裕固")
_AUTONOMOUS = re.compile(r"^(?P<stem>.+?)(?:(?:" + "|".join(_PEOPLES) + r")族)+自治州$")
_SUFFIXES = ("省", "市", "地区", "州")


def name_stems(name: str) -> tuple[str, ...]:
    """Short forms of a province's or prefecture's name (临夏回族自治州 → 临夏, 临夏州).

    Examples
    --------
    >>> name_stems("临夏回族自治州")
    ('临夏', '临夏州')
    >>> name_stems("兰州市")
    ('兰州',)
    >>> name_stems("甘肃省")
    ('甘肃',)
    """
    m = _AUTONOMOUS.match(name)
    if m:
        return (m["stem"], m["stem"] + "州")
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return (name[: -len(suffix)],)
    return ()


@dataclass(frozen=True)
class RegionLookup:
    """Name → code table and code → name of the bundled regions (see the module text)."""

    codes: dict[str, str]
    names: dict[str, str]
    levels: dict[str, str]

    def code(self, key: str) -> str:
        """The code of ``key`` (a code, name, short name, English name or former name).

        Raises
        ------
        NotFoundError
            For a key no region answers to.
        """
        k = str(key).strip()
        if k in self.codes:
            return self.codes[k]
        low = k.lower()
        if low in self.codes:
            return self.codes[low]
        raise NotFoundError(
            f"no region '{k}': give a code, name, short name or former name "
            "(list them with `lanxi regions`)"
        )

    def get(self, key: object) -> str | None:
        """The code of ``key``, or None when nothing answers to it (or it is empty)."""
        if key is None or (isinstance(key, float) and key != key):
            return None
        try:
            return self.code(str(key))
        except NotFoundError:
            return None

    def name(self, code: str) -> str:
        """The current Chinese name of ``code`` (the code itself when unknown)."""
        return self.names.get(code, code)


@lru_cache(maxsize=1)
def region_lookup() -> RegionLookup:
    """The lookup of the bundled catalogue's regions (built once per process)."""
    from lanxi.data.catalog import bundled_catalog

    cat = bundled_catalog()
    codes: dict[str, str] = {}
    stems: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    levels: dict[str, str] = {}
    for r in cat.regions:
        names[r.code] = r.name
        levels[r.code] = str(getattr(r.level, "value", r.level))
        codes[r.code] = r.code
        codes[r.name] = r.code
        codes[r.name_en.lower()] = r.code
        if levels[r.code] in ("province", "prefecture"):
            for s in name_stems(r.name):
                stems.setdefault(s, set()).add(r.code)
    for a in cat.region_aliases:
        codes.setdefault(a.alias_name, a.code)
        if a.alias_code:
            codes.setdefault(a.alias_code, a.code)
    for s, found in stems.items():
        if len(found) == 1:
            codes.setdefault(s, next(iter(found)))
    # 兰州新区 (620171): a national new area on land of 永登 and 皋兰 with a census row and air
    # stations of its own (CNEMC publishes it as a city). It is not one of the plan's regions:
    # named here so its data are assessed as a unit of their own, never inside 兰州市's figure
    # and never under a target (targets name prefecture codes).
    from lanxi.data.census import NEW_AREA_CODE

    codes.setdefault("兰州新区", NEW_AREA_CODE)
    codes.setdefault(NEW_AREA_CODE, NEW_AREA_CODE)
    names.setdefault(NEW_AREA_CODE, "兰州新区")
    levels.setdefault(NEW_AREA_CODE, "new_area")
    return RegionLookup(codes=codes, names=names, levels=levels)


def region_code(key: str) -> str:
    """The code of a region named in any form (see :class:`RegionLookup`).

    Examples
    --------
    >>> [region_code(k) for k in ("临夏州", "临夏", "临夏回族自治州", "622900")]
    ['622900', '622900', '622900', '622900']
    >>> region_code("海南")
    '632500'
    """
    return region_lookup().code(key)


def region_name(code: str) -> str:
    """The current Chinese name of a region code (the code itself when unknown)."""
    return region_lookup().name(code)


def to_code(key: str | None) -> str | None:
    """``key`` as a region code when any region answers to it, else ``key`` unchanged.

    For the ``region`` arguments of the services (CLI ``--region``, API ``region=``): 海南,
    临夏州 and 632500 all select the same rows; an unknown key passes through, so the service's
    own "no region" error names it.
    """
    if key is None:
        return None
    code = region_lookup().get(key)
    return code if code is not None else key


#: The name of the Lanzhou economic circle, whose targets carry Gansu's code for want of one.
LANZHOU_ECONOMIC_CIRCLE = "兰州经济圈"


def target_unit_name(
    target_id: str,
    region_code: str,
    target_name: str | None,
    region_name: str | None,
    group_name: str | None = None,
) -> str:
    """The unit a target is set for, by name: 兰州经济圈's targets are not 甘肃省's.

    The one rule every surface labels a target's unit with (CLI, API, dashboard, reports). A
    target set for a region group (``group`` in ``targets.yaml``: 兰州经济圈, 兰州—白银都市圈)
    carries the code of Gansu (620000) for want of a code of its own and is named by its group;
    where the group is not at hand, the Lanzhou economic circle's targets are known by their ids
    (``.lzec.``) and names (starting with 兰州经济圈). Every other target is named by its region.

    Parameters
    ----------
    target_id, region_code : str
        The target's id and region code.
    target_name, region_name : str or None
        The target's name and its region's name (None: unknown).
    group_name : str, optional
        The name of the target's region group, if it has one.

    Returns
    -------
    str
        The group's name, else ``兰州经济圈`` for its targets, else the region's name, else its
        code.

    Examples
    --------
    >>> target_unit_name("plan.lzec.gdp.2025", "620000", None, "甘肃省")
    '兰州经济圈'
    >>> target_unit_name("plan.lbmc.gdp.2025", "620000", None, "甘肃省", "兰州—白银都市圈")
    '兰州—白银都市圈'
    >>> target_unit_name("plan.gdp.2025", "620000", "地区生产总值", "甘肃省")
    '甘肃省'
    """
    if group_name:
        return group_name
    if ".lzec." in target_id or (target_name or "").startswith(LANZHOU_ECONOMIC_CIRCLE):
        return LANZHOU_ECONOMIC_CIRCLE
    return region_name or region_code
