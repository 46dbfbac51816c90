"""The unit-plausibility rules of ``lanxi/data/plausibility.yaml``.

Used by :mod:`lanxi.compute.plausibility`; Lanxi's judgement, each rule with its rationale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class Rule:
    """One plausibility rule of ``plausibility.yaml``."""

    item: str
    unit: str
    probably: str
    fix: str
    rationale: str
    above: float | None = None
    all_below: float | None = None
    min_values: int = 3


@cache
def rules(domain: str) -> dict[str, Rule]:
    """The rules of ``domain`` (``"air"`` or ``"water"``) by item."""
    path = resources.files("lanxi") / "data" / "plausibility.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        item: Rule(
            item=item,
            unit=str(r["unit"]),
            probably=str(r["probably"]),
            fix=str(r["fix"]),
            rationale=str(r["rationale"]),
            above=None if r.get("above") is None else float(r["above"]),
            all_below=None if r.get("all_below") is None else float(r["all_below"]),
            min_values=int(r.get("min_values", 3)),
        )
        for item, r in data[domain].items()
    }
