"""Energy of every plant (issue 19 item 1): the audit of grids and fuels (graphs/energy_audit.py),
coal burnt at plants (fuel_use.csv fuel `coal`), and the bauxite, alumina and zinc-lead figures, by hand."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import graphs
import mine_db
from graphs.build import default_parameters
from graphs.energy_audit import (
    GRID_STATES,
    audit_energy,
    summarise_audit,
    world_grid_countries,
)
from graphs.fuels import add_fuel_use
from hfcommon.errors import InputError

KWH_GJ = 0.0036
RAW_COAL_GJ = 29.3076 * 0.7143  # GB/T 2589 standard coal x NBS raw-coal factor, GJ per t
COAL_CO2_T_PER_GJ = 0.0946  # IPCC 2006 Vol. 2 Table 1.4, other bituminous coal


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


@pytest.fixture(scope="module")
def audit(default: nx.DiGraph):
    return audit_energy(default)


def test_a_node_on_the_world_grid_is_in_a_country_without_a_grid(default: nx.DiGraph, audit) -> None:
    world = audit[audit["grid_status"] == "world"]
    assert len(world) > 0
    assert not any(f"energy:grid:{c}" in default for c in world["country"])
    assert set(world["grid"]) == {"energy:grid:WLD"}
    own = audit[audit["grid_status"] == "own"]
    assert all(g == f"energy:grid:{c}" or "smelter_power" in g for g, c in zip(own["grid"], own["country"]))
    assert set(audit["grid_status"]) <= set(GRID_STATES) and "other" not in set(audit["grid_status"])
    assert world_grid_countries(audit).sum() == len(world)


def test_the_summary_counts_every_node_once(audit) -> None:
    summary = summarise_audit(audit)
    assert summary["nodes"].sum() == len(audit)
    assert (summary[[f"grid_{s}" for s in GRID_STATES]].sum(axis=1) == summary["nodes"]).all()


def test_every_chinese_smelter_and_refinery_of_the_battery_metals_draws_chinas_grid(audit) -> None:
    plants = audit[audit["kind"].isin(["smelting", "refining"])
                   & audit["commodity"].isin(["copper", "nickel", "cobalt", "lithium", "graphite", "manganese"])]
    assert len(plants) == 9
    assert set(plants["grid"]) == {"energy:grid:CHN"}
    cells = audit[audit["kind"] == "component"]
    assert len(cells) == 12 and set(cells["grid"]) == {"energy:grid:CHN"}


def test_every_mine_but_brine_burns_diesel_and_every_concentrator_draws_power(default: nx.DiGraph,
                                                                              audit) -> None:
    mines = audit[audit["kind"] == "mine"]
    brine = {n for n in mines["node"] if default.nodes[n]["mine_type"] == "brine"}
    unfuelled = set(mines.loc[mines["fuels"] == "", "node"])
    assert unfuelled == brine and len(brine) == 5  # Olaroz, rest of Argentina, Atacama, rest of Chile, Qarhan
    assert set(mines.loc[mines["fuels"] != "", "fuels"]) == {"diesel"}
    concentrators = audit[audit["kind"] == "beneficiation"]
    assert set(concentrators.loc[concentrators["grid_status"] == "none", "node"]) == set()
    # brine sites mill no ore, but their salar carbonate plants draw their grid and burn natural gas
    # (Schenker et al. 2022: mine_power_kwh_per_t_brine_lithium_<ISO3>, fuel_use.csv)
    plants = concentrators[concentrators["node"].isin({n.replace("mine:", "beneficiation:", 1) for n in brine})]
    assert len(plants) == 5 and set(plants["fuels"]) == {"gas"} and set(plants["grid_status"]) == {"own"}
    assert set(concentrators["commodity"]) == {"bauxite", "cobalt", "copper", "graphite", "iron_ore", "lead",
                                               "lithium", "manganese", "nickel", "pgm", "rare_earths", "zinc"}


def test_bauxite_mines_take_iai_electricity_and_heavy_oil(default: nx.DiGraph) -> None:
    # IAI world 2015 bauxite mining: 1.5 kWh and 21 MJ heavy oil per t bauxite; mine_db: 1 t ore per t bauxite
    # where the ore is shipped as mined (Gove)
    site = "beneficiation:aus-gove-rio-tinto-bauxite"
    assert default.edges["energy:grid:AUS", site]["amount"] == pytest.approx(1.5 * KWH_GJ)
    assert default.edges["energy:fuel_oil:AUS", site]["amount"] == pytest.approx(0.021)
    # a washed mine (Weipa, at the washed default yield 0.5435) mines 1 / 0.5435 t of ore per t of bauxite sold: the
    # electricity rate, per t of ore, applies to that ore
    weipa = "beneficiation:aus-weipa-rio-tinto-bauxite"
    assert default.edges["energy:grid:AUS", weipa]["amount"] == pytest.approx(1.5 * KWH_GJ / 0.5435)
    guinea = "beneficiation:gin-sangar-di-cbg-bauxite"
    assert default.has_edge("energy:grid:GIN", guinea) and default.has_edge("energy:fuel_oil:GIN", guinea)


def test_alumina_refinery_draws_iai_electricity_from_chinas_grid(default: nx.DiGraph) -> None:
    edge = default.edges["energy:grid:CHN", "refining:alumina:CHN"]
    assert edge["amount"] == pytest.approx(218 * KWH_GJ)  # IAI world 2015, 218 kWh per t alumina
    low, _, high = edge["uncertainty"].params
    assert (low, high) == pytest.approx((141 * KWH_GJ, 435 / 1.74 * KWH_GJ))  # EU-27 to Hong et al. China


def test_zinc_lead_concentrators_take_the_median_of_calvos_zinc_lead_mines() -> None:
    params = default_parameters()
    mines = [29, 53, 55, 60, 62, 71, 75, 120]  # Calvo et al. 2016 Table 1, kWh per t ore
    assert params.value("mine_power_kwh_per_t_ore_zinc") == pytest.approx((60 + 62) / 2)
    assert params.value("mine_power_kwh_per_t_ore_lead") == params.value("mine_power_kwh_per_t_ore_zinc")
    assert params["mine_power_kwh_per_t_ore_zinc"].uncertainty.params == pytest.approx((min(mines), max(mines)))


def test_cobalt_concentrators_take_the_copper_rate_on_their_own_grid(default: nx.DiGraph) -> None:
    params = default_parameters()
    assert params.value("mine_power_kwh_per_t_ore_cobalt") == params.value("mine_power_kwh_per_t_ore_copper") == 39
    assert "mine_power_kwh_per_t_ore_cobalt" in default.graph["assumptions"]
    sites = mine_db.load_default().set_index("mine_id")
    tfm = sites.loc["cod-tenke-fungurume-cobalt"]
    edge = default.edges["energy:grid:COD", "beneficiation:cod-tenke-fungurume-cobalt"]
    assert edge["amount"] == pytest.approx(39 * tfm["ore_t"] / tfm["metal_t"] * KWH_GJ)
    assert edge["uncertainty"].params == pytest.approx(tuple(v * tfm["ore_t"] / tfm["metal_t"] * KWH_GJ
                                                             for v in (20, 112)))


def _with_coal(tmp_path: Path, rows: str) -> nx.DiGraph:
    path = tmp_path / "fuel_use.csv"
    path.write_text("consumer,commodity,fuel,amount,basis,source\n" + rows, encoding="utf-8")
    G = graphs.build_default_network()
    add_fuel_use(G, default_parameters(), path)
    return G


def test_coal_burnt_at_a_plant_by_hand(tmp_path: Path) -> None:
    G = _with_coal(tmp_path, "refining:cobalt:CHN,,coal,12.5,output,fixture\n"
                             "kind=beneficiation,nickel,coal,2,output,fixture\n")
    # the plant's fuel is its output times the factor: 12.5 GJ of Chinese coal per t cobalt
    # (a plant that burns no coal in the bundled table)
    assert G.edges["energy:coal_heat:CHN", "refining:cobalt:CHN"]["amount"] == pytest.approx(12.5)
    coal_t_per_gj = G.edges["energy:coal:CHN", "energy:coal_heat:CHN"]["amount"]
    assert coal_t_per_gj == pytest.approx(1 / RAW_COAL_GJ)
    assert G.nodes["energy:coal_heat:CHN"]["stressors"] == pytest.approx({"process_residue": 1 / RAW_COAL_GJ})
    # CO2 = fuel x IPCC factor: the coal node's CO2 per t times the coal per GJ
    co2_per_gj = coal_t_per_gj * G.nodes["energy:coal:CHN"]["stressors"]["co2"]
    assert 12.5 * co2_per_gj == pytest.approx(12.5 * COAL_CO2_T_PER_GJ)
    # Indonesia mines its own coal (coal_mines.csv); the Philippines burn world-average coal
    idn = [n for n in G.successors("energy:coal_heat:IDN")]
    assert idn and all(G.nodes[n]["commodity"] == "nickel" for n in idn)
    assert list(G.predecessors("energy:coal_heat:IDN")) == ["energy:coal:IDN"]
    assert list(G.predecessors("energy:coal_heat:PHL")) == ["energy:coal:WLD"]
    assert G.nodes["energy:coal_heat:PHL"]["country"] == "PHL"
    assert not any(G.nodes[n]["commodity"] != "nickel" for n in G.successors("energy:coal_heat:PHL"))


def test_a_fuel_row_for_an_unknown_commodity_is_located(tmp_path: Path) -> None:
    path = tmp_path / "fuel_use.csv"
    path.write_text("consumer,commodity,fuel,amount,basis,source\nkind=beneficiation,unobtainium,coal,1,output,x\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        add_fuel_use(graphs.build_default_network(), default_parameters(), path)
    assert (info.value.row, info.value.column) == (2, "commodity")
    assert "unobtainium" in str(info.value)


def test_pgm_concentrators_take_the_copper_rate_on_their_own_grid(default: nx.DiGraph) -> None:
    # assumption mine_power_kwh_per_t_ore_pgm: sulphide PGM ores milled and floated like copper ores
    params = default_parameters()
    assert params.value("mine_power_kwh_per_t_ore_pgm") == params.value("mine_power_kwh_per_t_ore_copper") == 39
    assert "mine_power_kwh_per_t_ore_pgm" in default.graph["assumptions"]
    sites = mine_db.load_default().set_index("mine_id")
    mogalakwena = sites.loc["zaf-mogalakwena-pgm"]  # 13.75 Mt ore allocated to 32.2 t PGM
    ore_per_t = mogalakwena["ore_t"] / mogalakwena["metal_t"]
    edge = default.edges["energy:grid:ZAF", "beneficiation:zaf-mogalakwena-pgm"]
    assert edge["amount"] == pytest.approx(39 * ore_per_t * KWH_GJ)
    assert edge["amount"] == pytest.approx(59_917, rel=1e-4)  # GJ per t PGM, by hand: 39 x 426,759 t ore per t x 0.0036
    assert edge["uncertainty"].params == pytest.approx(tuple(v * ore_per_t * KWH_GJ for v in (20, 112)))
    # Zimbabwe's Great Dyke concentrators take Zimbabwe's grid: 42.067 % coal in 2019 (OWID, grids.csv)
    assert default.has_edge("energy:grid:ZWE", "beneficiation:zwe-unki-pgm")
    assert default.edges["energy:coal_power:ZWE", "energy:grid:ZWE"]["amount"] == pytest.approx(0.42067)


# NRRI for NREL (H2Integrate nrri_ore/perf_coeffs.csv): kWh per long ton of pellets (mining, crushing,
# beneficiation), long tons of pellets and of crushed crude ore, of five US taconite mines
NRRI = {
    "Tilden": (12.02, 9.84, 57.35163458, 7457805, 20500000),
    "Hibbing": (5.419861815, 1.699663584, 107.89, 7400230, 28083000),
    "United": (7.1, 10.57, 67.45, 4841000, 14920000),
    "Minorca": (10.9, 9.09, 67.63, 2787480, 8460000),
    "Northshore": (8.43, 9.79, 72.68, 4541386, 16860000),
}
LONG_TON_T = 1.0160469088


def _per_t_ore(mining: float, crushing: float, concentrating: float, pellets: float, ore: float) -> float:
    return (mining + crushing + concentrating) * pellets / ore / LONG_TON_T


def test_iron_ore_concentrators_take_the_median_of_five_taconite_mines() -> None:
    params = default_parameters()
    full = sorted(_per_t_ore(*row) for row in NRRI.values())
    assert full == pytest.approx([24.10, 27.18, 28.36, 28.41, 29.83], abs=0.005)
    assert params.value("mine_power_kwh_per_t_ore_iron_ore") == pytest.approx(full[2], abs=0.005)
    assert params["mine_power_kwh_per_t_ore_iron_ore"].uncertainty.params == pytest.approx((full[0], full[-1]),
                                                                                           abs=0.005)
    # direct-shipping ore: the mining and crushing share only (assumption)
    crushing = sorted(_per_t_ore(m, c, 0, p, o) for m, c, _, p, o in NRRI.values())
    assert crushing == pytest.approx([1.85, 4.83, 5.64, 6.48, 7.83], abs=0.005)
    dso = "mine_power_kwh_per_t_ore_iron_ore_direct_shipping"
    assert params.value(dso) == pytest.approx(crushing[2], abs=0.005)
    assert params[dso].uncertainty.params == pytest.approx((crushing[0], crushing[-1]), abs=0.005)


def test_a_direct_shipping_iron_mine_draws_the_crushing_rate_and_a_concentrator_the_full_rate(
        default: nx.DiGraph) -> None:
    sites = mine_db.load_default().set_index("mine_id")
    hamersley = sites.loc["aus-hamersley-iron-mines-rio-tinto-iron_ore"]  # 220.6 Mt ore shipped as mined
    assert hamersley["concentrate_t"] == pytest.approx(hamersley["ore_t"])
    edge = default.edges["energy:grid:AUS", "beneficiation:aus-hamersley-iron-mines-rio-tinto-iron_ore"]
    assert edge["amount"] == pytest.approx(5.64 * hamersley["ore_t"] / hamersley["metal_t"] * KWH_GJ)
    minntac = sites.loc["usa-minntac-iron_ore"]  # 39.1 Mt taconite to 13.1 Mt concentrate
    assert minntac["concentrate_t"] < minntac["ore_t"]
    edge = default.edges["energy:grid:USA", "beneficiation:usa-minntac-iron_ore"]
    assert edge["amount"] == pytest.approx(28.36 * minntac["ore_t"] / minntac["metal_t"] * KWH_GJ)
    assert edge["uncertainty"].params == pytest.approx(
        tuple(v * minntac["ore_t"] / minntac["metal_t"] * KWH_GJ for v in (24.10, 29.83)))


def test_manganese_graphite_spodumene_and_rare_earth_concentrators_draw_their_assumed_rates(
        default: nx.DiGraph) -> None:
    params = default_parameters()
    assert params.value("mine_power_kwh_per_t_ore_manganese") == pytest.approx(5.64)
    for code in ("graphite", "lithium", "rare_earths"):
        assert params.value(f"mine_power_kwh_per_t_ore_{code}") == 39  # the copper rate
        assert f"mine_power_kwh_per_t_ore_{code}" in default.graph["assumptions"]
    sites = mine_db.load_default().set_index("mine_id")
    balama = sites.loc["moz-balama-graphite"]  # 1.154 Mt ore to 152 kt graphite, on Mozambique's grid (grids.csv)
    edge = default.edges["energy:grid:MOZ", "beneficiation:moz-balama-graphite"]
    assert edge["amount"] == pytest.approx(39 * 1.154e6 / 152e3 * KWH_GJ)
    assert balama["ore_t"] / balama["metal_t"] == pytest.approx(1.154e6 / 152e3)
    greenbushes = sites.loc["aus-greenbushes-lithium"]
    edge = default.edges["energy:grid:AUS", "beneficiation:aus-greenbushes-lithium"]
    assert edge["amount"] == pytest.approx(39 * greenbushes["ore_t"] / greenbushes["metal_t"] * KWH_GJ)
    # a brine site mills no ore: its only electricity is the salar plant's, per t Li (Schenker et al. 2022)
    atacama = "beneficiation:chl-salar-de-atacama-sqm-lithium"
    grids = [s for s in default.predecessors(atacama) if s.startswith("energy:grid:")]
    assert grids == ["energy:grid:CHL"]
    assert default.edges["energy:grid:CHL", atacama]["amount"] == pytest.approx(0.45954e3 / (2 * 6.941 / 73.891) * KWH_GJ)
    black_rock = sites.loc["zaf-black-rock-nchwaning-gloria-assmang-manganese"]
    edge = default.edges["energy:grid:ZAF", "beneficiation:zaf-black-rock-nchwaning-gloria-assmang-manganese"]
    assert edge["amount"] == pytest.approx(5.64 * black_rock["ore_t"] / black_rock["metal_t"] * KWH_GJ)
