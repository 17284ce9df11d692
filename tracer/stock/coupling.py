"""From end-of-life vehicles to secondary metal supply, and on to the hidden flows of
each year's new vehicles.

1. :func:`secondary_supply`: metal recovered per year (t), at the stated collection
   and recovery rates, by mine_db commodity code, in a tidy table.
2. :func:`recycled_shares`: that supply as a share of a metal demand (the fleet's own
   new vehicles, :func:`fleet_metal_demand`, or a traced production,
   :func:`network_metal_demand`), capped at 1 with the surplus kept.
3. :func:`hidden_flows_by_year`: for each year, sets those shares with the scenarios
   room's ``recycled_content`` lever on a network and traces that year's new vehicles
   with ``tracer.api.run``; returns the flows by year and stressor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd

from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api
from tracer.scenarios.levers import recycled_content, secondary_route
from tracer.scenarios.spec import RecycledContent
from tracer.stock.model import FleetResult

# Fleet materials -> mine_db commodity codes (docs/CONTRACTS.md); others are not coupled.
COMMODITY = MappingProxyType({
    "Fe": "iron_ore", "Al": "bauxite", "Cu": "copper", "Pb": "lead", "Co": "cobalt",
    "Nd": "rare_earths", "Pd": "pgm", "Rh": "pgm", "Pt": "pgm", "Ni": "nickel", "Zn": "zinc",
    "Mn": "manganese", "Li": "lithium",
})


@dataclass(frozen=True)
class SecondaryRoute:
    """How one commodity's secondary metal is produced in the network."""

    stressors: Mapping[str, float]
    country: str
    source: str


def secondary_supply(result: FleetResult) -> pd.DataFrame:
    """Recovered metal by year and commodity (t), with the rates behind it.

    Columns: year, commodity, materials, eol_content_t, collection_rate,
    secondary_supply_t, unit. Materials without a commodity code (Mg, plastics,
    rubber, glass) are left out.
    """
    mats = result.materials[result.materials["material"].isin(list(COMMODITY))].copy()
    mats["commodity"] = mats["material"].map(COMMODITY)
    out = (mats.groupby(["year", "commodity"])
           .agg(materials=("material", lambda s: "+".join(sorted(set(s)))),
                eol_content_t=("content_t", "sum"), secondary_supply_t=("recovered_t", "sum"))
           .reset_index())
    out.insert(4, "collection_rate", result.setup.config.collection_rate)
    out["unit"] = "t"
    return out


def fleet_metal_demand(result: FleetResult) -> pd.DataFrame:
    """Metal in each year's new vehicles of the fleet (inflow x content), by commodity."""
    setup, out = result.setup, result.outcome
    per_vehicle = setup.fraction * setup.central().mass_t + setup.fixed_t  # (classes, materials)
    demand = out.inflow[:, :, 0] @ per_vehicle  # (years, materials)
    table = pd.DataFrame(demand, columns=list(setup.materials))
    table["year"] = out.years
    long = table.melt(id_vars="year", var_name="material", value_name="demand_t")
    long = long[long["material"].isin(list(COMMODITY))]
    long["commodity"] = long["material"].map(COMMODITY)
    keep = long["year"] >= int(result.summary["year"].min())
    return long[keep].groupby(["year", "commodity"], as_index=False)["demand_t"].sum()


def network_metal_demand(result: api.RunResult) -> pd.DataFrame:
    """Metal a traced production draws, by commodity (t of metal supplied to materials).

    For every material node, its output (the ``used`` flow) times the amounts of its
    suppliers of each commodity: the quantity the ``recycled_content`` lever splits.
    """
    G = result.network
    used = result.flows[result.flows["stressor"] == "used"].groupby("material")["value"].sum()
    demand: dict[str, float] = {}
    for material, tonnes in used.items():
        if material not in G:
            continue
        for supplier in G.predecessors(material):
            node = G.nodes[supplier]
            commodity = node.get("commodity")
            if commodity and node.get("kind") != "energy":
                amount = float(G.edges[supplier, material]["amount"])
                demand[commodity] = demand.get(commodity, 0.0) + float(tonnes) * amount
    return pd.DataFrame({"commodity": list(demand), "demand_t": list(demand.values())})


def recycled_shares(supply: pd.DataFrame, demand: pd.DataFrame) -> pd.DataFrame:
    """Secondary share of each commodity's demand per year, capped at 1.

    ``supply``: year, commodity, secondary_supply_t; ``demand``: year, commodity,
    demand_t. Returns year, commodity, demand_t, secondary_supply_t, recycled_share,
    surplus_t (secondary metal beyond the demand, available to other uses).
    """
    merged = demand.merge(supply[["year", "commodity", "secondary_supply_t"]],
                          on=["year", "commodity"], how="left").fillna({"secondary_supply_t": 0.0})
    d, s = merged["demand_t"].to_numpy(), merged["secondary_supply_t"].to_numpy()
    merged["recycled_share"] = np.divide(np.minimum(s, d), d, out=np.zeros_like(d), where=d > 0)
    merged["surplus_t"] = np.maximum(s - d, 0.0)
    return merged


def hidden_flows_by_year(
    shares: pd.DataFrame,
    fleet_by_year: Mapping[int, Mapping[str, float]],
    network: nx.DiGraph,
    routes: Mapping[str, SecondaryRoute] | None = None,
) -> pd.DataFrame:
    """Flows of each year's new vehicles with that year's recycled shares.

    ``shares``: from :func:`recycled_shares`; ``fleet_by_year``: year -> vehicle id ->
    vehicles built. Each commodity's secondary metal comes from the network's own
    secondary route node in China (graphs/secondary.py: its power, fuel and scrap
    traced), or from ``routes`` (commodity -> a route given by its flows per tonne),
    which take precedence; commodities with neither, or not supplied in the network,
    keep their baseline supply. Returns year, stressor, value, unit (summed over the
    flows table of ``tracer.api.run``).
    """
    supplied = {d.get("commodity") for _, d in network.nodes(data=True)
                if d.get("kind") in ("smelting", "refining", "market", "recycling")}
    frames = []
    for year, fleet in sorted(fleet_by_year.items()):
        graph = network
        for row in shares[shares["year"] == year].itertuples():
            rc = _lever(row.commodity, float(row.recycled_share), year, (routes or {}).get(row.commodity))
            if row.commodity not in supplied or (rc.secondary_stressors is None and secondary_route(graph, rc.commodity, rc.country) is None):
                continue
            graph = recycled_content(graph, rc)
        flows = api.run(fleet=dict(fleet), network=graph).flows
        by = flows.groupby(["stressor", "unit"], as_index=False)["value"].sum()
        by.insert(0, "year", year)
        frames.append(by)
    return pd.concat(frames, ignore_index=True)[["year", "stressor", "value", "unit"]]


def _lever(commodity: str, share: float, year: int, given: SecondaryRoute | None) -> RecycledContent:
    """The recycled-content setting of one commodity and year: the network's route, or `given`."""
    source = f"end-of-life vehicles of the fleet model, {year}"
    if given is None:
        return RecycledContent(material=commodity, commodity=commodity, share=share, secondary_stressors=None,
                               country=DEFAULT_HOME, source=f"{source}; the network's secondary route")
    return RecycledContent(material=commodity, commodity=commodity, share=share, secondary_stressors=given.stressors,
                           country=given.country, source=f"{source}; {given.source}")
