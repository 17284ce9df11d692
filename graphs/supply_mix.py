"""What China's supply of a commodity is made of: its sites' shares, read back from the built network.

Why apart from graphs.mines: these are queries on the finished mine layer (country
markets and the pool already wired), used to derive chain parameters from it, not
steps that build it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable

import networkx as nx

from graphs.mines import supply_market


def supply_sites(G: nx.DiGraph, code: str) -> dict[str, float]:
    """Each site's (beneficiation node's) share of China's supply market of `code`.

    Walks the supply market back through country markets and the pool; empty for an
    untraced market.
    """
    weights: dict[str, float] = defaultdict(float)
    stack = [(supply_market(code), 1.0)]
    while stack:
        node, weight = stack.pop()
        for pred in G.predecessors(node):
            share = weight * G.edges[pred, node]["amount"]
            if G.nodes[pred]["kind"] == "beneficiation":
                weights[pred] += share
            elif G.nodes[pred]["kind"] == "market":
                stack.append((pred, share))
    return dict(weights)


def supply_mean(G: nx.DiGraph, code: str, value_of: Callable[[dict], float]) -> tuple[float, int] | None:
    """The mean of `value_of(site attributes)` over China's supply of `code`, weighted by each
    site's share of the supply market, and the site count; None for an untraced market."""
    weights = supply_sites(G, code)
    total = math.fsum(weights.values())
    if total <= 0:
        return None
    return math.fsum(w * value_of(G.nodes[n]) for n, w in weights.items()) / total, len(weights)


def supply_concentrate(G: nx.DiGraph, code: str) -> tuple[float, int] | None:
    """Concentrate tonnes per tonne of basis in China's supply of `code`, and the site count
    (the sites' `concentrate_per_t`, weighted by supply); None for an untraced market."""
    return supply_mean(G, code, lambda site: site["concentrate_per_t"])


def supply_brine_share(G: nx.DiGraph, code: str) -> float:
    """Share of China's supply of `code` (in its basis) that comes from brine sites.

    Brine sites ship a product made at the salar (lithium carbonate), so the chain's
    converters need to know how much of their feed is not mineral concentrate; 0 for
    an untraced market.
    """
    found = supply_mean(G, code, lambda site: float(site.get("mine_type") == "brine"))
    return 0.0 if found is None else found[0]
