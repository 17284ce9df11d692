"""Graph edits the levers share: read a node's kind, set an edge amount with the
scenario's source, add a scenario process, replace a node's direct flows.

Why here: every lever module (tracer.scenarios.levers, .supply, .procurement) edits
copies of the network the same way; the contract they keep (never mutate the input,
cite the scenario on every changed number) is written once.
"""

from __future__ import annotations

from collections.abc import Mapping

import networkx as nx

from graphs.model import Distribution, add_node
from hfcommon.vocabulary import ELECTRICITY


def kind_of(G: nx.DiGraph, node: str) -> str:
    """A node's kind ("" when it has none)."""
    return str(G.nodes[node].get("kind", ""))


def nodes_of_kind(G: nx.DiGraph, kind: str) -> list[str]:
    """All nodes of one kind, in graph order."""
    return [n for n, k in G.nodes(data="kind") if k == kind]


def is_electricity(G: nx.DiGraph, node: str) -> bool:
    """An energy node that supplies electricity (carrier `ELECTRICITY`, CONTRACTS.md)."""
    attrs = G.nodes[node]
    return attrs.get("kind") == "energy" and attrs.get("carrier") == ELECTRICITY


def set_amount(G: nx.DiGraph, u: str, v: str, amount: float, source: str) -> None:
    """Set (or add) an edge amount with the scenario's source; drop edges that reach 0."""
    if amount <= 0.0:
        if G.has_edge(u, v):
            G.remove_edge(u, v)
        return
    if G.has_edge(u, v):
        attrs = dict(G.edges[u, v])
        old = float(attrs["amount"])
        attrs["uncertainty"] = scaled(attrs.get("uncertainty"), amount / old) if old > 0 else None
        attrs.update(amount=amount, source=f"{attrs.get('source', '')} | scenario: {source}".strip(" |"))
        G.add_edge(u, v, **attrs)
    else:
        G.add_edge(u, v, amount=amount, source=f"scenario: {source}", uncertainty=None)


def scaled(dist: Distribution | None, factor: float) -> Distribution | None:
    """The same relative uncertainty around a coefficient scaled by `factor` (None when gone)."""
    return dist.scaled(factor) if dist is not None and factor > 0 else None


def add_process(
    G: nx.DiGraph,
    node: str,
    *,
    kind: str,
    name: str,
    country: str,
    unit: str,
    commodity: str | None,
    stressors: Mapping[str, float],
    source: str,
) -> None:
    """Add a process node introduced by a scenario, with its flows sourced.

    It is a `boundary` node (graphs.validate): its inputs (scrap, wind) are not traced;
    the scenario's flows per unit stand for them.
    """
    add_node(G, node, kind=kind, name=name, country=country, unit=unit, commodity=commodity,
             stressors=stressors, stressor_sources={s: f"scenario: {source}" for s in stressors}, boundary=True)


def replace_stressors(G: nx.DiGraph, H: nx.DiGraph, node: str, new: dict[str, float], why: str) -> None:
    """New direct flows for a node; changed ones cite the scenario and keep their relative uncertainty."""
    old = G.nodes[node].get("stressors") or {}
    sources = dict(G.nodes[node].get("stressor_sources") or {})
    spread = dict(G.nodes[node].get("stressor_uncertainty") or {})
    for name, value in new.items():
        before = float(old.get(name, 0.0))
        if value == before:
            continue
        sources[name] = f"{sources.get(name, '')} | scenario: {why}".strip(" |")
        if name in spread:
            spread[name] = scaled(spread[name], value / before) if before > 0 else None
    H.nodes[node]["stressors"] = new
    H.nodes[node]["stressor_sources"] = sources
    H.nodes[node]["stressor_uncertainty"] = {k: v for k, v in spread.items() if v is not None}
