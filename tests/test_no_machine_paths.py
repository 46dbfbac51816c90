"""No machine paths in what ships or what users read: package data, docs, README, scripts.

A bundled ``source`` field or a doc that names ``/work/…`` or ``/home/…`` points at one machine;
the repository finds ``../shared`` relative to itself. The pattern catches absolute paths under
/work, /home, /tmp and /root (not URLs: ``https://host/home/`` has a host before the slash).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PATTERN = re.compile(r"(?<![\w.~:/-])/(?:work|home|tmp|root)/")
TEXT_SUFFIXES = {
    ".csv",
    ".yaml",
    ".yml",
    ".json",
    ".geojson",
    ".md",
    ".txt",
    ".py",
    ".html",
    ".toml",
}


def _files() -> list[Path]:
    roots = [REPO / "src" / "lanxi", REPO / "docs", REPO / "scripts", REPO / "changes"]
    files = [REPO / "README.md", REPO / "pyproject.toml"]
    for root in roots:
        files += [p for p in root.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES]
    return sorted(files)


def machine_paths(text: str) -> list[str]:
    """The lines of ``text`` holding an absolute machine path."""
    return [line.strip() for line in text.splitlines() if PATTERN.search(line)]


@pytest.mark.parametrize(
    ("line", "bad"),
    [
        ('1475A,x,"snapshot /work/shared/validation/a.geojson"', True),
        ("read from /home/user/data.csv", True),
        ("`/tmp/x.csv`", True),
        ("(/root/.cache)", True),
        ("../shared/validation/cnemc-aqi", False),
        ("https://example.org/home/page", False),
        ("shared/work/notes", False),
    ],
)
def test_pattern(line: str, bad: bool) -> None:
    assert bool(machine_paths(line)) is bad


def test_no_machine_path_in_package_data_docs_or_scripts() -> None:
    files = _files()
    assert any(p.name == "air_stations.csv" for p in files)
    assert any(p.suffix == ".md" and p.parent.name == "docs" for p in files)
    found = {
        str(p.relative_to(REPO)): hits
        for p in files
        if (hits := machine_paths(p.read_text(encoding="utf-8", errors="replace")))
    }
    assert not found, found
