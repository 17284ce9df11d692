"""Lithium from brine (issue 19 item 1): the salar carbonate plants' energy by Schenker et al. (2022) and
brine carbonate to hydroxide by Kelly et al. (2021), read in premise 2.5.5's lci-lithium.xlsx; China's
converters apply the concentrate route's recovery and energy only to the share of their feed that is
concentrate. Figures checked by hand."""

from __future__ import annotations

import lithium_chain as li
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import graphs
from graphs.build import default_parameters
from tracer.compiled import compile_network
from tracer.engine import solve

CONVERTER_KWH_PER_T_LI = li.XINLONG_KWH_PER_T_LI2CO3 / li.LI_PER_LI2CO3
ATACAMA = "beneficiation:chl-salar-de-atacama-sqm-lithium"
QARHAN = "beneficiation:chn-qarhan-lanke-lithium"


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _brine_share_by_hand(G: nx.DiGraph) -> float:
    """Chile and Argentina mine only brine; China's market mixes Qarhan (brine) with the rest."""
    share = {c: G.edges[f"market:lithium:{c}", li.SUPPLY]["amount"] for c in ("CHL", "ARG", "CHN")}
    qarhan = G.edges[QARHAN, "market:lithium:CHN"]["amount"]
    return share["CHL"] + share["ARG"] + share["CHN"] * qarhan


def test_a_salar_plant_burns_its_output_times_the_read_gas_and_draws_its_grid(default: nx.DiGraph) -> None:
    gas_gj = 22.984 / li.LI_PER_LI2CO3  # MJ per kg Li2CO3 = GJ per t Li2CO3, over t Li per t Li2CO3
    assert gas_gj == pytest.approx(122.34, abs=0.01)
    assert default.edges["energy:gas:CHL", ATACAMA]["amount"] == pytest.approx(gas_gj)
    grid_gj = 0.45954 * 1000 / li.LI_PER_LI2CO3 * li.KWH_GJ
    assert default.edges["energy:grid:CHL", ATACAMA]["amount"] == pytest.approx(grid_gj)
    # the gas is burnt in Chile, at the IPCC factor: 6.86 t CO2 per t Li
    assert default.nodes["energy:gas:CHL"]["stressors"]["co2"] == pytest.approx(li.GAS_CO2_T_PER_GJ)
    assert gas_gj * li.GAS_CO2_T_PER_GJ == pytest.approx(6.863, abs=1e-3)
    # Qarhan's adsorption plant is in China, on China's gas and grid
    assert default.edges["energy:gas:CHN", QARHAN]["amount"] == pytest.approx(298.19 / li.LI_PER_LI2CO3)
    assert default.edges["energy:grid:CHN", QARHAN]["amount"] == pytest.approx(27.755e3 / li.LI_PER_LI2CO3 * li.KWH_GJ)
    # China's mineral sites keep their concentrator rate, not the brine plant's
    assert not default.has_edge("energy:gas:CHN", "beneficiation:chn-rest-lithium")


def test_the_brine_share_is_the_brine_sites_share_of_chinas_supply(default: nx.DiGraph) -> None:
    by_hand = _brine_share_by_hand(default)
    assert 0.05 < by_hand < 0.3
    params = default_parameters().extended(graphs.build.concentrate_parameters(default))
    assert params.value("brine_share_lithium") == pytest.approx(by_hand)
    assert params.value("brine_share_copper") == 0.0


def test_the_converter_draws_concentrate_at_1_over_r_and_brine_carbonate_whole(default: nx.DiGraph) -> None:
    b, r = _brine_share_by_hand(default), 0.85
    drawn = 1 / ((1 - b) * r + b)
    assert default.edges[li.SUPPLY, li.CARBONATE]["amount"] == pytest.approx(drawn)
    # conversion electricity only on the output converted from concentrate
    converted = (1 - b) * r * drawn
    converter_gj = CONVERTER_KWH_PER_T_LI * li.KWH_GJ * converted
    assert default.edges["energy:grid:CHN", li.CARBONATE]["amount"] == pytest.approx(converter_gj)
    # the concentrate drawn per t of lithium converted from it is 1/r, whatever r
    low = graphs.build_default_network(overrides={"li_refine_recovery": 0.7})
    for G, recovery in ((default, r), (low, 0.7)):
        drawn_at = G.edges[li.SUPPLY, li.CARBONATE]["amount"]
        assert drawn_at == pytest.approx(1 / ((1 - b) * recovery + b))
        concentrate, converted_out = (1 - b) * drawn_at, (1 - b) * recovery * drawn_at
        assert concentrate / converted_out == pytest.approx(1 / recovery)
    assert low.edges[li.SUPPLY, li.CARBONATE]["amount"] > drawn


def test_brine_carbonate_turned_into_hydroxide_takes_kelly_2021(default: nx.DiGraph) -> None:
    b, r = _brine_share_by_hand(default), 0.85
    c = li.LI_PER_LIOH_H2O / (1.05 * li.LI_PER_LI2CO3)
    assert c == pytest.approx(0.8385, abs=1e-4)
    out = (1 - b) * r + b * c
    assert default.edges[li.SUPPLY, li.HYDROXIDE]["amount"] == pytest.approx(1 / out)
    brine_out = b * c / out  # share of the hydroxide made from brine carbonate
    converter_gas = 12.384e6 * 38.931 / 1000 / 10_000 / li.LI_PER_LI2CO3  # Xinlong's gas per t Li converted
    assert default.edges["energy:gas:CHN", li.HYDROXIDE]["amount"] == pytest.approx(
        21 / li.LI_PER_LIOH_H2O * brine_out + converter_gas * (1 - b) * r / out)
    diesel_gj = 3 / li.LI_PER_LIOH_H2O * brine_out
    assert default.edges["energy:diesel:CHN", li.HYDROXIDE]["amount"] == pytest.approx(diesel_gj)
    kwh = CONVERTER_KWH_PER_T_LI * (1 - b) * r / out + 5000 / 3.6 / li.LI_PER_LIOH_H2O * brine_out
    assert default.edges["energy:grid:CHN", li.HYDROXIDE]["amount"] == pytest.approx(kwh * li.KWH_GJ)


def test_the_converters_residue_closes_their_mass_balance(default: nx.DiGraph) -> None:
    params = default_parameters().extended(graphs.build.concentrate_parameters(default))
    per_t = params.value("concentrate_per_t_lithium")
    for node in (li.CARBONATE, li.HYDROXIDE):
        drawn = default.edges[li.SUPPLY, node]["amount"]
        assert default.nodes[node]["stressors"]["process_residue"] == pytest.approx(per_t * drawn - 1)


def test_the_fleets_salar_plant_burns_its_output_times_the_rate_at_the_ipcc_factor(default: nx.DiGraph) -> None:
    compiled = compile_network(default)
    x = pd.Series(np.asarray(solve(compiled, compiled.demand(pd.Series(graphs.default_fleet())))).ravel(),
                  index=list(compiled.nodes))
    li_t = x[ATACAMA]
    assert 10 < li_t < 1e4  # t Li from Salar de Atacama behind the 2019 fleet
    gas_gj = li_t * default.edges["energy:gas:CHL", ATACAMA]["amount"]
    assert gas_gj == pytest.approx(li_t * 22.984 / li.LI_PER_LI2CO3)
    assert gas_gj * default.nodes["energy:gas:CHL"]["stressors"]["co2"] == pytest.approx(li_t * 6.8628, rel=1e-4)
    # Chile's gas supply carries at least the plant's draw
    assert x["energy:gas:CHL"] >= gas_gj
