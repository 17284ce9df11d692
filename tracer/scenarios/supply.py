"""Supply levers: where a commodity comes from (origin-country shares) and how rich its ore is.

Both act on the mining side of the network: `sourcing` re-weights the suppliers of a
market by country, `ore_grade` lowers the head grade of a commodity's mines and
recomputes their ore, tailings and concentrator energy (mine_db.balance).
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx

from hfcommon.errors import InputError
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from mine_db import balance
from tracer.scenarios.edits import (
    is_electricity,
    kind_of,
    nodes_of_kind,
    replace_stressors,
    set_amount,
)
from tracer.scenarios.spec import SHARE_TOLERANCE, OreGradeDecline, Sourcing


def _supplier_countries(G: nx.DiGraph, market: str) -> dict[str, dict[str, float]]:
    by_country: dict[str, dict[str, float]] = defaultdict(dict)
    for u in G.predecessors(market):
        if kind_of(G, u) == "energy":
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
        if so.market not in G or kind_of(G, so.market) != "market":
            raise InputError(f"no market node {so.market!r} in the network", column=f"{key}.market")
        return [so.market]
    markets = [m for m in nodes_of_kind(G, "market") if G.nodes[m].get("commodity") == so.commodity]
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
                set_amount(H, u, market, target * weight, so.source)
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
    mines = [m for m in nodes_of_kind(G, "mine") if G.nodes[m].get("commodity") == og.commodity]
    if not mines:
        raise InputError(f"the network has no {og.commodity} mine", column=key)
    for mine in mines:
        plants = [b for b in G.successors(mine) if kind_of(G, b) == "beneficiation"]
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
    set_amount(H, mine, plant, new_ore, source)
    for u in G.predecessors(plant):
        if u != mine and is_electricity(G, u):
            set_amount(H, u, plant, float(G.edges[u, plant]["amount"]) * r, source)
    old = dict(G.nodes[plant].get("stressors") or {})
    new = dict(old)
    if tailings:
        new["tailings"] = balance.rescaled_tailings(float(old.get("tailings", 0.0)), ore, new_ore)
    for name in ("energy", "co2"):
        if name in old:
            new[name] = float(old[name]) * r
    replace_stressors(G, H, plant, new, f"ore grade x{1 / r:.4g}: {source}")
