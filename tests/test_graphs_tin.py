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
    # the supply's own flows; its smelting energy adds the world coal's (next tests)
    by_stressor = flows[flows["stage"] != "energy"].groupby("stressor", observed=True)["value"].sum()
    assert by_stressor["used"] == pytest.approx(tin_t)
    assert by_stressor["waste_rock"] == pytest.approx(87 * tin_t)
    assert by_stressor["tailings"] == pytest.approx(414 * tin_t)
    hidden = flows[flows["stressor"].isin(["waste_rock", "tailings"])]
    assert set(hidden["country"]) == {"WLD"}
    assert result.summary["unknown_origin_hidden_t"] >= 501 * tin_t * (1 - 1e-9)


def test_minor_metals_switch_off_the_tin_supply_not_the_tin(default: nx.DiGraph) -> None:
    members = {e.name: e for e in load_elements()}["minor_metals"].members(default)
    assert SUPPLY in members and TIN not in members


def test_tin_smelting_burns_gb25323s_energy_split_by_its_electricity_share(default: nx.DiGraph) -> None:
    energy_gj = 1800 * 29.3076 / 1000  # GB 25323-2023 Table 8, grade 2 kgce per t tin, in GJ
    share = 0.2  # assumption tin_smelt_elec_share
    grid = default.edges["energy:grid:WLD", SUPPLY]
    coal = default.edges["energy:coal_heat:WLD", SUPPLY]
    assert grid["amount"] == pytest.approx(energy_gj * share)  # 2,930 kWh = 10.55 GJ per t tin
    assert coal["amount"] == pytest.approx(energy_gj * (1 - share))  # 42.2 GJ of coal per t tin
    assert grid["amount"] + coal["amount"] == pytest.approx(energy_gj)
    # the range ends: grade 1 at the low share, grade 3 at the high share
    assert grid["uncertainty"].params[0] == pytest.approx(1500 * 29.3076 / 1000 * 0.1)
    assert grid["uncertainty"].params[2] == pytest.approx(2200 * 29.3076 / 1000 * 0.4)


def test_tin_smelting_co2_and_coal_enter_a_run_and_mass_still_closes(default: nx.DiGraph) -> None:
    result = api.run(fleet={"ICEV": 1000.0}, network=default)
    tin_t = 1000 * PWB_KG["ICEV"] * SN_SHARE / 1000
    flows = result.flows[result.flows["material"] == TIN].groupby("stressor", observed=True)["value"].sum()
    coal_co2 = 1800 * 29.3076 / 1000 * 0.8 * 0.0946  # coal's GJ x IPCC 94.6 kg CO2 per GJ
    assert flows["co2"] >= coal_co2 * tin_t  # plus the world grid's coal
    assert flows["co2"] < 2 * coal_co2 * tin_t
    assert flows["energy"] > 0 and flows["overburden"] > 0  # the world coal mines behind the fuel
    summary = result.summary
    assert summary["total_tmr_t"] == pytest.approx(
        summary["used_t"] + summary["hidden_t"] + summary["process_residue_t"])


SOLDER_LEAD = "material:solder_lead"
LEAD_SUPPLY = "market:solder_lead:CHN"
PB_SHARE = 0.025  # median of 3, 2, 4.19, 0.3, 2.96, 2.50 and 1.3 wt% Pb in PCBs (AMSE 2022 review, Table 1)


def test_solder_lead_per_car_is_the_pwb_mass_times_its_lead_share(default: nx.DiGraph) -> None:
    for body, pwb_kg in PWB_KG.items():
        edge = default.edges[SOLDER_LEAD, f"component:body_chassis_{body}"]
        assert edge["amount"] == pytest.approx(pwb_kg * PB_SHARE / 1000)  # 60.5 g in an ICEV, 197.5 g in a BEV
        low, mode, high = edge["uncertainty"].params
        assert low == pytest.approx(0) and mode == pytest.approx(edge["amount"]) and high > edge["amount"]
    # lead-free boards (assumption pwb_leaded_factor at its low end) carry none
    lead_free = graphs.build_default_network(overrides={"pwb_leaded_factor": 0.0})
    assert lead_free.edges[SOLDER_LEAD, "component:body_chassis_BEV"]["amount"] == 0


def test_solder_lead_is_chinas_refined_lead_traced_to_the_lead_mines(default: nx.DiGraph) -> None:
    assert default.edges[LEAD_SUPPLY, SOLDER_LEAD]["amount"] == 1
    assert default.edges["refining:lead:CHN", LEAD_SUPPLY]["amount"] == 1
    result = api.run(fleet={"ICEV": 1000.0}, network=default)
    lead_t = 1000 * PWB_KG["ICEV"] * PB_SHARE / 1000
    flows = result.flows[result.flows["material"] == SOLDER_LEAD]
    by_stressor = flows.groupby("stressor", observed=True)["value"].sum()
    assert by_stressor["used"] == pytest.approx(lead_t)
    # the same mines per t of refined lead as the lead-acid battery's lead
    battery = result.flows[result.flows["material"] == "material:lead"]
    battery_t = battery.loc[battery["stressor"] == "used", "value"].sum()
    mined = ("overburden", "waste_rock", "tailings")
    per_t = by_stressor[list(mined)].sum() / lead_t
    battery_per_t = battery[battery["stressor"].isin(mined)]["value"].sum() / battery_t
    # a t of battery lead draws 1 / 0.9 t of refined lead (assumption metal_fabrication_yield), solder 1 t
    assert per_t > 0 and per_t == pytest.approx(battery_per_t * 0.9)
    assert "CHN" in set(flows.loc[flows["stressor"].isin(mined), "country"])


def test_minor_metals_switch_off_the_solder_lead_supply_not_the_lead(default: nx.DiGraph) -> None:
    members = {e.name: e for e in load_elements()}["minor_metals"].members(default)
    assert LEAD_SUPPLY in members and SOLDER_LEAD not in members and "refining:lead:CHN" not in members
