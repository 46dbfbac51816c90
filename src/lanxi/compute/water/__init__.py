"""Surface-water assessment: GB 3838-2002 classification, the 2011 method, duties, compensation.

Pure computation over pandas frames: nothing here reads files, the database or settings. The
numbers come from the standards tables (:mod:`lanxi.standards.gb3838`).
"""

from lanxi.compute.water.assess import (
    RiverGrade,
    annual_responsibility,
    grade_river,
    monthly_compliance,
    section_classes,
    section_means,
)
from lanxi.compute.water.classify import (
    ItemClasses,
    classify_samples,
    item_classes,
    validate_water_frame,
)
from lanxi.compute.water.compensation import (
    ClassStepStatement,
    CompensationSettings,
    CompensationStatement,
    PeriodOutcome,
    class_step_statement,
    compensation_statement,
    xinanjiang_pilot_settings,
)

__all__ = [
    "ClassStepStatement",
    "CompensationSettings",
    "CompensationStatement",
    "ItemClasses",
    "PeriodOutcome",
    "RiverGrade",
    "annual_responsibility",
    "class_step_statement",
    "classify_samples",
    "compensation_statement",
    "grade_river",
    "item_classes",
    "monthly_compliance",
    "section_classes",
    "section_means",
    "validate_water_frame",
    "xinanjiang_pilot_settings",
]
