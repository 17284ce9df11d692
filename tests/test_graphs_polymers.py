"""Plastics and rubber traced to China's crude and gas (polymer_*.csv; issue 19 item 3).

Hand-checked numbers: per t of polymer feedstock 5.06 / 19.27 = 0.263 t of olefin from coal
(China's coal (methanol)-to-olefins share of polyethylene capacity at the end of 2019, PetroChina
Petrochemical Research Institute, taken for all polyolefins) and of the rest 0.70 crude and
0.30 gas (assumption polymer_feedstock_oil_share; feedstock 1 t); 17 GJ of cracker fuel on the
cracker share plus 0.25 t of steam at 2.634 GJ/t burnt as gas, 380 kWh from China's grid
(openenergymonitor/learn's transcriptions); crude carries 0.20 t of unused extraction per t
(Mostert and Bringezu 2019), gas none. The coal route: 3.0 t methanol per t (Shenhua Baotou,
1.8 Mt for 0.6 Mt) x 43.0 GJ coal per t methanol (SuCCESsIAM) / 20.93 GJ per t raw coal = 6.162 t
coal and 3.0 x 4.0 = 12 GJ of grid power per t olefin; China's coal carries 0.13 x 4.22 x 1.22 =
0.669 t overburden and 0.15 t gangue per t. Of that coal, the part whose carbon stays in the olefin
is feedstock, not burnt: (CH2)n is 12.011 / 14.027 = 0.856 t C per t (CIAAW atomic weights, a
stoichiometric fact), 0.856 x 44.009 / 12.011 = 3.137 t CO2 that is not emitted, the carbon of
3.137 / 1.980 = 1.584 t of China's raw coal (0.0946 t CO2 per GJ x 20.93 GJ per t).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

import graphs
from graphs.build import default_parameters
from hfcommon.vocabulary import HIDDEN_STRESSORS, UNKNOWN_ORIGIN
from tracer import api
from tracer.compiled import compile_network
from tracer.engine import multipliers
from tracer.reconcile.elements import load_elements, switched_off

POLYMERS = "refining:polymers:CHN"
COAL_ROUTE = "refining:coal_olefins:CHN"
FEEDSTOCK = "market:polymer_feedstock:CHN"
RUBBER = "market:rubber:CHN"
NATURAL = "market:natural_rubber:WLD"
COAL_SHARE = 5.06 / 19.27
OIL_SHARE = (1 - COAL_SHARE) * 0.70
STEAM_GJ = 0.25 * (4.187 * 90 + 2257) / 1000
GAS_GJ = (1 - COAL_SHARE) * 17 + STEAM_GJ
GRID_GJ = 380 * 0.0036
CTO_COAL_T = 3.0 * 43.0 / (29.3076 * 0.7143)
CTO_GRID_GJ = 3.0 * 4.0
CN_COAL_HIDDEN = 0.13 * 4.22 * 1.22 + 0.15
CN_COAL_CO2 = 0.0946 * 29.3076 * 0.7143
OLEFIN_CO2 = 12.011 / (12.011 + 2 * 1.008) * (12.011 + 2 * 15.999) / 12.011
FEED_COAL_T = OLEFIN_CO2 / CN_COAL_CO2
MINE, TWIN = "energy:coal:CHN", "energy:coal_feedstock:CHN"
P_PER_P2O5 = 2 * 30.974 / (2 * 30.974 + 5 * 15.999)
NATURAL_HIDDEN = 30 * P_PER_P2O5 / 1563 * (75 - 17)
UNTRACED_CO2 = (1 - COAL_SHARE) * (4.26 - 17 * 0.0561 - STEAM_GJ * 0.0561 - 0.38 * 0.5598)


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


@pytest.fixture(scope="module")
def per_unit(default: nx.DiGraph) -> dict[str, dict[str, float]]:
    """Every stressor behind one unit of the polymer node and of the nodes it draws on."""
    compiled = compile_network(default)
    m = multipliers(compiled)
    nodes = (POLYMERS, COAL_ROUTE, RUBBER, NATURAL, "market:crude_oil:supply-CHN", "market:natural_gas:supply-CHN",
             "energy:gas:CHN", "energy:grid:CHN", "energy:coal:CHN")
    return {n: dict(zip(compiled.stressors, np.asarray(m[:, compiled.index[n]]), strict=True)) for n in nodes}


def test_polymer_inputs_by_hand(default: nx.DiGraph) -> None:
    feedstock = {u: d["amount"] for u, _, d in default.in_edges(FEEDSTOCK, data=True)}
    assert feedstock == pytest.approx({"market:crude_oil:supply-CHN": OIL_SHARE,
                                       "market:natural_gas:supply-CHN": 1 - COAL_SHARE - OIL_SHARE,
                                       COAL_ROUTE: COAL_SHARE})
    assert COAL_SHARE == pytest.approx(0.2626, abs=1e-4) and OIL_SHARE == pytest.approx(0.5162, abs=1e-4)
    assert sum(feedstock.values()) == pytest.approx(1.0)
    edges = {u: d["amount"] for u, _, d in default.in_edges(POLYMERS, data=True)}
    assert edges == pytest.approx({FEEDSTOCK: 1.0, "energy:gas:CHN": GAS_GJ, "energy:grid:CHN": GRID_GJ})
    assert GAS_GJ == pytest.approx(13.195, abs=1e-3)
    # feedstock closes the polymer's mass: 1 t in, 1 t out, no residue of its own; its only
    # stressor of its own is the untraced rest of ICE's cradle-to-gate CO2e
    assert default.nodes[POLYMERS]["stressors"] == {"co2": pytest.approx(UNTRACED_CO2)}
    assert default.edges[POLYMERS, "material:plastics"]["amount"] == 1
    assert default.edges[POLYMERS, RUBBER]["amount"] == pytest.approx(0.441)
    assert default.edges[NATURAL, RUBBER]["amount"] == pytest.approx(1 - 0.441)
    assert default.edges[RUBBER, "material:rubber"]["amount"] == 1


def test_coal_route_inputs_by_hand(default: nx.DiGraph) -> None:
    """6.162 t of China's coal and 12 GJ of its grid per t of coal-route olefin: 1.584 t of the coal
    as feedstock (its carbon stays in the olefin), 4.578 t burnt or gasified; the coal beyond the
    olefin's own tonne is process residue, and no CO2 factor sits on the node (the burnt coal's CO2
    is booked at the coal-mining node)."""
    edges = {u: d["amount"] for u, _, d in default.in_edges(COAL_ROUTE, data=True)}
    assert edges == pytest.approx({MINE: CTO_COAL_T - FEED_COAL_T, TWIN: FEED_COAL_T, "energy:grid:CHN": CTO_GRID_GJ})
    assert CTO_COAL_T == pytest.approx(6.162, abs=1e-3)
    assert OLEFIN_CO2 == pytest.approx(3.1374, abs=1e-4) and FEED_COAL_T == pytest.approx(1.5843, abs=1e-4)
    assert default.nodes[COAL_ROUTE]["stressors"] == {"process_residue": pytest.approx(CTO_COAL_T - 1)}
    assert default.nodes[COAL_ROUTE]["kind"] == "refining"
    assert default.nodes[COAL_ROUTE]["boundary_element"] == "non_metals"


def test_coal_route_hidden_flows_and_co2_by_hand(per_unit: dict[str, dict[str, float]]) -> None:
    """1 t of coal-route olefin: 6.162 t coal x 0.819 t hidden (0.669 overburden, 0.15 gangue)
    = 5.049 t, feedstock coal included, plus the grid's coal; the CO2 of the coal burnt (1.980 t
    per t) at the mine: (6.162 - 1.584) x 1.980 = 9.066 t, 12.20 t less the olefin's 3.137 t."""
    route, coal, grid = per_unit[COAL_ROUTE], per_unit["energy:coal:CHN"], per_unit["energy:grid:CHN"]
    # the coal mines' own energy (GB 29445-2025: 0.0114 t of own coal and a little diesel per t) adds ~1 %
    own_use = 1.0114
    assert coal["overburden"] + coal["waste_rock"] == pytest.approx(CN_COAL_HIDDEN * own_use, rel=1e-3)
    assert CN_COAL_HIDDEN == pytest.approx(0.8193, abs=1e-4)
    hidden = ("overburden", "waste_rock", "tailings")
    own = sum(route[s] - CTO_GRID_GJ * grid[s] for s in hidden)
    assert own == pytest.approx(CTO_COAL_T * sum(coal[s] for s in hidden))
    assert own == pytest.approx(5.0485 * own_use, rel=1e-3)
    burnt = (CTO_COAL_T - FEED_COAL_T) * CN_COAL_CO2 + CTO_COAL_T * CN_COAL_CO2 * (own_use - 1)
    assert route["co2"] - CTO_GRID_GJ * grid["co2"] == pytest.approx(burnt, rel=2e-3)
    assert burnt == pytest.approx(12.2034 - 3.1374 + 6.162 * 1.980 * 0.0114, abs=1e-2)
    # plus the coal and diesel the coal mines burn themselves, per t of their coal
    assert route["process_residue"] - CTO_GRID_GJ * grid["process_residue"] == pytest.approx(
        CTO_COAL_T - 1 + CTO_COAL_T * coal["process_residue"])
    assert coal["process_residue"] == pytest.approx(0.0114 + 0.0144 / 43.0, rel=1e-2)


