"""Secondary copper and aluminium routes in the network (graphs/secondary.py; issue 19 item 1).

The recycled-content lever moves supply onto the network's own route nodes, whose
remaining burden is the grid electricity and furnace fuel they draw: in China, coal
mining. Scrap enters as a boundary input with no flows.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import graphs
from graphs.build import default_parameters
from graphs.energy import OWN_USE_COAL
from graphs.secondary import ALUMINIUM, ALUMINIUM_SCRAP, COPPER, COPPER_SCRAP
from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer import api
from tracer.engine import compile_network, multipliers, solve
from tracer.scenarios.catalog import load_scenario
from tracer.scenarios.levers import apply_network, secondary_route

COAL, GRID = "energy:coal:CHN", "energy:grid:CHN"


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


@pytest.fixture(scope="module")
def copper_recycling(default: nx.DiGraph) -> nx.DiGraph:
    return apply_network(default, load_scenario("copper_recycling"))


def _tonne_inputs(G: nx.DiGraph, node: str) -> float:
    return sum(G.edges[u, node]["amount"] for u in G.predecessors(node) if G.nodes[u]["unit"] == "t")


def test_routes_are_in_the_default_network_but_supply_nothing(default: nx.DiGraph) -> None:
    for route, scrap in ((COPPER, COPPER_SCRAP), (ALUMINIUM, ALUMINIUM_SCRAP)):
        assert default.nodes[scrap]["boundary"] and not default.nodes[scrap]["stressors"]
        assert not list(default.predecessors(scrap))
        assert not default.nodes[route]["boundary"]
        assert {COAL, GRID} & set(default.predecessors(route)) and scrap in default.predecessors(route)
        assert not list(default.successors(route))  # primary only by default
    assert graphs.validate(default).ok


@pytest.mark.parametrize("route", [COPPER, ALUMINIUM])
def test_route_mass_closes(default: nx.DiGraph, route: str) -> None:
    # scrap (+ coal burnt) in = 1 t metal out + process residue
    residue = default.nodes[route]["stressors"]["process_residue"]
    assert _tonne_inputs(default, route) == pytest.approx(1.0 + residue, rel=1e-12)
    assert residue > 0


def test_copper_route_draws_the_sourced_fuel_and_tankhouse_power(default: nx.DiGraph) -> None:
    p = default_parameters()
    # GB 21248-2007: midpoint of 390 and 510 - 220 kgce/t for the scrap anode furnace, as raw coal (0.7143 tce/t)
    assert p.value("cu_scrap_anode_sce_t_per_t") == pytest.approx(0.340)
    coal = default.edges[COAL, COPPER]["amount"]
    assert coal == pytest.approx(0.340 / 0.7143 / p.value("cu_refine_recovery"), rel=1e-9)
    assert default.edges[GRID, COPPER]["amount"] == pytest.approx(p.value("cu_refine_kwh_per_t") * 0.0036)


def test_aluminium_route_burns_chinas_gas(default: nx.DiGraph) -> None:
    s = default.nodes[ALUMINIUM]["stressors"]
    # Aluminum Association (2013): 0.90 + 4.78 GJ gas, from China's gas supply (graphs/data/fuel_use.csv),
    # whose burning node carries IPCC 2006's 56.1 t CO2 per TJ
    assert default.edges["energy:gas:CHN", ALUMINIUM]["amount"] == pytest.approx(5.68)
    assert default.nodes["energy:gas:CHN"]["stressors"]["co2"] == pytest.approx(0.0561)
    assert "co2" not in s and "energy" not in s
    assert default.edges[GRID, ALUMINIUM]["amount"] == pytest.approx((110.32 + 115.25) * 0.0036)
    assert not any(s.get(h, 0.0) for h in HIDDEN_STRESSORS)


def test_route_burden_is_its_coal_and_grid_upstream(default: nx.DiGraph) -> None:
    """Leontief identity: one t of secondary copper carries exactly what its coal and grid carry."""
    compiled = compile_network(default)
    M = multipliers(compiled)
    j = compiled.index
    coal, gj = default.edges[COAL, COPPER]["amount"], default.edges[GRID, COPPER]["amount"]
    expected = coal * M[:, j[COAL]] + gj * M[:, j[GRID]]
    direct = np.array([default.nodes[COPPER]["stressors"].get(s, 0.0) for s in compiled.stressors])
    assert M[:, j[COPPER]] == pytest.approx(expected + direct, rel=1e-9)
    hidden = sum(M[compiled.stressors.index(h), j[COPPER]] for h in HIDDEN_STRESSORS)
    primary = sum(M[compiled.stressors.index(h), j["refining:copper:CHN"]] for h in HIDDEN_STRESSORS)
    assert 0 < hidden < 0.01 * primary


def test_lever_moves_supply_onto_the_network_route(default: nx.DiGraph, copper_recycling: nx.DiGraph) -> None:
    rc = load_scenario("copper_recycling").recycled_content[0]
    assert rc.secondary_stressors is None and secondary_route(default, rc.commodity, rc.country) == COPPER
    for m in ("material:copper_wire", "material:copper_foil", "material:copper"):
        primary = copper_recycling.edges["refining:copper:CHN", m]["amount"]
        secondary = copper_recycling.edges[COPPER, m]["amount"]
        assert secondary / (primary + secondary) == pytest.approx(0.37)
        assert primary + secondary == pytest.approx(default.edges["refining:copper:CHN", m]["amount"])
    assert not [n for n in copper_recycling if ":scenario:" in n]  # no lump node


def test_recycling_burden_falls_on_chinese_coal_mining_and_mass_closes(copper_recycling: nx.DiGraph) -> None:
    fleet = api.default_fleet()
    compiled = compile_network(copper_recycling)
    x = solve(compiled, compiled.demand(fleet.to_dict()))
    j = compiled.index
    assert x[j[COPPER]] > 0
    # the route's own upstream, alone: its hidden flows are mined at China's coal mines (and, for the
    # coal mines' own energy, GB 29445-2025, at their own coal and the oil wells behind their diesel)
    y = np.zeros(compiled.n)
    y[j[COPPER]] = x[j[COPPER]]
    x_route = solve(compiled, y)
    hidden_rows = [compiled.stressors.index(h) for h in HIDDEN_STRESSORS]
    by_node = np.asarray(compiled.B[hidden_rows].sum(axis=0)).ravel() * x_route
    where = {compiled.nodes[i] for i in np.flatnonzero(by_node > 1e-9 * by_node.sum())}
    assert COAL in where
    assert where - {COAL, f"{OWN_USE_COAL}:CHN"} <= {n for n in where if n.startswith("energy:crude_oil:")}
    assert by_node[j[COAL]] > 0.98 * by_node.sum()
    # the scenario run keeps TMR = used + hidden + process residue
    summary = api.run(fleet=fleet, network=copper_recycling).summary
    assert summary["total_tmr_t"] == pytest.approx(
        summary["used_t"] + summary["hidden_t"] + summary["process_residue_t"], rel=1e-9)
