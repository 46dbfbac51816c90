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


#: The environment services' package, split by what each module does (its ``__init__`` says so).
ENV = PKG / "services" / "environment"
#: Module of the package → the modules of the package it may import.
ENV_ALLOWED = {
    "demo": set(),
    "assessments": set(),
    "compensation": {"assessments", "store"},  # the store: the bundled sections' names only
    "store": {"assessments", "demo"},
    "views": {"assessments", "store"},
}


def _env_imports(path: Path) -> set[str]:
    """Modules of ``lanxi.services.environment`` that ``path`` imports (absolute or relative)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    base = "lanxi.services.environment"
    out: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:  # relative: inside the package
                mod = ".".join(filter(None, [base, mod])) if node.level == 1 else mod
            names = [mod] + [f"{mod}.{a.name}" for a in node.names]
        for n in names:
            if n.startswith(base + "."):
                out.add(n[len(base) + 1 :].split(".")[0])
    return out


def test_environment_package_split_holds() -> None:
    modules = {p.stem for p in ENV.glob("*.py")} - {"__init__"}
    assert modules == set(ENV_ALLOWED), "a new module: say in ENV_ALLOWED what it may import"
    offenders = {}
    for name, allowed in ENV_ALLOWED.items():
        path = ENV / f"{name}.py"
        bad = (_env_imports(path) - {name}) - allowed
        interfaces = {
            n
            for n in _imports(path)
            if any(n == f"lanxi.{i}" or n.startswith(f"lanxi.{i}.") for i in INTERFACES)
        }
        if bad or interfaces:
            offenders[name] = sorted(bad | interfaces)
    assert offenders == {}
    # the package's own __init__ re-exports nothing: callers import the module they mean
    assert _env_imports(ENV / "__init__.py") == set()
    assert not [
        n
        for n in ast.parse((ENV / "__init__.py").read_text(encoding="utf-8")).body
        if isinstance(n, (ast.Import, ast.ImportFrom))
    ]


def _private_environment_names(path: Path) -> set[str]:
    """Private (``_``-prefixed) names of ``lanxi.services.environment`` that ``path`` uses.

    ``from lanxi.services.environment.<m> import _x``, and ``alias._x`` where ``alias`` is bound
    to the package or one of its modules (``from lanxi.services.environment import assessments
    as env``, ``import lanxi.services.environment.store as s``). Dunders do not count.
    """
    base = "lanxi.services.environment"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    used: set[str] = set()

    def private(name: str) -> bool:
        return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module == base or node.module.startswith(base + "."):
                for a in node.names:
                    if private(a.name):
                        used.add(f"{node.module}.{a.name}")
                    elif node.module == base:  # a module of the package
                        aliases[a.asname or a.name] = f"{base}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if (a.name == base or a.name.startswith(base + ".")) and a.asname:
                    aliases[a.asname] = a.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and private(node.attr)
        ):
            used.add(f"{aliases[node.value.id]}.{node.attr}")
    return used


def test_private_environment_names_stay_inside_the_package() -> None:
    # what the package offers others is its public, documented names; a private helper used
    # from outside is an API nobody documented (bulletins once called four of them)
    offenders = {}
    paths = [p for p in PKG.rglob("*.py") if ENV not in p.parents]
    paths += list((PKG.parents[1] / "tests").rglob("*.py"))
    for path in paths:
        used = _private_environment_names(path)
        if used:
            offenders[str(path)] = sorted(used)
    assert offenders == {}


def test_private_environment_names_are_found(tmp_path: Path) -> None:
    # the check above can fail: each form of reaching a private name is caught
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import lanxi.services.environment.store as st\n"
        "from lanxi.services.environment import assessments as env\n"
        "from lanxi.services.environment.views import _cached, city_days\n"
        "env._air_input(x, 'f'); env.station_days(x); st._bundled('a'); env.__name__\n",
        encoding="utf-8",
    )
    assert _private_environment_names(sample) == {
        "lanxi.services.environment.assessments._air_input",
        "lanxi.services.environment.store._bundled",
        "lanxi.services.environment.views._cached",
    }


def test_no_flat_environment_modules_remain() -> None:
    # the former flat modules are gone, not kept as re-export shims (a merge could revive one)
    services = PKG / "services"
    assert not [
        n
        for n in ("environment.py", "env_store.py", "env_views.py", "env_demo.py")
        if (services / n).exists()
    ]


def _resolve(dotted: str) -> object:
    """The object ``lanxi.<dotted>`` names: the longest importable module, then attributes."""
    import importlib

    parts = f"lanxi.{dotted}".split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: object = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def test_the_one_function_of_each_figure_exists() -> None:
    # docs/architecture.md, "One figure, one definition": every function it names is real
    import re

    doc = (PKG.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = doc.split("## One figure, one definition", 1)[1].split("\n## ", 1)[0]
    names = set(re.findall(r"`((?:services|compute)\.[\w.]+)`", section))
    assert len(names) > 15
    missing = []
    for name in sorted(names):
        try:
            _resolve(name)
        except (AttributeError, ModuleNotFoundError):
            missing.append(name)
    assert missing == []
