"""CO2e per vehicle beside TMR: totals and shares of steel, aluminium, the battery and the rest.

Why a module: the CO2 stressor is attributed by the same engine as the hidden flows
(tracer.attribution), so any split of it (country, stage, material, component) is
already exact; what carmakers ask for is one more grouping on top, by the three
things that dominate a car's production footprint. The groups partition every flow
(battery first, by first-tier component; then steel and aluminium by material; the
rest), so they sum to the total by construction (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from hfcommon.vocabulary import CO2

#: Reporting groups of CO2, in the order they are assigned.
GROUPS: tuple[str, ...] = ("battery", "steel", "aluminium", "rest")
#: Material nodes of each metal group (graphs/data/chain_nodes.csv).
GROUP_MATERIALS: Mapping[str, tuple[str, ...]] = {
    "steel": ("material:steel", "material:stainless_steel", "material:cast_iron"),
    "aluminium": ("material:wrought_aluminium", "material:cast_aluminium"),
}
#: Component group of traction batteries (graphs/data/components.csv and graphs.products).
BATTERY_COMPONENT_GROUP = "traction_battery"


def battery_components(G: nx.DiGraph) -> frozenset[str]:
    """First-tier components that are traction batteries (any chemistry, HEV included)."""
    return frozenset(n for n, d in G.nodes(data=True)
                     if d.get("kind") == "component" and d.get("group") == BATTERY_COMPONENT_GROUP)


def carbon_group(flows: pd.DataFrame, batteries: frozenset[str]) -> pd.Series:
    """The group of every flow row: battery, steel, aluminium or rest."""
    material = flows["material"].astype(str)
    group = np.select(
        [flows["component"].astype(str).isin(batteries),
         material.isin(GROUP_MATERIALS["steel"]),
         material.isin(GROUP_MATERIALS["aluminium"])],
        ["battery", "steel", "aluminium"], default="rest",
    )
    return pd.Series(group, index=flows.index, name="group")


def co2_table(flows: pd.DataFrame, batteries: frozenset[str], by: tuple[str, ...] = ()) -> pd.DataFrame:
    """CO2 (t) by group and the columns `by`, from a flow table; sums to the table's CO2."""
    co2 = flows[flows["stressor"] == CO2]
    keys = [carbon_group(co2, batteries), *[co2[c].astype(str) for c in by]]
    out = co2["value"].groupby(keys).sum().rename("co2_t").reset_index()
    return out[out["co2_t"] != 0]


def summary(unit_flows: pd.DataFrame, G: nx.DiGraph, vehicles: list[str], flows: pd.DataFrame) -> dict[str, Any]:
    """The CO2 keys of the run summary: per vehicle (by country, by material, group shares), and the fleet
    by group and country. A flow that crosses no material (assembly, cell-factory electricity) has the
    material `(none)`.

    `unit_flows`: flows (by vehicle, material, component, country, stressor) of one of each vehicle;
    `flows`: the fleet's flow table.
    """
    batteries = battery_components(G)
    unit = co2_table(unit_flows, batteries, ("vehicle", "country", "material"))  # one pass; the rest groups it
    each = unit.pivot_table(index="vehicle", columns="group", values="co2_t", aggfunc="sum", fill_value=0.0,
                            observed=True).reindex(index=vehicles, columns=list(GROUPS), fill_value=0.0)
    totals = each.sum(axis=1)
    fleet = co2_table(flows, batteries, ("country",))
    by_country = unit.groupby(["vehicle", "country"])["co2_t"].sum()
    by_material = unit.groupby(["vehicle", "material"])["co2_t"].sum()
    return {
        "per_vehicle_co2_t": {v: float(t) for v, t in totals.items()},
        "per_vehicle_co2_by_country_t": {
            v: {c: float(t) for c, t in by_country[v].sort_values(ascending=False).items()} if v in by_country else {}
            for v in vehicles
        },
        "per_vehicle_co2_by_material_t": {
            v: {m: float(t) for m, t in by_material[v].sort_values(ascending=False).items()} if v in by_material else {}
            for v in vehicles
        },
        "per_vehicle_co2_shares": {
            v: {g: (float(each.loc[v, g] / totals[v]) if totals[v] else None) for g in GROUPS} for v in each.index
        },
        "co2_by_group_t": {g: float(fleet.loc[fleet["group"] == g, "co2_t"].sum()) for g in GROUPS},
        "co2_by_country_t": {c: float(t) for c, t in
                             fleet.groupby("country")["co2_t"].sum().sort_values(ascending=False).items()},
    }
