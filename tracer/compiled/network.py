"""The compiled network (`CompiledNetwork`) and its assembly from node, stressor and edge arrays.

Why apart from the inputs: the two ways in (a networkx graph, tidy tables; see
tracer.compiled.inputs) check their input in their own terms and name the node, edge or
row at fault; both then hand plain arrays to `assemble`, which builds the read-only
matrices A and B and the topological levels in one place, so both paths give the same bits.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from hfcommon.errors import InputError, did_you_mean
from hfcommon.vocabulary import KINDS, MASS_STRESSORS, STRESSOR_UNITS, UNKNOWN_ORIGIN

NODE_KINDS: frozenset[str] = frozenset(KINDS)

TEXT_COLUMNS: Mapping[str, str | None] = MappingProxyType(
    {"kind": "", "name": None, "country": UNKNOWN_ORIGIN, "unit": "t", "mine_id": "", "commodity": ""}
)
"""Text attributes of a node and their defaults when absent (None: the node id)."""

_STRESSOR_ROW = {s: i for i, s in enumerate(STRESSOR_UNITS)}
_IS_MASS = np.array([s in MASS_STRESSORS for s in STRESSOR_UNITS])


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """The network as matrices plus the tables that name their rows and columns.

    Arrays are read-only so that a compiled network can be shared between solvers,
    scenarios and Monte Carlo draws without one silently changing another.
    """

    nodes: tuple[str, ...]
    index: Mapping[str, int]
    kind: np.ndarray
    name: np.ndarray
    country: np.ndarray
    unit: np.ndarray
    mine_id: np.ndarray
    commodity: np.ndarray
    stressors: tuple[str, ...]
    A: sp.csc_matrix
    B: sp.csr_matrix
    levels: tuple[np.ndarray, ...] | None
    """Node indices grouped by distance from the final consumers; None when cyclic."""

    @property
    def n(self) -> int:
        """Number of nodes."""
        return len(self.nodes)

    @property
    def is_acyclic(self) -> bool:
        """Whether topological propagation is available."""
        return self.levels is not None

    @property
    def vehicles(self) -> tuple[str, ...]:
        """Ids of the vehicle nodes, in node order."""
        return tuple(self.nodes[i] for i in np.flatnonzero(self.kind == "vehicle"))

    def indices_of_kind(self, kind: str) -> np.ndarray:
        """Indices of all nodes of one kind."""
        return np.flatnonzero(self.kind == kind)

    def stressor_unit(self, stressor: str) -> str:
        """Unit of one stressor row of B."""
        return STRESSOR_UNITS[stressor]

    def mass_rows(self) -> np.ndarray:
        """Indices of the rows of B that count towards TMR."""
        return np.array([i for i, s in enumerate(self.stressors) if s in MASS_STRESSORS], dtype=int)

    def demand(self, fleet: Mapping[str, float] | pd.Series) -> np.ndarray:
        """Demand vector y for vehicle counts keyed by vehicle id.

        Unknown ids and negative or non-finite counts are input errors: a typo in a
        fleet file must not silently drop a vehicle type from the result.
        """
        items = fleet.items()
        vehicles = set(self.vehicles)
        y = np.zeros(self.n)
        for vehicle, count in items:
            if vehicle not in vehicles:
                raise InputError(
                    f"unknown vehicle {vehicle!r}{did_you_mean(vehicle, self.vehicles, 0.6)}; the network has: "
                    f"{', '.join(self.vehicles)}",
                    column="vehicle",
                )
            value = float(count)
            if not math.isfinite(value) or value < 0:
                raise InputError(
                    f"vehicle count for {vehicle!r} must be finite and >= 0, got {count!r}",
                    column="count",
                )
            y[self.index[vehicle]] += value
        return y

    def with_values(self, A: sp.spmatrix | None = None, B: sp.spmatrix | None = None) -> CompiledNetwork:
        """A copy with new coefficient values on the same nodes (for scenarios and sampling).

        Topological levels are kept only when the new A has no edge outside the old
        structure; otherwise they are recomputed from the new sparsity pattern.
        """
        new_A = self.A if A is None else _frozen_sparse(sp.csc_matrix(A, dtype=float))
        new_B = self.B if B is None else _frozen_sparse(sp.csr_matrix(B, dtype=float))
        if new_A.shape != (self.n, self.n) or new_B.shape != (len(self.stressors), self.n):
            raise ValueError("new A or B does not match the compiled network's shape")
        levels = self.levels if A is None else topological_levels(new_A)
        return dataclasses.replace(self, A=new_A, B=new_B, levels=levels)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)
    return array


def _frozen_sparse(m: sp.csc_matrix | sp.csr_matrix) -> sp.csc_matrix | sp.csr_matrix:
    """Canonical (duplicates summed, explicit zeros dropped) and read-only, so compiled
    matrices can be shared between solvers, scenarios and Monte Carlo without copies."""
    m.sum_duplicates()
    m.eliminate_zeros()
    for part in (m.data, m.indices, m.indptr):
        part.setflags(write=False)
    return m

@dataclass(frozen=True)
class NodeStressors:
    """Every (node, stressor, amount) entry as parallel sequences, amounts as given (checked later)."""

    node: np.ndarray
    name: Sequence[Any]
    amount: Sequence[Any]

@dataclass(frozen=True)
class Flows:
    """Every edge as parallel sequences: supplier and consumer node indices, amounts as given."""

    supplier: np.ndarray
    consumer: np.ndarray
    amount: Sequence[Any]


def assemble(
    nodes: tuple[str, ...],
    index: dict[str, int],
    text: Callable[[str], list[Any]],
    stressors: Callable[[], NodeStressors],
    flows: Callable[[], Flows],
    node_fault: Callable[[], None],
    edge_fault: Callable[[], None],
) -> CompiledNetwork:
    """The compiled network from node, stressor and edge arrays; a fault callback names the first bad item.

    Each text column, the stressor entries and the edges are fetched one after the
    other, so that only one set of per-item Python lists is alive at a time (peak memory).
    """
    if len(index) != len(nodes):
        raise InputError("node ids must be unique once converted to text")
    columns = {key: _text_column(text(key), key, nodes) for key in TEXT_COLUMNS}
    B, names = _stressor_matrix(stressors(), columns["kind"], len(nodes), node_fault)
    A = _technology_matrix(flows(), len(nodes), edge_fault)
    return CompiledNetwork(
        nodes=nodes,
        index=MappingProxyType(index),
        **{k: _frozen(v) for k, v in columns.items()},
        stressors=names,
        A=A,
        B=B,
        levels=topological_levels(A),
    )


def _text_column(values: list[Any], key: str, nodes: tuple[str, ...]) -> np.ndarray:
    """One text attribute of every node (object array): absent or None -> the default, else str()."""
    default = TEXT_COLUMNS[key]
    if not all_text(values):
        values = [(node if default is None else default) if v is None else str(v) for v, node in zip(values, nodes)]
    return np.array(values, dtype=object)


def all_text(values: list[Any]) -> bool:
    """Whether every value is exactly a str (one C-level pass over the types)."""
    return set(map(type, values)) <= {str}


def _stressor_matrix(
    entries: NodeStressors, kind: np.ndarray, n: int, fault: Callable[[], None]
) -> tuple[sp.csr_matrix, tuple[str, ...]]:
    """B from every node's stressor entries, after checking kinds, stressor names and amounts as arrays."""
    try:
        values = np.array(entries.amount, dtype=float)
        numeric = values.ndim == 1
    except (TypeError, ValueError):
        numeric = False
    known = set(entries.name) <= STRESSOR_UNITS.keys()
    row = np.fromiter(map(_STRESSOR_ROW.get, entries.name, repeat(0)), dtype=np.int64, count=len(entries.name))
    valid = (
        known
        and numeric
        and set(kind.tolist()) <= NODE_KINDS
        and bool(np.all(np.isfinite(values)))
        and not bool(np.any((values < 0) & _IS_MASS[row]))
    )
    if not valid:
        fault()
    present = np.flatnonzero(np.bincount(row, minlength=len(STRESSOR_UNITS)))
    stressors = tuple(np.array(list(STRESSOR_UNITS), dtype=object)[present])
    compact = np.zeros(len(STRESSOR_UNITS), dtype=np.int64)
    compact[present] = np.arange(present.size)
    B = sp.csr_matrix((values, (compact[row], entries.node)), shape=(len(stressors), n), dtype=float)
    return _frozen_sparse(B), stressors


