"""Steel routes and CO2e: hand-checked coefficients, mass balance of the routes, and CO2 splits
that sum to the total (issues 12 and 19.2)."""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest

import graphs
from graphs.steel import BOF, EAF, SCRAP
from tracer import api, carbon

MN = 11.2 / (657.9 + 17.0)
EAF_SHARE = 103.2 / 996.3
EAF_SCRAP = (215.93 - 0.202 * (996.3 - 103.2)) / 103.2


@pytest.fixture(scope="module")
def network() -> nx.DiGraph:
    return graphs.build_default_network()


@pytest.fixture(scope="module")
def result(network: nx.DiGraph) -> api.RunResult:
    return api.run(network=network)


def test_steel_routes_by_hand(network: nx.DiGraph) -> None:
    assert network.edges[SCRAP, EAF]["amount"] == pytest.approx(EAF_SCRAP)
    assert 0.3 < EAF_SCRAP < 0.4  # Chinese EAFs charge hot metal as well as scrap
    assert network.edges[SCRAP, BOF]["amount"] == pytest.approx(0.202)
    assert network.edges["refining:pig_iron:CHN", BOF]["amount"] == pytest.approx((1 - 0.202) / 0.945)
    assert network.edges["refining:pig_iron:CHN", EAF]["amount"] == pytest.approx((1 - EAF_SCRAP) / 0.945)
    assert network.edges["energy:grid:CHN", EAF]["amount"] == pytest.approx(400 * 0.0036)
    assert network.edges[BOF, "material:steel"]["amount"] == pytest.approx((1 - EAF_SHARE) * (1 - MN) / 0.74)
    assert network.edges[EAF, "material:steel"]["amount"] == pytest.approx(EAF_SHARE * (1 - MN) / 0.74)
    assert not network.has_edge("refining:pig_iron:CHN", "material:steel")
    assert network.nodes[SCRAP]["boundary"] and not network.nodes[SCRAP]["stressors"]


@pytest.mark.parametrize("node", [BOF, EAF, "material:steel"])
def test_steel_nodes_close_their_mass(network: nx.DiGraph, node: str) -> None:
    tonnes_in = math.fsum(network.edges[u, node]["amount"] for u in network.predecessors(node)
                          if network.nodes[u]["unit"] == "t")
    out = network.nodes[node]["stressors"]
    assert tonnes_in == pytest.approx(out["process_residue"] + out.get("used", 1.0))  # a material puts out its used t


def test_process_co2_by_hand(network: nx.DiGraph) -> None:
    co2 = {n: network.nodes[n]["stressors"].get("co2") for n in network}
    assert co2["smelting:aluminium:CHN"] == pytest.approx(1.6 + (0.4 * 7390 + 0.04 * 12200) / 1000)
    assert co2["market:limestone:CHN"] == pytest.approx(0.43971)
    assert co2[EAF] == pytest.approx(0.08)
    assert co2["smelting:lead:CHN"] == pytest.approx(0.52)
    assert [co2[v] for v in ("ICEV", "BEV", "BEV-LFP")] == pytest.approx([2.0] * 3)
    # anode + PFC: a lognormal whose mean is the nominal and whose 97.5th percentile is both factors at
    # IPCC's upper ends (anode +10 %, PFC +380 %), so the draws do not sit above the nominal by construction
    pfc = network.nodes["smelting:aluminium:CHN"]["stressor_uncertainty"]["co2"]
    mu, sigma = pfc.params
    assert pfc.kind == "lognormal"
    assert math.exp(mu + sigma**2 / 2) == pytest.approx(co2["smelting:aluminium:CHN"], rel=1e-4)
    assert math.exp(mu + 1.959964 * sigma) == pytest.approx(1.6 * 1.1 + 3.444 * 4.8, rel=1e-3)


def test_cell_factories_draw_the_chinese_grid(network: nx.DiGraph) -> None:
    for pack in ("component:traction_battery_BEV_LFP", "component:traction_battery_PHEV_NMC622"):
        kwh = network.nodes[pack]["kwh"]
        assert network.edges["energy:grid:CHN", pack]["amount"] == pytest.approx(57.5 * kwh * 0.0036)
    assert not network.has_edge("energy:grid:CHN", "component:traction_battery_HEV")


