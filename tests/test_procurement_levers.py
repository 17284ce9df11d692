"""Procurement levers (steel route, aluminium power, supplier country) by hand, and the
hidden-flow / CO2 trade-off table of `tracer compare`."""

from __future__ import annotations

import networkx as nx
import pytest
from test_scenarios_network import tiny_network

import graphs
from graphs.steel import BOF, DRI, DRI_EAF, EAF, SCRAP
from hfcommon.errors import InputError
from tracer.scenarios import levers
from tracer.scenarios.catalog import load_scenario
from tracer.scenarios.compare import compare
from tracer.scenarios.spec import AluminiumPower, SteelRoute, parse_scenario

SRC = "test"
SMELTER = "smelting:aluminium:CHN"


@pytest.fixture(scope="module")
def network() -> nx.DiGraph:
    return graphs.build_default_network()


def test_steel_route_keeps_the_crude_steel_and_moves_its_route(network: nx.DiGraph) -> None:
    k = network.edges[BOF, "material:steel"]["amount"] + network.edges[EAF, "material:steel"]["amount"]
    H = levers.steel_route(network, SteelRoute(0.3, None, SRC))
    assert H.edges[EAF, "material:steel"]["amount"] == pytest.approx(0.3 * k)
    assert H.edges[BOF, "material:steel"]["amount"] == pytest.approx(0.7 * k)
    assert H.edges[SCRAP, EAF]["amount"] == network.edges[SCRAP, EAF]["amount"]
    assert "scenario: test" in H.edges[EAF, "material:steel"]["source"]
    assert network.edges[EAF, "material:steel"]["amount"] == pytest.approx(103.2 / 996.3 * k)  # input untouched


def test_an_all_scrap_arc_furnace_charges_no_hot_metal(network: nx.DiGraph) -> None:
    H = levers.steel_route(network, SteelRoute(0.3, 1.0, SRC))
    assert H.edges[SCRAP, EAF]["amount"] == 1.0
    assert not H.has_edge("refining:pig_iron:CHN", EAF)
    assert H.nodes[EAF]["stressors"]["process_residue"] == 0.0
    half = levers.steel_route(network, SteelRoute(0.3, 0.5, SRC))
    r0 = network.edges[SCRAP, EAF]["amount"]
    hm0 = network.edges["refining:pig_iron:CHN", EAF]["amount"]
    assert half.edges["refining:pig_iron:CHN", EAF]["amount"] == pytest.approx(hm0 * 0.5 / (1 - r0))
    assert half.nodes[EAF]["stressors"]["process_residue"] == pytest.approx(0.5 + hm0 * 0.5 / (1 - r0) - 1)


def test_dri_route_by_hand_and_its_mass_closes(network: nx.DiGraph) -> None:
    """IPCC 2006 Table 4.1: 12.5 GJ natural gas per t DRI (0.70 t CO2 at 56.1 kg CO2/GJ, burnt through
    the gas supply) and 0.03 t CO2 per t pellet (at 67 % Fe); DRI at 92 % Fe; 635 kWh per t steel
    melting it (Dressel). Neither node supplies steel until a scenario asks."""
    assert network.nodes[DRI]["stressors"]["co2"] == pytest.approx(0.03 * 0.92 / 0.67)
    assert network.edges["energy:gas:CHN", DRI]["amount"] == pytest.approx(12.5)
    assert 12.5 * network.nodes["energy:gas:CHN"]["stressors"]["co2"] == pytest.approx(0.70, abs=0.005)
    assert network.edges["market:iron_ore:supply-CHN", DRI]["amount"] == pytest.approx(0.92)
    assert network.edges[DRI, DRI_EAF]["amount"] == pytest.approx(1 / 0.92)
    assert network.edges["energy:grid:CHN", DRI_EAF]["amount"] == pytest.approx(635 * 0.0036)
    assert list(network.successors(DRI_EAF)) == []
    for node in (DRI, DRI_EAF):
        attrs = network.nodes[node]
        tonnes_in = sum(network.edges[u, node]["amount"] for u in network.predecessors(node)
                        if network.nodes[u]["unit"] == "t") + attrs.get("external_mass", 0.0)
        assert tonnes_in == pytest.approx(attrs["stressors"]["process_residue"] + 1.0)


