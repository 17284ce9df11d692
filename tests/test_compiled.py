"""The array-at-once compile (tracer.compiled) puts every edge and stressor where the graph says."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from hfcommon.errors import InputError
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from tracer.compiled import compile_network, topological_levels


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
