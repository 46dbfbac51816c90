"""The transport network as a sparse matrix of travel times.

A :class:`Network` holds node ids, their coordinates (longitude/latitude, WGS 84), a
``scipy.sparse`` CSR matrix whose entry ``[i, j]`` is the travel time in minutes of the fastest arc
from node ``i`` to node ``j``, and the edge and node attribute frames it was built from.

The builders here are pure: they take data frames (from :mod:`lanxi.io.networks`, from a test or
from a user's own code) and never read files. Validation collects every problem in the frames and
raises one :class:`~lanxi.errors.ValidationError`.

Edge-list schema
----------------
``u``, ``v``
    Node ids of the two ends.
``minutes`` *or* ``length_km`` + ``speed_kmh``
    Travel time of the edge; when ``minutes`` is blank it is ``length_km / speed_kmh * 60``.
``oneway`` (optional, default false)
    ``true`` means the edge runs from ``u`` to ``v`` only; otherwise both directions are added.
``class`` (optional)
    Road or rail class (``expressway``, ``hsr``, ``access``, …), kept for filtering.

Any other column is kept in :attr:`Network.edges`. Parallel arcs keep the fastest one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from lanxi.errors import NotFoundError, Problem, ValidationError

__all__ = ["Network", "network_from_arrays", "network_from_frames"]

_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f", ""}


@dataclass(frozen=True, eq=False)
class Network:
    """A directed transport network with travel times in minutes.

    Attributes
    ----------
    node_ids : numpy.ndarray
        Node ids, one per matrix row/column (object or integer array).
    lon, lat : numpy.ndarray
        Coordinates in degrees (WGS 84); ``nan`` where unknown.
    times : scipy.sparse.csr_matrix
        ``times[i, j]`` is the travel time in minutes of the arc ``i → j``. Explicit zeros are arcs
        of zero time (``scipy.sparse.csgraph`` treats stored zeros in sparse input as edges).
    edges : pandas.DataFrame
        One row per input edge with at least ``u``, ``v``, ``minutes``, ``oneway`` and ``class``.
    nodes : pandas.DataFrame
        Node attributes indexed by node id (``lon``, ``lat`` and any other column given).
    """

    node_ids: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    times: sp.csr_matrix
    edges: pd.DataFrame
    nodes: pd.DataFrame

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_ids.shape[0])

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs stored in :attr:`times`."""
        return int(self.times.nnz)

    def index(self, ids: object | Sequence[object] | np.ndarray) -> np.ndarray:
        """Matrix positions of node ids.

        Parameters
        ----------
        ids : object or sequence
            One node id or several.

        Returns
        -------
        numpy.ndarray
            Integer positions, in the order given (a 1-element array for a single id).

        Raises
        ------
        NotFoundError
            Naming every id that is not a node of the network.
        """
        arr = np.atleast_1d(np.asarray(ids, dtype=object))
        pos = np.asarray(pd.Index(self.node_ids).get_indexer(pd.Index(arr, dtype=object)))
        missing = arr[pos < 0]
        if missing.size:
            shown = ", ".join(repr(x) for x in missing[:10].tolist())
            more = f" and {missing.size - 10} more" if missing.size > 10 else ""
            raise NotFoundError(f"not a node of the network: {shown}{more}")
        return pos.astype(np.int64)

    def restrict(self, classes: Iterable[str]) -> Network:
        """The same nodes with only the edges of the given classes (e.g. rail only).

        Parameters
        ----------
        classes : iterable of str
            Edge classes to keep.

        Returns
        -------
        Network
            A new network over the same node set.
        """
        keep = set(classes)
        edges = self.edges[self.edges["class"].isin(keep)].reset_index(drop=True)
        pos = pd.Index(self.node_ids)
        times = _arcs_to_csr(
            pos.get_indexer(edges["u"]),
            pos.get_indexer(edges["v"]),
            edges["minutes"].to_numpy(float),
            edges["oneway"].to_numpy(bool),
            self.n_nodes,
        )
        return Network(self.node_ids, self.lon, self.lat, times, edges, self.nodes)


def _arcs_to_csr(
    u: np.ndarray, v: np.ndarray, minutes: np.ndarray, oneway: np.ndarray, n: int
) -> sp.csr_matrix:
    """Directed CSR matrix: reverse arcs added for two-way edges, fastest duplicate kept."""
    two = ~oneway
    rows = np.concatenate([u, v[two]]).astype(np.int64)
    cols = np.concatenate([v, u[two]]).astype(np.int64)
    data = np.concatenate([minutes, minutes[two]]).astype(np.float64)
    if rows.size:
        # Sort by (row, col, time) and keep the first of each (row, col): the fastest arc.
        order = np.lexsort((data, cols, rows))
        rows, cols, data = rows[order], cols[order], data[order]
        first = np.ones(rows.size, dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        rows, cols, data = rows[first], cols[first], data[first]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, rows + 1, 1)
    np.cumsum(indptr, out=indptr)
    # Rows are sorted, so data/cols are already in CSR order.
    return sp.csr_matrix((data, cols, indptr), shape=(n, n))


