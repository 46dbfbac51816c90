"""The bundled 2020 and 2010 census populations (``data/statistics/census/``).

Source, licence (MIT, ``LICENSE.txt`` beside the files) and the column meanings are in
``data/statistics/census/README.md``. Populations are resident populations (常住人口) in persons.

兰州新区 (620171) is a census row of its own: it is in 兰州市's total and the agglomeration's, not
one of the plan's 39 county units (:data:`NEW_AREA_CODE`, ``docs/data-regions.md``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from io import StringIO

import pandas as pd

from lanxi.errors import Problem, ValidationError

__all__ = [
    "CENSUS_SOURCE",
    "NEW_AREA_CODE",
    "NEW_AREA_NODE",
    "agglomeration_population",
    "census_2010",
    "census_2020",
]

#: 兰州新区: a census row of its own, land from 永登 and 皋兰; not one of the 39 county units.
NEW_AREA_CODE = "620171"
#: Its node on the bundled planning network (kind ``new_area``).
NEW_AREA_NODE = "lanzhou_xinqu"

#: How a figure drawn from these files is cited.
CENSUS_SOURCE = {
    2020: "第七次全国人口普查 (2020) 《中国人口普查分县资料2020》, via GitHub leiii/census "
    "data/census/census_county_2020_v1.xlsx @0ba0f1ef (MIT); lanxi/data/statistics/census/"
    "census_2020_county.csv",
    2010: "第六次全国人口普查 (2010) 《中国2010年人口普查分县资料》, via GitHub leiii/census "
    "data/census/census_county_2010_v1.xlsx (MIT); lanxi/data/statistics/census/"
    "census_2010_county.csv",
}

_INT_2020 = ("population", "male", "female", "urban", "rural", "households", "household_population")
_INT_2010 = ("population", "male", "female", "urban", "rural", "households")


def _read(name: str) -> pd.DataFrame:
    path = resources.files("lanxi") / "data" / "statistics" / "census" / name
    return pd.read_csv(
        StringIO(path.read_text(encoding="utf-8")),
        dtype={"code": str, "code_2010": str, "code_current": str},
    )


def _check(df: pd.DataFrame, file: str, code: str) -> None:
    problems: list[Problem] = []
    for i, r in df.iterrows():
        row = int(str(i)) + 2
        if r["male"] + r["female"] != r["population"]:
            problems.append(
                Problem(
                    file,
                    row,
                    "population",
                    f"{r['population']} is not male + female ({r['male']} + {r['female']})",
                    message_zh=f"人口数 {r['population']} 不等于男 + 女",
                )
            )
        if pd.notna(r["rural"]) and r["urban"] + r["rural"] != r["population"]:
            problems.append(
                Problem(
                    file,
                    row,
                    "population",
                    f"{r['population']} is not urban + rural",
                    message_zh=f"人口数 {r['population']} 不等于城镇 + 乡村",
                )
            )
    counties = df[df["level"] == "county"]
    for _, p in df[df["level"] == "prefecture"].iterrows():
        kids = counties[counties[code].str[:4] == str(p[code])[:4]]
        if len(kids) and int(kids["population"].sum()) != int(p["population"]):
            problems.append(
                Problem(
                    file,
                    None,
                    "population",
                    f"{p[code]}: prefecture {p['population']} is not the sum of its counties "
                    f"({int(kids['population'].sum())})",
                    message_zh=f"{p[code]}：地级人口数不等于所辖县级之和",
                )
            )
    missing = [c for c in ("population", "male", "female") if df[c].isna().any()]
    if missing:
        problems.append(Problem(file, None, ",".join(missing), "blank", message_zh="有空值"))
    if problems:
        raise ValidationError(problems)


@cache
def _census_2020() -> pd.DataFrame:
    df = _read("census_2020_county.csv")
    df = df.astype(dict.fromkeys(_INT_2020, "Int64"))
    _check(df, "census_2020_county.csv", "code")
    return df


@cache
def _census_2010() -> pd.DataFrame:
    df = _read("census_2010_county.csv")
    df = df.astype(dict.fromkeys(_INT_2010, "Int64"))
    _check(df, "census_2010_county.csv", "code_2010")
    return df


def census_2020() -> pd.DataFrame:
    """The 2020 census rows: 9 prefectures and their 55 county-level units.

    Returns
    -------
    pandas.DataFrame
        ``code``, ``name`` (as the census prints it), ``name_current``, ``level``
        (``prefecture``/``county``), ``province``, ``prefecture``, ``in_lanxi39`` (1 for the
        plan's 39 county units), ``population`` (常住人口, persons), ``male``, ``female``,
        ``urban``, ``rural``, ``city_proper`` (prefectures), ``households``,
        ``household_population``, ``share_0_14``, ``share_15_64``, ``share_65_plus`` (%),
        ``schooling_years``. Checked on load: total = male + female = urban + rural and each
        prefecture = the sum of its counties.
    """
    return _census_2020().copy()


def census_2010() -> pd.DataFrame:
    """The 2010 census rows of the same prefectures and counties (海东 is absent in the source).

    Returns
    -------
    pandas.DataFrame
        ``code_2010``, ``name_2010``, ``code_current`` (today's code: 630122 → 630106,
        632321 → 632301), ``level``, ``population``, ``male``, ``female``, ``urban``, ``rural``,
        ``households`` (nullable integers: 安宁区's ``rural`` is blank in the source — all urban).
    """
    return _census_2010().copy()


def agglomeration_population(year: int = 2020) -> dict[str, int]:
    """The agglomeration's resident population: the 39 county units and 兰州新区.

    Parameters
    ----------
    year : int
        2020 only (the 2010 file lacks 海东).

    Returns
    -------
    dict
        ``county_units`` (Σ of the 39 units), ``new_area`` (兰州新区 620171) and ``total``
        (their sum, the figure Lanxi reports for the agglomeration).
    """
    if year != 2020:
        raise ValueError("the agglomeration's population is bundled for 2020 only")
    df = _census_2020()
    units = int(df.loc[df["in_lanxi39"] == 1, "population"].sum())
    new_area = int(df.loc[df["code"] == NEW_AREA_CODE, "population"].iloc[0])
    return {"county_units": units, "new_area": new_area, "total": units + new_area}
