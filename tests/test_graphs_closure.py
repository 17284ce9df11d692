"""Non-metals and zinc coating traced upstream (closure_*.csv; issue 19)."""

from __future__ import annotations

import networkx as nx
import pytest

import graphs
from graphs.build import default_parameters
from tracer import api
from tracer.reconcile.elements import load_elements, switched_off

GLASS = "refining:float_glass:CHN"
BATCH = ("market:glass_sand:CHN", "market:soda_ash:CHN", "market:glass_carbonates:CHN")


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def test_glass_batch_is_the_stoichiometry_of_the_float_glass_composition(default: nx.DiGraph) -> None:
    p = default_parameters()
    # Na2O 13 % -> Na2CO3 (105.988 / 61.979); MgO 4 % -> dolomite (184.399 / 40.304), which also
    # brings 4 % x 56.077 / 40.304 CaO; the rest of CaO 8.4 % comes as CaCO3 (100.086 / 56.077)
    assert p.value("soda_ash_per_t_glass") == pytest.approx(0.13 * 105.988 / 61.979, rel=1e-4)
    assert p.value("dolomite_per_t_glass") == pytest.approx(0.04 * 184.399 / 40.304, rel=1e-4)
    assert p.value("limestone_per_t_glass") == pytest.approx((0.084 - 0.04 * 56.077 / 40.304) * 100.086 / 56.077,
                                                              rel=1e-4)
    assert p.value("glass_batch_per_t") == pytest.approx(1.1961, abs=1e-3)
    cullet = p.value("glass_cullet_share")
    batch = sum(default.edges[b, GLASS]["amount"] for b in BATCH)
    assert batch == pytest.approx((1 - cullet) * p.value("glass_batch_per_t"))
    node = default.nodes[GLASS]
    # mass closes exactly: batch + cullet = 1 t glass + the CO2 off the carbonates
    assert batch + node["external_mass"] == pytest.approx(1 + node["stressors"]["process_residue"])
    assert default.edges[GLASS, "material:glass"]["amount"] == 1


def test_non_metal_materials_are_no_longer_boundaries(default: nx.DiGraph) -> None:
    for material in ("plastics", "rubber", "glass"):
        node = default.nodes[f"material:{material}"]
        assert not node["boundary"] and list(default.predecessors(f"material:{material}"))
    assert graphs.validate(default).ok


def test_zinc_coating_per_car_reaches_the_zinc_refinery(default: nx.DiGraph) -> None:
    p = default_parameters()
    for vehicle in ("ICEV", "HEV", "PHEV", "BEV"):
        edge = default.edges["material:zinc_coating", f"component:body_chassis_{vehicle}"]
        assert edge["amount"] == pytest.approx(p.value("galv_zinc_kg_per_car") * p.value("bom_glider_mass_factor") / 1000)
    assert default.has_edge("refining:zinc:CHN", "material:zinc_coating")


def test_elements_switch_off_exactly_what_was_added(default: nx.DiGraph) -> None:
    """non_metals and minor_metals off: the upstream the closure added goes, the materials' mass stays.

    The polymers' share is pinned by hand in test_graphs_polymers.py; here the glass batch's
    quarried dolomite and the zinc coating."""
    fleet = {"ICEV": 100.0, "BEV": 10.0}
    full = api.run(fleet=fleet, network=default).summary
    elements = {e.name: e for e in load_elements()}
    off = {}
    for name in ("non_metals", "minor_metals"):
        members = elements[name].members(default)
        assert members, name
        off[name] = api.run(fleet=fleet, network=switched_off(default, members)).summary
    p = default_parameters()
    used = full["used_t"] - off["non_metals"]["used_t"]
    assert used == 0  # the materials' own mass was counted before; only their upstream goes
    glass_t = sum(fleet[v] * default.edges["material:glass", f"component:body_chassis_{v}"]["amount"] for v in fleet)
    dolomite = (1 - p.value("glass_cullet_share")) * p.value("dolomite_per_t_glass")
    drop = full["hidden_t"] - off["non_metals"]["hidden_t"]
    assert drop > dolomite * 0.01 * glass_t  # plus the oil, gas and grid coal behind the polymers
    zinc = full["used_t"] - off["minor_metals"]["used_t"]
    assert zinc == pytest.approx(sum(fleet.values()) * p.value("galv_zinc_kg_per_car") / 1000)
    assert full["hidden_t"] > off["minor_metals"]["hidden_t"]
    for summary in (full, *off.values()):
        assert summary["total_tmr_t"] == pytest.approx(
            summary["hidden_t"] + summary["process_residue_t"] + summary["used_t"], rel=1e-9)


