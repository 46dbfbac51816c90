"""The layers stay honest: computation imports no storage, services, interfaces or settings."""

from __future__ import annotations

import ast
from pathlib import Path

import lanxi

PKG = Path(lanxi.__file__).parent
FORBIDDEN_IN_COMPUTE = (
    "lanxi.storage",
    "lanxi.services",
    "lanxi.cli",
    "lanxi.api",
    "lanxi.web",
    "lanxi.reports",
    "lanxi.settings",
    "lanxi.io",
    "fastapi",
    "sqlalchemy",
    "typer",
)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_compute_layer_imports_nothing_below_it() -> None:
    offenders = {}
    for path in (PKG / "compute").rglob("*.py"):
        bad = {
            n
            for n in _imports(path)
            if any(n == f or n.startswith(f + ".") for f in FORBIDDEN_IN_COMPUTE)
        }
        if bad:
            offenders[str(path.relative_to(PKG))] = sorted(bad)
    assert offenders == {}


def test_compute_layer_does_no_file_io() -> None:
    offenders = []
    for path in (PKG / "compute").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", "read_csv(", "read_excel(", "to_csv(", ".read_text(", "sqlite3"):
            if needle in text:
                offenders.append(f"{path.relative_to(PKG)}: {needle}")
    assert offenders == []


def test_domain_and_data_do_not_import_interfaces() -> None:
    for sub in ("domain", "data", "standards"):
        for path in (PKG / sub).rglob("*.py"):
            bad = {
                n
                for n in _imports(path)
                if n.startswith(("lanxi.cli", "lanxi.services", "lanxi.storage"))
            }
            assert not bad, f"{path}: {bad}"


#: The interface packages: they call services, never storage (docs/architecture.md).
INTERFACES = ("cli", "api", "web", "reports")


def test_interfaces_import_services_never_storage() -> None:
    offenders = {}
    paths = [p for pkg in INTERFACES for p in (PKG / pkg).rglob("*.py")]
    paths.append(PKG / "export.py")
    assert len(paths) > 30
    for path in paths:
        bad = {n for n in _imports(path) if n == "lanxi.storage" or n.startswith("lanxi.storage.")}
        if bad:
            offenders[str(path.relative_to(PKG))] = sorted(bad)
    assert offenders == {}
