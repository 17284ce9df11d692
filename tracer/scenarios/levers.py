"""Levers: pure functions that return an edited copy of the network (or the fleet).

Each lever reads only what docs/CONTRACTS.md promises (node `kind`, `country`,
`commodity`, `stressors`; mine and beneficiation `grade`, `recovery`, `strip_ratio`;
the fixed vehicle ids; edge `amount`) and never mutates its input: node attribute
dicts are replaced, not edited, because `DiGraph.copy()` shares nested dicts.
Where a lever cannot find the structure it needs it raises `InputError` naming the
scenario key, rather than doing nothing silently.
"""

from __future__ import annotations

import re
from collections import defaultdict

import networkx as nx
import pandas as pd

from hfcommon.errors import InputError, did_you_mean
from hfcommon.vocabulary import ELECTRICITY, UNKNOWN_ORIGIN
from tracer.scenarios.edits import (
    add_process,
    is_electricity,
    kind_of,
    nodes_of_kind,
    set_amount,
)
from tracer.scenarios.procurement import aluminium_power, steel_route
from tracer.scenarios.spec import (
    CHEMISTRIES,
    NEV_VEHICLES,
    BatteryMix,
    CleanElectricity,
    FleetMix,
    Lightweighting,
    RecycledContent,
    Scenario,
)
from tracer.scenarios.supply import ore_grade, sourcing, sourcing_markets

__all__ = [
    "aluminium_power", "apply_fleet", "apply_network", "battery_mix", "clean_electricity", "fleet_mix",
    "is_electricity", "lightweighting", "ore_grade", "pack_chemistry", "pack_families", "recycled_content",
    "secondary_route", "sourcing", "sourcing_markets", "steel_route",
]

# --- recycled content -------------------------------------------------------------


def secondary_route(G: nx.DiGraph, commodity: str, country: str) -> str | None:
    """The network's own secondary route of a commodity in a country: a traced (non-boundary)
    recycling node (graphs/secondary.py), or None."""
    return next((n for n, a in G.nodes(data=True)
                 if a.get("kind") == "recycling" and a.get("commodity") == commodity
                 and a.get("country") == country and not a.get("boundary")), None)


def recycled_content(G: nx.DiGraph, rc: RecycledContent) -> nx.DiGraph:
    """Set the recycled share of a metal's supply into material nodes to `rc.share`.

    For each material node fed by the commodity, S = primary + existing secondary
    supply (t metal per t material). Primary suppliers are rescaled to (1 - share) S
    in their baseline proportions; the secondary route supplies share x S; existing
    recycling edges of that commodity into the material are replaced (the share is
    set, not added). The route is the network's own (`secondary_route`), whose grid,
    fuel and scrap the solve traces, unless the scenario gives `secondary_stressors`:
    then it is a new boundary node carrying those flows per tonne.
    """
    H = G.copy()
    key = f"recycled_content.{rc.material}"
    secondary = secondary_route(G, rc.commodity, rc.country) if rc.secondary_stressors is None else None
    if rc.secondary_stressors is None and secondary is None:
        raise InputError(f"the network has no secondary {rc.material} route in {rc.country}; "
                         "give secondary_stressors", column=f"{key}.secondary_stressors")
    secondary = secondary or f"recycling:{rc.material}:scenario:{rc.country}"
    chosen = [f"material:{name}" for name in rc.materials]
    for i, node in enumerate(chosen):
        if node not in G or kind_of(G, node) != "material":
            raise InputError(f"no material node {node!r} in the network"
                             f"{did_you_mean(node, nodes_of_kind(G, 'material'), 0.6)}", column=f"{key}.materials[{i}]")
    touched = 0
    for m in chosen or nodes_of_kind(G, "material"):
        primary: dict[str, float] = {}
        existing: dict[str, float] = {}
        for u in G.predecessors(m):
            if G.nodes[u].get("commodity") != rc.commodity:
                continue
            amount = float(G.edges[u, m]["amount"])
            (existing if kind_of(G, u) == "recycling" else primary)[u] = amount
        total = sum(primary.values()) + sum(existing.values())
        if total <= 0.0:
            continue
        if rc.share < 1.0 and sum(primary.values()) <= 0.0:
            raise InputError(
                f"material {m!r} has no primary {rc.commodity} supplier to keep {1 - rc.share:g} of its supply",
                column=key,
            )
        touched += 1
        primary_sum = sum(primary.values())
        for u, amount in primary.items():
            set_amount(H, u, m, (1.0 - rc.share) * total * amount / primary_sum, rc.source)
        for u in existing:
            H.remove_edge(u, m)
        if rc.share > 0.0:
            if secondary not in H:
                add_process(
                    H,
                    secondary,
                    kind="recycling",
                    name=f"Secondary {rc.material} (scenario)",
                    country=rc.country,
                    unit="t",
                    commodity=rc.commodity,
                    stressors=rc.secondary_stressors or {},
                    source=rc.source,
                )
            set_amount(H, secondary, m, rc.share * total, rc.source)
    if touched == 0:
        raise InputError(f"no {'chosen ' if chosen else ''}material node is supplied with {rc.commodity}",
                         column=key)
    return H


