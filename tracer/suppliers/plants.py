"""Steel and aluminium rows of a supplier file that name a producing country other than China.

Why a copy of the plants: a carmaker that buys Japanese BOF steel or Canadian hydro
aluminium buys the output of a steelworks or smelter in that country, on that
country's electricity. The route's plants (graphs.steel: the converter or arc furnace
and the blast furnace or DRI shaft behind it; graphs.aluminium: the primary smelter)
are copied there, `<id without :CHN>:<ISO3>`, with the same inputs per tonne, direct
flows and process CO2, located in that country, and every electricity input taken from
`energy:grid:<ISO3>` (aluminium's `hydro` from `energy:other_power:<ISO3>`, the grid's
non-coal power). What stays as in China: the raw materials (iron ore, coking coal, flux,
scrap, alumina) keep the national sourcing, which the file's commodity rows change, and
the plants keep China's efficiencies. A country without a grid in the network is an
error: its electricity would be unknown.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence

import networkx as nx

from graphs.aluminium import PRIMARY_SMELTER
from graphs.steel import BOF, DRI, DRI_EAF, EAF, PIG_IRON
from tracer.scenarios.edits import is_electricity, scaled, set_amount
from tracer.suppliers.components import ComponentRow, add_copy_abroad, grids

#: The crude-steel route node a row's supplier names.
STEEL_ROUTES: dict[str, str] = {"BOF": BOF, "EAF": EAF, "DRI": DRI_EAF}
#: Plants that move abroad with a steel route: the routes and the iron-making behind them.
STEEL_PLANTS: frozenset[str] = frozenset({BOF, EAF, DRI_EAF, PIG_IRON, DRI})


def buy_steel(G: nx.DiGraph, rows: Sequence[ComponentRow], home: str, source: str) -> nx.DiGraph:
    """A copy of `G` whose crude steel comes from the rows' (country, route) pairs in their shares."""
    H = G.copy()
    shares: dict[str, float] = defaultdict(float)
    for r in rows:
        route = STEEL_ROUTES[r.supplier]
        shares[route if r.country == home else relocate(H, route, r, STEEL_PLANTS, source)] += r.share
    routes = tuple(STEEL_ROUTES.values())
    for consumer in _consumers(G, routes):
        _resupply(G, H, routes, consumer, shares, source)
    return H


def buy_aluminium(G: nx.DiGraph, rows: Sequence[ComponentRow], home: str, source: str) -> nx.DiGraph:
    """A copy of `G` whose primary aluminium comes from the rows' countries, on their power.

    A country's `hydro` share of its rows moves that part of its smelter's electricity to
    the country's non-coal power; `mix` keeps its grid (China: the smelters' own mix).
    """
    H = G.copy()
    by_country: dict[str, list[ComponentRow]] = defaultdict(list)
    for r in rows:
        by_country[r.country].append(r)
    shares: dict[str, float] = {}
    for country, found in by_country.items():
        total = math.fsum(r.share for r in found)
        smelter = PRIMARY_SMELTER if country == home else relocate(H, PRIMARY_SMELTER, found[0], {PRIMARY_SMELTER},
                                                                    source)
        shares[smelter] = total
        hydro = math.fsum(r.share for r in found if r.supplier == "hydro") / total if total > 0 else 0.0
        if hydro > 0:
            _to_non_coal_power(H, smelter, country, hydro, source)
    for consumer in _consumers(G, (PRIMARY_SMELTER,)):
        _resupply(G, H, (PRIMARY_SMELTER,), consumer, shares, source)
    return H


def relocate(H: nx.DiGraph, node: str, row: ComponentRow, movable: Iterable[str], source: str) -> str:
    """Copy `node` (and the `movable` plants upstream of it) to the row's country; the copy's id.

    Electricity inputs come from the country's grid; other inputs stay where they were.
    """
    country = row.country
    copy = f"{node.rsplit(':', 1)[0]}:{country}"
    if copy in H:
        return copy
    grid = f"energy:grid:{country}"
    if grid not in H:
        raise row.row.error("country", f"the network has no grid for {country} ({grid!r}) to make {row.material} "
                                       f"on; grids: {', '.join(grids(H))}")
    add_copy_abroad(H, node, copy, country, f"made in {country}", source,
                    lambda u: relocate(H, u, row, movable, source) if u in movable else u)
    return copy


def _consumers(G: nx.DiGraph, suppliers: tuple[str, ...]) -> list[str]:
    """Nodes outside the plants that take the suppliers' output (the material nodes)."""
    found = {v for s in suppliers if s in G for v in G.successors(s)}
    return sorted(found - STEEL_PLANTS - {PRIMARY_SMELTER})


def _resupply(G: nx.DiGraph, H: nx.DiGraph, suppliers: tuple[str, ...], consumer: str,
              shares: dict[str, float], source: str) -> None:
    """The consumer's total from `suppliers`, now split by `shares` over the (possibly copied) plants.

    A new edge keeps the relative uncertainty of the consumer's largest former supply edge.
    """
    had = [G.edges[s, consumer] for s in suppliers if G.has_edge(s, consumer)]
    total = math.fsum(float(e["amount"]) for e in had)
    template = max(had, key=lambda e: float(e["amount"]))
    for s in suppliers:
        if H.has_edge(s, consumer) and s not in shares:
            H.remove_edge(s, consumer)
    for plant, share in shares.items():
        if H.has_edge(plant, consumer):
            set_amount(H, plant, consumer, total * share, source)
        elif share > 0:
            spread = scaled(template.get("uncertainty"), total * share / float(template["amount"]))
            H.add_edge(plant, consumer, amount=total * share, uncertainty=spread,
                       source=f"{share:g} of {consumer}'s supply from {H.nodes[plant]['country']}: {source}")


def _to_non_coal_power(H: nx.DiGraph, smelter: str, country: str, hydro: float, source: str) -> None:
    """Move `hydro` of the smelter's electricity to the country's non-coal power."""
    other = f"energy:other_power:{country}"
    for u in [u for u in H.predecessors(smelter) if is_electricity(H, u) and u != other]:
        gj = float(H.edges[u, smelter]["amount"])
        kept = float(H.edges[other, smelter]["amount"]) if H.has_edge(other, smelter) else 0.0
        set_amount(H, u, smelter, (1.0 - hydro) * gj, source)
        set_amount(H, other, smelter, kept + hydro * gj, source)

