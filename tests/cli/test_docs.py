"""Every command of the CLI is documented (the datasette rule: an undocumented command fails)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer.main

from lanxi.cli.main import app

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _paths(cmd: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not hasattr(cmd, "list_commands"):  # a command, not a group (click as vendored by Typer)
        return [prefix]
    ctx = typer.Context(cmd)
    out = [prefix] if prefix else []
    for name in cmd.list_commands(ctx):  # the lazy group loads each command here
        sub = cmd.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        out.extend(_paths(sub, (*prefix, name)))
    return out


def test_every_command_is_in_the_docs() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in DOCS.glob("*.md"))
    root = typer.main.get_command(app)
    paths = _paths(root)
    assert len(paths) > 30
    missing = [" ".join(p) for p in paths if f"lanxi {' '.join(p)}" not in text]
    assert missing == []
