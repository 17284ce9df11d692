"""China's energy-consumption-limit standards in the default network (issue 19): the iron-ore,
graphite and coal sites (GB 31335-2024, GB 45549-2025, GB 29445-2025), copper, zinc and
manganese-alloy plants (GB 25323-2023, GB 21341-2022), each edge checked by hand from grade 2
and the declared shares; a country filter of fuel_use.csv keeps a Chinese rate off other sites."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

import graphs
from graphs.fuels import add_fuel_use
from graphs.mines import MINE_COLUMNS
from hfcommon.errors import InputError

SCE_GJ = 29.3076 / 1000  # GJ per kgce (GB/T 2589)
KWH_PER_KGCE = 29.3076 / 3.6  # electricity at its calorific value, 1 / 0.1228 kgce per kWh
KWH_GJ = 0.0036
GRID = "energy:grid:CHN"


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _amount(G: nx.DiGraph, supplier: str, consumer: str) -> float:
    return G.edges[supplier, consumer]["amount"]


def _ore_per_t(G: nx.DiGraph, site: str) -> float:
    return _amount(G, f"mine:{site}", f"beneficiation:{site}")


def test_chinese_iron_ore_concentrators_draw_gb31335_electricity(default: nx.DiGraph) -> None:
    # weak-magnetic beneficiation 2.50 kgce x 0.9 electric + open-pit mining 0.45 x 0.5, per t crude ore
    kwh_per_t_ore = (2.50 * 0.9 + 0.45 * 0.5) * KWH_PER_KGCE
    assert kwh_per_t_ore == pytest.approx(20.149, abs=1e-3)
    site = "chn-rest-iron_ore"
    edge = default.edges[GRID, f"beneficiation:{site}"]
    assert edge["amount"] == pytest.approx(kwh_per_t_ore * _ore_per_t(default, site) * KWH_GJ)
    low, mode, high = edge["uncertainty"].params
    assert low < mode < high and mode == pytest.approx(edge["amount"])
    # grade 3 with every share and the ore basis at their high ends bounds the range
    assert high == pytest.approx((3.46 * 1.0 + 0.69 * 0.8) * KWH_PER_KGCE * _ore_per_t(default, site) * KWH_GJ)


def test_other_iron_ore_concentrators_keep_the_taconite_rate(default: nx.DiGraph) -> None:
    canadian = [n for n, d in default.nodes(data=True)
                  if d["kind"] == "beneficiation" and d.get("commodity") == "iron_ore" and d["country"] == "CAN"]
    assert canadian
    for node in canadian:
        site = node.removeprefix("beneficiation:")
        if default.nodes[node]["concentrate_per_t"] >= _ore_per_t(default, site) * (1 - 1e-9):
            continue  # direct shipping: its own rate
        grid = next(u for u in default.predecessors(node) if u.startswith("energy:grid:"))
        assert _amount(default, grid, node) == pytest.approx(28.36 * _ore_per_t(default, site) * KWH_GJ)


def test_chinese_graphite_takes_gb45549_per_t_concentrate_and_burns_the_rest(default: nx.DiGraph) -> None:
    node = "beneficiation:chn-rest-graphite"
    per_t_concentrate = default.nodes[node]["concentrate_per_t"]
    assert _amount(default, GRID, node) == pytest.approx(155 * 0.85 * KWH_PER_KGCE * per_t_concentrate * KWH_GJ)
    assert _amount(default, "energy:coal_heat:CHN", node) == pytest.approx(155 * 0.15 * SCE_GJ)
    # graphite concentrators elsewhere burn no Chinese standard's coal and keep the copper-ore rate
    for other in (n for n, d in default.nodes(data=True)
                  if d["kind"] == "beneficiation" and d.get("commodity") == "graphite" and d["country"] != "CHN"):
        assert not any(u.startswith("energy:coal_heat") for u in default.predecessors(other))
        grid = next(u for u in default.predecessors(other) if u.startswith("energy:grid:"))
        site = other.removeprefix("beneficiation:")
        assert _amount(default, grid, other) == pytest.approx(39 * _ore_per_t(default, site) * KWH_GJ)


def test_chinas_coal_mines_draw_power_coal_and_diesel_by_gb29445(default: nx.DiGraph) -> None:
    coal, twin = "energy:coal:CHN", "energy:coal_own_use:CHN"
    underground, surface = 0.87 * 6.2, 0.13 * 5.4  # kgce per t raw coal, weighted by the 87 / 13 split
    kwh = (underground * 0.7 + surface * 0.3) * KWH_PER_KGCE
    assert kwh == pytest.approx(32.453, abs=1e-3)
    share = 0.65  # coal in China's 2019 generation
    plant_coal = (0.330 - 0.0245 * 8 / 9) / 1000 / 0.0036 / 0.7143  # 2019 plant rate, t raw coal per GJ electricity
    raw_coal_gj = 29.3076 * 0.7143
    boiler = underground * 0.3 * SCE_GJ  # GJ of boiler coal
    assert _amount(default, twin, coal) == pytest.approx(kwh * KWH_GJ * share * plant_coal * raw_coal_gj + boiler)
    assert _amount(default, twin, coal) / raw_coal_gj == pytest.approx(0.0114, abs=1e-4)  # t coal per t
    assert _amount(default, "energy:other_power:CHN", coal) == pytest.approx(kwh * KWH_GJ * (1 - share))
    assert _amount(default, "energy:diesel:CHN", coal) == pytest.approx(surface * 0.7 * SCE_GJ)
    # per t, the twin mines and burns like the mine, carries the burnt tonne, and draws nothing: no loop
    per_t = {k: v * raw_coal_gj for k, v in default.nodes[twin]["stressors"].items()}
    assert per_t == pytest.approx({**default.nodes[coal]["stressors"], "process_residue": 1.0})
    assert default.in_degree(twin) == 0 and nx.is_directed_acyclic_graph(default)


def test_copper_zinc_and_manganese_plants_by_hand(default: nx.DiGraph) -> None:
    # GB 25323-2023: anode copper 140 kgce, 70 % electricity; electrolysis 85 kgce less 350 kWh as steam coal
    assert _amount(default, GRID, "smelting:copper:CHN") == pytest.approx(140 * 0.7 * KWH_PER_KGCE * KWH_GJ)
    refine_coal = 85 * SCE_GJ - 350 * KWH_GJ
    assert refine_coal == pytest.approx(1.2312, abs=1e-4)
    assert _amount(default, "energy:coal_heat:CHN", "refining:copper:CHN") == pytest.approx(refine_coal)
    # hydrometallurgical zinc with residue treatment, 1,040 kgce, less 3,300 kWh of electrowinning
    assert _amount(default, "energy:coal_heat:CHN", "refining:zinc:CHN") == pytest.approx(1040 * SCE_GJ - 3300 * KWH_GJ)
    # GB 21341-2022: 4,000 kWh per t silicomanganese at 65 % Mn
    assert _amount(default, GRID, "smelting:manganese:CHN") == pytest.approx(4000 / 0.65 * KWH_GJ)


def test_a_country_filter_narrows_a_fuel_row(tmp_path: Path) -> None:
    site = {"mine_id": "pit", "name": "PIT", "country": "CHL", "commodity": "copper", "mine_type": "open_pit",
            "resolution": "mine", "metal_t": 10, "ore_t": 1000, "grade": 0.01, "recovery": 0.9, "strip_ratio": 1.0,
            "overburden_t": 1000, "waste_rock_t": 0, "tailings_t": 960, "source": "fixture"}
    home = {**site, "mine_id": "home", "name": "HOME", "country": "CHN"}
    sourcing = tmp_path / "sourcing.csv"
    sourcing.write_text("commodity,origin,amount,content_factor,unit,source\ncopper,other,1,1,t Cu,fixture\n",
                        encoding="utf-8")
    G = graphs.build_default_network(pd.DataFrame([site, home], columns=MINE_COLUMNS), sourcing=sourcing)
    use = tmp_path / "fuel_use.csv"
    use.write_text("consumer,commodity,fuel,amount,basis,source,country\n"
                   "kind=beneficiation,copper,coal,2,output,fixture,CHN\n", encoding="utf-8")
    add_fuel_use(G, graphs.build.default_parameters(), use)
    assert G.edges["energy:coal_heat:CHN", "beneficiation:home"]["amount"] == 2
    assert not any(u.startswith("energy:coal_heat") for u in G.predecessors("beneficiation:pit"))
    use.write_text("consumer,commodity,fuel,amount,basis,source,country\n"
                   "kind=beneficiation,copper,coal,2,output,fixture,Atlantis\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        add_fuel_use(G, graphs.build.default_parameters(), use)
    assert (info.value.file, info.value.row, info.value.column) == (str(use), 2, "country")
