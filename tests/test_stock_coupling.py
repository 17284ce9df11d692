"""Secondary supply from end-of-life vehicles and its effect on hidden flows."""

from __future__ import annotations

from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from test_stock_eol import write_study

from tracer.stock.config import load_config
from tracer.stock.coupling import (
    SecondaryRoute,
    fleet_metal_demand,
    hidden_flows_by_year,
    recycled_shares,
    secondary_supply,
)
from tracer.stock.model import run_fleet

WASTE_PER_T_STEEL = 5.0
RESIDUE_PER_T_SECONDARY = 0.5
STEEL_PER_TRUCK = 1.0


def steel_network() -> nx.DiGraph:
    """mine -> smelter -> steel -> one vehicle, each tonne of steel behind 5 t waste rock."""
    G = nx.DiGraph()

    def node(n: str, kind: str, unit: str = "t", **attrs: object) -> None:
        stressors = attrs.pop("stressors", {})
        G.add_node(n, kind=kind, name=n, country=attrs.pop("country", "CHN"), unit=unit,
                   commodity=attrs.pop("commodity", None), mine_id=attrs.pop("mine_id", None),
                   stressors=stressors, stressor_sources={k: "test" for k in stressors}, **attrs)

    node("mine:fe:AUS", "mine", country="AUS", commodity="iron_ore", mine_id="AUS",
         stressors={"waste_rock": WASTE_PER_T_STEEL})
    node("smelting:fe:CHN", "smelting", commodity="iron_ore")
    node("material:steel", "material", stressors={"used": 1.0})
    node("ICEV", "vehicle", unit="vehicle")
    for u, v, a in (("mine:fe:AUS", "smelting:fe:CHN", 1.0), ("smelting:fe:CHN", "material:steel", 1.0),
                    ("material:steel", "ICEV", STEEL_PER_TRUCK)):
        G.add_edge(u, v, amount=a, source="test", uncertainty=None)
    return G


def test_secondary_supply_is_recovered_metal_by_commodity(tmp_path):
    res = run_fleet(load_config(write_study(tmp_path)), to_year=2040)
    supply = secondary_supply(res).set_index(["year", "commodity"])
    mats = res.materials.set_index(["year", "material"])
    np.testing.assert_allclose(supply.xs("iron_ore", level="commodity")["secondary_supply_t"],
                               mats.xs("Fe", level="material")["recovered_t"])
    np.testing.assert_allclose(supply.xs("pgm", level="commodity")["secondary_supply_t"],
                               mats.xs("Pd", level="material")["recovered_t"])
    assert set(supply["unit"]) == {"t"} and set(supply["collection_rate"]) == {0.5}


def test_recycled_share_is_capped_and_the_surplus_kept():
    supply = pd.DataFrame({"year": [2030, 2031], "commodity": ["copper", "copper"],
                           "secondary_supply_t": [30.0, 150.0]})
    demand = pd.DataFrame({"year": [2030, 2031], "commodity": ["copper", "copper"],
                           "demand_t": [100.0, 100.0]})
    out = recycled_shares(supply, demand)
    np.testing.assert_allclose(out["recycled_share"], [0.3, 1.0])
    np.testing.assert_allclose(out["surplus_t"], [0.0, 50.0])


def test_fleet_demand_is_inflow_times_content(tmp_path):
    res = run_fleet(load_config(write_study(tmp_path)), to_year=2040)
    demand = fleet_metal_demand(res).set_index(["year", "commodity"])["demand_t"]
    inflow = res.flows.set_index("year")["inflow_vehicles"]
    np.testing.assert_allclose(demand.xs("iron_ore", level="commodity"), inflow * 2.0 * 0.5)


def test_hidden_flows_fall_with_each_years_recycled_share():
    shares = pd.DataFrame({"year": [2030, 2040], "commodity": ["iron_ore", "iron_ore"],
                           "recycled_share": [0.25, 0.6]})
    fleet = {2030: {"ICEV": 100.0}, 2040: {"ICEV": 200.0}}
    routes = {"iron_ore": SecondaryRoute(MappingProxyType({"process_residue": RESIDUE_PER_T_SECONDARY}),
                                         "CHN", "test route")}
    flows = hidden_flows_by_year(shares, fleet, steel_network(), routes).set_index(["year", "stressor"])
    for year, share, n in ((2030, 0.25, 100.0), (2040, 0.6, 200.0)):
        steel = n * STEEL_PER_TRUCK
        assert flows.loc[(year, "waste_rock"), "value"] == pytest.approx((1 - share) * steel * WASTE_PER_T_STEEL)
        assert flows.loc[(year, "process_residue"), "value"] == pytest.approx(
            share * steel * RESIDUE_PER_T_SECONDARY)
        assert flows.loc[(year, "used"), "value"] == pytest.approx(steel)


def test_network_metal_demand_is_material_output_times_supplier_amounts():
    from tracer import api
    from tracer.stock.coupling import network_metal_demand

    result = api.run(fleet={"ICEV": 40.0}, network=steel_network())
    demand = network_metal_demand(result).set_index("commodity")["demand_t"]
    assert demand.to_dict() == pytest.approx({"iron_ore": 40.0 * STEEL_PER_TRUCK * 1.0})


def test_without_given_routes_the_networks_own_secondary_route_is_used():
    from test_scenarios_network import tiny_network

    # tiny network: primary copper draws 10 GJ grid per t (0.05 t overburden per GJ), its
    # secondary route 2 GJ; BEV-NMC111 takes 0.02 t copper wire
    fleet = {2030: {"BEV-NMC111": 1.0}}

    def overburden(share: float) -> float:
        shares = pd.DataFrame({"year": [2030], "commodity": ["copper"], "recycled_share": [share]})
        flows = hidden_flows_by_year(shares, fleet, tiny_network()).set_index(["year", "stressor"])
        return flows.loc[(2030, "overburden"), "value"]

    assert overburden(0.5) - overburden(0.0) == pytest.approx(0.02 * 0.5 * (2.0 - 10.0) * 0.05)

