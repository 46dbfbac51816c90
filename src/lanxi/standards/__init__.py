"""Numeric tables of national standards, loaded from data files that cite their source.

Each table lives in ``lanxi/data/standards/<name>.yaml`` with a header that names the standard, its
edition, the table and clause, and a ``data`` body. Code reads the numbers from there; it holds no
class limits, breakpoints or thresholds of its own.

A file looks like::

    standard: GB 3838-2002
    title: 地表水环境质量标准
    edition: "2002"
    table: 表1 地表水环境质量标准基本项目标准限值
    clause: "4.1"
    in_force_from: 2002-06-01
    source: GB 3838-2002 表1 (…where the numbers were checked…)
    data: {...}
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from pydantic import BaseModel, ConfigDict

from lanxi.data.loader import safe_load
from lanxi.errors import Problem, ValidationError


class StandardTable(BaseModel):
    """A numeric table of a standard, with its citation."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    standard: str
    title: str
    edition: str
    table: str
    clause: str | None = None
    in_force_from: date | None = None
    in_force_until: date | None = None
    source: str
    notes: str | None = None
    data: Any

    @property
    def citation(self) -> str:
        """Short citation, e.g. ``GB 3838-2002 表1``."""
        return f"{self.standard} {self.table}"


@cache
def load_standard(name: str) -> StandardTable:
    """Load ``lanxi/data/standards/<name>.yaml``.

    Parameters
    ----------
    name : str
        File stem, e.g. ``"gb3838_2002_table1"``.

    Returns
    -------
    StandardTable
        The table with its citation; ``data`` is the parsed body, validated further by the module
        that uses it.

    Raises
    ------
    ValidationError
        If the file is missing its header fields.
    """
    path = resources.files("lanxi") / "data" / "standards" / f"{name}.yaml"
    raw = safe_load(path.read_text(encoding="utf-8"))
    try:
        return StandardTable.model_validate(raw)
    except Exception as exc:  # pydantic error → our error naming the file
        raise ValidationError([Problem(f"{name}.yaml", None, None, str(exc))]) from exc
