"""The array-at-once compile (tracer.compiled) puts every edge and stressor where the graph says."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from hfcommon.errors import InputError
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from tracer.compiled import compile_network, compile_tables, topological_levels


def random_network(seed: int, n: int = 300, edges: int = 1500) -> nx.DiGraph:
    """Integer and text ids, missing and non-text attributes, edges only from later to earlier nodes."""
    rng = np.random.default_rng(seed)
    G = nx.DiGraph()
    for i in range(n):
        node = i if i % 3 else f"n{i}"
        attrs = {"kind": ("vehicle", "component", "material", "refining", "mine")[min(4, i * 5 // n)]}
        if i % 2:
            attrs |= {"country": "CHL", "name": f"node {i}", "mine_id": i}
        if i % 4 == 0:
            attrs["stressors"] = {"overburden": float(rng.uniform(0, 5)), "co2": float(rng.normal())}
        G.add_node(node, **attrs)
    ids = list(G.nodes)
    for _ in range(edges):
        consumer, supplier = sorted(rng.choice(n, 2, replace=False))
        G.add_edge(ids[supplier], ids[consumer], amount=float(rng.uniform(0, 0.01)))
    return G


@pytest.mark.parametrize("seed", [1, 2])
def test_every_edge_and_stressor_lands_in_its_cell(seed: int) -> None:
    G = random_network(seed)
    c = compile_network(G)
    assert c.A.nnz == sum(1 for _, _, a in G.edges(data="amount") if a != 0)
    for supplier, consumer, amount in G.edges(data="amount"):
        assert c.A[c.index[str(supplier)], c.index[str(consumer)]] == amount
    for node, attrs in G.nodes(data=True):
        j = c.index[str(node)]
        for stressor, value in (attrs.get("stressors") or {}).items():
            assert c.B[c.stressors.index(stressor), j] == value
        assert c.name[j] == attrs.get("name", str(node))
        assert c.country[j] == attrs.get("country", UNKNOWN_ORIGIN)
        assert c.mine_id[j] == ("" if attrs.get("mine_id") is None else str(attrs["mine_id"]))
    assert c.B.sum() == pytest.approx(sum(sum((a.get("stressors") or {}).values()) for _, a in G.nodes(data=True)))


def test_levels_put_every_consumer_before_its_suppliers() -> None:
    c = compile_network(random_network(3))
    level = np.empty(c.n, dtype=int)
    for depth, members in enumerate(c.levels):
        level[members] = depth
    supplier, consumer = c.A.nonzero()
    assert np.all(level[consumer] < level[supplier])
    cyclic = c.A.tolil()
    cyclic[0, int(c.levels[-1][0])] = 0.1  # node 0 (a vehicle) now supplies a node at the deepest level
    assert topological_levels(cyclic.tocsc()) is None


def test_the_first_fault_in_node_order_is_the_one_named() -> None:
    G = random_network(4)
    first, later = list(G.nodes)[10], list(G.nodes)[20]
    G.nodes[later]["kind"] = "quarry"
    G.nodes[first]["stressors"] = {"tailings": -1.0}
    with pytest.raises(InputError, match=f"node {first!r}.*mass"):
        compile_network(G)


def network_tables(G: nx.DiGraph) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The graph's nodes, flows and stressors as tidy tables, in graph order (absent text attributes missing)."""
    nodes = pd.DataFrame([{"id": node, **{k: v for k, v in a.items() if k != "stressors"}} for node, a in G.nodes(data=True)],
                         dtype=object)
    flows = pd.DataFrame(list(G.edges(data="amount")), columns=["supplier", "consumer", "amount"])
    stressors = pd.DataFrame(
        [(node, s, v) for node, a in G.nodes(data=True) for s, v in (a.get("stressors") or {}).items()],
        columns=["node", "stressor", "amount"],
    )
    return nodes, flows, stressors


@pytest.mark.parametrize("seed", [1, 2])
def test_compiling_tables_gives_the_graphs_compiled_network_bit_for_bit(seed: int) -> None:
    G = random_network(seed)
    from_graph, from_tables = compile_network(G), compile_tables(*network_tables(G))
    assert from_tables.nodes == from_graph.nodes and from_tables.stressors == from_graph.stressors
    for m in ("A", "B"):
        for part in ("data", "indices", "indptr"):
            assert np.array_equal(getattr(getattr(from_tables, m), part), getattr(getattr(from_graph, m), part))
    for column in ("kind", "name", "country", "unit", "mine_id", "commodity"):
        assert getattr(from_tables, column).tolist() == getattr(from_graph, column).tolist()
    assert [level.tolist() for level in from_tables.levels] == [level.tolist() for level in from_graph.levels]


@pytest.mark.parametrize(
    ("edit", "file", "row", "message"),
    [
        (lambda n, f, s: n.loc.__setitem__((7, "kind"), "quarry"), "nodes", 9, "kind 'quarry'"),
        (lambda n, f, s: n.loc.__setitem__((5, "id"), n.loc[4, "id"]), "nodes", 7, "listed twice"),
        (lambda n, f, s: f.loc.__setitem__((3, "amount"), -1.0), "flows", 5, ">= 0"),
        (lambda n, f, s: f.loc.__setitem__((4, "amount"), float("nan")), "flows", 6, "finite number"),
        (lambda n, f, s: f.loc.__setitem__((6, "consumer"), "nowhere"), "flows", 8, "unknown node 'nowhere'"),
        (lambda n, f, s: f.iloc.__setitem__(-1, f.iloc[2]), "flows", len(random_network(1).edges) + 1, "twice"),
        (lambda n, f, s: s.loc.__setitem__((2, "stressor"), "water"), "stressors", 4, "unknown stressor 'water'"),
        (lambda n, f, s: s.loc.__setitem__((0, "amount"), -3.0), "stressors", 2, "mass and must be >= 0"),
    ],
)
def test_a_bad_table_row_is_named_by_table_row_and_column(edit, file: str, row: int, message: str) -> None:
    nodes, flows, stressors = network_tables(random_network(1))
    edit(nodes, flows, stressors)
    with pytest.raises(InputError, match=message) as caught:
        compile_tables(nodes, flows, stressors)
    assert (caught.value.file, caught.value.row) == (file, row)
