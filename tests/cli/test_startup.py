"""Start-up of the ``lanxi`` command: nothing heavy before a command runs (issue 17)."""

from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lanxi.cli.main import COMMANDS, load_command

HEAVY = ("numba", "pandas", "sqlalchemy", "numpy", "scipy", "fastapi", "pydantic")

_PROBE = """
import json, sys
from lanxi.cli.main import main
sys.argv = ["lanxi", *{argv!r}]
try:
    main()
except SystemExit:
    pass
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)), file=sys.stderr)
"""


def _heavy_after(argv: list[str], env: dict[str, str] | None = None) -> list[str]:
    code = _PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=env,
    )
    return json.loads(out.stderr.strip().splitlines()[-1])


@pytest.mark.parametrize("argv", [["--help"], [], ["--version"]])
def test_help_imports_nothing_heavy(argv: list[str]) -> None:
    assert _heavy_after(argv) == []


def test_a_command_imports_only_what_it_needs() -> None:
    # `lanxi coupling` loads the analytics commands, which need pandas but not the database
    assert "sqlalchemy" not in _heavy_after(["coupling", "--help"])


def test_help_memory_under_80_mib() -> None:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-m", "lanxi.cli.main", "--help"],
        capture_output=True,
        check=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "100"},
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest child so far: only meaningful if this one set it
    if peak_kib > before:
        assert peak_kib < 80 * 1024, f"lanxi --help peaked at {peak_kib / 1024:.0f} MiB"


def test_registry_help_equals_each_commands_own() -> None:
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    for entry in COMMANDS:
        command = load_command(entry)
        assert command.name == entry.name
        assert command.hidden == entry.hidden, entry.name
        assert command.get_short_help_str(limit=1000) == entry.help, entry.name


# ------------------------------------------------------------------ lanxi regions (issue 17)


@pytest.fixture(scope="module")
def plan_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the bundled plan data, as `lanxi setup` leaves it."""
    from lanxi.services import store

    path = tmp_path_factory.mktemp("startup") / "lanxi.sqlite"
    url = f"sqlite:///{path}"
    store.init_database(url)
    store.load_bundled_plans(url=url)
    store.engine.cache_clear()  # let go of the file: the tests below change it
    return path


def _env_for(path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("LANXI_")}
    return {**env, "LANXI_DATABASE_URL": f"sqlite:///{path}", "COLUMNS": "200"}


def _regions_json(path: Path, *args: str) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "lanxi.cli.main", "regions", "--format", "json", *args],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=_env_for(path),
    )
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    "argv",
    [
        ["regions"],
        ["regions", "--format", "json"],
        ["regions", "--format", "csv", "--level", "county"],
        ["regions", "--group", "兰州经济圈"],
    ],
)
def test_regions_on_the_sqlite_store_imports_nothing_heavy(
    plan_store: Path, argv: list[str]
) -> None:
    # typer itself imports pydantic to coerce a command's options; everything else stays out
    heavy = _heavy_after(argv, env=_env_for(plan_store))
    assert [m for m in heavy if m != "pydantic"] == []


def test_regions_fast_path_gives_the_records_of_the_sqlalchemy_path(plan_store: Path) -> None:
    from lanxi.services.plans import list_regions
    from lanxi.services.region_list import list_regions_in_store
    from lanxi.services.store import engine, session

    url = f"sqlite:///{plan_store}"
    try:
        for kw in ({}, {"level": "county"}, {"group": "lanxi_belt"}, {"group": "兰州经济圈"}):
            fast = list_regions_in_store(url=url, **kw)
            with session(url) as s:
                full = list_regions(s, **kw)
            assert fast == full, kw
            assert [type(v) for r in fast for v in r.values()] == [
                type(v) for r in full for v in r.values()
            ]
    finally:
        engine.cache_clear()
    # hand-checked against the bundled catalogue: 39 county-level units, 湟中区 formerly 湟中县
    counties = _regions_json(plan_store, "--level", "county")
    assert len(counties) == 39
    huangzhong = next(r for r in counties if r["code"] == "630106")
    assert (huangzhong["name"], huangzhong["name_en"], huangzhong["level"]) == (
        "湟中区",
        "Huangzhong District",
        "county",
    )
    assert {"name": "湟中县", "code": "630122", "valid_until": 2020} in huangzhong["aliases"]


def test_regions_reads_the_store_not_the_bundle(plan_store: Path) -> None:
    # a store whose region was renamed after loading: the command shows the store's name
    con = sqlite3.connect(plan_store)
    (before,) = con.execute("SELECT name_en FROM regions WHERE code = '620100'").fetchone()
    try:
        with con:
            con.execute("UPDATE regions SET name_en = 'Renamed in the store' WHERE code = '620100'")
        rows = _regions_json(plan_store, "--level", "prefecture")
        assert next(r for r in rows if r["code"] == "620100")["name_en"] == "Renamed in the store"
    finally:
        with con:
            con.execute("UPDATE regions SET name_en = ? WHERE code = '620100'", (before,))
        con.close()


def test_regions_without_a_store_says_how_to_make_one(tmp_path: Path) -> None:
    # the fast reader does not create the file; the SQLAlchemy path gives its message
    out = subprocess.run(
        [sys.executable, "-m", "lanxi.cli.main", "regions"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env_for(tmp_path / "none.sqlite"),
    )
    assert out.returncode == 1
    assert "lanxi setup" in out.stderr


def test_regions_unknown_group_names_the_groups(plan_store: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "lanxi.cli.main", "regions", "--group", "nowhere"],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env_for(plan_store),
    )
    assert out.returncode == 1
    assert "no region group 'nowhere'" in out.stderr and "lanxi_belt" in out.stderr
