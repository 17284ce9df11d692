"""Low-carbon procurement levers: the steel route a buyer specifies, the power its aluminium is smelted with.

Why apart from the other levers: these act on process routes, not on mines or
demand. `steel_route` moves crude steel between the blast-furnace/oxygen, the electric-arc
and the direct-reduction + arc route of graphs.steel (and can set what the arc furnaces charge);
`aluminium_power` moves primary smelters' electricity from the grid mix to the same
country's non-fossil power. Each keeps every mass balance closed, so the trade-off a
lever shows between hidden flows and CO2 comes from the network, not from the lever.
(The third procurement lever, a supplier country, is `[[sourcing]]`: tracer.scenarios.supply.)
"""

from __future__ import annotations

import math

import networkx as nx

from graphs.steel import BOF, DRI_EAF, EAF, PIG_IRON, SCRAP
from hfcommon.errors import InputError
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from tracer.scenarios.edits import is_electricity, replace_stressors, set_amount
from tracer.scenarios.spec import AluminiumPower, SteelRoute

PRIMARY_ALUMINIUM = "bauxite"


def steel_route(G: nx.DiGraph, sr: SteelRoute) -> nx.DiGraph:
    """Set the EAF and DRI-EAF shares of the crude steel every consumer of the routes takes.

    A consumer's crude steel K = BOF + EAF + DRI-EAF input is kept; EAF gets eaf_share x K
    (its own input when eaf_share is None), DRI-EAF dri_share x K, BOF the rest. With
    `eaf_scrap_ratio` r, the arc furnace charges r t scrap per t and its hot metal
    scales to HM0 (1 - r) / (1 - r0) (the iron balance of graphs/data/steel_inputs.csv);
    its process residue follows, so the furnace still closes its mass.
    """
    routes = (BOF, EAF, DRI_EAF) if sr.dri_share > 0 or DRI_EAF in G else (BOF, EAF)
    for node in routes:
        if node not in G:
            raise InputError(f"the network has no steelmaking route {node!r}", column="steel_route")
    H = G.copy()
    consumers = sorted(set().union(*(G.successors(r) for r in routes)) - set(routes))
    for consumer in consumers:
        had = {r: float(G.edges[r, consumer]["amount"]) if G.has_edge(r, consumer) else 0.0 for r in routes}
        k = math.fsum(had.values())
        eaf = had[EAF] if sr.eaf_share is None else sr.eaf_share * k
        dri = sr.dri_share * k
        if eaf + dri > k * (1.0 + 1e-9):
            raise InputError(f"dri_share {sr.dri_share:g} and the network's EAF share "
                             f"{had[EAF] / k if k else 0.0:.3g} of {consumer!r} sum to more than 1", column="steel_route.dri_share")
        set_amount(H, EAF, consumer, eaf, sr.source)
        if DRI_EAF in routes:
            set_amount(H, DRI_EAF, consumer, dri, sr.source)
        set_amount(H, BOF, consumer, max(0.0, k - eaf - dri), sr.source)
    if sr.eaf_scrap_ratio is not None:
        _eaf_charge(G, H, sr.eaf_scrap_ratio, sr.source)
    return H


def _eaf_charge(G: nx.DiGraph, H: nx.DiGraph, ratio: float, source: str) -> None:
    if not (G.has_edge(SCRAP, EAF) and G.has_edge(PIG_IRON, EAF)):
        raise InputError(f"{EAF!r} does not charge both scrap and hot metal", column="steel_route.eaf_scrap_ratio")
    r0 = float(G.edges[SCRAP, EAF]["amount"])
    hot_metal = float(G.edges[PIG_IRON, EAF]["amount"]) * (1.0 - ratio) / (1.0 - r0)
    set_amount(H, SCRAP, EAF, ratio, source)
    set_amount(H, PIG_IRON, EAF, hot_metal, source)
    stressors = dict(G.nodes[EAF].get("stressors") or {})
    stressors["process_residue"] = max(0.0, ratio + hot_metal - 1.0)
    replace_stressors(G, H, EAF, stressors, f"EAF scrap charge {ratio:g} t/t: {source}")


def aluminium_power(G: nx.DiGraph, ap: AluminiumPower) -> nx.DiGraph:
    """Move `hydro_share` of every primary smelter's grid electricity to its country's non-fossil power.

    The non-fossil power node is the grid's own (`energy:other_power:<country>`,
    graphs.energy), so the lever cuts the coal behind the smelter, its overburden and
    its CO2, and nothing else.
    """
    H = G.copy()
    smelters = [n for n, d in G.nodes(data=True)
                if d.get("kind") == "smelting" and d.get("commodity") == PRIMARY_ALUMINIUM]
    if not smelters:
        raise InputError("the network has no primary aluminium smelter", column="aluminium_power")
    for smelter in smelters:
        for grid in [u for u in G.predecessors(smelter) if is_electricity(G, u)]:
            country = str(G.nodes[grid].get("country", UNKNOWN_ORIGIN))
            hydro = f"energy:other_power:{country}"
            if hydro not in G or hydro == grid:
                raise InputError(f"no non-fossil power node {hydro!r} for the {country} grid",
                                 column="aluminium_power.hydro_share")
            gj = float(G.edges[grid, smelter]["amount"])
            kept = float(H.edges[hydro, smelter]["amount"]) if H.has_edge(hydro, smelter) else 0.0
            set_amount(H, grid, smelter, (1.0 - ap.hydro_share) * gj, ap.source)
            set_amount(H, hydro, smelter, kept + ap.hydro_share * gj, ap.source)
    return H
