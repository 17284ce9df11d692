"""Coal used as feedstock is mined but not burnt (graphs.carbon.add_feedstock_coal; issue 19 item 3).

Hand-checked numbers: the coal-to-olefins route keeps 12.011 / (12.011 + 2 x 1.008) = 0.856 t of
carbon per t of olefin ((CH2)n, CIAAW atomic weights: a stoichiometric fact), which burnt would
give 0.856 x 44.009 / 12.011 = 3.137 t CO2; at China's raw coal's 0.0946 t CO2 per GJ x 20.93 GJ
per t = 1.980 t CO2 per t, that is the carbon of 1.584 t of the route's 6.162 t of coal. That coal
comes from the coal-mining node's twin, which has every stressor of the mine but `co2`. So against
the network before the split (all 6.162 t from the mine) only CO2 moves, by 3.137 t per t of
coal-route olefin, 0.263 x 3.137 = 0.824 t per t of polymer; mass, hidden flows, energy are equal.
"""

from __future__ import annotations

import networkx as nx
import pytest

import graphs
from tracer import api
from tracer.compiled import compile_network
from tracer.engine import solve
from tracer.reconcile.elements import load_elements

MINE, TWIN = "energy:coal:CHN", "energy:coal_feedstock:CHN"
COAL_ROUTE, POLYMERS = "refining:coal_olefins:CHN", "refining:polymers:CHN"
OLEFIN_CO2 = 12.011 / (12.011 + 2 * 1.008) * (12.011 + 2 * 15.999) / 12.011
COAL_SHARE = 5.06 / 19.27
MASS = ("total_tmr_t", "hidden_t", "process_residue_t", "used_t", "energy_GJ", "domestic_hidden_t", "abroad_hidden_t")


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def merged(G: nx.DiGraph) -> nx.DiGraph:
    """The network before the split: the twin's coal drawn from the mine itself (so booked as burnt)."""
    H = G.copy()
    for _, consumer, edge in G.out_edges(TWIN, data=True):
        H.edges[MINE, consumer]["amount"] += edge["amount"]
    H.remove_node(TWIN)
    return H


def test_the_twin_is_the_mine_without_its_co2(default: nx.DiGraph) -> None:
    mine, twin = default.nodes[MINE], default.nodes[TWIN]
    for key in ("kind", "country", "unit", "carrier", "commodity", "boundary"):
        assert twin.get(key) == mine.get(key), key
    for key in ("stressors", "stressor_sources", "stressor_uncertainty"):
        assert twin[key] == {s: v for s, v in mine[key].items() if s != "co2"}, key
    assert "co2" in mine["stressors"] and set(twin["stressors"]) == {"overburden", "waste_rock", "energy"}
    assert dict(default.pred[TWIN]) == dict(default.pred[MINE])  # the same inputs (none today)
    assert list(default.successors(TWIN)) == [COAL_ROUTE]  # only coal-to-olefins keeps its coal's carbon


def test_the_feedstock_coal_is_the_olefins_carbon_by_hand(default: nx.DiGraph) -> None:
    feed = default.edges[TWIN, COAL_ROUTE]["amount"]
    burnt = default.edges[MINE, COAL_ROUTE]["amount"]
    coal_co2 = default.nodes[MINE]["stressors"]["co2"]
    assert coal_co2 == pytest.approx(0.0946 * 29.3076 * 0.7143)
    assert feed * coal_co2 == pytest.approx(OLEFIN_CO2)
    assert OLEFIN_CO2 == pytest.approx(3.1374, abs=1e-4) and feed == pytest.approx(1.5843, abs=1e-4)
    assert feed + burnt == pytest.approx(3.0 * 43.0 / (29.3076 * 0.7143))  # all 6.162 t still mined
    assert default.edges[TWIN, COAL_ROUTE]["uncertainty"] is not None


def test_the_split_moves_only_co2_by_the_olefins_carbon(default: nx.DiGraph) -> None:
    """Carbon balance: CO2 before - after = t of coal-route olefin made x 3.137, to 1e-9; every mass
    figure and the primary energy are unchanged (the feedstock coal is still mined and counted)."""
    fleet = api.default_fleet()
    after = api.run(fleet=fleet, network=default).summary
    before_net = merged(default)
    before = api.run(fleet=fleet, network=before_net).summary
    for key in MASS:
        assert after[key] == pytest.approx(before[key], rel=1e-12), key
    assert after["per_vehicle_hidden_t"] == pytest.approx(before["per_vehicle_hidden_t"], rel=1e-12)
    compiled = compile_network(default)
    x = solve(compiled, compiled.demand(fleet))
    olefin_t, polymer_t = x[compiled.index[COAL_ROUTE]], x[compiled.index[POLYMERS]]
    assert olefin_t == pytest.approx(COAL_SHARE * polymer_t)
    assert before["co2_t"] - after["co2_t"] == pytest.approx(olefin_t * OLEFIN_CO2, rel=1e-9)
    assert 3e6 < before["co2_t"] - after["co2_t"] < 4e6  # 0.824 t per t x about 4.2 Mt of polymer
    for vehicle, co2 in after["per_vehicle_co2_t"].items():
        assert co2 < before["per_vehicle_co2_t"][vehicle], vehicle


def test_the_twin_belongs_to_the_coal_mined_in_china(default: nx.DiGraph) -> None:
    """tracer reconcile's coal element takes the feedstock coal with the burnt coal, as before."""
    members = {e.name: e for e in load_elements()}["coal_home"].members(default)
    assert {MINE, TWIN} <= set(members)


def test_the_twin_is_the_only_coal_without_co2(default: nx.DiGraph) -> None:
    """Every other tonne of coal mined books its CO2 as burnt (graphs.energy, the chain tables)."""
    for node, attrs in default.nodes(data=True):
        mined = attrs.get("kind") == "energy" and attrs.get("carrier") == "coal" and attrs.get("unit") == "t"
        if mined and "co2" not in attrs["stressors"]:
            assert node == TWIN
