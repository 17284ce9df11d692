"""Issue 19, the boundary room: Ramu's nickel hydroxide (MHP) traced to Papua New Guinea,
and each new boundary element found in the default network by `tracer reconcile`."""

from __future__ import annotations

import networkx as nx
import pytest

import graphs
from tracer.reconcile import load_elements


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _share(G: nx.DiGraph, code: str, origin: str) -> float:
    return G.edges[f"market:{code}:{origin}", f"market:{code}:supply-CHN"]["amount"]


def test_ramu_mhp_is_a_nickel_origin_in_its_ratio_to_russian_metal(default: nx.DiGraph) -> None:
    # by hand: PNG 33,091 t Ni x 0.9 against Russia's 2 x 70,000 t x 1,214.6 / (1,214.6 + 631.1)
    png, rus = 33091 * 0.9, 2 * 70000 * 1214.6 / (1214.6 + 631.1)
    assert _share(default, "nickel", "PNG") / _share(default, "nickel", "RUS") == pytest.approx(png / rus)
    assert "33,091 t Ni" in default.edges["market:nickel:PNG", "market:nickel:supply-CHN"]["source"]
    assert default.edges["market:nickel:PNG", "market:nickel:supply-CHN"]["uncertainty"] is not None


def test_no_mhp_shipped_to_china_leaves_png_out() -> None:
    G = graphs.build_default_network(overrides={"ramu_mhp_china_share": 0.0})
    assert _share(G, "nickel", "PNG") == 0.0


@pytest.mark.parametrize("element, members", [
    ("nickel_intermediates", {"market:nickel:PNG"}),
])
def test_boundary_elements_select_their_nodes(default: nx.DiGraph, element: str, members: set[str]) -> None:
    found = {e.name: e for e in load_elements()}[element].members(default)
    assert members <= found
    assert "energy:coal:CHN" not in found
