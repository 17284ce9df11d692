"""Levers: pure functions that return an edited copy of the network (or the fleet).

Each lever reads only what docs/CONTRACTS.md promises (node `kind`, `country`,
`commodity`, `stressors`; mine and beneficiation `grade`, `recovery`, `strip_ratio`;
the fixed vehicle ids; edge `amount`) and never mutates its input: node attribute
dicts are replaced, not edited, because `DiGraph.copy()` shares nested dicts.
Where a lever cannot find the structure it needs it raises `InputError` naming the
scenario key, rather than doing nothing silently.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping

import networkx as nx
import pandas as pd

from graphs.model import Distribution
from hfcommon.errors import InputError, did_you_mean
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from mine_db import balance
from tracer.scenarios.spec import (
    CHEMISTRIES,
    NEV_VEHICLES,
    SHARE_TOLERANCE,
    BatteryMix,
    CleanElectricity,
    FleetMix,
    Lightweighting,
    OreGradeDecline,
    RecycledContent,
    Scenario,
    Sourcing,
)


def _kind(G: nx.DiGraph, node: str) -> str:
    return str(G.nodes[node].get("kind", ""))


def _nodes_of_kind(G: nx.DiGraph, kind: str) -> list[str]:
    return [n for n, k in G.nodes(data="kind") if k == kind]


def _set_amount(G: nx.DiGraph, u: str, v: str, amount: float, source: str) -> None:
    """Set (or add) an edge amount with the scenario's source; drop edges that reach 0."""
    if amount <= 0.0:
        if G.has_edge(u, v):
            G.remove_edge(u, v)
        return
    if G.has_edge(u, v):
        attrs = dict(G.edges[u, v])
        old = float(attrs["amount"])
        attrs["uncertainty"] = _scaled(attrs.get("uncertainty"), amount / old) if old > 0 else None
        attrs.update(amount=amount, source=f"{attrs.get('source', '')} | scenario: {source}".strip(" |"))
        G.add_edge(u, v, **attrs)
    else:
        G.add_edge(u, v, amount=amount, source=f"scenario: {source}", uncertainty=None)


def _scaled(dist: Distribution | None, factor: float) -> Distribution | None:
    """The same relative uncertainty around a coefficient scaled by `factor` (None when gone)."""
    return dist.scaled(factor) if dist is not None and factor > 0 else None


