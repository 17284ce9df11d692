"""Tin in the solder of printed wiring boards, supplied by the PMF factors (closure_*.csv; issue 19 item 4)."""

from __future__ import annotations

import networkx as nx
import pytest

import graphs
from tracer import api
from tracer.reconcile.elements import load_elements

TIN = "material:tin"
SUPPLY = "market:tin:WLD"
# kg of printed wiring boards per car (Yano et al. 2019: conventional 0.74-4.1, HEV 3.8, EV 7.9; PHEV between)
PWB_KG = {"ICEV": (0.74 + 4.1) / 2, "HEV": 3.8, "PHEV": (3.8 + 7.9) / 2, "BEV": 7.9}
SN_SHARE = 0.04  # median of 4, 1, 5.62, 4.79 and 3.8 wt% Sn in PCBs (AMSE 2022 review, Table 1)


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def test_tin_per_car_is_the_pwb_mass_times_its_tin_share(default: nx.DiGraph) -> None:
    for body, pwb_kg in PWB_KG.items():
        edge = default.edges[TIN, f"component:body_chassis_{body}"]
        assert edge["amount"] == pytest.approx(pwb_kg * SN_SHARE / 1000)
        low, mode, high = edge["uncertainty"].params
        assert low < edge["amount"] < high and mode == pytest.approx(edge["amount"])
    # the fuel-cell car carries the BEV body, so the EV's boards
    assert default.has_edge("component:body_chassis_BEV", "FCV")


def test_a_tonne_of_tin_moves_the_pmf_factors_tmr(default: nx.DiGraph) -> None:
    assert default.edges[SUPPLY, TIN]["amount"] == 1
    node = default.nodes[SUPPLY]
    assert node["boundary"] and node["country"] == "WLD"
    assert node["stressors"] == {"waste_rock": pytest.approx(502 - 415), "tailings": pytest.approx(415 - 1)}
    # hidden flows + the tonne of tin in the car = the PMF TMR of 502 kg per kg
    assert sum(node["stressors"].values()) + 1 == pytest.approx(502)
    # mass closes: the crude ore beyond the tin enters here (external_mass) and leaves as tailings
    assert node["external_mass"] == pytest.approx(node["stressors"]["tailings"])
    # tin_tmr_factor's low end is the NIMS ore-TMR of tin, 95 t per t
    low = graphs.build_default_network(overrides={"tin_tmr_factor": 95 / 502}).nodes[SUPPLY]["stressors"]
    assert sum(low.values()) + 1 == pytest.approx(95)


def test_tin_hidden_flows_in_a_run_are_of_unknown_origin(default: nx.DiGraph) -> None:
    fleet = {"ICEV": 100.0, "BEV": 10.0}
    result = api.run(fleet=fleet, network=default)
    tin_t = sum(n * PWB_KG[v] * SN_SHARE / 1000 for v, n in fleet.items())
    flows = result.flows[result.flows["material"] == TIN]
    by_stressor = flows.groupby("stressor", observed=True)["value"].sum()
    assert by_stressor["used"] == pytest.approx(tin_t)
    assert by_stressor["waste_rock"] == pytest.approx(87 * tin_t)
    assert by_stressor["tailings"] == pytest.approx(414 * tin_t)
    hidden = flows[flows["stressor"].isin(["waste_rock", "tailings"])]
    assert set(hidden["country"]) == {"WLD"}
    assert result.summary["unknown_origin_hidden_t"] >= 501 * tin_t * (1 - 1e-9)


def test_minor_metals_switch_off_the_tin_supply_not_the_tin(default: nx.DiGraph) -> None:
    members = {e.name: e for e in load_elements()}["minor_metals"].members(default)
    assert SUPPLY in members and TIN not in members
