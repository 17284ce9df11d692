"""Nickel smelting by route (issue 19): the laterite share of China's supply, taken from the
`route` column of sourcing.csv, draws the rotary kiln-electric furnace electricity and burns the
RKEF coal read for PT Vale Indonesia; the rest keeps the sulphide figures of GB 25323-2023.
Every number here is recomputed by hand."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import graphs
from graphs.build import default_parameters, route_parameters
from graphs.mines import read_sourcing
from hfcommon.errors import InputError
from tracer.compiled import compile_network
from tracer.engine import solve

KWH_GJ = 0.0036
SCE_GJ = 29.3076  # GB/T 2589
SMELTER = "smelting:nickel:CHN"

# China's 2019 nickel supply by origin, t Ni, from the sourcing rows at nominal parameters
POOLED_FENI = 1036200 + 209549 + 40571 + 55744  # 2019 mine output of IDN, NCL, COL, BRA (WMD)
ORE_NI = 0.012 * (1 - 0.3)  # direct-shipping ore 1.20 % Ni, 30 % moisture
MHP_NI = (1 - 0.63) * 0.39  # SMM: 63 % moisture, 39 % Ni
LATERITE = {
    "IDN": 23.9e6 * ORE_NI + 2 * 97000 * 1036200 / POOLED_FENI,
    "PHL": (56.13e6 - 23.9e6) * ORE_NI,
    "NCL": 2 * 97000 * 209549 / POOLED_FENI,
    "COL": 2 * 97000 * 40571 / POOLED_FENI,
    "BRA": 2 * 97000 * 55744 / POOLED_FENI,
}
OTHER = {
    "CHN": 104674,
    "RUS": 2 * 70000 * 1214.6 / (1214.6 + 631.1),
    "AUS": 2 * 70000 * 631.1 / (1214.6 + 631.1),
    "other": 2 * 57000 + (380200 - 197700) * MHP_NI + 10800 * 0.78,  # + nickel matte (2020 tonnage, 78 % Ni)
    "PNG": 197700 * MHP_NI,
}
LATERITE_SHARE = sum(LATERITE.values()) / (sum(LATERITE.values()) + sum(OTHER.values()))
RKEF_KWH_PER_T_NI = 700 / (0.012 * 0.9)  # China RKEF 700 kWh/t dry ore (2018); 1.20 % Ni dry ore; 90 % recovery
SULPHIDE_KWH_PER_T_NI = (3650 - 1380) * SCE_GJ / 1000 * 0.5 / KWH_GJ  # GB 25323-2023 Table 7, half electricity
SULPHIDE_COAL_GJ_PER_T_NI = (3650 - 1380) * SCE_GJ / 1000 * 0.5  # ... and the other half burnt as coal
RAW_COAL_GJ = SCE_GJ * 0.7143  # NBS raw coal, 5,000 kcal/kg
RKEF_COAL_T_PER_T_NI = 426429 / 72237  # PT Vale Indonesia 2020: coal used / nickel in matte
RKEF_COAL_GJ_PER_T_NI = RKEF_COAL_T_PER_T_NI * RAW_COAL_GJ


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def test_the_laterite_share_is_the_laterite_rows_of_the_sourcing_table() -> None:
    origins = read_sourcing(default_parameters())
    assert {o.origin for o in origins["nickel"] if o.route == "laterite"} == set(LATERITE)
    assert LATERITE_SHARE == pytest.approx(0.6120, abs=1e-4)
    share = route_parameters(origins)["route_share_nickel_laterite"]
    assert share.value == pytest.approx(LATERITE_SHARE, rel=1e-9)
    assert "IDN, PHL, NCL, COL, BRA" in share.source


def test_the_smelter_draws_the_rkef_furnace_on_the_laterite_share(default: nx.DiGraph) -> None:
    assert RKEF_KWH_PER_T_NI == pytest.approx(64815, abs=1)
    expected = ((1 - LATERITE_SHARE) * SULPHIDE_KWH_PER_T_NI + LATERITE_SHARE * RKEF_KWH_PER_T_NI) * KWH_GJ
    edge = default.edges["energy:grid:CHN", SMELTER]
    assert edge["amount"] == pytest.approx(expected, rel=1e-9)
    assert "ni_rkef_kwh_per_t = 64814.8" in edge["source"] and "route_share_nickel_laterite = 0.611973" in edge["source"]
    # range: 400-700 kWh/t dry ore (Hatch best practice to the China figure), 85-95 % recovery, the sulphide ranges
    low, _, high = edge["uncertainty"].params
    assert low < expected < high


def test_the_smelter_burns_the_rkef_coal_on_the_laterite_share(default: nx.DiGraph) -> None:
    assert RKEF_COAL_T_PER_T_NI == pytest.approx(5.903, abs=1e-3)
    assert RKEF_COAL_GJ_PER_T_NI == pytest.approx(123.58, abs=0.01)
    expected = (1 - LATERITE_SHARE) * SULPHIDE_COAL_GJ_PER_T_NI + LATERITE_SHARE * RKEF_COAL_GJ_PER_T_NI
    edge = default.edges["energy:coal_heat:CHN", SMELTER]
    assert edge["amount"] == pytest.approx(expected, rel=1e-9)
    assert edge["amount"] == pytest.approx(88.53, abs=0.01)
    assert "PT Vale Indonesia" in edge["source"] and "ni_rkef_coal_gj_per_t = 123.58" in edge["source"]
    # range, corners moving together: GB 25323 grades 1 and 3 with the electricity share's ends (sulphide
    # share); 2022's 292,341 t coal over 60,090 t Ni (after the switch to fuel oil) to 2020's figure (laterite)
    low, _, high = edge["uncertainty"].params
    sulphide_low, sulphide_high = (3450 - 2000) * SCE_GJ / 1000 * 0.3, (4680 - 1300) * SCE_GJ / 1000 * 0.7
    rkef_low = 292341 / 60090 * RAW_COAL_GJ
    assert (low, high) == pytest.approx(((1 - LATERITE_SHARE) * sulphide_low + LATERITE_SHARE * rkef_low,
                                         (1 - LATERITE_SHARE) * sulphide_high + LATERITE_SHARE * RKEF_COAL_GJ_PER_T_NI),
                                        rel=1e-6)


def test_the_fleets_extra_coal_is_its_nickel_output_times_the_laterite_coal(default: nx.DiGraph) -> None:
    sulphide_only = default.copy()
    sulphide_only.edges["energy:coal_heat:CHN", SMELTER]["amount"] = SULPHIDE_COAL_GJ_PER_T_NI
    x, x0 = _activity(default), _activity(sulphide_only)
    extra_gj = x[SMELTER] * LATERITE_SHARE * (RKEF_COAL_GJ_PER_T_NI - SULPHIDE_COAL_GJ_PER_T_NI)
    assert x["energy:coal_heat:CHN"] - x0["energy:coal_heat:CHN"] == pytest.approx(extra_gj, rel=1e-9)
    # mined in China at the network's heating value of raw coal: 5.90 t per t laterite nickel, less the sulphide figure
    assert x["energy:coal:CHN"] - x0["energy:coal:CHN"] == pytest.approx(extra_gj / RAW_COAL_GJ, rel=1e-9)
    assert extra_gj / RAW_COAL_GJ == pytest.approx(
        x[SMELTER] * LATERITE_SHARE * (RKEF_COAL_T_PER_T_NI - SULPHIDE_COAL_GJ_PER_T_NI / RAW_COAL_GJ), rel=1e-12)


def test_a_sourcing_table_without_routes_keeps_the_sulphide_figure(tmp_path: Path) -> None:
    sourcing = tmp_path / "sourcing.csv"
    sourcing.write_text("commodity,origin,amount,content_factor,unit,source\nnickel,other,1,1,t Ni,fixture\n",
                        encoding="utf-8")
    assert route_parameters(read_sourcing(default_parameters(), sourcing))["route_share_nickel_laterite"].value == 0
    G = graphs.build_default_network(sourcing=sourcing)
    assert G.edges["energy:grid:CHN", SMELTER]["amount"] == pytest.approx(SULPHIDE_KWH_PER_T_NI * KWH_GJ)
    assert G.edges["energy:coal_heat:CHN", SMELTER]["amount"] == pytest.approx(SULPHIDE_COAL_GJ_PER_T_NI)


def test_an_unknown_route_names_file_row_and_column(tmp_path: Path) -> None:
    sourcing = tmp_path / "sourcing.csv"
    sourcing.write_text("commodity,origin,amount,content_factor,unit,source,route\n"
                        "nickel,IDN,1,1,t Ni,fixture,laterit\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_sourcing(default_parameters(), sourcing)
    assert (info.value.file, info.value.row, info.value.column) == (str(sourcing), 2, "route")
    assert "did you mean 'laterite'" in str(info.value)
    sourcing.write_text("commodity,origin,amount,content_factor,unit,source,route\n"
                        "copper,CHL,1,1,t Cu,fixture,laterite\n", encoding="utf-8")
    with pytest.raises(InputError, match="no routes are declared"):
        read_sourcing(default_parameters(), sourcing)


def test_the_fleets_extra_smelter_electricity_is_its_nickel_output_times_the_extra_factor(default: nx.DiGraph) -> None:
    sulphide_only = default.copy()
    sulphide_only.edges["energy:grid:CHN", SMELTER]["amount"] = SULPHIDE_KWH_PER_T_NI * KWH_GJ
    x, x0 = _activity(default), _activity(sulphide_only)
    assert x[SMELTER] == pytest.approx(x0[SMELTER], rel=1e-12)  # the ore route moves no nickel
    extra_gj = x[SMELTER] * LATERITE_SHARE * (RKEF_KWH_PER_T_NI - SULPHIDE_KWH_PER_T_NI) * KWH_GJ
    assert x["energy:grid:CHN"] - x0["energy:grid:CHN"] == pytest.approx(extra_gj, rel=1e-9)
    assert extra_gj > 0


def _activity(G: nx.DiGraph) -> pd.Series:
    compiled = compile_network(G)
    x = solve(compiled, compiled.demand(pd.Series(graphs.default_fleet())))
    return pd.Series(np.asarray(x).ravel(), index=list(compiled.nodes))