def network_from_arrays(
    u: np.ndarray,
    v: np.ndarray,
    minutes: np.ndarray,
    *,
    n_nodes: int | None = None,
    oneway: bool | np.ndarray = False,
    lon: np.ndarray | None = None,
    lat: np.ndarray | None = None,
    node_ids: np.ndarray | None = None,
) -> Network:
    """Build a network from integer endpoint arrays, without validation (fast path).

    Parameters
    ----------
    u, v : numpy.ndarray
        Integer node positions ``0 … n_nodes-1`` of the edge ends.
    minutes : numpy.ndarray
        Travel time of each edge (non-negative).
    n_nodes : int, optional
        Number of nodes; default ``max(u, v) + 1``.
    oneway : bool or numpy.ndarray
        Whether each edge runs ``u → v`` only (default: two-way).
    lon, lat : numpy.ndarray, optional
        Node coordinates.
    node_ids : numpy.ndarray, optional
        Node ids; default ``0 … n_nodes-1``.

    Returns
    -------
    Network
    """
    u = np.asarray(u, dtype=np.int64)
    v = np.asarray(v, dtype=np.int64)
    minutes = np.asarray(minutes, dtype=np.float64)
    n = int(n_nodes if n_nodes is not None else (max(u.max(initial=-1), v.max(initial=-1)) + 1))
    ow = np.broadcast_to(np.asarray(oneway, dtype=bool), u.shape).copy()
    times = _arcs_to_csr(u, v, minutes, ow, n)
    ids = np.arange(n) if node_ids is None else np.asarray(node_ids)
    lon_a = np.full(n, np.nan) if lon is None else np.asarray(lon, dtype=float)
    lat_a = np.full(n, np.nan) if lat is None else np.asarray(lat, dtype=float)
    edges = pd.DataFrame(
        {"u": ids[u], "v": ids[v], "minutes": minutes, "oneway": ow, "class": "edge"}
    )
    nodes = pd.DataFrame({"lon": lon_a, "lat": lat_a}, index=pd.Index(ids, name="node_id"))
    return Network(ids, lon_a, lat_a, times, edges, nodes)


