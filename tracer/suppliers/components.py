"""Component rows of a supplier file: a first-tier component bought from another country.

Why a copy of the component node: the carmaker buys the finished part (a traction pack,
a casting) abroad, so its manufacturing stage (the node's own stressors and the
electricity it draws) happens in the supplier's country, while the materials in it keep
their national sourcing (a material row changes those). One node per supplier country,
`component:<id>:<ISO3>`, carries the same inputs and stressors, located in that country,
with its electricity taken from `energy:grid:<ISO3>`; each consumer's edge (vehicle per
component) is split by the rows' shares, so the units per vehicle are unchanged. The
home country's share stays on the original node, which is dropped when it is 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol

import networkx as nx

from graphs.tables import Row
from hfcommon.errors import did_you_mean
from tracer.scenarios.edits import is_electricity, scaled, set_amount

PREFIX = "component:"


class ComponentRow(Protocol):
    """What this module reads of a supplier row (tracer.suppliers.SupplierRow)."""

    material: str
    country: str
    supplier: str
    share: float
    row: Row


def component_node(G: nx.DiGraph, name: str) -> str | None:
    """The component node a supplier row names (`traction_battery_BEV_LFP` or `component:...`), if any."""
    node = name if name.startswith(PREFIX) else PREFIX + name
    return node if node in G and G.nodes[node].get("kind") == "component" else None


def unknown_item(G: nx.DiGraph, row: Row, name: str, materials: Iterable[str]) -> Exception:
    """The error for a row naming neither a material nor a component of `G`, with near misses."""
    components = [n.removeprefix(PREFIX) for n, k in G.nodes(data="kind") if k == "component"]
    return row.error("material", f"unknown material or component {name!r}"
                                 f"{did_you_mean(name.removeprefix(PREFIX), [*materials, *components])}; "
                                 "a component is a first-tier id of graphs/data/components.csv "
                                 "(traction packs: traction_battery_<BEV|PHEV>_<chemistry>)")


def buy_components(G: nx.DiGraph, rows_by_item: Mapping[str, Sequence[ComponentRow]], source: str) -> nx.DiGraph:
    """A copy of `G` with each named component made in its rows' countries, in their shares."""
    H = G.copy()
    for name, rows in rows_by_item.items():
        node = component_node(G, name)
        if node is None:  # the caller resolves names first; kept as a guard for direct use
            raise unknown_item(G, rows[0].row, name, ())
        _split(H, node, rows, source)
    return H


def _split(H: nx.DiGraph, node: str, rows: Sequence[ComponentRow], source: str) -> None:
    home = str(H.nodes[node].get("country", ""))
    shares: dict[str, float] = defaultdict(float)
    plants: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        shares[r.country] += r.share
        if r.supplier:
            plants[r.country].append(r.supplier)
    electricity = [u for u in H.predecessors(node) if is_electricity(H, u)]
    consumers = {v: dict(H.edges[node, v]) for v in H.successors(node)}
    for country, share in shares.items():
        if country == home or share <= 0:
            continue
        grid = f"energy:grid:{country}"
        if electricity and grid not in H:
            r = next(r for r in rows if r.country == country)
            raise r.row.error("country", f"{node} draws electricity, and the network has no grid for {country} "
                                         f"({grid!r}); grids: {', '.join(grids(H))}")
        copy = f"{node}:{country}"
        at = f" at {', '.join(plants[country])}" if plants[country] else ""
        add_copy_abroad(H, node, copy, country, f"made in {country}{at}", source, lambda u: u)
        for v, edge in consumers.items():
            H.add_edge(copy, v, **{**edge, "amount": float(edge["amount"]) * share,
                                   "uncertainty": scaled(edge.get("uncertainty"), share),
                                   "source": f"{edge.get('source', '')} | {share:g} from {country}: {source}"})
    kept = shares.get(home, 0.0)
    if kept <= 0:
        H.remove_node(node)
        return
    for v, edge in consumers.items():
        set_amount(H, node, v, float(edge["amount"]) * kept, f"{kept:g} made in {home}: {source}")


def add_copy_abroad(H: nx.DiGraph, node: str, copy: str, country: str, label: str, source: str,
                    upstream: Callable[[str], str]) -> None:
    """Add `copy` of `node` made in `country`: electricity from that country's grid, every other
    input from `upstream(input)` (the same node, or one relocated with it); `label` names the copy."""
    grid = f"energy:grid:{country}"
    attrs = dict(H.nodes[node])
    attrs.update(country=country, name=f"{attrs.get('name', node)}, {label}",
                 source=f"{attrs.get('source', '')} | {label}: {source}".strip(" |"))
    H.add_node(copy, **attrs)
    for u in list(H.predecessors(node)):
        edge = dict(H.edges[u, node])
        if is_electricity(H, u):
            edge["source"] = f"{edge.get('source', '')} | taken from {grid}: {source}".strip(" |")
            add_summed(H, grid, copy, edge)
        else:
            add_summed(H, upstream(u), copy, edge)


def add_summed(H: nx.DiGraph, u: str, v: str, edge: dict[str, object]) -> None:
    """Add an edge, summing amounts when two electricity inputs land on the same grid."""
    if H.has_edge(u, v):
        H.edges[u, v]["amount"] = float(H.edges[u, v]["amount"]) + float(edge["amount"])  # type: ignore[arg-type]
        H.edges[u, v]["uncertainty"] = None
    else:
        H.add_edge(u, v, **edge)


def grids(H: nx.DiGraph) -> list[str]:
    """ISO3 codes of the countries whose grid the network has."""
    return sorted(n.rsplit(":", 1)[-1] for n in H if n.startswith("energy:grid:"))