def test_one_t_of_polymer_reaches_its_crude_gas_and_coal_by_hand(per_unit: dict[str, dict[str, float]]) -> None:
    """1 t of PP: 0.516 t crude x 0.20 = 0.103 t hidden, gas none, 0.263 t coal-route olefin
    x 5.049 = 1.326 t; the rest is the grid's coal."""
    crude, gas = per_unit["market:crude_oil:supply-CHN"], per_unit["market:natural_gas:supply-CHN"]
    assert crude["waste_rock"] == pytest.approx(0.20) and crude.get("overburden", 0) == 0
    assert gas["waste_rock"] == pytest.approx(0.0, abs=1e-12)
    hidden = ("overburden", "waste_rock", "tailings")
    poly, grid, burnt = per_unit[POLYMERS], per_unit["energy:grid:CHN"], per_unit["energy:gas:CHN"]
    route = per_unit[COAL_ROUTE]
    assert sum(burnt[s] for s in hidden) == pytest.approx(0.0, abs=1e-12)
    from_oil_gas_and_coal = sum(poly[s] - GRID_GJ * grid[s] for s in hidden)
    assert from_oil_gas_and_coal == pytest.approx(OIL_SHARE * 0.20 + COAL_SHARE * sum(route[s] for s in hidden))
    assert from_oil_gas_and_coal - COAL_SHARE * CTO_GRID_GJ * sum(grid[s] for s in hidden) == pytest.approx(
        0.1032 + 1.3257 * 1.0114, abs=1e-3)  # the coal route's coal with the coal mines' own use
    # process residue: the gas burnt (13.19 GJ at 48 GJ/t), the coal route's and the grid's fuel
    assert burnt["process_residue"] == pytest.approx(1 / 48.0)
    assert poly["process_residue"] - GRID_GJ * grid["process_residue"] == pytest.approx(
        GAS_GJ / 48.0 + COAL_SHARE * route["process_residue"])
    # CO2: the traced gas at 0.0561 t/GJ, the coal route's and the grid's, plus the untraced rest
    assert poly["co2"] == pytest.approx(GAS_GJ * 0.0561 + GRID_GJ * grid["co2"] + COAL_SHARE * route["co2"]
                                        + UNTRACED_CO2)