def _as_bool(value: object) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, int | np.integer):
        return bool(value) if value in (0, 1) else None
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def _num(value: object) -> float | None:
    """Float value, ``nan`` for blank, ``None`` when not a number."""
    if value is None:
        return np.nan
    if isinstance(value, str):
        if not value.strip():
            return np.nan
        try:
            return float(value)
        except ValueError:
            return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def network_from_frames(
    edges: pd.DataFrame,
    nodes: pd.DataFrame | None = None,
    *,
    source: str = "edges",
    nodes_source: str = "nodes",
    first_row: int = 1,
) -> Network:
    """Build and validate a network from an edge list (and optionally a node table).

    Parameters
    ----------
    edges : pandas.DataFrame
        Edge list, see the module docstring for the columns.
    nodes : pandas.DataFrame, optional
        Node table with columns ``node_id``, ``lon``, ``lat`` and any attributes. When given, every
        edge end must be a listed node; when omitted, the nodes are the edge ends (coordinates
        unknown).
    source, nodes_source : str
        Names used in error messages (usually the file names).
    first_row : int
        Row number reported for the first record (``2`` for a CSV whose header is row 1).

    Returns
    -------
    Network

    Raises
    ------
    ValidationError
        Listing every bad row and field: missing columns, blank or unknown node ids, negative or
        non-numeric times, lengths and speeds, edges without a time, bad ``oneway`` values,
        duplicate or badly placed nodes.

    Examples
    --------
    >>> import pandas as pd
    >>> net = network_from_frames(pd.DataFrame(
    ...     {"u": ["a", "b"], "v": ["b", "c"], "length_km": [10, 20], "speed_kmh": [60, 120]}))
    >>> float(net.times[0, 1]), float(net.times[1, 2])
    (10.0, 10.0)
    """
    problems: list[Problem] = []
    node_table = (
        _validate_nodes(nodes, nodes_source, first_row, problems) if nodes is not None else None
    )

    for col in ("u", "v"):
        if col not in edges.columns:
            problems.append(Problem(source, None, col, "required column is missing"))
    has_minutes = "minutes" in edges.columns
    has_speed = "length_km" in edges.columns and "speed_kmh" in edges.columns
    if not has_minutes and not has_speed:
        problems.append(
            Problem(
                source,
                None,
                "minutes",
                "need a 'minutes' column or both 'length_km' and 'speed_kmh'",
            )
        )
    if problems and any(p.row is None and p.file == source for p in problems):
        raise ValidationError(problems)

    known = set(node_table.index) if node_table is not None else None
    n_e = len(edges)
    minutes = np.full(n_e, np.nan)
    length = np.full(n_e, np.nan)
    oneway = np.zeros(n_e, dtype=bool)
    u_ids: list[object] = []
    v_ids: list[object] = []
    records = edges.to_dict("records")
    for k, rec in enumerate(records):
        row = k + first_row
        for col, out in (("u", u_ids), ("v", v_ids)):
            val = rec.get(col)
            if val is None or (isinstance(val, float) and np.isnan(val)) or str(val).strip() == "":
                problems.append(Problem(source, row, col, "node id is blank"))
                out.append(None)
                continue
            node = val.strip() if isinstance(val, str) else val
            if known is not None and node not in known:
                problems.append(Problem(source, row, col, "node id is not in the node table", node))
            out.append(node)
        t = _num(rec.get("minutes")) if has_minutes else np.nan
        bad_time = t is None or (t == t and (t < 0 or t == np.inf))
        if bad_time:
            problems.append(
                Problem(
                    source,
                    row,
                    "minutes",
                    "must be a finite non-negative number",
                    rec.get("minutes"),
                    message_zh="须为有限的非负数",
                )
            )
            t = np.nan
        lk = _num(rec.get("length_km")) if "length_km" in rec else np.nan
        if lk is None or (lk == lk and (lk < 0 or lk == np.inf)):
            problems.append(
                Problem(
                    source,
                    row,
                    "length_km",
                    "must be a finite non-negative number",
                    rec.get("length_km"),
                    message_zh="须为有限的非负数",
                )
            )
            lk = np.nan
        length[k] = lk
        if t != t and not bad_time:  # no explicit minutes: derive from length and speed
            sp_ = _num(rec.get("speed_kmh")) if "speed_kmh" in rec else np.nan
            if sp_ is None or (sp_ == sp_ and (sp_ <= 0 or sp_ == np.inf)):
                problems.append(
                    Problem(
                        source,
                        row,
                        "speed_kmh",
                        "must be a finite positive number",
                        rec.get("speed_kmh"),
                        message_zh="须为有限的正数",
                    )
                )
            elif sp_ != sp_ or lk != lk:
                problems.append(
                    Problem(
                        source,
                        row,
                        "minutes",
                        "no travel time: give 'minutes', or both 'length_km' and 'speed_kmh'",
                    )
                )
            else:
                t = lk / sp_ * 60.0
        minutes[k] = t
        ow = _as_bool(rec.get("oneway", False))
        if ow is None:
            problems.append(
                Problem(source, row, "oneway", "must be true or false", rec.get("oneway"))
            )
            ow = False
        oneway[k] = ow
    if problems:
        raise ValidationError(problems)

    if node_table is not None:
        node_ids = node_table.index.to_numpy()
    else:
        seen = dict.fromkeys([*u_ids, *v_ids])
        node_ids = np.array(list(seen), dtype=object)
        node_table = pd.DataFrame(
            {"lon": np.nan, "lat": np.nan}, index=pd.Index(node_ids, name="node_id")
        )
    pos = pd.Index(node_ids)
    ui = pos.get_indexer(pd.Index(u_ids, dtype=object))
    vi = pos.get_indexer(pd.Index(v_ids, dtype=object))
    times = _arcs_to_csr(ui, vi, minutes, oneway, len(node_ids))

    edge_frame = edges.copy().reset_index(drop=True)
    edge_frame["u"] = u_ids
    edge_frame["v"] = v_ids
    edge_frame["minutes"] = minutes
    edge_frame["length_km"] = length
    edge_frame["oneway"] = oneway
    if "class" not in edge_frame.columns:
        edge_frame["class"] = "edge"
    edge_frame["class"] = edge_frame["class"].fillna("edge").astype(str)
    lon = node_table["lon"].to_numpy(float)
    lat = node_table["lat"].to_numpy(float)
    return Network(node_ids, lon, lat, times, edge_frame, node_table)


def _validate_nodes(
    nodes: pd.DataFrame, source: str, first_row: int, problems: list[Problem]
) -> pd.DataFrame:
    missing = [c for c in ("node_id", "lon", "lat") if c not in nodes.columns]
    for col in missing:
        problems.append(Problem(source, None, col, "required column is missing"))
    if missing:
        return pd.DataFrame(columns=["lon", "lat"]).rename_axis("node_id")
    ids: list[object] = []
    lon = np.full(len(nodes), np.nan)
    lat = np.full(len(nodes), np.nan)
    seen: dict[object, int] = {}
    for k, rec in enumerate(nodes.to_dict("records")):
        row = k + first_row
        nid = rec["node_id"]
        if nid is None or (isinstance(nid, float) and np.isnan(nid)) or str(nid).strip() == "":
            problems.append(Problem(source, row, "node_id", "node id is blank"))
        else:
            nid = nid.strip() if isinstance(nid, str) else nid
            if nid in seen:
                problems.append(
                    Problem(
                        source, row, "node_id", f"duplicate node id (first at row {seen[nid]})", nid
                    )
                )
            seen.setdefault(nid, row)
        ids.append(nid)
        for col, arr, lo, hi in (("lon", lon, -180.0, 180.0), ("lat", lat, -90.0, 90.0)):
            val = _num(rec[col])
            if val is None or val != val or not lo <= val <= hi:
                problems.append(
                    Problem(
                        source, row, col, f"must be a number between {lo:g} and {hi:g}", rec[col]
                    )
                )
            else:
                arr[k] = val
    table = nodes.drop(columns=["node_id"]).copy()
    table["lon"] = lon
    table["lat"] = lat
    table.index = pd.Index(ids, name="node_id")
    return table
