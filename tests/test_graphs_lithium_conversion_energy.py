"""China's conversion of spodumene concentrate (issue 19 item 1): the electricity and natural gas of a
Jiangxi converter's approved design (Xinlong, 10,000 t/a battery-grade Li2CO3: 50 million kWh and
12.384 million m3 of gas a year), on the output converted from concentrate; the plant burns gas only, so its
fuel is gas. Figures checked by hand."""

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

GAS_MJ_PER_M3 = 38.931  # GB/T 32151 default net calorific value of natural gas
GAS, COAL = "energy:gas:CHN", "energy:coal_heat:CHN"


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _brine_share(G: nx.DiGraph) -> float:
    params = default_parameters().extended(graphs.build.concentrate_parameters(G))
    return params.value("brine_share_lithium")


def _converted_share(G: nx.DiGraph, node: str, r: float = 0.85) -> float:
    """Share of a converter's lithium output made from concentrate (the rest is brine carbonate)."""
    b = _brine_share(G)
    c = li.LI_PER_LIOH_H2O / (1.05 * li.LI_PER_LI2CO3) if node == li.HYDROXIDE else 1.0
    return (1 - b) * r / ((1 - b) * r + b * c)


def test_the_read_plant_gives_electricity_and_fuel_per_t_lithium() -> None:
    params = default_parameters()
    kwh = li.XINLONG_KWH_PER_T_LI2CO3 / li.LI_PER_LI2CO3
    assert kwh == pytest.approx(26_614, abs=1)
    assert params.value("li_refine_kwh_per_t") == pytest.approx(kwh)
    gas_gj_per_t_li2co3 = li.XINLONG_GAS_M3_PER_T_LI2CO3 * GAS_MJ_PER_M3 / 1000
    assert gas_gj_per_t_li2co3 == pytest.approx(48.21, abs=0.01)
    assert params.value("li_refine_fuel_gj_per_t") == pytest.approx(gas_gj_per_t_li2co3 / li.LI_PER_LI2CO3)
    assert params.value("li_refine_fuel_gj_per_t") == pytest.approx(256.6, abs=0.1)
    # the same plant's whole energy in standard coal: 5,000 x 0.1229 + 1,238.4 x 1.2143 kgce = 2.12 t per t Li2CO3
    kgce = li.XINLONG_KWH_PER_T_LI2CO3 * 0.1229 + li.XINLONG_GAS_M3_PER_T_LI2CO3 * 1.2143
    assert kgce / 1000 == pytest.approx(2.118, abs=1e-3)


def test_the_carbonate_converter_burns_the_gas_on_its_converted_share(default: nx.DiGraph) -> None:
    share = _converted_share(default, li.CARBONATE)
    assert 0.7 < share < 1
    fuel = li.XINLONG_GAS_M3_PER_T_LI2CO3 * GAS_MJ_PER_M3 / 1000 / li.LI_PER_LI2CO3
    assert default.edges[GAS, li.CARBONATE]["amount"] == pytest.approx(fuel * share)
    assert default.edges["energy:grid:CHN", li.CARBONATE]["amount"] == pytest.approx(
        li.XINLONG_KWH_PER_T_LI2CO3 / li.LI_PER_LI2CO3 * li.KWH_GJ * share)
    # the plant read burns gas only: no coal row
    assert not default.has_edge(COAL, li.CARBONATE)


def test_the_hydroxide_plant_adds_converter_gas_to_the_causticising_gas(default: nx.DiGraph) -> None:
    share = _converted_share(default, li.HYDROXIDE)
    converter = li.XINLONG_GAS_M3_PER_T_LI2CO3 * GAS_MJ_PER_M3 / 1000 / li.LI_PER_LI2CO3 * share
    causticising = 21 / li.LI_PER_LIOH_H2O * (1 - share)  # Kelly et al. 2021 on the brine carbonate's share
    assert default.edges[GAS, li.HYDROXIDE]["amount"] == pytest.approx(converter + causticising)
    assert not default.has_edge(COAL, li.HYDROXIDE)


def test_the_gas_edge_carries_the_calorific_and_recovery_range(default: nx.DiGraph) -> None:
    dist = default.edges[GAS, li.CARBONATE]["uncertainty"]
    low, nominal, high = dist.params
    assert nominal == pytest.approx(default.edges[GAS, li.CARBONATE]["amount"])
    # lowest: GB/T 2589's 1.10 kgce/m3 (32.24 MJ) and the lowest recovery
    b, r = _brine_share(default), default_parameters()["li_refine_recovery"].uncertainty.params[0]
    gas_gj_per_t_li = li.XINLONG_GAS_M3_PER_T_LI2CO3 * 32.24 / 1000 / li.LI_PER_LI2CO3
    assert low == pytest.approx(gas_gj_per_t_li * (1 - b) * r / ((1 - b) * r + b), rel=1e-3)
    # highest: all gas at GB/T 2589's 1.33 kgce/m3 (38.98 MJ) and the highest recovery (0.9)
    b = _brine_share(default)
    top = li.XINLONG_GAS_M3_PER_T_LI2CO3 * 38.98 / 1000 / li.LI_PER_LI2CO3 * (1 - b) * 0.9 / ((1 - b) * 0.9 + b)
    assert high == pytest.approx(top, rel=1e-3)


def test_the_fleets_converters_burn_the_rate_times_their_output(default: nx.DiGraph) -> None:
    compiled = compile_network(default)
    x = pd.Series(np.asarray(solve(compiled, compiled.demand(pd.Series(graphs.default_fleet())))).ravel(),
                  index=list(compiled.nodes))
    fuel = li.XINLONG_GAS_M3_PER_T_LI2CO3 * GAS_MJ_PER_M3 / 1000 / li.LI_PER_LI2CO3
    converter_gj = sum(x[n] * fuel * _converted_share(default, n) for n in (li.CARBONATE, li.HYDROXIDE))
    burnt = sum(x[n] * default.edges[GAS, n]["amount"] for n in (li.CARBONATE, li.HYDROXIDE))
    causticising = x[li.HYDROXIDE] * 21 / li.LI_PER_LIOH_H2O * (1 - _converted_share(default, li.HYDROXIDE))
    assert burnt == pytest.approx(converter_gj + causticising)
    # some thousands of t of lithium converted behind the 2019 fleet: a few PJ of gas, ~0.1 Mt CO2
    assert 1e6 < converter_gj < 1e7
    assert 0.05e6 < converter_gj * li.GAS_CO2_T_PER_GJ < 0.5e6