def test_imported_refined_nickel_and_ferronickel_reach_their_mining_countries(default: nx.DiGraph) -> None:
    """WBMS H1 2019 x 2: metal 140 kt (RUS/AUS by BACI value), ferronickel 194 kt (by mine output), other 114 kt;
    wet-process intermediates (SMM on China customs): PNG 197,700 t, others 182,500 t, both at 37 % solids x 39 % Ni;
    nickel matte at its 2020 tonnage, 10,800 t x 78 % Ni, in the other pool."""
    ore_ni = 0.012 * (1 - 0.3)  # ni_ore_ni_content
    pool = 1036200 + 209549 + 40571 + 55744
    t_ni = {
        "IDN": 23.9e6 * ore_ni + 194000 * 1036200 / pool,
        "PHL": (56.13e6 - 23.9e6) * ore_ni,
        "CHN": 104674,
        "RUS": 140000 * 1214.6 / (1214.6 + 631.1),
        "AUS": 140000 * 631.1 / (1214.6 + 631.1),
        "NCL": 194000 * 209549 / pool,
        "COL": 194000 * 40571 / pool,
        "BRA": 194000 * 55744 / pool,
        "other": 114000 + 182500 * 0.37 * 0.39 + 10800 * 0.78,  # + the non-PNG intermediates and the matte
        "PNG": 197700 * 0.37 * 0.39,  # MHP x mhp_ni_per_t
    }
    market = "market:nickel:supply-CHN"
    shares = {p.rsplit(":", 1)[1]: default.edges[p, market]["amount"] for p in default.predecessors(market)}
    total = sum(t_ni.values())
    assert shares == pytest.approx({k: v / total for k, v in t_ni.items()}, rel=1e-6)


def test_pidgeon_magnesium_closes_on_dolomite(default: nx.DiGraph) -> None:
    """The fuel it burns is booked at its burning node (fuel_use.csv), so the smelter's own balance is the dolomite."""
    smelter = "smelting:magnesium:CHN"
    dolomite = default.edges["market:magnesium_dolomite:CHN", smelter]["amount"]
    assert dolomite == pytest.approx(184.399 / 24.305, rel=1e-4)  # M(CaMg(CO3)2) / M(Mg)
    assert not default.has_edge("energy:coal:CHN", smelter)
    assert dolomite == pytest.approx(1 + default.nodes[smelter]["stressors"]["process_residue"])
    assert not default.nodes["material:magnesium"]["boundary"]


def test_cast_aluminium_takes_its_alloy_silicon_from_quartz_and_the_grid(default: nx.DiGraph) -> None:
    p = default_parameters()
    cast = "material:cast_aluminium"
    al = default.edges["smelting:aluminium:CHN", cast]["amount"]
    si = default.edges["smelting:silicon_metal:CHN", cast]["amount"]
    assert si / (al + si) == pytest.approx(0.085)  # A380: ~8.5 % Si
    assert al + si == pytest.approx(1 / p.value("aluminium_fabrication_yield"))  # casting mass unchanged
    smelter = "smelting:silicon_metal:CHN"
    quartz = default.edges["market:quartz:CHN", smelter]["amount"]
    assert quartz == pytest.approx((28.085 + 2 * 15.999) / 28.085 / 0.85)
    assert quartz == pytest.approx(1 + default.nodes[smelter]["stressors"]["process_residue"])


def test_quarried_minerals_carry_the_pmf_factors_unused_extraction(default: nx.DiGraph) -> None:
    p = default_parameters()
    # Mostert and Bringezu 2019 PMF factors, CF TMR over CF RMI (kg/kg): calcite 1.00 / 1.00,
    # dolomite 1.01 / 1.00, sand 1.00 / 1.00
    expected = {"market:limestone:CHN": 0.0, "market:glass_sand:CHN": 0.0, "market:quartz:CHN": 0.0,
                "market:magnesium_dolomite:CHN": 1.01 / 1.00 - 1}
    for node, hidden in expected.items():
        assert default.nodes[node]["stressors"]["overburden"] == pytest.approx(hidden, abs=1e-12), node
    limestone, dolomite = p.value("limestone_per_t_glass"), p.value("dolomite_per_t_glass")
    assert default.nodes["market:glass_carbonates:CHN"]["stressors"]["overburden"] == pytest.approx(
        dolomite * 0.01 / (limestone + dolomite))
    # switching the magnesium dolomite off removes 0.01 t of hidden flow per t it delivered
    base = api.run(network=default).summary
    off = api.run(network=switched_off(default, {"market:magnesium_dolomite:CHN"})).summary
    # the smelter's residue was the dolomite less the magnesium (its fuel burns at its own node), so
    # the residue that goes with the cut is the delivered dolomite x (1 - 1 / dolomite per t Mg)
    residue = base["process_residue_t"] - off["process_residue_t"]
    delivered = residue / (1 - 1 / p.value("dolomite_per_t_mg"))
    assert base["hidden_t"] - off["hidden_t"] == pytest.approx(delivered * 0.01, rel=1e-6)