def test_natural_rubber_is_a_boundary_with_co2_and_its_fertiliser_rock_by_hand(
        default: nx.DiGraph, per_unit: dict[str, dict[str, float]]) -> None:
    """Natural rubber stays a declared boundary (README "Natural rubber's plantations"): no
    inputs, origin untraced (WLD), per t ICE v2.0's 2.85 t CO2e and, as overburden, the unused
    extraction of the phosphate rock behind its fertiliser: 30 kg P2O5 per ha (Kerala, mature rubber)
    x 0.4364 t P per t P2O5 / 1,563 kg dry rubber per ha (India 2016-17) x (75 - 17) t per t P
    (PMF 'Phosphorus, in ground') = 0.4859 t per t; no waste rock or tailings. Per t of China's
    rubber mix: 0.441 x the polymer's plus 0.559 x that, and the CO2 0.441 x the polymer's plus
    0.559 x 2.85 = 1.593 t."""
    assert list(default.in_edges(NATURAL)) == []
    node = default.nodes[NATURAL]
    assert node["boundary"] is True and node["country"] == UNKNOWN_ORIGIN
    natural, rubber, poly = per_unit[NATURAL], per_unit[RUBBER], per_unit[POLYMERS]
    assert natural["overburden"] == pytest.approx(NATURAL_HIDDEN)
    assert natural["waste_rock"] == 0 and natural["tailings"] == 0
    assert natural["co2"] == pytest.approx(2.85)
    for s in HIDDEN_STRESSORS:
        assert rubber[s] == pytest.approx(0.441 * poly[s] + (1 - 0.441) * natural[s])
    assert rubber["co2"] == pytest.approx(0.441 * poly["co2"] + (1 - 0.441) * 2.85)
    assert (1 - 0.441) * 2.85 == pytest.approx(1.5932, abs=1e-4)


