"""Plastics and rubber traced to China's crude and gas (polymer_*.csv; issue 19 item 3).

Hand-checked numbers: per t of polymer 0.70 t of crude and 0.30 t of gas (assumption
polymer_feedstock_oil_share: naphtha's share of China's cracker feedstock; feedstock 1 t), 17 GJ of cracker fuel plus 0.25 t of
steam at 2.634 GJ/t burnt as gas, 380 kWh from China's grid (openenergymonitor/learn's
transcriptions); crude carries 0.20 t of unused extraction per t (Mostert and Bringezu 2019),
gas none.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import graphs
from graphs.build import default_parameters
from tracer import api
from tracer.compiled import compile_network
from tracer.engine import multipliers
from tracer.reconcile.elements import load_elements, switched_off

POLYMERS = "refining:polymers:CHN"
FEEDSTOCK = "market:polymer_feedstock:CHN"
RUBBER = "market:rubber:CHN"
NATURAL = "market:natural_rubber:WLD"
OIL_SHARE = 0.70
GAS_GJ = 17 + 0.25 * (4.187 * 90 + 2257) / 1000
GRID_GJ = 380 * 0.0036
UNTRACED_CO2 = 4.26 - GAS_GJ * 0.0561 - 0.38 * 0.5598


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


@pytest.fixture(scope="module")
def per_unit(default: nx.DiGraph) -> dict[str, dict[str, float]]:
    """Every stressor behind one unit of the polymer node and of the nodes it draws on."""
    compiled = compile_network(default)
    m = multipliers(compiled)
    nodes = (POLYMERS, "market:crude_oil:supply-CHN", "market:natural_gas:supply-CHN", "energy:gas:CHN",
             "energy:grid:CHN")
    return {n: dict(zip(compiled.stressors, np.asarray(m[:, compiled.index[n]]), strict=True)) for n in nodes}


def test_polymer_inputs_by_hand(default: nx.DiGraph) -> None:
    feedstock = {u: d["amount"] for u, _, d in default.in_edges(FEEDSTOCK, data=True)}
    assert feedstock == pytest.approx({"market:crude_oil:supply-CHN": OIL_SHARE,
                                       "market:natural_gas:supply-CHN": 1 - OIL_SHARE})
    edges = {u: d["amount"] for u, _, d in default.in_edges(POLYMERS, data=True)}
    assert edges == pytest.approx({FEEDSTOCK: 1.0, "energy:gas:CHN": GAS_GJ, "energy:grid:CHN": GRID_GJ})
    assert GAS_GJ == pytest.approx(17.658, abs=1e-3)
    # feedstock closes the polymer's mass: 1 t in, 1 t out, no residue of its own; its only
    # stressor of its own is the untraced rest of ICE's cradle-to-gate CO2e
    assert default.nodes[POLYMERS]["stressors"] == {"co2": pytest.approx(UNTRACED_CO2)}
    assert default.edges[POLYMERS, "material:plastics"]["amount"] == 1
    assert default.edges[POLYMERS, RUBBER]["amount"] == pytest.approx(0.441)
    assert default.edges[NATURAL, RUBBER]["amount"] == pytest.approx(1 - 0.441)
    assert default.edges[RUBBER, "material:rubber"]["amount"] == 1


def test_one_t_of_polymer_reaches_its_crude_and_gas_by_hand(per_unit: dict[str, dict[str, float]]) -> None:
    """1 t of PP: 0.70 t crude x 0.20 = 0.14 t hidden, gas none; the rest is the grid's coal."""
    crude, gas = per_unit["market:crude_oil:supply-CHN"], per_unit["market:natural_gas:supply-CHN"]
    assert crude["waste_rock"] == pytest.approx(0.20) and crude.get("overburden", 0) == 0
    assert gas["waste_rock"] == pytest.approx(0.0, abs=1e-12)
    hidden = ("overburden", "waste_rock", "tailings")
    poly, grid, burnt = per_unit[POLYMERS], per_unit["energy:grid:CHN"], per_unit["energy:gas:CHN"]
    assert sum(burnt[s] for s in hidden) == pytest.approx(0.0, abs=1e-12)
    from_oil_and_gas = sum(poly[s] - GRID_GJ * grid[s] for s in hidden)
    assert from_oil_and_gas == pytest.approx(OIL_SHARE * 0.20)
    assert from_oil_and_gas == pytest.approx(0.14)
    # process residue: the gas burnt (17.66 GJ at 48 GJ/t = 0.368 t) and the grid's fuel
    assert burnt["process_residue"] == pytest.approx(1 / 48.0)
    assert poly["process_residue"] - GRID_GJ * grid["process_residue"] == pytest.approx(GAS_GJ / 48.0)
    # CO2: the traced gas at 0.0561 t/GJ and the grid's, plus the untraced rest of ICE's figure
    assert poly["co2"] == pytest.approx(GAS_GJ * 0.0561 + GRID_GJ * grid["co2"] + UNTRACED_CO2)


