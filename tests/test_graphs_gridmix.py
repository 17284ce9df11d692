"""Gas- and oil-fired power in every grid (graphs/energy.py, grids.csv; issue 19 item 1)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import networkx as nx
import pytest

import graphs
from graphs.build import default_parameters
from graphs.energy import add_grids
from graphs.model import add_node
from hfcommon.errors import InputError

#: EIA Electric Power Annual Table 8.1, 2019 average operating heat rates (Btu/kWh) over 3,412.14 Btu/kWh.
GAS_RATE, OIL_RATE = 7725 / 3412.14, 11205 / 3412.14
#: IPCC 2006 Vol. 2 Table 1.4 (parameters.csv gas_co2_t_per_gj, fuel_oil_co2_t_per_gj), t CO2 per GJ burnt.
GAS_CO2, OIL_CO2 = 0.0561, 0.0774
#: 2019 shares of generation (coal, gas, oil): H_energy_coal_steel.md Table 1 (Chile, Peru) and
#: owid/energy-data@077717d (Mexico, Kazakhstan: Coal, Gas, Oil (% electricity)).
MIXES = {"CHL": (0.228, 0.211, 0.142), "PER": (0.006, 0.227, 0.150), "MEX": (0.07664, 0.5997, 0.11246),
         "KAZ": (0.70119, 0.18671, 0.00744), "CHN": (0.65, 0.031, 0.001), "WLD": (0.366, 0.231, 0.032),
         # gridmix2, the same file: Austria and Venezuela (off the world grid), Iran, Saudi Arabia, Germany
         "AUT": (0.02117, 0.16328, 0.04798), "VEN": (0.0, 0.41545, 0.0), "IRN": (0.00195, 0.62136, 0.25719),
         "SAU": (0.0, 0.58836, 0.4112), "DEU": (0.28498, 0.15119, 0.0361)}
#: the same OWID rows' gas, oil and total generation, TWh: each share is their ratio (hand check of the reading)
OWID_2019_GAS_OIL_TWH = {"AUT": (11.57, 3.4, 70.86), "VEN": (37.042, 0.0, 89.16), "IRN": (190.321, 78.776, 306.298),
                         "SAU": (212.67, 148.632, 361.462), "DEU": (90.96, 21.72, 601.63)}


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _grids(G: nx.DiGraph) -> list[str]:
    return [n for n in G if n.startswith("energy:grid:")]


def _share(G: nx.DiGraph, kind: str, country: str) -> float:
    edge = G.get_edge_data(f"energy:{kind}_power:{country}", f"energy:grid:{country}")
    return 0.0 if edge is None else edge["amount"]


def test_every_grid_is_its_shares_and_they_close(default: nx.DiGraph) -> None:
    for grid in _grids(default):
        inputs = {u: default.edges[u, grid]["amount"] for u in default.predecessors(grid)}
        fossil = sum(a for u, a in inputs.items() if not u.startswith("energy:other_power:"))
        assert fossil <= 1.0 + 1e-12, grid
        assert sum(inputs.values()) == pytest.approx(1.0), grid
        assert all(a >= 0 for a in inputs.values()), grid


@pytest.mark.parametrize("country", sorted(MIXES))
def test_grid_shares_are_the_2019_generation_mix(default: nx.DiGraph, country: str) -> None:
    coal, gas, oil = MIXES[country]
    assert _share(default, "coal", country) == pytest.approx(coal)
    assert _share(default, "gas", country) == pytest.approx(gas)
    assert _share(default, "oil", country) == pytest.approx(oil)
    assert _share(default, "other", country) == pytest.approx(1 - coal - gas - oil)


@pytest.mark.parametrize("country", sorted(OWID_2019_GAS_OIL_TWH))
def test_an_owid_gas_and_oil_share_is_its_twh_over_its_generation(country: str) -> None:
    gas, oil, generation = OWID_2019_GAS_OIL_TWH[country]
    assert gas / generation == pytest.approx(MIXES[country][1], abs=5e-5)  # TWh rounded to 3 decimals
    assert oil / generation == pytest.approx(MIXES[country][2], abs=5e-5)


def test_gas_and_oil_plants_burn_the_countrys_fuel_at_the_eia_heat_rate(default: nx.DiGraph) -> None:
    assert default.edges["energy:gas:CHL", "energy:gas_power:CHL"]["amount"] == pytest.approx(GAS_RATE)
    assert default.edges["energy:fuel_oil:CHL", "energy:oil_power:CHL"]["amount"] == pytest.approx(OIL_RATE)
    assert default.nodes["energy:gas:CHL"]["country"] == "CHL"  # its CO2 is booked in Chile
    assert default.has_edge("energy:gas:CHN", "energy:gas_power:CHN")  # China burns its own gas supply
    assert default.edges["energy:gas:CHL", "energy:gas_power:CHL"]["uncertainty"].params[0] == pytest.approx(2.038)
    assert "Table 8.1" in default.edges["energy:gas:CHL", "energy:gas_power:CHL"]["source"]


@pytest.mark.parametrize("country", ["CHL", "PER"])
def test_co2_per_gj_of_electricity_by_hand(default: nx.DiGraph, country: str) -> None:
    """Coal part from the world coal plant; gas and oil by hand: share x heat rate x IPCC factor."""
    coal, gas, oil = MIXES[country]

    @cache
    def co2(node: str) -> float:
        own = (default.nodes[node].get("stressors") or {}).get("co2", 0.0)
        return own + sum(default.edges[u, node]["amount"] * co2(u) for u in default.predecessors(node))

    by_hand = gas * GAS_RATE * GAS_CO2 + oil * OIL_RATE * OIL_CO2
    assert co2(f"energy:gas_power:{country}") == pytest.approx(GAS_RATE * GAS_CO2)
    assert co2(f"energy:other_power:{country}") == 0.0
    assert co2(f"energy:grid:{country}") == pytest.approx(coal * co2("energy:coal_power:WLD") + by_hand)
    # Chile: 0.211 x 2.264 x 0.0561 + 0.142 x 3.284 x 0.0774 = 0.0629 t per GJ from gas and oil (226 g/kWh)
    expected = {"CHL": 0.06289, "PER": 0.06697}[country]
    assert by_hand == pytest.approx(expected, abs=5e-5)


def test_clean_supply_of_every_grid_carries_nothing_upstream(default: nx.DiGraph) -> None:
    """The clean-energy scenario draws on other power: with gas and oil split out, it replaces every fossil share."""
    for grid in _grids(default):
        other = grid.replace("energy:grid:", "energy:other_power:")
        assert not list(default.predecessors(other)), other
        assert default.nodes[other]["stressors"].get("co2", 0.0) == 0.0


def test_a_grid_row_without_gas_and_oil_keeps_them_in_other_power(tmp_path: Path) -> None:
    """An unread gas/oil cell is declared, not guessed: the non-coal rest stays in other power."""
    path = tmp_path / "grids.csv"
    path.write_text("country,coal_share,coal_mined_in,gas_share,oil_share,source\nCHL,0.2,WLD,,,x\n", encoding="utf-8")
    G = nx.DiGraph()
    add_node(G, "energy:coal:WLD", kind="energy", name="coal", country="WLD", unit="t", carrier="coal")
    add_grids(G, default_parameters(), path)
    assert G.edges["energy:other_power:CHL", "energy:grid:CHL"]["amount"] == pytest.approx(0.8)
    assert "gas and oil not read" in G.edges["energy:other_power:CHL", "energy:grid:CHL"]["source"]
    assert "energy:gas_power:CHL" not in G


def test_fossil_shares_above_one_name_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "grids.csv"
    path.write_text("country,coal_share,coal_mined_in,gas_share,oil_share,source\nCHL,0.6,WLD,0.3,0.2,x\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        add_grids(nx.DiGraph(), default_parameters(), path)
    assert info.value.row == 2 and info.value.column == "coal_share" and "1.1" in info.value.message


def test_a_country_listed_twice_names_file_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "grids.csv"
    path.write_text("country,coal_share,coal_mined_in,source\nCHL,0.2,WLD,x\nCHL,0.3,WLD,y\n", encoding="utf-8")
    G = nx.DiGraph()
    add_node(G, "energy:coal:WLD", kind="energy", name="coal", country="WLD", unit="t", carrier="coal")
    with pytest.raises(InputError) as info:
        add_grids(G, default_parameters(), path)
    assert (info.value.row, info.value.column) == (3, "country") and "row 2" in info.value.message
