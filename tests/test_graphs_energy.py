"""Country grids and coal mining (graphs/energy.py, grids.csv, coal_mines.csv; issue 19)."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import graphs
from graphs.build import default_parameters
from graphs.energy import add_grids
from graphs.energy_audit import audit_energy, world_grid_countries
from graphs.tables import bundled, read_rows
from hfcommon.errors import InputError

TABLE_1 = {  # H_energy_coal_steel.md Table 1, coal % of 2019 generation
    "CHN": 65.0, "CHL": 22.8, "PER": 0.6, "AUS": 56.6, "IDN": 62.6, "COD": 0.0, "ZMB": 8.1, "ZAF": 88.0,
    "BRA": 3.8, "GIN": 0.0, "RUS": 15.8, "CAN": 7.2, "PHL": 44.5, "JPN": 30.6, "KOR": 41.1, "FIN": 6.4,
    "NOR": 0.0, "USA": 23.2, "IND": 73.9, "WLD": 36.6,
}


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _coal_share(G: nx.DiGraph, country: str) -> float:
    edge = G.get_edge_data(f"energy:coal_power:{country}", f"energy:grid:{country}")
    return 0.0 if edge is None else edge["amount"]


@pytest.mark.parametrize("country", sorted(TABLE_1))
def test_every_table_1_country_has_its_2019_grid(default: nx.DiGraph, country: str) -> None:
    grid = f"energy:grid:{country}"
    assert default.nodes[grid]["carrier"] == "electricity"
    assert _coal_share(default, country) == pytest.approx(TABLE_1[country] / 100)
    total = sum(default.edges[p, grid]["amount"] for p in default.predecessors(grid))
    assert total == pytest.approx(1.0)
    for p in default.predecessors(grid):
        assert default.edges[p, grid]["source"]


def test_coal_is_mined_where_it_is_burnt_for_the_large_producers(default: nx.DiGraph) -> None:
    for country in ("CHN", "ZAF", "AUS", "IDN", "IND", "USA", "RUS"):
        coal = f"energy:coal:{country}"
        assert default.nodes[coal]["carrier"] == "coal" and default.nodes[coal]["country"] == country
        assert coal in set(default.predecessors(f"energy:coal_power:{country}"))
        assert default.nodes[coal]["stressor_sources"]["overburden"]
    assert "energy:coal:WLD" in set(default.predecessors("energy:coal_power:CHL"))
    # Australia: 65 % opencast (Scott et al. 2010) x 6.42 bcm/t (E10) x 1.22 t/bcm
    assert default.nodes["energy:coal:AUS"]["stressors"]["overburden"] == pytest.approx(0.65 * 6.42 * 1.22)
    # India: Coal India's overburden per t of all its output, no open-pit share
    assert default.nodes["energy:coal:IND"]["stressors"]["overburden"] == pytest.approx(1.91 * 1.22)
    assert default.nodes["energy:coal:AUS"]["stressor_uncertainty"]["overburden"].kind == "triangular"


def test_us_russian_and_indonesian_coal_take_their_own_open_pit_share(default: nx.DiGraph) -> None:
    """FINEPRINT 2019 coal by mining method (tools/defaults/fp_coal_method.py), by hand:
    USA (218.0 + 7.9 / 2) / 310.1 Mt, Russia (21.0 + 23.2 / 2) / 62.4, Indonesia (331.3 + 12.4 / 2) / 343.7."""
    params = default_parameters()
    assert params.value("usa_coal_open_pit_share") == pytest.approx((218.0 + 7.9 / 2) / 310.1, abs=1e-3)
    assert params.value("rus_coal_open_pit_share") == pytest.approx((21.0 + 23.2 / 2) / 62.4, abs=1e-3)
    assert params.value("idn_coal_open_pit_share") == pytest.approx((331.3 + 12.4 / 2) / 343.7, abs=1e-3)
    assert params["rus_coal_open_pit_share"].uncertainty.params == (0.337, 0.523, 0.709)
    overburden = {c: default.nodes[f"energy:coal:{c}"]["stressors"]["overburden"] for c in ("USA", "RUS", "IDN", "WLD")}
    # open-pit share x the 26-mine open-pit ratio 4.22 bcm/t (E10) x 1.22 t/bcm; Indonesia its own 5.35 bcm/t
    assert overburden["USA"] == pytest.approx(0.716 * 4.22 * 1.22)
    assert overburden["RUS"] == pytest.approx(0.523 * 4.22 * 1.22)
    assert overburden["IDN"] == pytest.approx(0.982 * 5.35 * 1.22)
    assert overburden["USA"] != overburden["WLD"] != overburden["RUS"]  # no longer the world stand-in


def test_sites_abroad_draw_their_own_grid(default: nx.DiGraph) -> None:
    for node, data in default.nodes(data=True):
        if data["kind"] != "beneficiation":
            continue
        grids = [p for p in default.predecessors(node) if p.startswith("energy:grid:")]
        for grid in grids:
            own = f"energy:grid:{data['country']}"
            assert grid == (own if own in default else "energy:grid:WLD"), node


def test_a_bad_grid_row_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "grids.csv"
    path.write_text("country,coal_share,coal_mined_in,source\nCHL,1.5,WLD,x\n", encoding="utf-8")
    G = nx.DiGraph()
    with pytest.raises(InputError) as info:
        add_grids(G, default_parameters(), path)
    assert info.value.row == 2 and info.value.column == "coal_share"
    path.write_text("country,coal_share,coal_mined_in,source\nCHL,0.2,Atlantis,x\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        add_grids(G, default_parameters(), path)
    assert info.value.column == "coal_mined_in"


OWID_2019 = {"MEX": 7.664, "MNG": 92.075, "KAZ": 70.119, "MAR": 42.615,  # OWID/BP/Ember, Coal (% electricity)
             "LAO": 42.518, "ESP": 4.747, "SWE": 0.125, "IRN": 0.195, "UKR": 29.215, "POL": 72.461,
             "TUR": 36.715, "PAK": 17.077, "TJK": 0.0, "TZA": 0.0, "KGZ": 7.117, "LKA": 22.994, "SDN": 0.0}
#: the same rows' coal and total generation, TWh: the share is their ratio (hand check of the reading)
OWID_2019_TWH = {"LAO": (14.356, 33.765), "ESP": (12.86, 270.89), "SWE": (0.21, 168.42), "IRN": (0.597, 306.298),
                 "UKR": (44.6, 152.66), "POL": (118.14, 163.04), "TUR": (111.17, 302.79), "PAK": (24.828, 145.386),
                 "KGZ": (1.056, 14.84), "LKA": (3.639, 15.824)}


@pytest.mark.parametrize("country", sorted(OWID_2019_TWH))
def test_an_owid_coal_share_is_its_coal_over_its_generation(country: str) -> None:
    coal, generation = OWID_2019_TWH[country]
    assert 100 * coal / generation == pytest.approx(OWID_2019[country], abs=0.005)  # TWh rounded to 3 decimals


@pytest.mark.parametrize("country", sorted(OWID_2019))
def test_grids_beyond_table_1_take_their_owid_2019_coal_share(default: nx.DiGraph, country: str) -> None:
    """Mine sites there drew most on the world grid before (issue 19); they burn world-average coal."""
    assert _coal_share(default, country) == pytest.approx(OWID_2019[country] / 100)
    # a coal-free grid (Tajikistan, Tanzania, Sudan) has no coal plant at all
    assert default.has_edge("energy:coal:WLD", f"energy:coal_power:{country}") == (OWID_2019[country] > 0)
    sites = [v for v in default.successors(f"energy:grid:{country}") if default.nodes[v]["country"] == country]
    assert sites and not any(default.nodes[v]["country"] == country
                             for v in default.successors("energy:grid:WLD"))


def test_chinese_coal_carries_its_gangue_as_waste_rock(default: nx.DiGraph) -> None:
    """10-15 % of China's coal output is mining waste (Liu & Liu 2010): 0.15 t per t, on top of overburden."""
    stressors = default.nodes["energy:coal:CHN"]["stressors"]
    assert stressors["waste_rock"] == pytest.approx(0.15)
    assert stressors["overburden"] > 0
    assert default.nodes["energy:coal:CHN"]["stressor_uncertainty"]["waste_rock"].params == pytest.approx((0.1, 0.15, 0.15))