def test_co2_splits_sum_to_the_total(result: api.RunResult) -> None:
    s = result.summary
    total = s["co2_t"]
    assert total > 0
    assert sum(s["co2_by_group_t"].values()) == pytest.approx(total, rel=1e-9)
    assert sum(s["co2_by_country_t"].values()) == pytest.approx(total, rel=1e-9)
    fleet = result.fleet
    assert sum(s["per_vehicle_co2_t"][v] * n for v, n in fleet.items()) == pytest.approx(total, rel=1e-9)
    for shares in s["per_vehicle_co2_shares"].values():
        assert sum(shares.values()) == pytest.approx(1.0)
    by_stage = result.attribution.split(["stage", "stressor"])
    assert by_stage.loc[by_stage["stressor"] == "co2", "value"].sum() == pytest.approx(total, rel=1e-9)


def test_battery_group_only_where_a_pack_is(result: api.RunResult) -> None:
    shares = result.summary["per_vehicle_co2_shares"]
    assert shares["ICEV"]["battery"] == 0.0
    assert shares["BEV"]["battery"] > shares["PHEV"]["battery"] > shares["HEV"]["battery"] > 0


def test_carbon_groups_by_hand() -> None:
    flows = pd.DataFrame({
        "material": ["material:steel", "material:steel", "material:cast_aluminium", "(none)", "material:copper"],
        "component": ["component:body", "component:pack", "component:body", "(none)", "component:pack"],
        "stressor": ["co2"] * 5,
        "value": [1.0, 2.0, 4.0, 8.0, 16.0],
        "country": ["CHN"] * 5,
    })
    table = carbon.co2_table(flows, frozenset({"component:pack"}))
    got = dict(zip(table["group"], table["co2_t"], strict=True))
    assert got == {"battery": 18.0, "steel": 1.0, "aluminium": 4.0, "rest": 8.0}


def test_coking_coal_by_origin_by_hand(network: nx.DiGraph) -> None:
    market = "market:coking_coal:CHN"
    bf_coal = 0.780 * 0.945 / (1 - 0.125)
    imported = 2 * (38.2 / 1.056) / (809.37 * bf_coal)
    australia = (24.1 / 1.665) / (38.2 / 1.056)
    amounts = {u: network.edges[u, market]["amount"] for u in network.predecessors(market)}
    assert amounts == pytest.approx({"energy:coal:CHN": 1 - imported, "energy:coal:AUS": imported * australia,
                                     "energy:coal:WLD": imported * (1 - australia)})
    assert network.edges[market, "refining:pig_iron:CHN"]["amount"] == pytest.approx(bf_coal)
    assert not network.has_edge("energy:coal:CHN", "refining:pig_iron:CHN")


def test_glass_carries_its_batch_carbonate_co2(network: nx.DiGraph) -> None:
    assert network.nodes["material:glass"]["stressors"]["co2"] == pytest.approx(0.21 * (1 - 0.175))


def test_per_vehicle_co2_by_country_sums_to_the_vehicle(result: api.RunResult) -> None:
    s = result.summary
    for vehicle, total in s["per_vehicle_co2_t"].items():
        assert sum(s["per_vehicle_co2_by_country_t"][vehicle].values()) == pytest.approx(total, rel=1e-9)
        by_material = s["per_vehicle_co2_by_material_t"][vehicle]
        assert sum(by_material.values()) == pytest.approx(total, rel=1e-9)
        if vehicle in ("ICEV", "HEV", "FCV"):  # no cell factory: what crosses no material is assembly, 2 t
            assert by_material["(none)"] == pytest.approx(2.0, rel=1e-9)


def test_aluminium_smelters_take_their_own_power_mix(network: nx.DiGraph) -> None:
    mix = "energy:smelter_power:CHN"
    assert network.edges[mix, "smelting:aluminium:CHN"]["amount"] == pytest.approx(13599 * 0.0036)
    assert not network.has_edge("energy:grid:CHN", "smelting:aluminium:CHN")
    coal = 387474 / (48434 + 387474 + 48434)
    assert network.edges["energy:coal_power:CHN", mix]["amount"] == pytest.approx(coal)
    assert network.edges["energy:other_power:CHN", mix]["amount"] == pytest.approx(1 - coal)


