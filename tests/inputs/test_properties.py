"""Property-based tests of every reader/engine that takes a file (issue 13's machinery).

Hypothesis writes malformed files — duplicate keys, missing-value tokens, wrong units, non-finite
and extreme numbers, text, mixed time offsets, three encodings — and runs the command in-process.
The property: **exit 2 naming the row and field** whenever the file holds a bad cell or a duplicate
key, **exit 0** with every row kept (and the documented reading: missing tokens missing, offsets
converted and labelled, below-detection values at ½ DL) when it does not, and **never a
traceback**. Few examples and no deadline keep them to a few seconds each.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from lanxi.cli.main import app
from lanxi.io.tables import MISSING_TOKENS

runner = CliRunner()

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
    # no shrinking: a failure is reported as generated (shrinking CLI runs takes minutes)
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
)

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
MISSING = st.sampled_from([t for t in MISSING_TOKENS if t])


@dataclass(frozen=True)
class Cell:
    """One generated cell: its text and whether the reader must refuse it."""

    text: str
    bad: bool


def _cells(valid: st.SearchStrategy[str], bad: st.SearchStrategy[str]) -> st.SearchStrategy[Cell]:
    return st.one_of(
        valid.map(lambda t: Cell(t, False)),
        MISSING.map(lambda t: Cell(t, False)),
        bad.map(lambda t: Cell(t, True)),
    )


NON_FINITE = st.sampled_from(["inf", "-inf", "Infinity", "1e400", "nan", "NaN"])
TEXT = st.sampled_from(["abc", '"12,3"', "n.d.", "0.02l", "?"])  # "12,3" quoted: one cell
NEGATIVE = st.integers(1, 1000).map(lambda x: f"-{x}")

PM25 = _cells(st.integers(1, 600).map(str), st.one_of(NON_FINITE, TEXT, NEGATIVE))
CO = _cells(
    st.integers(1, 1500).map(lambda x: f"{x / 10:.1f}"),  # 0.1 … 150 mg/m³, all valid
    st.one_of(NON_FINITE, TEXT, NEGATIVE, st.integers(151, 5000).map(str)),  # > 150: µg/m³
)


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _assert_no_traceback(res: Result) -> None:
    assert res.exit_code in (0, 2), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output


# ------------------------------------------------------------------------------------- air


def _time(hour: int, form: int) -> str:
    """One Beijing hour of 2025-06-01 in one of three spellings (naive, +08:00, UTC)."""
    if form == 0:
        return f"2025-06-01 {hour:02d}:00"
    if form == 1:
        return f"2025-06-01T{hour:02d}:00:00+08:00"
    utc = hour - 8
    day = "2025-06-01" if utc >= 0 else "2025-05-31"
    return f"{day}T{utc % 24:02d}:00:00Z"


AIR_ROW = st.tuples(
    st.sampled_from(["1001A", "1002A"]), st.integers(0, 23), st.integers(0, 2), PM25, CO
)


@FAST
@given(rows=st.lists(AIR_ROW, min_size=1, max_size=12), encoding=st.sampled_from(ENCODINGS))
def test_air_aqi_property(tmp_path_factory, rows, encoding) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("aqi")
    lines = [f"{s},{_time(h, f)},职工医院,{p.text},{c.text}" for s, h, f, p, c in rows]
    src = _write(tmp / "in.csv", "station,time,name,pm2_5,co\n" + "\n".join(lines) + "\n", encoding)
    out = tmp / "out.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(out)])
    _assert_no_traceback(res)
    keys = [(s, h) for s, h, *_ in rows]
    bad = any(p.bad or c.bad for *_, p, c in rows)
    duplicate = len(set(keys)) < len(keys)
    if bad or duplicate:
        assert res.exit_code == 2, res.output
        assert "row " in res.output and "field '" in res.output
        assert not out.exists()
        return
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(df) == len(rows)
    assert df["name"].tolist() == ["职工医院"] * len(rows)
    offsets = any(f != 0 for _, _, f, *_ in rows)
    expected = [_time(h, 1) if offsets else f"2025-06-01T{h:02d}:00:00" for _, h, *_ in rows]
    assert df["time"].tolist() == expected
    # a missing token is missing: the PM2.5 IAQI is empty exactly where PM2.5 was a token
    blank = [p.text in MISSING_TOKENS for *_, p, _ in rows]
    assert [v == "" for v in df["iaqi_pm2_5"]] == blank


DAILY_ROW = st.tuples(st.integers(1, 28), PM25)


@FAST
@given(rows=st.lists(DAILY_ROW, min_size=1, max_size=10), encoding=st.sampled_from(ENCODINGS))
def test_air_annual_daily_property(tmp_path_factory, rows, encoding) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("annual")
    lines = [f"A,2025-02-{d:02d},{p.text}" for d, p in rows]
    src = _write(tmp / "in.csv", "station,time,pm2_5\n" + "\n".join(lines) + "\n", encoding)
    out = tmp / "out.csv"
    res = runner.invoke(app, ["air", "annual", str(src), "--kind", "daily", "--out", str(out)])
    _assert_no_traceback(res)
    days = [d for d, _ in rows]
    if any(p.bad for _, p in rows) or len(set(days)) < len(days):
        assert res.exit_code == 2, res.output
        assert "row " in res.output and "field '" in res.output
        return
    assert res.exit_code == 0, res.output
    row = pd.read_csv(out).iloc[0]
    valid = [int(p.text) for _, p in rows if p.text not in MISSING_TOKENS]
    assert row["n_pm2_5"] == len(valid)  # every day once, missing tokens not counted


# ----------------------------------------------------------------------------------- water

NH3N = _cells(
    st.one_of(
        st.integers(1, 2000).map(lambda x: f"{x / 100:.2f}"),  # 0.01 … 20 mg/L
        st.sampled_from(["0.025L", "<0.02", "ND(0.05)", "未检出（0.025）"]),
    ),
    st.one_of(
        NON_FINITE,
        TEXT,
        NEGATIVE,
        st.sampled_from(["ND", "未检出"]),
        st.integers(101, 5000).map(str),
    ),
)
WATER_ROW = st.tuples(st.sampled_from(["S1", "S2"]), st.integers(1, 28), NH3N)


@FAST
@given(rows=st.lists(WATER_ROW, min_size=1, max_size=10), encoding=st.sampled_from(ENCODINGS))
def test_water_classify_property(tmp_path_factory, rows, encoding) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("water")
    lines = [f"{s},2025-06-{d:02d},river,黄河,{c.text}" for s, d, c in rows]
    src = _write(
        tmp / "in.csv", "section,time,waterbody,river,nh3n\n" + "\n".join(lines) + "\n", encoding
    )
    out = tmp / "out.csv"
    res = runner.invoke(app, ["water", "classify", str(src), "--out", str(out)])
    _assert_no_traceback(res)
    keys = [(s, d) for s, d, _ in rows]
    if any(c.bad for *_, c in rows) or len(set(keys)) < len(keys):
        assert res.exit_code == 2, res.output
        assert "row " in res.output and "field '" in res.output
        return
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert len(df) == len(rows) and df["river"].tolist() == ["黄河"] * len(rows)
    below = [
        "L" in c.text or "<" in c.text or "ND(" in c.text or "未检出" in c.text for *_, c in rows
    ]
    assert [v != "" for v in df["below_detection"]] == below


# ------------------------------------------------------------------------------- structure

VALUE = _cells(st.integers(0, 10_000).map(str), st.one_of(NON_FINITE, TEXT, NEGATIVE))
YEARBOOK_ROW = st.tuples(st.sampled_from(["620102", "630102"]), st.sampled_from("AB"), VALUE)


@FAST
@given(rows=st.lists(YEARBOOK_ROW, min_size=1, max_size=6), encoding=st.sampled_from(ENCODINGS))
def test_structure_property(tmp_path_factory, rows, encoding) -> None:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("structure")
    lines = [f"{r},2020,{s},{v.text},万人" for r, s, v in rows]
    src = _write(
        tmp / "in.csv", "region_code,year,sector,value,unit\n" + "\n".join(lines) + "\n", encoding
    )
    res = runner.invoke(app, ["structure", "lq", str(src), "--format", "json"])
    _assert_no_traceback(res)
    keys = [(r, s) for r, s, _ in rows]
    if any(v.bad for *_, v in rows) or len(set(keys)) < len(keys):
        assert res.exit_code == 2, res.output
        assert "row " in res.output and "field '" in res.output
    # a valid file may still be refused as a whole (e.g. one region only, or missing values):
    # whatever the outcome, the JSON of a success is strict (no NaN/Infinity)
    if res.exit_code == 0:
        from tests.strict_json import strict_loads

        strict_loads(res.stdout)


def test_read_back_is_independent_of_the_encoding(tmp_path: Path) -> None:
    """The same table in three encodings gives byte-identical output (a fixed example)."""
    text = "section,time,waterbody,river,nh3n\nS1,2025-06-01,river,黄河,0.025L\n"
    outs = []
    for enc in ENCODINGS:
        src = _write(tmp_path / f"{enc}.csv", text, enc)
        out = tmp_path / f"{enc}.out.csv"
        res = runner.invoke(app, ["water", "classify", str(src), "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]
    assert "黄河" in io.BytesIO(outs[0]).read().decode("utf-8")
