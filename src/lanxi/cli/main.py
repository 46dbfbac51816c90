"""The ``lanxi`` command (placeholder wiring; commands are added per module)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Lanxi 兰西: 兰州—西宁城市群规划监测与分析 / Lanzhou–Xining plan monitoring.")


@app.callback()
def _main() -> None:
    """Lanxi 兰西 command line."""


if __name__ == "__main__":
    app()
