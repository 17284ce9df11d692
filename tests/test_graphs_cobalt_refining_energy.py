"""Cobalt refining's energy (issue 19 item 1): Dai et al. (2018) for GREET, hydroxide to sulphate in
China, 10.34 mmBtu of electricity and 26.838 mmBtu of natural gas per t cobalt; checked by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import graphs
from graphs.build import default_parameters
from tracer.compiled import compile_network
from tracer.engine import solve

GJ_PER_MMBTU = 1.055056  # 10^6 Btu of 1,055.056 J
KWH_GJ = 0.0036
GAS_CO2_T_PER_GJ = 0.0561  # IPCC 2006 Vol. 2 Table 1.4, natural gas 56,100 kg CO2/TJ
REFINERY = "refining:cobalt:CHN"


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def test_the_refinery_draws_dai_2018_electricity_and_burns_its_gas(default: nx.DiGraph) -> None:
    kwh, gas_gj = 10.34 * GJ_PER_MMBTU / KWH_GJ, 26.838 * GJ_PER_MMBTU
    assert (kwh, gas_gj) == pytest.approx((3030.36, 28.3156), abs=0.01)
    params = default_parameters()
    assert params.value("co_refine_kwh_per_t") == pytest.approx(kwh)
    assert params.value("co_refine_gas_gj_per_t") == pytest.approx(gas_gj)
    # the refinery's energy is its output (1 t cobalt) times the factors, China's grid and China's gas
    assert default.edges["energy:grid:CHN", REFINERY]["amount"] == pytest.approx(kwh * KWH_GJ)
    assert default.edges["energy:gas:CHN", REFINERY]["amount"] == pytest.approx(gas_gj)
    assert not default.has_edge("energy:coal_heat:CHN", REFINERY)
    # range: the sulphate route up to the metal route, which adds 3.4 kWh per kg cobalt (electrowinning)
    low, mode, high = default.edges["energy:grid:CHN", REFINERY]["uncertainty"].params
    assert (low, mode, high) == pytest.approx((kwh * KWH_GJ, kwh * KWH_GJ, (kwh + 3400) * KWH_GJ), rel=1e-5)
    # sourced now: no longer a modelling assumption
    assert "co_refine_kwh_per_t" not in default.graph["assumptions"]


def test_a_tonne_of_cobalt_refined_emits_its_gas_at_the_ipcc_factor(default: nx.DiGraph) -> None:
    gas_gj = default.edges["energy:gas:CHN", REFINERY]["amount"]
    co2 = gas_gj * default.nodes["energy:gas:CHN"]["stressors"]["co2"]
    assert co2 == pytest.approx(26.838 * GJ_PER_MMBTU * GAS_CO2_T_PER_GJ)
    assert co2 == pytest.approx(1.588, abs=1e-3)


def test_the_fleets_cobalt_refinery_burns_its_output_times_the_gas_rate(default: nx.DiGraph) -> None:
    compiled = compile_network(default)
    x = pd.Series(np.asarray(solve(compiled, compiled.demand(pd.Series(graphs.default_fleet())))).ravel(),
                  index=list(compiled.nodes))
    refined_t = x[REFINERY]
    assert 1e3 < refined_t < 1e5  # t cobalt refined for the 2019 fleet (about 8,070 t)
    gas_into_refinery = refined_t * default.edges["energy:gas:CHN", REFINERY]["amount"]
    assert gas_into_refinery == pytest.approx(refined_t * 26.838 * GJ_PER_MMBTU)
    # China's gas supply carries at least the refinery's draw, each GJ at the IPCC factor
    assert x["energy:gas:CHN"] >= gas_into_refinery
    assert default.nodes["energy:gas:CHN"]["stressors"]["co2"] == pytest.approx(GAS_CO2_T_PER_GJ)
