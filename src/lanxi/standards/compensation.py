"""Settings of horizontal eco-compensation agreements, loaded from cited data files.

``xinanjiang_pilot.yaml`` holds the first round of the Xin'an River pilot (2012–2014): K0, the
item weights, the threshold, the fund and the central-government amount, the two parties.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from lanxi.errors import Problem, ValidationError
from lanxi.standards import load_standard


@dataclass(frozen=True)
class PilotSettings:
    """A compensation pilot's numbers (without the reference concentrations C0)."""

    items: tuple[str, ...]
    k0: float
    weights: dict[str, float]
    threshold: float
    fund_amount: float
    central_fund: float | None
    unit: str
    upstream: str
    downstream: str
    citation: str


@cache
def xinanjiang_pilot() -> PilotSettings:
    """The first-round Xin'an River pilot settings (``xinanjiang_pilot.yaml``).

    Raises
    ------
    ValidationError
        If the file is malformed or the weights do not name the items.
    """
    std = load_standard("xinanjiang_pilot")
    d = std.data
    try:
        items = tuple(str(k) for k in d["items"])
        weights = {str(k): float(v) for k, v in d["weights"].items()}
        out = PilotSettings(
            items=items,
            k0=float(d["k0"]),
            weights=weights,
            threshold=float(d["threshold"]),
            fund_amount=float(d["fund_amount"]),
            central_fund=None if d.get("central_fund") is None else float(d["central_fund"]),
            unit=str(d["unit"]),
            upstream=str(d["upstream"]),
            downstream=str(d["downstream"]),
            citation=f"{std.standard} ({std.edition}) {std.table}",
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ValidationError(
            [Problem("xinanjiang_pilot.yaml", None, None, f"malformed: {exc!r}")]
        ) from exc
    if set(weights) != set(items):
        raise ValidationError(
            [Problem("xinanjiang_pilot.yaml", None, "weights", "must name exactly the items")]
        )
    return out
