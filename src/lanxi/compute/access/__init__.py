"""Accessibility on transport networks: travel-time matrices, isochrones, 1-hour circle coverage.

Pure computation on a :class:`Network` (a sparse matrix of travel times in minutes); the readers of
network files and the bundled planning-level network live in :mod:`lanxi.io.networks`. See
``docs/accessibility.md`` for the definitions and their sources.
"""

from lanxi.compute.access.ch import ContractionHierarchy, contract
from lanxi.compute.access.coverage import (
    CoverageResult,
    coverage,
    coverage_by_group,
    weighted_mean_travel_time,
)
from lanxi.compute.access.graph import Network, network_from_arrays, network_from_frames
from lanxi.compute.access.isochrone import isochrone_polygon, reachable_nodes
from lanxi.compute.access.paths import nearest_centre, reach, travel_time_matrix

__all__ = [
    "ContractionHierarchy",
    "CoverageResult",
    "Network",
    "contract",
    "coverage",
    "coverage_by_group",
    "isochrone_polygon",
    "nearest_centre",
    "network_from_arrays",
    "network_from_frames",
    "reach",
    "reachable_nodes",
    "travel_time_matrix",
    "weighted_mean_travel_time",
]
