"""The two ways into the compiled network: a networkx graph, or the tidy tables it was built from.

Each checks its input in its own terms and names what is at fault (the node or edge of
a graph, the file, row and column of a table), then hands plain arrays to
`tracer.compiled.network.assemble`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from itertools import chain, repeat
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from hfcommon.vocabulary import MASS_STRESSORS, STRESSOR_UNITS
from tracer.compiled.network import (
    NODE_KINDS,
    CompiledNetwork,
    Flows,
    NodeStressors,
    all_text,
    assemble,
)


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
        position = index if all_text(labels) else {label: i for i, label in enumerate(labels)}
        adjacency = list(map(G._succ.__getitem__, labels))  # each node's consumers, in node order
        per_supplier = np.fromiter(map(len, adjacency), dtype=np.int64, count=len(nodes))
        consumers = chain.from_iterable(adjacency)
        return Flows(
            np.repeat(np.arange(len(nodes)), per_supplier),
            np.fromiter(map(position.__getitem__, consumers), dtype=np.int64, count=int(per_supplier.sum())),
            list(map(dict.get, chain.from_iterable(map(dict.values, adjacency)), repeat("amount"))),
        )

    return assemble(
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
    return assemble(
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