# --- battery chemistry ----------------------------------------------------------


def pack_chemistry(G: nx.DiGraph, node: str) -> str | None:
    """Chemistry of a traction-battery component: its `chemistry` attribute, else the
    id suffix of the graphs naming convention (`component:traction_battery_BEV_LFP`)."""
    attrs = G.nodes[node]
    if attrs.get("kind") != "component":
        return None
    if attrs.get("chemistry") in CHEMISTRIES:
        return str(attrs["chemistry"])
    return next((c for c in CHEMISTRIES if re.search(rf"[_:\-]{c}$", node)), None)


def pack_families(G: nx.DiGraph) -> dict[str, dict[str, str]]:
    """Traction packs grouped by family (the id without its chemistry): family -> chemistry -> node.

    A family is one use of a pack (BEV, PHEV) offered in several chemistries; a
    consumer's battery input moves between packs of the same family only.
    """
    families: dict[str, dict[str, str]] = defaultdict(dict)
    for node in nodes_of_kind(G, "component"):
        chem = pack_chemistry(G, node)
        if chem is not None:
            families[node[: len(node) - len(chem)]][chem] = node
    return dict(families)


def battery_mix(G: nx.DiGraph, bm: BatteryMix) -> nx.DiGraph:
    """Re-split every consumer's traction-battery input among chemistries by `bm.shares`.

    Consumers are all users of a chemistry pack except the single-chemistry vehicles
    `BEV-<chemistry>` (or `bm.consumers` when given). For each consumer and pack
    family, the battery input K (packs or kWh per unit, as the network models it) is
    kept and chemistry c gets K x share_c.
    """
    H = G.copy()
    families = pack_families(G)
    family_of = {node: f for f, packs in families.items() for node in packs.values()}
    single = {f"BEV-{c}" for c in CHEMISTRIES}
    users = sorted({v for p in family_of for v in G.successors(p)} - single)
    consumers = list(bm.consumers) or users
    if not consumers:
        raise InputError("the network has no consumer of a chemistry-specific traction battery",
                         column="battery_mix")
    for i, consumer in enumerate(consumers):
        if consumer not in users:
            raise InputError(f"{consumer!r} uses no chemistry-specific traction battery of the network",
                             column=f"battery_mix.consumers[{i}]")
        inputs: dict[str, float] = defaultdict(float)
        for pack in G.predecessors(consumer):
            if pack in family_of:
                inputs[family_of[pack]] += float(G.edges[pack, consumer]["amount"])
        for family, k in inputs.items():
            for chem, share in bm.shares.items():
                if share > 0.0 and chem not in families[family]:
                    raise InputError(
                        f"{consumer!r} uses {family}* packs but the network has no {chem} one",
                        column=f"battery_mix.shares.{chem}",
                    )
            for chem, pack in families[family].items():
                set_amount(H, pack, consumer, k * bm.shares.get(chem, 0.0), bm.source)
    return H


# --- clean electricity ------------------------------------------------------------


def _clean_supply(H: nx.DiGraph, ce: CleanElectricity, country: str, key: str) -> str:
    """The node that supplies the clean share of a grid in `country` (added if new)."""
    if ce.supply is not None:
        node = ce.supply.replace("{country}", country)
        if node not in H or kind_of(H, node) != "energy":
            raise InputError(f"no energy node {node!r} in the network to replace the {country} grid",
                             column=f"{key}.supply")
        return node
    node = f"energy:clean_electricity:scenario:{country}"
    if node not in H:
        add_process(H, node, kind="energy", name=f"Clean electricity, {country} (scenario)", country=country,
                     unit="GJ", commodity=None, stressors=ce.stressors or {}, source=ce.source)
        H.nodes[node]["carrier"] = ELECTRICITY
    return node