def test_natural_rubber_fertiliser_coefficient_and_its_range_by_hand(default: nx.DiGraph) -> None:
    """P2O5 is 2 x 30.974 / (2 x 30.974 + 5 x 15.999) = 61.948 / 141.943 = 0.4364 P. At nominal
    30 x 0.4364 / 1563 = 0.008377 t P per t rubber, x 58 = 0.4859 t; the range puts the low rate
    (24 kg P2O5, 12:6:6 at 400 kg/ha) over the high yield (1,700 kg/ha): 0.3574, and the high rate
    (30.4, 19:19:19 at 160 kg/ha) over the low yield (1,437 kg/ha): 0.5355."""
    p = default_parameters()
    assert p.value("p_per_p2o5") == pytest.approx(P_PER_P2O5)
    assert P_PER_P2O5 == pytest.approx(0.4364, abs=1e-4)
    assert p.value("phosphate_unused_t_per_t_p") == pytest.approx(58)
    assert p.value("natural_rubber_p_t_per_t") == pytest.approx(0.0083768, abs=1e-7)
    assert p.value("natural_rubber_hidden_t_per_t") == pytest.approx(NATURAL_HIDDEN)
    assert NATURAL_HIDDEN == pytest.approx(0.4859, abs=1e-4)
    dist = default.nodes[NATURAL]["stressor_uncertainty"]["overburden"]
    assert dist.kind == "triangular"
    low, nominal, high = dist.params
    assert low == pytest.approx(24 * P_PER_P2O5 / 1700 * 58)
    assert nominal == pytest.approx(NATURAL_HIDDEN)
    assert high == pytest.approx(30.4 * P_PER_P2O5 / 1437 * 58)
    assert (low, high) == pytest.approx((0.3574, 0.5355), abs=1e-4)


def test_no_mi_factor_or_hidden_share_is_left() -> None:
    p = default_parameters()
    for gone in ("plastics_mi", "rubber_mi", "nonmetal_mi_hidden_share"):
        with pytest.raises(KeyError):
            p.value(gone)


