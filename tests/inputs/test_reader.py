"""The one input reader (issue 13): encodings (UTF-8 ± BOM, GB18030/GBK) and missing-value tokens."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pytest
from tests.strict_json import strict_loads
from typer.testing import CliRunner

from lanxi.cli.main import app
from lanxi.errors import ValidationError
from lanxi.io.tables import MISSING_TOKENS, decode_text, read_table

runner = CliRunner()

AIR = "station,time,name,pm2_5,so2\n1001A,2025-06-01 10:00,职工医院,35,10\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (AIR.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + AIR.encode("utf-8"), "utf-8-sig"),
        (AIR.encode("gb18030"), "gb18030"),
        (AIR.encode("gbk"), "gb18030"),
    ],
)
def test_encodings_read_alike(tmp_path: Path, data: bytes, encoding: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    df = read_table(path)
    assert df.attrs["encoding"] == encoding
    assert list(df.columns) == ["station", "time", "name", "pm2_5", "so2"]
    assert df.loc[0, "name"] == "职工医院"


def test_gbk_is_said(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(AIR.encode("gbk"))
    with caplog.at_level(logging.INFO, logger="lanxi.io"):
        read_table(path)
    assert "GB18030" in caplog.text and "a.csv" in caplog.text


def test_undecodable_bytes_are_refused_with_a_clear_message() -> None:
    with pytest.raises(ValidationError) as err:
        decode_text(b"a,b\n\xff\xff\xff\xff\n", "x.csv")
    p = err.value.problems[0]
    assert p.file == "x.csv" and "UTF-8" in p.message and "GB18030" in p.message
    assert p.message_zh and "编码" in p.message_zh


@pytest.mark.parametrize(
    ("command", "text"),
    [
        (["air", "aqi"], AIR),
        (
            ["water", "classify"],
            "section,time,waterbody,nh3n,note\nS1,2025-06-01,river,0.4,黄河\n",
        ),
    ],
)
def test_gbk_csv_is_accepted_by_the_commands(tmp_path: Path, command: list[str], text: str) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(text.encode("gbk"))
    out = tmp_path / "o.csv"
    res = runner.invoke(app, [*command, str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "GB18030" in res.output  # the note on standard error
    back = pd.read_csv(out, dtype=str)
    assert ("职工医院" in back.to_string()) or ("黄河" in back.to_string())


def test_gbk_structure_csv(tmp_path: Path) -> None:
    """``lanxi structure`` reads a yearbook table through the same reader."""
    src = tmp_path / "y.csv"
    src.write_bytes(
        (
            "region_code,year,sector,value,unit\n620102,2020,A,30,万人\n620102,2020,B,10,万人\n"
            "630102,2020,A,10,万人\n630102,2020,B,50,万人\n"
        ).encode("gbk")
    )
    res = runner.invoke(app, ["structure", "lq", str(src), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = strict_loads(res.stdout)
    lq = {(r["region_code"], r["sector"]): r["lq"] for r in rows}
    assert lq[("620102", "A")] == pytest.approx((30 / 40) / (40 / 100), abs=1e-6)


def test_missing_tokens_are_missing(tmp_path: Path) -> None:
    tokens = ["NA", "-", "—", "-;", "", " NA ", "N/A", "/"]
    lines = "".join(f"1001A,2025-06-01 {h:02d}:00,{t},20\n" for h, t in enumerate(tokens))
    path = tmp_path / "a.csv"
    path.write_text("station,time,so2,pm2_5\n" + lines, encoding="utf-8")
    df = read_table(path)
    assert df["so2"].isna().all()
    assert df["pm2_5"].tolist() == ["20"] * len(tokens)
    assert {"NA", "-", "—", "-;", ""} <= set(MISSING_TOKENS)


def test_missing_tokens_give_missing_iaqi_not_an_error(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text(
        "station,time,so2,pm2_5\n1001A,2025-06-01 10:00,NA,35\n1001A,2025-06-01 11:00,—,35\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.csv"
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    back = pd.read_csv(out)
    assert back["iaqi_so2"].isna().all()
    # PM2.5 35 is the grade-1/2 breakpoint: IAQI 50
    assert back["aqi"].tolist() == [50, 50]


def test_other_text_is_still_refused(tmp_path: Path) -> None:
    src = tmp_path / "a.csv"
    src.write_text("station,time,so2\n1001A,2025-06-01 10:00,n.d.\n", encoding="utf-8")
    res = runner.invoke(app, ["air", "aqi", str(src), "--out", str(tmp_path / "o.csv")])
    assert res.exit_code == 2
    assert "row 1" in res.output and "so2" in res.output


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("A,2025-06-01 10:00,12,3\n", 2),  # one extra field on the first line: no shifted index
        ("A,2025-06-01 10:00,12\nA,2025-06-01 11:00,12,3\n", 3),
    ],
)
def test_a_comma_inside_a_value_names_the_line(tmp_path: Path, body: str, line: int) -> None:
    path = tmp_path / "a.csv"
    path.write_text("station,time,pm2_5\n" + body, encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_table(path)
    (p,) = err.value.problems
    assert p.row == line and "4 fields, the header 3" in p.message
