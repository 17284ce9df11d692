"""Issue 19's last boundary reads (bound19): the fuel oil of the RKEF lines that smelt the
laterite share of China's nickel. PT Vale Indonesia's 2015 sustainability report gives
21.34 barrels per t of nickel in matte (20.89 in 2014, 30.75 in 2013); a US barrel is 42
gallons and residual fuel oil carries 0.145 mmBtu per gallon (EPA, as transcribed in
ORNL-AMO/VERIFI). Every number is recomputed by hand here."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import graphs
from graphs.build import default_parameters
from tracer.compiled import compile_network
from tracer.engine import solve

SMELTER = "smelting:nickel:CHN"
FUEL_OIL = "energy:fuel_oil:CHN"
GJ_PER_BARREL = 42 * 0.145 * 1.055056  # US gallons per barrel x mmBtu per gallon x GJ per mmBtu
HSFO_GJ_PER_T_NI = 21.34 * GJ_PER_BARREL  # PT Vale Indonesia 2015
LATERITE_SHARE = 0.611973  # route_share_nickel_laterite at nominal (pinned by test_nickel_routes.py)
FUEL_OIL_CO2_T_PER_GJ = 0.0774  # IPCC 2006 residual fuel oil
FUEL_OIL_GJ_PER_T = 40.4  # IPCC 2006 residual fuel oil


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def test_the_rkef_fuel_oil_per_t_nickel_is_vales_barrels_at_epas_heat_content() -> None:
    params = default_parameters()
    barrels = params["rkef_hsfo_bbl_per_t_ni"]
    assert barrels.value == 21.34
    assert barrels.uncertainty.kind == "triangular" and barrels.uncertainty.params == (20.89, 21.34, 30.75)
    assert "Barrel/ton" in barrels.source and "label is not in the stored text" in barrels.source
    assert GJ_PER_BARREL == pytest.approx(6.4253, abs=1e-4)
    assert HSFO_GJ_PER_T_NI == pytest.approx(137.116, abs=1e-3)
    assert params["ni_rkef_fuel_oil_gj_per_t"].value == pytest.approx(HSFO_GJ_PER_T_NI, rel=1e-12)


def test_the_smelter_burns_it_on_the_laterite_share_only(default: nx.DiGraph) -> None:
    edge = default.edges[FUEL_OIL, SMELTER]
    assert edge["amount"] == pytest.approx(LATERITE_SHARE * HSFO_GJ_PER_T_NI, rel=1e-6)
    assert edge["amount"] == pytest.approx(83.91, abs=0.01)
    assert "PT Vale Indonesia" in edge["source"] and "ni_rkef_fuel_oil_gj_per_t = 137.116" in edge["source"]
    # range: 2014's 20.89 and 2013's 30.75 barrels per t Ni, the share held at nominal
    low, mode, high = edge["uncertainty"].params
    assert (low, mode, high) == pytest.approx(
        tuple(LATERITE_SHARE * b * GJ_PER_BARREL for b in (20.89, 21.34, 30.75)), rel=1e-6)


def test_a_sourcing_table_without_routes_burns_no_rkef_fuel_oil(tmp_path: Path) -> None:
    sourcing = tmp_path / "sourcing.csv"
    sourcing.write_text("commodity,origin,amount,content_factor,unit,source\nnickel,other,1,1,t Ni,fixture\n",
                        encoding="utf-8")
    G = graphs.build_default_network(sourcing=sourcing)
    assert G.edges[FUEL_OIL, SMELTER]["amount"] == 0


def test_the_fleets_extra_fuel_oil_is_its_nickel_output_times_the_rkef_figure(default: nx.DiGraph) -> None:
    without = default.copy()
    without.remove_edge(FUEL_OIL, SMELTER)
    x, x0 = _activity(default), _activity(without)
    assert x[SMELTER] == pytest.approx(x0[SMELTER], rel=1e-12)  # the fuel moves no nickel
    extra_gj = x[SMELTER] * LATERITE_SHARE * HSFO_GJ_PER_T_NI
    assert x[FUEL_OIL] - x0[FUEL_OIL] == pytest.approx(extra_gj, rel=1e-6)
    # burnt as China's residual fuel oil: IPCC's 77.4 t CO2 per TJ, its mass at 40.4 GJ per t
    stressors = default.nodes[FUEL_OIL]["stressors"]
    assert stressors["co2"] == pytest.approx(FUEL_OIL_CO2_T_PER_GJ)
    assert stressors["process_residue"] == pytest.approx(1 / FUEL_OIL_GJ_PER_T)
    assert extra_gj / FUEL_OIL_GJ_PER_T / x[SMELTER] == pytest.approx(0.611973 * 137.116 / 40.4, rel=1e-5)  # 2.08 t per t


def _activity(G: nx.DiGraph) -> pd.Series:
    compiled = compile_network(G)
    x = solve(compiled, compiled.demand(pd.Series(graphs.default_fleet())))
    return pd.Series(np.asarray(x).ravel(), index=list(compiled.nodes))