def clean_electricity(G: nx.DiGraph, ce: CleanElectricity, index: int = 0) -> nx.DiGraph:
    """Replace `ce.share` of the grid electricity of the chosen stages in the chosen countries.

    Each electricity input of a consumer keeps (1 - share) of its GJ; the rest comes
    from the clean supply of that grid's country: the network node named by
    `ce.supply` (`{country}` = the grid's country, so a mine on the world-average
    grid draws on the world's non-coal power), or a new node carrying the scenario's
    flows per GJ.
    """
    H = G.copy()
    key = f"electricity[{index}]"
    touched = 0
    for j, attrs in G.nodes(data=True):
        if attrs.get("kind") not in ce.stages:
            continue
        if ce.countries and str(attrs.get("country", UNKNOWN_ORIGIN)) not in ce.countries:
            continue
        grids = [u for u in G.predecessors(j) if is_electricity(G, u)]
        for u in grids:
            gj = float(G.edges[u, j]["amount"])
            clean = _clean_supply(H, ce, str(G.nodes[u].get("country", UNKNOWN_ORIGIN)), key)
            if clean == u:
                continue
            set_amount(H, u, j, (1.0 - ce.share) * gj, ce.source)
            kept = float(H.edges[clean, j]["amount"]) if H.has_edge(clean, j) else 0.0
            set_amount(H, clean, j, kept + ce.share * gj, ce.source)
            touched += 1
    if touched == 0:
        where = ", ".join(ce.countries) or "any country"
        raise InputError(f"no {'/'.join(ce.stages)} node in {where} uses grid electricity", column=key)
    return H


# --- lightweighting -------------------------------------------------------------


def lightweighting(G: nx.DiGraph, lw: Lightweighting) -> nx.DiGraph:
    """Scale the mass of one material in every product that uses it by (1 + mass_change).

    All output edges of `material:<name>` scale; its upstream follows through the
    solve, and so does the `used` mass it carries.
    """
    H = G.copy()
    node = f"material:{lw.material}"
    if node not in G or kind_of(G, node) != "material":
        known = ", ".join(sorted(m.removeprefix("material:") for m in nodes_of_kind(G, "material")))
        raise InputError(f"no material node {node!r}{did_you_mean(node, nodes_of_kind(G, 'material'), 0.6)}; "
                         f"the network has: {known}",
                         column=f"lightweighting.{lw.material}")
    for v in G.successors(node):
        set_amount(H, node, v, float(G.edges[node, v]["amount"]) * (1.0 + lw.mass_change), lw.source)
    return H


# --- fleet ------------------------------------------------------------------------


def fleet_mix(fleet: pd.Series, fm: FleetMix) -> pd.Series:
    """Vehicles produced under a new NEV share, total and NEV split.

    NEV = PHEV, BEV (any BEV-<chemistry> too) and FCV, as in Chinese statistics (HEV is
    not an NEV). Without a split, NEV and non-NEV types keep their baseline proportions.
    """
    fleet = fleet.astype(float)
    nev = [v for v in fleet.index if v in NEV_VEHICLES or str(v).startswith("BEV-")]
    other = [v for v in fleet.index if v not in nev]
    total = fm.total if fm.total is not None else float(fleet.sum())
    nev_now = float(fleet[nev].sum())
    share = fm.nev_share if fm.nev_share is not None else (nev_now / float(fleet.sum()) if fleet.sum() else 0.0)
    out = pd.Series(0.0, index=fleet.index.union(list(fm.nev_split or {})), name=fleet.name)
    if fm.nev_split is not None:
        for v, s in fm.nev_split.items():
            out[v] = share * total * s
    elif share > 0:
        if nev_now <= 0:
            raise InputError("the fleet has no NEV to scale up; give fleet.nev_split", column="fleet.nev_share")
        for v in nev:
            out[v] = share * total * float(fleet[v]) / nev_now
    other_now = float(fleet[other].sum())
    if share < 1.0:
        if other_now <= 0:
            raise InputError("the fleet has no conventional vehicle to keep", column="fleet.nev_share")
        for v in other:
            out[v] = (1.0 - share) * total * float(fleet[v]) / other_now
    return out


# --- whole scenario ---------------------------------------------------------------


def apply_network(G: nx.DiGraph, scenario: Scenario) -> nx.DiGraph:
    """All network levers of a scenario, in a fixed order (upstream first)."""
    H = G
    for i, so in enumerate(scenario.sourcing):
        H = sourcing(H, so, i)
    for og in scenario.ore_grade:
        H = ore_grade(H, og)
    for i, ce in enumerate(scenario.electricity):
        H = clean_electricity(H, ce, i)
    for rc in scenario.recycled_content:
        H = recycled_content(H, rc)
    if scenario.battery_mix is not None:
        H = battery_mix(H, scenario.battery_mix)
    if scenario.steel_route is not None:
        H = steel_route(H, scenario.steel_route)
    if scenario.aluminium_power is not None:
        H = aluminium_power(H, scenario.aluminium_power)
    for lw in scenario.lightweighting:
        H = lightweighting(H, lw)
    return H if H is not G else G.copy()


def apply_fleet(fleet: pd.Series, scenario: Scenario) -> pd.Series:
    """The scenario's fleet (the given one when it has no fleet lever)."""
    return fleet_mix(fleet, scenario.fleet) if scenario.fleet is not None else fleet.astype(float)
