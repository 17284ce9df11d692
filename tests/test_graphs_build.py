"""Builders: hand-worked numbers on a fixture mine table, and invariants of the default network."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import graphs
from graphs.carbon import FEEDSTOCK_COAL
from graphs.energy import OWN_USE_COAL
from graphs.fuels import EXTRACTION_CARRIERS
from graphs.mines import MINE_COLUMNS, supply_market
from graphs.supply_mix import supply_concentrate
from hfcommon.errors import InputError
from hfcommon.vocabulary import MASS_STRESSORS, VEHICLE_IDS


def _site(mine_id: str, country: str, commodity: str, metal: float, ore: float, ob: float, wr: float,
          tail: float) -> dict:
    return {"mine_id": mine_id, "name": mine_id.upper(), "country": country, "commodity": commodity,
            "mine_type": "open_pit", "resolution": "mine", "metal_t": metal, "ore_t": ore, "grade": 0.01,
            "recovery": 0.9, "strip_ratio": 1.0, "overburden_t": ob, "waste_rock_t": wr, "tailings_t": tail,
            "source": f"fixture {mine_id}"}


@pytest.fixture
def tiny_mines() -> pd.DataFrame:
    rows = [
        _site("cl1", "CHL", "copper", 10, 1000, 2000, 500, 950),
        _site("cl2", "CHL", "copper", 30, 2000, 1000, 0, 1900),
        _site("pe1", "PER", "copper", 20, 1500, 0, 300, 1400),
        _site("cn1", "CHN", "copper", 5, 800, 400, 0, 780),
        _site("closed", "CHN", "copper", 0, 0, 0, 0, 0),
        _site("au1", "AUS", "lithium", 40, 3000, 9000, 0, 2600),
    ]
    table = pd.DataFrame(rows, columns=MINE_COLUMNS)
    table["concentrate_t"] = [40, 90, 100, float("nan"), 0, float("nan")]
    return table


@pytest.fixture
def sourcing(tmp_path: Path) -> Path:
    path = tmp_path / "sourcing.csv"
    path.write_text(
        "commodity,origin,amount,content_factor,unit,source\n"
        "copper,CHL,3,1,t Cu,fixture\n"
        "copper,other,0.5,1,t Cu,fixture\n"
        "copper,AUS,0.5,1,t Cu,fixture: no Australian copper sites\n"
        "copper,CHN,2 * 0.5,1,t Cu,fixture\n"
        "lithium,AUS,1,1,t Li,fixture\n",
        encoding="utf-8",
    )
    return path


def test_mine_and_beneficiation_coefficients_by_hand(tiny_mines: pd.DataFrame, sourcing: Path) -> None:
    G = graphs.build_default_network(tiny_mines, sourcing=sourcing)
    assert G.nodes["mine:cl1"]["stressors"] == {"overburden": 2.0, "waste_rock": 0.5}
    assert G.nodes["beneficiation:cl1"]["stressors"] == {"tailings": 95.0}
    assert G.edges["mine:cl1", "beneficiation:cl1"]["amount"] == 100.0
    assert G.nodes["mine:cl1"]["mine_id"] == "cl1" and G.nodes["beneficiation:cl1"]["mine_id"] == "cl1"
    assert G.nodes["beneficiation:cl1"]["basis"] == "t Cu"
    assert "mine:closed" not in G


def test_country_markets_mix_sites_by_production(tiny_mines: pd.DataFrame, sourcing: Path) -> None:
    G = graphs.build_default_network(tiny_mines, sourcing=sourcing)
    assert G.edges["beneficiation:cl1", "market:copper:CHL"]["amount"] == pytest.approx(0.25)
    assert G.edges["beneficiation:cl2", "market:copper:CHL"]["amount"] == pytest.approx(0.75)
    assert G.nodes["market:copper:CHL"]["country"] == "CHL"


def test_supply_market_shares_pool_and_moved_origin(tiny_mines: pd.DataFrame, sourcing: Path) -> None:
    G = graphs.build_default_network(tiny_mines, sourcing=sourcing)
    supply = supply_market("copper")
    # CHL 3, pool 0.5 + AUS 0.5 (no Australian copper sites -> moved to the pool), CHN 1; total 5
    assert G.edges["market:copper:CHL", supply]["amount"] == pytest.approx(0.6)
    assert G.edges["market:copper:other", supply]["amount"] == pytest.approx(0.2)
    assert G.edges["market:copper:CHN", supply]["amount"] == pytest.approx(0.2)
    assert G.edges["market:copper:PER", "market:copper:other"]["amount"] == pytest.approx(1.0)
    assert G.nodes["market:copper:other"]["country"] == "WLD"
    notes = G.graph["notes"]
    assert any("AUS has no sites" in n for n in notes)
    # commodities without sites become untraced boundary markets, and the network still validates
    assert G.nodes[supply_market("nickel")]["boundary"] is True
    assert graphs.validate(G).ok


def test_pool_without_members_is_spread_over_listed_origins(tiny_mines: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("commodity,origin,amount,content_factor,unit,source\n"
                    "copper,CHL,1,1,t,f\ncopper,PER,1,1,t,f\ncopper,CHN,2,1,t,f\ncopper,other,4,1,t,f\n",
                    encoding="utf-8")
    G = graphs.build_default_network(tiny_mines, sourcing=path)
    supply = supply_market("copper")
    assert G.edges["market:copper:CHN", supply]["amount"] == pytest.approx(0.5)
    assert "market:copper:other" not in G
    assert any("no unlisted producers" in n for n in G.graph["notes"])


def test_bad_mine_rows_are_located(tiny_mines: pd.DataFrame) -> None:
    bad = tiny_mines.copy()
    bad.loc[2, "tailings_t"] = float("nan")
    with pytest.raises(InputError) as info:
        graphs.build_default_network(bad)
    assert (info.value.row, info.value.column) == (4, "tailings_t")
    with pytest.raises(InputError, match="unknown commodity"):
        graphs.build_default_network(tiny_mines.assign(commodity="gold"))
    with pytest.raises(InputError, match="lacks column"):
        graphs.build_default_network(tiny_mines.drop(columns=["ore_t"]))


def test_bad_sourcing_rows_are_located(tiny_mines: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("commodity,origin,amount,content_factor,unit,source\ncopper,Chile,1,1,t,f\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        graphs.build_default_network(tiny_mines, sourcing=path)
    assert (info.value.row, info.value.column) == (2, "origin")


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def test_default_network_validates_clean(default: nx.DiGraph) -> None:
    report = graphs.validate(default)
    assert report.ok and report.cycles == 0
    assert default.graph["notes"] == []


def test_default_network_has_every_kind_and_vehicle(default: nx.DiGraph) -> None:
    kinds = {d["kind"] for _, d in default.nodes(data=True)}
    assert kinds >= {"mine", "beneficiation", "smelting", "refining", "market", "material", "component",
                     "vehicle", "energy"}
    for vehicle in VEHICLE_IDS:
        assert default.nodes[vehicle]["unit"] == "vehicle"
        assert all(default.nodes[c]["kind"] == "component" for c in default.predecessors(vehicle))


def test_every_coefficient_has_a_source(default: nx.DiGraph) -> None:
    from graphs.summary import summarise

    summary = summarise(default)
    assert summary["share_with_source"] == 1.0
    assert summary["coefficients_citing_assumptions"] > 0
    assert summary["assumptions"] == len(default.graph["assumptions"]) > 0


def test_materials_carry_used_one(default: nx.DiGraph) -> None:
    for nid, data in default.nodes(data=True):
        if data["kind"] == "material":
            assert data["stressors"]["used"] == 1.0, nid
        else:
            assert "used" not in data["stressors"], nid


def test_supply_and_country_markets_sum_to_one(default: nx.DiGraph) -> None:
    for nid, data in default.nodes(data=True):
        if data["kind"] == "market" and not data.get("boundary"):
            total = math.fsum(default.edges[p, nid]["amount"] for p in default.predecessors(nid))
            assert total == pytest.approx(1.0, abs=1e-12), nid


def test_default_coefficients_by_hand(default: nx.DiGraph) -> None:
    # coal overburden: 13 % open pit x 4.22 bcm/t x 1.22 t/bcm (E8, E10)
    assert default.nodes["energy:coal:CHN"]["stressors"]["overburden"] == pytest.approx(0.13 * 4.22 * 1.22)
    assert default.edges["energy:coal_power:CHN", "energy:grid:CHN"]["amount"] == 0.65  # H_energy_coal_steel.md Table 1, 2019
    # China's copper supply: domestic 1,683,450 t Cu against imports of 21,981,863 t concentrate at 24.97 % Cu
    share = 1683450 / (21981863 * 0.2497 + 1683450)
    assert default.edges["market:copper:CHN", supply_market("copper")]["amount"] == pytest.approx(share)
    # bauxite: China 105 Mt against 100.6 Mt imports (D2.1 B: 51.1 %)
    assert default.edges["market:bauxite:CHN", supply_market("bauxite")]["amount"] == pytest.approx(
        105e6 / (105e6 + 100607339))


def test_battery_packs_by_hand(default: nx.DiGraph) -> None:
    bev_kwh = (42.2e6 - 13 * 230000) / 830000
    pack = "component:traction_battery_BEV_NMC622"
    assert default.nodes[pack]["kwh"] == pytest.approx(bev_kwh)
    assert default.nodes[pack]["chemistry"] == "NMC622"
    mass = math.fsum(default.edges[m, pack]["amount"] for m in default.predecessors(pack)
                     if default.nodes[m]["kind"] == "material")
    assert mass == pytest.approx(5.23 * bev_kwh / 1000)
    assert default.edges["material:nickel_sulfate", pack]["amount"] == pytest.approx(0.5463 * bev_kwh / 1000)
    shares = {p: default.edges[p, "BEV"]["amount"] for p in default.predecessors("BEV") if "traction" in p}
    assert math.fsum(shares.values()) == pytest.approx(1.0)
    assert shares["component:traction_battery_BEV_LFP"] == pytest.approx(2.0 / 41.6)
    assert default.edges["component:traction_battery_BEV_LFP", "BEV-LFP"]["amount"] == 1.0


def test_icev_embodies_its_bill_of_materials(default: nx.DiGraph) -> None:
    used = math.fsum(
        default.edges[m, c]["amount"] * default.edges[c, "ICEV"]["amount"]
        for c in default.predecessors("ICEV") for m in default.predecessors(c)
    )
    # hand sum of the ICEV rows of bom.csv (kg): body+chassis 840.4254 + zinc coating 5.82
    # + tin in solder 0.0968 (2.42 kg of boards x 4 % Sn), lead in solder 0.0605 (x 2.5 % Pb),
    # ICE powertrain 190.2075, transmission 56.6, lead-acid 15.35, catalyst 0.0045, harness 12.6
    assert used == pytest.approx(1.1210074 + 0.0000968 + 0.0000605)


def test_mass_closes_along_the_copper_chain(default: nx.DiGraph) -> None:
    """Per t cathode, concentrate mass in = cathode + smelter and refinery residues."""
    smelt, refine = default.nodes["smelting:copper:CHN"], default.nodes["refining:copper:CHN"]
    anode = default.edges["smelting:copper:CHN", "refining:copper:CHN"]["amount"]
    cu_in = anode * default.edges[supply_market("copper"), "smelting:copper:CHN"]["amount"]
    concentrate = cu_in * supply_concentrate(default, "copper")[0]
    residues = refine["stressors"]["process_residue"] + anode * smelt["stressors"]["process_residue"]
    assert concentrate == pytest.approx(1.0 + residues)


def test_overrides_and_user_bom(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("component,material,kg_per_unit,source\nbody_chassis_ICEV,steel,1000,my teardown\n",
                   encoding="utf-8")
    G = graphs.build_default_network(bom=bom, overrides={"cn_coal_share": 0.3})
    assert G.edges["energy:coal_power:CHN", "energy:grid:CHN"]["amount"] == 0.3
    # the rest less China's gas (3.1 %) and oil (0.1 %) generation (grids.csv)
    assert G.edges["energy:other_power:CHN", "energy:grid:CHN"]["amount"] == pytest.approx(0.7 - 0.031 - 0.001)
    assert G.edges["material:steel", "component:body_chassis_ICEV"]["amount"] == 1.0
    assert "my teardown" in G.edges["material:steel", "component:body_chassis_ICEV"]["source"]
    assert not G.has_edge("material:glass", "component:body_chassis_ICEV")


def test_user_bom_errors_are_located(tmp_path: Path) -> None:
    bom = tmp_path / "bom.csv"
    bom.write_text("component,material,kg_per_unit,source\nbody_chassis_ICEV,unobtainium,1,x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        graphs.build_default_network(bom=bom)
    assert (info.value.file, info.value.row, info.value.column) == (str(bom), 2, "material")


def test_hidden_flows_only_where_extraction_happens(default: nx.DiGraph) -> None:
    for nid, data in default.nodes(data=True):
        hidden = {s for s in ("overburden", "waste_rock", "tailings") if data["stressors"].get(s)}
        if hidden:
            # boundary markets: the quarried minerals' PMF factors
            factor = data.get("boundary") and data["kind"] == "market"
            wells = data.get("carrier") in EXTRACTION_CARRIERS  # oil and gas (fuel_stressors.csv)
            coal = nid.startswith(("energy:coal:", f"{FEEDSTOCK_COAL}:", f"{OWN_USE_COAL}:"))  # coal mining, its twins
            assert data["kind"] in ("mine", "beneficiation") or coal or factor or wells, nid
        assert set(data["stressors"]) <= set(MASS_STRESSORS) | {"energy", "co2"}


def test_mine_site_electricity_by_hand(tiny_mines: pd.DataFrame, sourcing: Path) -> None:
    G = graphs.build_default_network(tiny_mines, sourcing=sourcing)
    # copper: 39 kWh per t ore (Calvo et al. 2016 median) x ore per t Cu x 0.0036 GJ/kWh
    # each site takes its own country's grid (issue 19; Chile's from graphs/data/grids.csv)
    assert G.edges["energy:grid:CHL", "beneficiation:cl1"]["amount"] == pytest.approx(39 * 100 * 0.0036)
    assert G.edges["energy:grid:CHN", "beneficiation:cn1"]["amount"] == pytest.approx(39 * 160 * 0.0036)
    assert G.edges["energy:grid:CHL", "beneficiation:cl1"]["uncertainty"].params == pytest.approx(
        (20 * 100 * 0.0036, 112 * 100 * 0.0036))
    # hard-rock lithium: the copper rate (assumption mine_power_kwh_per_t_ore_lithium) x 3000 t ore / 40 t Li
    assert G.edges["energy:grid:AUS", "beneficiation:au1"]["amount"] == pytest.approx(39 * 75 * 0.0036)


def test_smelter_residue_uses_the_supply_weighted_concentrate_mass(tiny_mines: pd.DataFrame, sourcing: Path) -> None:
    G = graphs.build_default_network(tiny_mines, sourcing=sourcing)
    assert G.nodes["beneficiation:cl1"]["concentrate_per_t"] == 4.0
    default = 1 / 0.2497  # no concentrate_t: basis content / concentrate grade of copper (mine_db.commodities)
    assert G.nodes["beneficiation:cn1"]["concentrate_per_t"] == pytest.approx(default)
    # supply shares CHL 0.6 (cl1 0.25 at 4.0, cl2 0.75 at 3.0), pool 0.2 (pe1 at 5.0), CHN 0.2 (cn1)
    mean = 0.6 * (0.25 * 4.0 + 0.75 * 3.0) + 0.2 * 5.0 + 0.2 * default
    assert supply_concentrate(G, "copper") == (pytest.approx(mean), 4)
    assert G.nodes["smelting:copper:CHN"]["stressors"]["process_residue"] == pytest.approx(mean / 0.975 - 1)


def test_mass_closes_over_the_whole_default_network(default: nx.DiGraph) -> None:
    """For the 2019 fleet: ore + coal + untraced inputs = tailings + process residues + used.

    Every tonne that enters (ore mined, coal as mined: saleable plus washery rejects, oil and
    gas, boundary materials, oxygen taken up, the lithium of brine whose brine mass mine_db
    does not trace) must leave as tailings,
    a residue or mass embodied in a vehicle; overburden and waste rock never enter.
    """
    import numpy as np
    import scipy.sparse as sp
    import scipy.sparse.linalg as spl

    nodes = list(default.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    rows, cols, vals = zip(*[(index[u], index[v], d["amount"]) for u, v, d in default.edges(data=True)],
                           strict=True)
    A = sp.csc_matrix((vals, (rows, cols)), shape=(len(nodes), len(nodes)))
    y = np.zeros(len(nodes))
    for vehicle, count in graphs.default_fleet().items():
        y[index[vehicle]] = count
    x = spl.spsolve((sp.identity(len(nodes), format="csc") - A).tocsc(), y)
    data = [default.nodes[n] for n in nodes]
    entering = math.fsum(
        xi * (
            (d["kind"] == "mine" and d.get("mine_type") != "brine")
            + n.startswith(("energy:coal:", f"{FEEDSTOCK_COAL}:")) * (1 + d["stressors"].get("tailings", 0.0))  # mined
            + n.startswith(f"{OWN_USE_COAL}:") * d["stressors"].get("process_residue", 0.0)  # mined per GJ, all burnt
            + (d["kind"] == "energy" and d.get("carrier") in EXTRACTION_CARRIERS)
            + (bool(d.get("boundary")) and d["unit"] == "t")
            + d.get("external_mass", 0.0)
            + (d["kind"] == "beneficiation" and d["commodity"] == "lithium" and d["concentrate_per_t"] == 1.0)
        )
        for n, d, xi in zip(nodes, data, x, strict=True)
    )
    leaving = math.fsum(
        xi * sum(d["stressors"].get(s, 0.0) for s in ("tailings", "process_residue", "used"))
        for d, xi in zip(data, x, strict=True)
    )
    assert leaving == pytest.approx(entering, rel=1e-6)
    assert entering > 1e8


FINEPRINT = Path("/work/shared/data/fineprint-mine-production/final_2022-06")


@pytest.mark.skipif(not FINEPRINT.exists(), reason="shared FINEPRINT copy not available")
def test_network_from_a_fineprint_import() -> None:
    from mine_db.fineprint import read_fineprint

    G = graphs.build_default_network(read_fineprint(FINEPRINT).sites)
    assert graphs.validate(G).ok
    notes = G.graph["notes"]
    # FINEPRINT has no Chinese iron-ore sites: China's share moves to the pool, and it says so
    assert "iron_ore: origin CHN has no sites in the mine table; its share goes to the pool" in notes
    assert any(n.startswith("graphite: no producing sites") for n in notes)
    assert G.nodes[supply_market("graphite")]["boundary"] is True
