"""The CWQI rules of 城市地表水环境质量排名技术规定（试行）(环办监测〔2017〕51号), as data.

``cwqi_2017.yaml`` holds the reference class (Ⅲ), the pH band and the items left out; the limits are
GB 3838-2002 表1's (:func:`lanxi.standards.gb3838.gb3838_table`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lanxi.errors import Problem, ValidationError
from lanxi.standards import load_standard


@dataclass(frozen=True)
class CwqiRules:
    """Reference class, pH band (neutral, lower, upper), items left out, and the citation."""

    reference_class: int
    ph_neutral: float
    ph_lower: float
    ph_upper: float
    excluded_river: tuple[str, ...]
    excluded_lake: tuple[str, ...]
    citation: str


@cache
def cwqi_rules() -> CwqiRules:
    """The rules of ``cwqi_2017.yaml``.

    Raises
    ------
    ValidationError
        If the file is malformed.
    """
    std = load_standard("cwqi_2017")
    d = std.data
    try:
        return CwqiRules(
            reference_class=int(d["reference_class"]),
            ph_neutral=float(d["ph"]["neutral"]),
            ph_lower=float(d["ph"]["lower"]),
            ph_upper=float(d["ph"]["upper"]),
            excluded_river=tuple(str(x) for x in d["excluded"]["river"]),
            excluded_lake=tuple(str(x) for x in d["excluded"]["lake"]),
            citation=f"《{std.title}》（{std.standard}）",
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(
            [Problem("cwqi_2017.yaml", None, "data", f"malformed CWQI rules: {exc}")]
        ) from exc