def test_dri_share_takes_from_the_blast_furnace_only(network: nx.DiGraph) -> None:
    k = network.edges[BOF, "material:steel"]["amount"] + network.edges[EAF, "material:steel"]["amount"]
    eaf = network.edges[EAF, "material:steel"]["amount"]
    H = levers.steel_route(network, SteelRoute(None, None, SRC, dri_share=0.3))
    assert H.edges[DRI_EAF, "material:steel"]["amount"] == pytest.approx(0.3 * k)
    assert H.edges[EAF, "material:steel"]["amount"] == pytest.approx(eaf)
    assert H.edges[BOF, "material:steel"]["amount"] == pytest.approx(k - eaf - 0.3 * k)
    both = levers.steel_route(H, SteelRoute(0.2, None, SRC, dri_share=0.5))  # from a DRI network too
    assert [both.edges[r, "material:steel"]["amount"] for r in (BOF, EAF, DRI_EAF)] == pytest.approx(
        [0.3 * k, 0.2 * k, 0.5 * k])
    with pytest.raises(InputError) as err:
        levers.steel_route(network, SteelRoute(None, None, SRC, dri_share=0.95))
    assert err.value.column == "steel_route.dri_share"


def test_schema_refuses_route_shares_above_one_or_none() -> None:
    for table in ({"eaf_share": 0.6, "dri_share": 0.5}, {}):
        with pytest.raises(InputError):
            parse_scenario({"scenario": {"name": "x"}, "steel_route": {**table, "source": SRC}}, "x.toml")
    ok = parse_scenario({"scenario": {"name": "y"}, "steel_route": {"dri_share": 0.3, "source": SRC}}, "y.toml")
    assert ok.steel_route is not None and ok.steel_route.eaf_share is None
    assert "DRI-EAF share 0.3" in ok.assumptions()[0]["setting"]


def test_hydro_aluminium_moves_smelter_power_off_the_grid(network: nx.DiGraph) -> None:
    gj = network.edges["energy:smelter_power:CHN", SMELTER]["amount"]
    assert gj == pytest.approx(13599 * 0.0036)
    H = levers.aluminium_power(network, AluminiumPower(0.25, SRC))
    assert H.edges["energy:smelter_power:CHN", SMELTER]["amount"] == pytest.approx(0.75 * gj)
    assert H.edges["energy:other_power:CHN", SMELTER]["amount"] == pytest.approx(0.25 * gj)


def test_levers_that_find_no_route_name_their_key() -> None:
    with pytest.raises(InputError) as err:
        levers.steel_route(tiny_network(), SteelRoute(0.3, None, SRC))
    assert err.value.column == "steel_route"
    with pytest.raises(InputError) as err:
        levers.aluminium_power(tiny_network(), AluminiumPower(1.0, SRC))
    assert err.value.column == "aluminium_power"


def test_schema_refuses_a_share_above_one() -> None:
    doc = {"scenario": {"name": "x"}, "steel_route": {"eaf_share": 1.5, "source": SRC}}
    with pytest.raises(InputError) as err:
        parse_scenario(doc, "x.toml")
    assert err.value.column == "steel_route.eaf_share"
    ok = parse_scenario({"scenario": {"name": "y"}, "aluminium_power": {"hydro_share": 0.5, "source": SRC}}, "y.toml")
    assert ok.changes_network and ok.assumptions()[0]["key"] == "aluminium_power"


def test_tradeoff_table_is_the_change_per_vehicle(network: nx.DiGraph) -> None:
    c = compare(["baseline", "steel_scrap_eaf", "aluminium_hydro"], network=network)
    t = c.tradeoff().set_index("scenario")
    totals = c.totals.set_index(["scenario", "metric"])["value"]
    for label in ("steel_scrap_eaf", "aluminium_hydro"):
        per = totals[(label, "co2_t")] / totals[(label, "vehicles")]
        base = totals[("baseline", "co2_t")] / totals[("baseline", "vehicles")]
        assert t.at[label, "co2_change_t"] == pytest.approx(per - base)
    assert t.loc["baseline", ["hidden_change_t", "co2_change_t"]].tolist() == [0.0, 0.0]
    # scrap-based arc furnaces cut both; hydro smelting cuts CO2 far more than rock
    assert t.at["steel_scrap_eaf", "hidden_change_t"] < 0 and t.at["steel_scrap_eaf", "co2_change_t"] < 0
    assert t.at["aluminium_hydro", "co2_change_pct"] < 5 * t.at["aluminium_hydro", "hidden_change_pct"]


def test_bundled_lever_scenarios_load() -> None:
    for name in ("steel_eaf", "steel_scrap_eaf", "steel_dri", "aluminium_hydro", "aluminium_recycled",
                 "iron_ore_brazil"):
        assert load_scenario(name).changes_network


def test_tradeoff_figure_puts_each_lever_in_its_quadrant(network: nx.DiGraph) -> None:
    from tracer.maps.tradeoff import tradeoff_figure

    c = compare(["baseline", "steel_scrap_eaf", "aluminium_hydro"], network=network)
    ax = tradeoff_figure(c.tradeoff(), "baseline").axes[0]
    points = ax.collections[0].get_offsets()
    assert len(points) == 2 and (points < 0).all()  # both levers cut rock and CO2
    assert ax.get_xlim()[0] == -ax.get_xlim()[1] and ax.get_ylim()[0] == -ax.get_ylim()[1]