def test_report_shows_co2_per_vehicle_when_the_summary_has_it() -> None:
    from test_maps_synthetic import synthetic_flows, synthetic_summary

    from tracer.maps.report import build_report

    flows = synthetic_flows()
    summary = synthetic_summary(flows)
    assert "CO2e of production per vehicle" not in build_report(flows, summary)
    vehicle = str(flows["vehicle"].iloc[0])
    summary |= {"per_vehicle_co2_t": {vehicle: 7.5},
                "per_vehicle_co2_shares": {vehicle: {"steel": 0.2, "aluminium": 0.5, "battery": 0.0, "rest": 0.3}}}
    page = build_report(flows, summary)
    assert "CO2e of production per vehicle" in page and "<td>50.0 %</td>" in page  # the shared share format


def test_plastics_and_rubber_carry_their_production_co2_by_hand(result: api.RunResult) -> None:
    """Cracker-made plastics' CO2 per t is ICE v2.0's cradle-to-gate 4.26 t: the gas and electricity
    traced through refining:polymers:CHN plus the untraced rest booked there on the cracker share
    (1 - 5.06 / 19.27; the coal-to-olefins share is traced in full, test_graphs_polymers.py), never
    counted twice; natural rubber keeps ICE v2.0 'general' rubber, 2.85 t/t (+-30 %)."""
    net = result.network
    assert net.nodes["refining:polymers:CHN"]["stressors"]["co2"] == pytest.approx(
        (1 - 5.06 / 19.27) * (4.26 - (17 + 0.25 * 2.63383) * 0.0561 - 0.38 * 0.5598))
    assert "co2" not in net.nodes["material:plastics"]["stressors"]
    assert net.nodes["market:natural_rubber:WLD"]["stressors"]["co2"] == pytest.approx(2.85)
    assert net.nodes["market:natural_rubber:WLD"]["stressor_uncertainty"]["co2"].params == pytest.approx(
        (1.995, 3.705))
    by = result.attribution.split(["material", "stressor"]).set_index(["material", "stressor"])["value"]
    natural_t = by["material:rubber", "used"] * (1 - 0.441)
    assert by["material:rubber", "co2"] > 2.85 * natural_t  # plus the synthetic share's traced fuels
    assert result.summary["co2_by_country_t"]["WLD"] >= 2.85 * natural_t  # natural rubber: origin not traced


def test_unit_co2_from_the_fleet_equals_a_unit_attribution(result: api.RunResult) -> None:
    """Produced vehicles' CO2 per vehicle and group shares come from the fleet's flows divided by
    the counts; they equal an attribution of one of each to 1e-12 (flows are linear in demand)."""
    from tracer import attribution

    compiled = result.compiled
    each = attribution.attribute_demand(result.plan, compiled.demand(dict.fromkeys(compiled.vehicles, 1.0)))
    unit = carbon.summary(each.split(["vehicle", "material", "component", "country", "stressor"]), result.network,
                          list(compiled.vehicles), result.flows)
    s = result.summary
    produced = [v for v, n in result.fleet.items() if n > 0]
    assert produced and len(produced) < len(compiled.vehicles)  # both paths are exercised
    for v in compiled.vehicles:
        assert s["per_vehicle_co2_t"][v] == pytest.approx(unit["per_vehicle_co2_t"][v], rel=1e-12, abs=0)
        for g, share in unit["per_vehicle_co2_shares"][v].items():
            assert abs(s["per_vehicle_co2_shares"][v][g] - share) <= 1e-12
        assert s["per_vehicle_co2_by_country_t"][v] == pytest.approx(unit["per_vehicle_co2_by_country_t"][v],
                                                                     rel=1e-12, abs=0)


@pytest.mark.parametrize("vehicle", ["ICEV", "BEV-LFP"])
def test_vehicle_report_splits_co2_like_tmr(vehicle: str) -> None:
    """`tracer vehicle` puts CO2e beside TMR by material, component and country: each split sums to the total."""
    report = api.vehicle_report(vehicle)
    assert report["co2_t"] > 1.0
    for by in ("material", "component", "country"):
        rows = report[f"by_{by}"]
        assert sum(r["co2_t"] for r in rows) == pytest.approx(report["co2_t"], rel=1e-9)
        assert sum(r["tmr_t"] for r in rows) == pytest.approx(report["tmr_t"], rel=1e-9)
