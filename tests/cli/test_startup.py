"""Start-up of the ``lanxi`` command: nothing heavy before a command runs (issue 17)."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

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


def _heavy_after(argv: list[str]) -> list[str]:
    code = _PROBE.format(argv=argv, heavy=HEAVY)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
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