def test_no_mi_factor_or_hidden_share_is_left() -> None:
    p = default_parameters()
    for gone in ("plastics_mi", "rubber_mi", "nonmetal_mi_hidden_share"):
        with pytest.raises(KeyError):
            p.value(gone)


def test_untraced_polymer_co2_is_ice_less_the_traced_fuels_by_hand() -> None:
    """ICE's 4.26 t CO2e per t (median of nine car polymers) less the cracker and steam gas
    (17.658 GJ x 0.0561) and the polymerisation power (0.38 MWh x Ember's 0.5598 t/MWh)
    = 3.057 t; at the ends of every range (ICE 2.52; 28 GJ, 0.5 t steam, 760 kWh) still > 0."""
    p = default_parameters()
    assert p.value("polymer_traced_co2_t_per_t") == pytest.approx(GAS_GJ * 0.0561 + 0.38 * 0.5598)
    assert p.value("polymer_untraced_co2_t_per_t") == pytest.approx(UNTRACED_CO2)
    assert UNTRACED_CO2 == pytest.approx(3.0567, abs=1e-4)
    worst = 2.52 - (28 + 0.5 * 2.634) * 0.0561 - 0.76 * 0.5598
    assert worst == pytest.approx(0.45, abs=0.01) and worst > 0


def test_each_new_coefficient_has_a_range(default: nx.DiGraph) -> None:
    """Oil and gas, synthetic and natural rubber are market shares: the Monte Carlo rescales them to 1.
    The feedstock per t of polymer is a mass balance (1 t), the one coefficient without a range."""
    for node in (FEEDSTOCK, POLYMERS, RUBBER):
        ranges = {u: d["uncertainty"] for u, _, d in default.in_edges(node, data=True) if u != FEEDSTOCK}
        assert all(r is not None for r in ranges.values()), (node, ranges)
    assert default.edges[FEEDSTOCK, POLYMERS]["uncertainty"] is None
    assert default.edges["market:crude_oil:supply-CHN", FEEDSTOCK]["uncertainty"].params == pytest.approx((0.65, 1.0))
    assert default.edges[POLYMERS, RUBBER]["uncertainty"].params == pytest.approx((0.441, 0.536))
    assert default.edges["energy:gas:CHN", POLYMERS]["uncertainty"].params[-1] == pytest.approx(28 + 0.5 * 2.63383)
    assert default.nodes[FEEDSTOCK]["kind"] == default.nodes[RUBBER]["kind"] == "market"


def test_non_metals_element_takes_the_polymers_upstream_and_nothing_of_the_materials(default: nx.DiGraph) -> None:
    fleet = {"ICEV": 100.0, "BEV": 10.0}
    element = {e.name: e for e in load_elements()}["non_metals"]
    members = element.members(default)
    assert {POLYMERS, FEEDSTOCK, RUBBER, NATURAL} <= set(members)
    full = api.run(fleet=fleet, network=default).summary
    off = api.run(fleet=fleet, network=switched_off(default, members)).summary
    assert full["used_t"] == off["used_t"]  # the materials' own mass stays counted
    # at least the crude's unused extraction behind the cars' polymer goes
    polymer_t = sum(fleet[v] * (default.edges["material:plastics", f"component:body_chassis_{v}"]["amount"]
                                + 0.441 * default.edges["material:rubber", f"component:body_chassis_{v}"]["amount"])
                    for v in fleet)
    assert full["hidden_t"] - off["hidden_t"] > OIL_SHARE * 0.20 * polymer_t
    assert full["co2_t"] - off["co2_t"] > GAS_GJ * 0.0561 * polymer_t
    for summary in (full, off):
        assert summary["total_tmr_t"] == pytest.approx(
            summary["hidden_t"] + summary["process_residue_t"] + summary["used_t"], rel=1e-9)
