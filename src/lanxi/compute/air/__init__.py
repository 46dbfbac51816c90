"""Ambient air quality: HJ 633 air quality index and GB 3095 daily statistics.

Pure computation over pandas frames and numpy arrays: nothing here reads files, the database or
settings. The numbers come from the standards tables (:mod:`lanxi.standards.hj633`).
"""

from lanxi.compute.air.aqi import LABELS, compute_aqi, iaqi, round_gbt8170
from lanxi.compute.air.daily import daily_from_hourly, o3_8h_moving
from lanxi.compute.air.validate import validate_air_frame

__all__ = [
    "LABELS",
    "compute_aqi",
    "daily_from_hourly",
    "iaqi",
    "o3_8h_moving",
    "round_gbt8170",
    "validate_air_frame",
]
