"""Report builders: one function per kind, each calling the services and returning a Report."""

from __future__ import annotations

from collections.abc import Callable

from lanxi.reports.builders import air, compensation, plan, water
from lanxi.reports.builders.common import ReportRequest
from lanxi.reports.content import Report

Builder = Callable[..., Report]

#: Kind → builder, in the order the documentation lists them.
BUILDERS: dict[str, Builder] = {
    "water-monthly": water.water_monthly,
    "water-warnings": water.water_warnings,
    "water-annual": water.water_annual,
    "air-annual": air.air_annual,
    "compensation": compensation.compensation,
    "progress": plan.progress,
    "midterm": plan.midterm,
    "summary": plan.summary,
    "public": plan.public,
}

__all__ = ["BUILDERS", "Builder", "ReportRequest"]