def _technology_matrix(flows: Flows, n: int, fault: Callable[[], None]) -> sp.csc_matrix:
    """A from every edge's amount (supplier row, consumer column), checked as one array."""
    try:
        values = np.array(flows.amount, dtype=float)
        valid = values.ndim == 1 and bool(np.all(np.isfinite(values)) and np.all(values >= 0))
    except (TypeError, ValueError):
        valid = False
    if not valid:
        fault()
    return _frozen_sparse(sp.csc_matrix((values, (flows.supplier, flows.consumer)), shape=(n, n), dtype=float))


def topological_levels(A: sp.csc_matrix) -> tuple[np.ndarray, ...] | None:
    """Group nodes so that every consumer of a node sits in an earlier group.

    x_i = y_i + sum_j A[i, j] x_j needs the x of i's consumers first; level 0 holds
    nodes nobody consumes. Returns None when a cycle (self-loops included) exists.
    """
    n = A.shape[0]
    if np.any(A.diagonal() != 0):
        return None
    consumers_left = np.bincount(A.indices, minlength=n)  # number of consumers of each node
    frontier = np.flatnonzero(consumers_left == 0)
    groups: list[np.ndarray] = []
    done = 0
    while frontier.size:
        groups.append(_frozen(frontier.copy()))
        done += frontier.size
        touched = np.bincount(_column_rows(A, frontier), minlength=n)  # column j of A lists the suppliers of j
        consumers_left -= touched
        frontier = np.flatnonzero((touched > 0) & (consumers_left == 0))
    if done != n:
        return None
    return tuple(groups)


def _column_rows(A: sp.csc_matrix, columns: np.ndarray) -> np.ndarray:
    """Row indices of every stored entry in the given columns (A[:, columns].indices, unordered,
    without building the sliced matrix: a deep network calls this once per level)."""
    starts = A.indptr[columns]
    lengths = A.indptr[columns + 1] - starts
    first = np.cumsum(lengths) - lengths
    return A.indices[np.repeat(starts - first, lengths) + np.arange(int(lengths.sum()))]