def _add_process(
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
    G.add_node(
        node,
        kind=kind,
        name=name,
        country=country,
        unit=unit,
        commodity=commodity,
        mine_id=None,
        stressors=dict(stressors),
        stressor_sources={s: f"scenario: {source}" for s in stressors},
        stressor_uncertainty={},
        boundary=True,
    )


# --- recycled content -------------------------------------------------------------


def recycled_content(G: nx.DiGraph, rc: RecycledContent) -> nx.DiGraph:
    """Set the recycled share of a metal's supply into material nodes to `rc.share`.

    For each material node fed by the commodity, S = primary + existing secondary
    supply (t metal per t material). Primary suppliers are rescaled to (1 - share) S
    in their baseline proportions; the secondary route becomes one new recycling node
    supplying share x S with the scenario's flows; existing recycling edges of that
    commodity into the material are replaced (the share is set, not added).
    """
    H = G.copy()
    key = f"recycled_content.{rc.material}"
    secondary = f"recycling:{rc.material}:scenario:{rc.country}"
    chosen = [f"material:{name}" for name in rc.materials]
    for i, node in enumerate(chosen):
        if node not in G or _kind(G, node) != "material":
            raise InputError(f"no material node {node!r} in the network"
                             f"{did_you_mean(node, _nodes_of_kind(G, 'material'), 0.6)}", column=f"{key}.materials[{i}]")
    touched = 0
    for m in chosen or _nodes_of_kind(G, "material"):
        primary: dict[str, float] = {}
        existing: dict[str, float] = {}
        for u in G.predecessors(m):
            if G.nodes[u].get("commodity") != rc.commodity:
                continue
            amount = float(G.edges[u, m]["amount"])
            (existing if _kind(G, u) == "recycling" else primary)[u] = amount
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
            _set_amount(H, u, m, (1.0 - rc.share) * total * amount / primary_sum, rc.source)
        for u in existing:
            H.remove_edge(u, m)
        if rc.share > 0.0:
            if secondary not in H:
                _add_process(
                    H,
                    secondary,
                    kind="recycling",
                    name=f"Secondary {rc.material} (scenario)",
                    country=rc.country,
                    unit="t",
                    commodity=rc.commodity,
                    stressors=rc.secondary_stressors,
                    source=rc.source,
                )
            _set_amount(H, secondary, m, rc.share * total, rc.source)
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
    for node in _nodes_of_kind(G, "component"):
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
                _set_amount(H, pack, consumer, k * bm.shares.get(chem, 0.0), bm.source)
    return H


# --- clean electricity ------------------------------------------------------------


def is_electricity(G: nx.DiGraph, node: str) -> bool:
    """An energy node that supplies electricity (`carrier = "electricity"`, CONTRACTS.md)."""
    attrs = G.nodes[node]
    return attrs.get("kind") == "energy" and attrs.get("carrier") == "electricity"


def _clean_supply(H: nx.DiGraph, ce: CleanElectricity, country: str, key: str) -> str:
    """The node that supplies the clean share of a grid in `country` (added if new)."""
    if ce.supply is not None:
        node = ce.supply.replace("{country}", country)
        if node not in H or _kind(H, node) != "energy":
            raise InputError(f"no energy node {node!r} in the network to replace the {country} grid",
                             column=f"{key}.supply")
        return node
    node = f"energy:clean_electricity:scenario:{country}"
    if node not in H:
        _add_process(H, node, kind="energy", name=f"Clean electricity, {country} (scenario)", country=country,
                     unit="GJ", commodity=None, stressors=ce.stressors or {}, source=ce.source)
        H.nodes[node]["carrier"] = "electricity"
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
            _set_amount(H, u, j, (1.0 - ce.share) * gj, ce.source)
            kept = float(H.edges[clean, j]["amount"]) if H.has_edge(clean, j) else 0.0
            _set_amount(H, clean, j, kept + ce.share * gj, ce.source)
            touched += 1
    if touched == 0:
        where = ", ".join(ce.countries) or "any country"
        raise InputError(f"no {'/'.join(ce.stages)} node in {where} uses grid electricity", column=key)
    return H


# --- sourcing ---------------------------------------------------------------------


def _supplier_countries(G: nx.DiGraph, market: str) -> dict[str, dict[str, float]]:
    by_country: dict[str, dict[str, float]] = defaultdict(dict)
    for u in G.predecessors(market):
        if _kind(G, u) == "energy":
            continue
        by_country[str(G.nodes[u].get("country", UNKNOWN_ORIGIN))][u] = float(G.edges[u, market]["amount"])
    return dict(by_country)


def sourcing_markets(G: nx.DiGraph, so: Sourcing, key: str = "sourcing") -> list[str]:
    """The market(s) a sourcing entry acts on.

    The named node, or else the commodity's import markets: those that mix suppliers
    from more than one country and feed no other market of the same commodity (a pool
    of "other origins" that feeds the import market is part of it, not a target).
    """
    if so.market is not None:
        if so.market not in G or _kind(G, so.market) != "market":
            raise InputError(f"no market node {so.market!r} in the network", column=f"{key}.market")
        return [so.market]
    markets = [m for m in _nodes_of_kind(G, "market") if G.nodes[m].get("commodity") == so.commodity]
    return [
        m
        for m in markets
        if len(_supplier_countries(G, m)) > 1
        and not any(v in markets for v in G.successors(m))
    ]


def sourcing(G: nx.DiGraph, so: Sourcing, index: int = 0) -> nx.DiGraph:
    """Set origin-country shares of the supply into the chosen market(s).

    The market's total input K is kept. A named country gets share x K, split among
    its suppliers in their baseline proportions; countries not named share the rest
    in their baseline proportions.
    """
    H = G.copy()
    key = f"sourcing[{index}]"
    markets = sourcing_markets(G, so, key)
    if not markets:
        raise InputError(f"no {so.commodity} market mixes suppliers from several countries", column=key)
    for market in markets:
        groups = _supplier_countries(G, market)
        total = sum(sum(g.values()) for g in groups.values())
        for country in so.shares:
            if country not in groups:
                raise InputError(
                    f"market {market!r} has no supplier in {country}; it has {', '.join(sorted(groups))}",
                    column=f"{key}.shares.{country}",
                )
        rest = 1.0 - sum(so.shares.values())
        rest_base = sum(sum(g.values()) for c, g in groups.items() if c not in so.shares)
        if rest > SHARE_TOLERANCE and rest_base <= 0.0:
            raise InputError(
                f"shares sum to {1 - rest:g} but market {market!r} has no other supplier to cover the rest",
                column=f"{key}.shares",
            )
        for country, suppliers in groups.items():
            base = sum(suppliers.values())
            target = so.shares[country] * total if country in so.shares else (
                rest * total * base / rest_base if rest_base > 0 else 0.0
            )
            for u, amount in suppliers.items():
                weight = amount / base if base > 0 else 1.0 / len(suppliers)
                _set_amount(H, u, market, target * weight, so.source)
    return H


# --- ore grade --------------------------------------------------------------------


def ore_grade(G: nx.DiGraph, og: OreGradeDecline) -> nx.DiGraph:
    """Lower the head grade of a commodity's mines by `og.grade_factor` and recompute.

    Ore per unit of a site's output is basis_content / (grade x recovery) (mine_db),
    so at grade g' = f g the concentrator draws r = 1 / f times the ore. The
    concentrate's own mass does not change, so all the extra ore leaves as tailings
    (tailings = ore - concentrate, mine_db.flows): tailings' = tailings + ore (r - 1).
    The strip ratio is a property of the deposit per tonne of ore, so the mine's
    overburden and waste rock per t ore stay and grow with the r times more ore it
    moves. The concentrator's throughput-driven inputs (electricity) and its energy
    and CO2 scale with the ore as well. The `grade` attributes are updated. Brine is
    pumped, not milled (mine_type `brine`): more brine, no tailings (mine_db.flows).
    """
    H = G.copy()
    key = f"ore_grade.{og.commodity}"
    r = 1.0 / og.grade_factor
    mines = [m for m in _nodes_of_kind(G, "mine") if G.nodes[m].get("commodity") == og.commodity]
    if not mines:
        raise InputError(f"the network has no {og.commodity} mine", column=key)
    for mine in mines:
        plants = [b for b in G.successors(mine) if _kind(G, b) == "beneficiation"]
        if not plants:
            raise InputError(
                f"mine {mine!r} feeds no beneficiation node: cannot place the extra tailings", column=key
            )
        _scale_grade(H, mine, og.grade_factor)
        brine = G.nodes[mine].get("mine_type") == "brine"
        for plant in plants:
            _rescale_concentrator(G, H, mine, plant, r, og.source, tailings=not brine)
            _scale_grade(H, plant, og.grade_factor)
    return H


def _scale_grade(H: nx.DiGraph, node: str, factor: float) -> None:
    grade = H.nodes[node].get("grade")
    if grade is not None and math.isfinite(float(grade)):
        H.nodes[node]["grade"] = float(grade) * factor


def _rescale_concentrator(
    G: nx.DiGraph, H: nx.DiGraph, mine: str, plant: str, r: float, source: str, tailings: bool
) -> None:
    ore = float(G.edges[mine, plant]["amount"])
    new_ore = balance.rescaled_ore(ore, grade0=1.0, recovery0=1.0, grade=1.0 / r, recovery=1.0)
    _set_amount(H, mine, plant, new_ore, source)
    for u in G.predecessors(plant):
        if u != mine and is_electricity(G, u):
            _set_amount(H, u, plant, float(G.edges[u, plant]["amount"]) * r, source)
    old = dict(G.nodes[plant].get("stressors") or {})
    new = dict(old)
    if tailings:
        new["tailings"] = balance.rescaled_tailings(float(old.get("tailings", 0.0)), ore, new_ore)
    for name in ("energy", "co2"):
        if name in old:
            new[name] = float(old[name]) * r
    _replace_stressors(G, H, plant, new, f"ore grade x{1 / r:.4g}: {source}")


def _replace_stressors(G: nx.DiGraph, H: nx.DiGraph, node: str, new: dict[str, float], why: str) -> None:
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
            spread[name] = _scaled(spread[name], value / before) if before > 0 else None
    H.nodes[node]["stressors"] = new
    H.nodes[node]["stressor_sources"] = sources
    H.nodes[node]["stressor_uncertainty"] = {k: v for k, v in spread.items() if v is not None}


# --- lightweighting -------------------------------------------------------------


def lightweighting(G: nx.DiGraph, lw: Lightweighting) -> nx.DiGraph:
    """Scale the mass of one material in every product that uses it by (1 + mass_change).

    All output edges of `material:<name>` scale; its upstream follows through the
    solve, and so does the `used` mass it carries.
    """
    H = G.copy()
    node = f"material:{lw.material}"
    if node not in G or _kind(G, node) != "material":
        known = ", ".join(sorted(m.removeprefix("material:") for m in _nodes_of_kind(G, "material")))
        raise InputError(f"no material node {node!r}{did_you_mean(node, _nodes_of_kind(G, 'material'), 0.6)}; "
                         f"the network has: {known}",
                         column=f"lightweighting.{lw.material}")
    for v in G.successors(node):
        _set_amount(H, node, v, float(G.edges[node, v]["amount"]) * (1.0 + lw.mass_change), lw.source)
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
    for lw in scenario.lightweighting:
        H = lightweighting(H, lw)
    return H if H is not G else G.copy()


def apply_fleet(fleet: pd.Series, scenario: Scenario) -> pd.Series:
    """The scenario's fleet (the given one when it has no fleet lever)."""
    return fleet_mix(fleet, scenario.fleet) if scenario.fleet is not None else fleet.astype(float)