def test_untraced_polymer_co2_is_ice_less_the_traced_fuels_by_hand() -> None:
    """On the cracker share (1 - 0.263): ICE's 4.26 t CO2e per t (median of nine car polymers)
    less the cracker and steam gas ((17 + 0.658) GJ x 0.0561) and the polymerisation power
    (0.38 MWh x Ember's 0.5598 t/MWh) = 0.7374 x 3.057 = 2.254 t. The traced CO2 takes the coal
    route in full, less the olefin's own carbon: 6.162 t coal x 1.980 - 3.137 + 12 GJ / 3.6 x 0.5598
    = 10.93 t per t of its olefin (14.07 t before the feedstock split, 3.137 t more); per t of
    polymer 0.737 x 0.954 (cracker gas) + 0.263 x 10.93 + 0.250 (steam and power) = 3.82 t."""
    p = default_parameters()
    cto_co2 = CTO_COAL_T * CN_COAL_CO2 - OLEFIN_CO2 + CTO_GRID_GJ / 3.6 * 0.5598
    assert p.value("cto_co2_t_per_t") == pytest.approx(cto_co2)
    assert cto_co2 == pytest.approx(14.069 - 3.137, abs=1e-3)
    assert p.value("cto_feedstock_co2_t_per_t") == pytest.approx(OLEFIN_CO2)
    assert p.value("polyolefin_carbon_t_per_t") == pytest.approx(0.8563, abs=1e-4)
    traced = (1 - COAL_SHARE) * 17 * 0.0561 + COAL_SHARE * cto_co2 + STEAM_GJ * 0.0561 + 0.38 * 0.5598
    assert p.value("polymer_traced_co2_t_per_t") == pytest.approx(traced)
    assert traced == pytest.approx(3.8235, abs=1e-3)
    assert p.value("polymer_untraced_co2_t_per_t") == pytest.approx(UNTRACED_CO2)
    assert UNTRACED_CO2 == pytest.approx(2.2540, abs=1e-4)


def test_untraced_polymer_co2_stays_non_negative_at_every_range_end(default: nx.DiGraph) -> None:
    """The range the Monte Carlo draws the untraced rest from is its value at every corner of the
    ranges behind it (coal share, ICE, cracking GJ, steam, kWh). Its low end by hand: ICE's 2.52
    less 28 GJ and 0.5 t of steam at 0.0561 and 760 kWh at 0.5598, on the cracker share at the
    coal share's high end: (1 - 0.3152) x 0.450 = 0.308 t; its high end ICE's 9.14 at 17 GJ, 0.25 t,
    380 kWh and the coal share's low end: (1 - 0.21) x 7.937 = 6.270 t."""
    dist = default.nodes[POLYMERS]["stressor_uncertainty"]["co2"]
    low, nominal, high = dist.params
    worst = (1 - 0.3152) * (2.52 - (28 + 2 * STEAM_GJ) * 0.0561 - 0.76 * 0.5598)
    best = (1 - 0.21) * (9.14 - (17 + STEAM_GJ) * 0.0561 - 0.38 * 0.5598)
    assert (low, nominal, high) == pytest.approx((worst, UNTRACED_CO2, best))
    assert worst == pytest.approx(0.308, abs=1e-3) and low >= 0


def test_each_new_coefficient_has_a_range(default: nx.DiGraph) -> None:
    """Oil and gas, synthetic and natural rubber are market shares: the Monte Carlo rescales them to 1.
    The feedstock per t of polymer is a mass balance (1 t), the one coefficient without a range."""
    for node in (FEEDSTOCK, POLYMERS, RUBBER):
        ranges = {u: d["uncertainty"] for u, _, d in default.in_edges(node, data=True) if u != FEEDSTOCK}
        assert all(r is not None for r in ranges.values()), (node, ranges)
    assert default.edges[FEEDSTOCK, POLYMERS]["uncertainty"] is None
    assert default.edges[COAL_ROUTE, FEEDSTOCK]["uncertainty"].params == pytest.approx((0.21, 0.2626, 0.3152))
    for u, _, d in default.in_edges(COAL_ROUTE, data=True):
        assert d["uncertainty"] is not None, u
    assert default.nodes[FEEDSTOCK]["kind"] == "market"  # the Monte Carlo rescales its shares to 1
    assert default.edges[POLYMERS, RUBBER]["uncertainty"].params == pytest.approx((0.441, 0.536))
    assert default.edges["energy:gas:CHN", POLYMERS]["uncertainty"].params[-1] == pytest.approx(
        (1 - 0.21) * 28 + 0.5 * 2.63383)
    assert default.nodes[FEEDSTOCK]["kind"] == default.nodes[RUBBER]["kind"] == "market"


def test_non_metals_element_takes_the_polymers_upstream_and_nothing_of_the_materials(default: nx.DiGraph) -> None:
    fleet = {"ICEV": 100.0, "BEV": 10.0}
    element = {e.name: e for e in load_elements()}["non_metals"]
    members = element.members(default)
    assert {POLYMERS, FEEDSTOCK, RUBBER, NATURAL, COAL_ROUTE} <= set(members)
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
