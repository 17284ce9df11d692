"""The supply-chain network compiled to matrices: A (technology), B (stressors) and node tables.

A[i, j] = units of node i's output per unit of node j's output; B[s, j] = stressor s
per unit of node j's output (see tracer.engine for the solve).

Why one pass over arrays: networkx keeps a graph as dicts of dicts, and walking them
node by node and edge by edge in Python took 10 s at 1.46 million edges. Here each
attribute is pulled out in one C-level sweep (`map` over networkx's own node and
adjacency dicts, `G._node` and `G._succ`, which its public views wrap per item), ids
become indices through one dict, and every check runs on whole arrays. Only when a
check fails does a Python loop run, to name the first node or edge at fault, in the
same order and with the same message as a node-by-node walk would.

Even so, reading 1.46 million per-edge attribute dicts, scattered in memory, costs
seconds. A builder that holds its network as tables hands them to `compile_tables`
instead: the same matrices, bit for bit, with no Python per row. Both paths end in
one assembly (`_assemble`) from node, stressor and edge arrays.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from types import MappingProxyType
from typing import Any

import networkx as nx
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


def compile_network(G: nx.DiGraph) -> CompiledNetwork:
    """Compile a supply-chain DiGraph (see docs/CONTRACTS.md) to matrices.

    Checks what the algebra depends on (known node kinds and stressors, finite
    non-negative amounts) and names the node or edge at fault.
    """
    if G.number_of_nodes() == 0:
        raise InputError("the supply-chain network is empty: it has no nodes to solve")
    labels = list(G._node)
    nodes = tuple(map(str, labels))
    attrs = list(G._node.values())
    index = {node: i for i, node in enumerate(nodes)}

    def stressors() -> NodeStressors:
        tables = [a.get("stressors") or {} for a in attrs]
        per_node = np.fromiter(map(len, tables), dtype=np.int64, count=len(nodes))
        return NodeStressors(np.repeat(np.arange(len(nodes)), per_node), list(chain.from_iterable(map(dict.keys, tables))),
                             list(chain.from_iterable(map(dict.values, tables))))  # fmt: skip

    def flows() -> Flows:
        position = index if _all_text(labels) else {label: i for i, label in enumerate(labels)}
        adjacency = list(map(G._succ.__getitem__, labels))  # each node's consumers, in node order
        per_supplier = np.fromiter(map(len, adjacency), dtype=np.int64, count=len(nodes))
        consumers = chain.from_iterable(adjacency)
        return Flows(
            np.repeat(np.arange(len(nodes)), per_supplier),
            np.fromiter(map(position.__getitem__, consumers), dtype=np.int64, count=int(per_supplier.sum())),
            list(map(dict.get, chain.from_iterable(map(dict.values, adjacency)), repeat("amount"))),
        )

    return _assemble(
        nodes,
        index,
        lambda key: list(map(dict.get, attrs, repeat(key))),
        stressors,
        flows,
        node_fault=lambda: _raise_first_node_error(G),
        edge_fault=lambda: _raise_first_edge_error(G),
    )


def compile_tables(nodes: pd.DataFrame, flows: pd.DataFrame, stressors: pd.DataFrame | None = None) -> CompiledNetwork:
    """Compile tidy tables straight to matrices, for builders that hold their network as tables.

    `nodes`: `id` and any of TEXT_COLUMNS; `flows`: supplier, consumer (ids), amount;
    `stressors`: node (id), stressor, amount, one row per entry. The result equals
    `compile_network` of the graph with these nodes and edges in this order, but no
    Python runs per row: ids become indices through one hash lookup per column and
    every check is on whole columns, naming the first bad row (row 2 = first data row).
    """
    if len(nodes) == 0:
        raise InputError("the supply-chain network is empty: it has no nodes to solve")
    ids = nodes["id"].astype(str)
    _refuse(ids.duplicated(), "nodes", "id", lambda i: f"node id {ids.iloc[i]!r} is listed twice")
    kinds = nodes["kind"] if "kind" in nodes else pd.Series("", index=nodes.index)
    _refuse(~kinds.isin(NODE_KINDS), "nodes", "kind",
            lambda i: f"node {ids.iloc[i]!r} has kind {kinds.iloc[i]!r}; expected one of {sorted(NODE_KINDS)}")
    stressors = pd.DataFrame(columns=["node", "stressor", "amount"]) if stressors is None else stressors
    names = stressors["stressor"]
    _refuse(~names.isin(STRESSOR_UNITS.keys()), "stressors", "stressor",
            lambda i: f"unknown stressor {names.iloc[i]!r}; expected one of {list(STRESSOR_UNITS)}")
    amounts = _numbers(stressors, "stressors")
    _refuse((amounts < 0) & names.isin(MASS_STRESSORS).to_numpy(), "stressors", "amount",
            lambda i: f"stressor {names.iloc[i]!r} is a mass and must be >= 0, got {amounts[i]}")
    lookup = _arrow_text(ids)
    supplier, consumer = (_positions(lookup, flows, "flows", end) for end in ("supplier", "consumer"))
    _refuse(pd.Series(supplier * len(ids) + consumer).duplicated(), "flows", None,
            lambda i: f"the flow {flows['supplier'].iloc[i]!r} -> {flows['consumer'].iloc[i]!r} is listed twice")
    values = _numbers(flows, "flows")
    _refuse(values < 0, "flows", "amount", lambda i: f"amount must be >= 0, got {values[i]}")
    node_ids = tuple(ids.tolist())
    return _assemble(
        node_ids,
        dict(zip(node_ids, range(len(node_ids)))),
        lambda key: _cells(nodes, key),
        lambda: NodeStressors(_positions(lookup, stressors, "stressors", "node"), names.tolist(), amounts),
        lambda: Flows(supplier, consumer, values),
        node_fault=_checked_above,
        edge_fault=_checked_above,
    )


def _refuse(bad: pd.Series | np.ndarray, file: str, column: str | None, message: Callable[[int], str]) -> None:
    """Raise for the first True in `bad`, naming its table row (header = row 1); `message` gets its position."""
    bad = np.asarray(bad)
    if bad.any():
        first = int(np.argmax(bad))
        raise InputError(message(first), file=file, row=first + 2, column=column)


def _arrow_text(column: pd.Series) -> Any:
    """A text column as an Arrow string array (zero-copy where pandas already holds Arrow strings)."""
    import pyarrow as pa

    return pa.array(column, type=pa.string())


def _cells(table: pd.DataFrame, key: str) -> list[Any]:
    """A text column as a list, missing cells (absent column, None, NaN) as None."""
    if key not in table:
        return [None] * len(table)
    column = table[key]
    return column.astype(object).where(column.notna(), None).tolist()


def _numbers(table: pd.DataFrame, name: str) -> np.ndarray:
    """The `amount` column as floats; the first missing, non-numeric or non-finite cell is an input error."""
    values = pd.to_numeric(table["amount"], errors="coerce").to_numpy(dtype=float)
    _refuse(~np.isfinite(values), name, "amount", lambda i: f"amount must be a finite number, got {table['amount'].iloc[i]!r}")
    return values


def _positions(lookup: Any, table: pd.DataFrame, name: str, column: str) -> np.ndarray:
    """Node index of every id in one column (one Arrow hash lookup); an id that names no node is an input error."""
    import pyarrow.compute as pc

    found = pc.index_in(_arrow_text(table[column].astype(str)), value_set=lookup)
    positions = pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    _refuse(positions < 0, name, column, lambda i: f"unknown node {table[column].iloc[i]!r}")
    return positions


def _checked_above() -> None:
    raise AssertionError("a table check failed on the arrays after passing row by row")  # pragma: no cover


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


def _assemble(
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
    if not _all_text(values):
        values = [(node if default is None else default) if v is None else str(v) for v, node in zip(values, nodes)]
    return np.array(values, dtype=object)


def _all_text(values: list[Any]) -> bool:
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


def _raise_first_node_error(G: nx.DiGraph) -> None:
    """Walk the nodes in order and raise the error of the first bad kind or stressor."""
    for node, attrs in G.nodes(data=True):
        kind = "" if attrs.get("kind") is None else str(attrs.get("kind"))
        if kind not in NODE_KINDS:
            raise InputError(f"node {node!r} has kind {kind!r}; expected one of {sorted(NODE_KINDS)}", column="kind")
        for stressor, amount in (attrs.get("stressors") or {}).items():
            if stressor not in STRESSOR_UNITS:
                raise InputError(
                    f"node {node!r} has unknown stressor {stressor!r}; expected one of {list(STRESSOR_UNITS)}",
                    column="stressors",
                )
            value = _finite(amount, f"stressor {stressor!r} of node {node!r}")
            if stressor in MASS_STRESSORS and value < 0:
                raise InputError(f"stressor {stressor!r} of node {node!r} is a mass and must be >= 0, got {value}")
    raise AssertionError("a node check failed on the arrays but no node is at fault")  # pragma: no cover


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


def _raise_first_edge_error(G: nx.DiGraph) -> None:
    """Walk the edges in order and raise the error of the first missing, non-numeric or negative amount."""
    for supplier, consumer, amount in G.edges(data="amount"):
        where = f"edge {supplier!r} -> {consumer!r}"
        if amount is None:
            raise InputError(f"{where} has no 'amount'", column="amount")
        if _finite(amount, f"amount on {where}") < 0:
            raise InputError(f"amount on {where} must be >= 0, got {amount}", column="amount")
    raise AssertionError("an edge check failed on the array but no edge is at fault")  # pragma: no cover


def _finite(value: Any, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputError(f"{what} must be a number, got {value!r}") from None
    if not math.isfinite(number):
        raise InputError(f"{what} must be finite, got {value!r}")
    return number


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