#: Countries whose process nodes still take the world grid, and why (grids.csv header comment).
NOT_ON_OWN_GRID = {
    "CIV": "not in the OWID file: no Cote/Côte d'Ivoire row between Costa Rica and Croatia or Czechia and DR Congo",
}


def test_every_process_node_takes_its_own_grid_unless_declared(default: nx.DiGraph) -> None:
    """Issue 19: mines, concentrators, smelters and refineries draw their country's 2019 grid."""
    audit = audit_energy(default)
    assert set(world_grid_countries(audit).index) == set(NOT_ON_OWN_GRID)
    assert (audit["grid_status"] != "other").all()
    rows = {row.text("country") for row in read_rows(bundled("grids.csv"), ("country",))}
    assert not rows & set(NOT_ON_OWN_GRID)  # a declared country has no row: it cannot be half-wired


#: Read in owid/energy-data@077717d, 'Electricity mix from BP & EMBER (2022).csv', Year 2019:
#: Coal (% electricity), coal TWh and generation TWh (the rows added for the last world-grid nodes).
OWID_2019_LAST = {"VNM": (51.266, 133.008, 259.449), "SRB": (69.398, 25.58, 36.86), "XKX": (94.847, 5.685, 5.994)}


@pytest.mark.parametrize("country", sorted(OWID_2019_LAST))
def test_the_last_world_grid_countries_take_their_owid_2019_coal_share(default: nx.DiGraph, country: str) -> None:
    percent, coal, generation = OWID_2019_LAST[country]
    assert 100 * coal / generation == pytest.approx(percent, abs=0.005)
    assert _coal_share(default, country) == pytest.approx(percent / 100)
    assert default.has_edge("energy:coal:WLD", f"energy:coal_power:{country}")  # no coal_mines.csv row: world coal
