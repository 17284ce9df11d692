"""Each lever's semantics, pinned on the tiny network with numbers worked by hand."""

from __future__ import annotations

from types import MappingProxyType

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_scenarios_network import ORE_PER_CONC, tiny_network

from hfcommon.errors import InputError
from tracer.engine import compile_network, solve
from tracer.scenarios import levers
from tracer.scenarios.spec import (
    BatteryMix,
    CleanElectricity,
    FleetMix,
    Lightweighting,
    OreGradeDecline,
    RecycledContent,
    Sourcing,
)

SRC = "test source"


def totals(G: nx.DiGraph, fleet: dict[str, float]) -> dict[str, float]:
    compiled = compile_network(G)
    x = solve(compiled, compiled.demand(fleet))
    flows = compiled.B @ x
    return dict(zip(compiled.stressors, flows, strict=True))


def amount(G: nx.DiGraph, u: str, v: str) -> float:
    return float(G.edges[u, v]["amount"]) if G.has_edge(u, v) else 0.0


def rc(share: float, **kw: object) -> RecycledContent:
    args = dict(material="copper", commodity="copper", share=share,
                secondary_stressors=MappingProxyType({"process_residue": 0.5}), country="CHN", source=SRC)
    args.update(kw)
    return RecycledContent(**args)  # type: ignore[arg-type]


class TestRecycledContent:
    def test_share_splits_the_metal_supply_between_primary_and_secondary(self) -> None:
        G = tiny_network()
        H = levers.recycled_content(G, rc(0.3))
        node = "recycling:copper:scenario:CHN"
        assert amount(H, "smelting:cu:CHN", "material:copper_wire") == pytest.approx(0.7)
        assert amount(H, node, "material:copper_wire") == pytest.approx(0.3)
        assert H.nodes[node]["kind"] == "recycling"
        assert H.nodes[node]["stressors"] == {"process_residue": 0.5}
        assert SRC in H.nodes[node]["stressor_sources"]["process_residue"]
        # input untouched
        assert amount(G, "smelting:cu:CHN", "material:copper_wire") == 1.0
        assert node not in G

    def test_hidden_flows_fall_by_the_recycled_share(self) -> None:
        G = tiny_network()
        fleet = {"BEV-LFP": 1.0}
        base, new = totals(G, fleet), totals(levers.recycled_content(G, rc(0.3)), fleet)
        # all tailings are copper's: they fall by exactly 30 %
        assert new["tailings"] == pytest.approx(0.7 * base["tailings"])
        # process residue: 0.03 t Cu x (0.7 x 2.0 primary + 0.3 x 0.5 secondary)
        assert new["process_residue"] == pytest.approx(0.03 * (0.7 * 2.0 + 0.3 * 0.5))
        assert new["used"] == pytest.approx(base["used"])

    def test_share_is_set_not_added_to_an_existing_secondary_route(self) -> None:
        G = tiny_network()
        G.add_node("recycling:cu:old", kind="recycling", country="CHN", commodity="copper",
                   stressors={}, unit="t")
        G.edges["smelting:cu:CHN", "material:copper_wire"]["amount"] = 0.8
        G.add_edge("recycling:cu:old", "material:copper_wire", amount=0.2, source="x")
        H = levers.recycled_content(G, rc(0.5))
        assert amount(H, "smelting:cu:CHN", "material:copper_wire") == pytest.approx(0.5)
        assert amount(H, "recycling:copper:scenario:CHN", "material:copper_wire") == pytest.approx(0.5)
        assert not H.has_edge("recycling:cu:old", "material:copper_wire")

    def test_zero_share_removes_secondary_supply(self) -> None:
        H = levers.recycled_content(tiny_network(), rc(0.0))
        assert "recycling:copper:scenario:CHN" not in H
        assert amount(H, "smelting:cu:CHN", "material:copper_wire") == pytest.approx(1.0)

    def test_materials_limit_the_lever(self) -> None:
        G = tiny_network()
        G.add_node("material:brass", kind="material", stressors={"used": 1.0})
        G.add_edge("smelting:cu:CHN", "material:brass", amount=0.6, source="t")
        H = levers.recycled_content(G, rc(0.5, materials=("brass",)))
        assert amount(H, "recycling:copper:scenario:CHN", "material:brass") == pytest.approx(0.3)
        assert amount(H, "smelting:cu:CHN", "material:copper_wire") == 1.0
        with pytest.raises(InputError) as err:
            levers.recycled_content(G, rc(0.5, materials=("brass", "bronze")))
        assert err.value.column == "recycled_content.copper.materials[1]"
        with pytest.raises(InputError) as err:
            levers.recycled_content(G, rc(0.5, materials=("steel",)))
        assert err.value.column == "recycled_content.copper"

    def test_material_without_the_metal_is_an_error_naming_the_key(self) -> None:
        with pytest.raises(InputError) as err:
            levers.recycled_content(tiny_network(), rc(0.3, material="nickel", commodity="nickel"))
        assert err.value.column == "recycled_content.nickel"


class TestBatteryMix:
    def test_packs_are_grouped_by_family_and_chemistry(self) -> None:
        G = tiny_network()
        G.add_node("component:pack_PHEV_LFP", kind="component", chemistry="LFP")
        assert levers.pack_families(G) == {
            "component:traction_battery:": {
                "NMC111": "component:traction_battery:NMC111",
                "LFP": "component:traction_battery:LFP",
            },
            "component:pack_PHEV_": {"LFP": "component:pack_PHEV_LFP"},
        }

    def test_each_family_keeps_its_own_input(self) -> None:
        G = tiny_network()
        for chem in ("NMC111", "LFP"):
            G.add_node(f"component:pack_PHEV_{chem}", kind="component", unit="unit", stressors={})
        G.add_node("PHEV", kind="vehicle", unit="vehicle", stressors={})
        G.add_edge("component:pack_PHEV_NMC111", "PHEV", amount=13.0, source="t")
        H = levers.battery_mix(G, BatteryMix(MappingProxyType({"LFP": 0.25, "NMC111": 0.75}), (), SRC))
        assert amount(H, "component:pack_PHEV_LFP", "PHEV") == pytest.approx(3.25)
        assert amount(H, "component:pack_PHEV_NMC111", "PHEV") == pytest.approx(9.75)
        assert amount(H, "component:traction_battery:LFP", "BEV") == pytest.approx(0.25)
        assert not H.has_edge("component:traction_battery:LFP", "PHEV")

    def test_all_lfp_moves_the_whole_battery_input(self) -> None:
        H = levers.battery_mix(tiny_network(), BatteryMix(MappingProxyType({"LFP": 1.0}), (), SRC))
        assert not H.has_edge("component:traction_battery:NMC111", "BEV")
        assert amount(H, "component:traction_battery:LFP", "BEV") == pytest.approx(1.0)
        # single-chemistry vehicles keep their own pack
        assert amount(H, "component:traction_battery:NMC111", "BEV-NMC111") == 1.0

    def test_a_mixed_share_and_its_effect_on_copper(self) -> None:
        G = tiny_network()
        H = levers.battery_mix(G, BatteryMix(MappingProxyType({"NMC111": 0.5, "LFP": 0.5}), ("BEV",), SRC))
        assert amount(H, "component:traction_battery:NMC111", "BEV") == pytest.approx(0.5)
        # copper per BEV: 0.9 x 0.02 + 0.1 x 0.03 = 0.021 -> 0.5 x 0.02 + 0.5 x 0.03 = 0.025
        base, new = totals(G, {"BEV": 1}), totals(H, {"BEV": 1})
        assert new["tailings"] / base["tailings"] == pytest.approx(0.025 / 0.021)

    def test_missing_chemistry_is_an_error_naming_the_share(self) -> None:
        with pytest.raises(InputError) as err:
            levers.battery_mix(tiny_network(), BatteryMix(MappingProxyType({"NCA": 1.0}), (), SRC))
        assert err.value.column == "battery_mix.shares.NCA"

    def test_unknown_consumer_is_an_error(self) -> None:
        with pytest.raises(InputError) as err:
            levers.battery_mix(tiny_network(), BatteryMix(MappingProxyType({"LFP": 1.0}), ("ICEV",), SRC))
        assert err.value.column == "battery_mix.consumers[0]"


class TestCleanElectricity:
    def ce(self, share: float, countries: tuple[str, ...] = ()) -> CleanElectricity:
        return CleanElectricity(share, countries, ("smelting", "refining"), None,
                                MappingProxyType({"co2": 0.01}), SRC)

    def test_clean_share_can_come_from_a_network_node(self) -> None:
        G = tiny_network()
        G.add_edge("energy:other_power:CHN", "smelting:cu:CHN", amount=2.0, source="t")  # already 2 GJ clean
        ce = CleanElectricity(0.5, (), ("smelting",), "energy:other_power:{country}", None, SRC)
        H = levers.clean_electricity(G, ce)
        # 12 GJ of electricity: grid 10 -> 5, non-coal 2 -> 1 + 6 = 7
        assert amount(H, "energy:electricity:CHN", "smelting:cu:CHN") == pytest.approx(5.0)
        assert amount(H, "energy:other_power:CHN", "smelting:cu:CHN") == pytest.approx(7.0)
        assert "energy:clean_electricity:scenario:CHN" not in H

    def test_missing_supply_node_is_an_error(self) -> None:
        ce = CleanElectricity(0.5, (), ("smelting",), "energy:wind:{country}", None, SRC)
        with pytest.raises(InputError) as err:
            levers.clean_electricity(tiny_network(), ce, 1)
        assert err.value.column == "electricity[1].supply"

    def test_share_of_grid_electricity_is_replaced(self) -> None:
        H = levers.clean_electricity(tiny_network(), self.ce(0.5, ("CHN",)))
        assert amount(H, "energy:electricity:CHN", "smelting:cu:CHN") == pytest.approx(5.0)
        clean = "energy:clean_electricity:scenario:CHN"
        assert amount(H, clean, "smelting:cu:CHN") == pytest.approx(5.0)
        assert H.nodes[clean]["stressors"] == {"co2": 0.01}

    def test_coal_overburden_behind_smelting_power_falls(self) -> None:
        G = tiny_network()
        fleet = {"BEV-NMC111": 1.0}
        base, new = totals(G, fleet), totals(levers.clean_electricity(G, self.ce(1.0)), fleet)
        # 0.02 t Cu x 10 GJ x 0.05 t overburden/GJ, all removed; steel's 3 t stays
        assert base["overburden"] - new["overburden"] == pytest.approx(0.02 * 10 * 0.05)
        assert new["co2"] == pytest.approx(0.02 * 10 * 0.01)

    def test_country_without_smelters_is_an_error(self) -> None:
        with pytest.raises(InputError) as err:
            levers.clean_electricity(tiny_network(), self.ce(1.0, ("AUS",)), index=2)
        assert err.value.column == "electricity[2]"


class TestSourcing:
    def test_named_share_and_rest_in_baseline_proportion(self) -> None:
        H = levers.sourcing(tiny_network(), Sourcing("copper", None, MappingProxyType({"CHL": 0.9}), SRC))
        assert amount(H, "beneficiation:cu:CHL", "market:cu_conc:CHN") == pytest.approx(0.9)
        assert amount(H, "beneficiation:cu:PER", "market:cu_conc:CHN") == pytest.approx(0.1)

    def test_market_by_id_and_zero_share(self) -> None:
        so = Sourcing(None, "market:cu_conc:CHN", MappingProxyType({"PER": 1.0}), SRC)
        H = levers.sourcing(tiny_network(), so)
        assert not H.has_edge("beneficiation:cu:CHL", "market:cu_conc:CHN")
        assert amount(H, "beneficiation:cu:PER", "market:cu_conc:CHN") == pytest.approx(1.0)

    def test_country_without_supplier_is_an_error_naming_it(self) -> None:
        with pytest.raises(InputError) as err:
            levers.sourcing(tiny_network(), Sourcing("copper", None, MappingProxyType({"AUS": 0.5}), SRC), 1)
        assert err.value.column == "sourcing[1].shares.AUS"

    def test_partial_shares_need_someone_else_to_cover_the_rest(self) -> None:
        so = Sourcing("copper", None, MappingProxyType({"CHL": 0.3, "PER": 0.3}), SRC)
        with pytest.raises(InputError) as err:
            levers.sourcing(tiny_network(), so)
        assert err.value.column == "sourcing[0].shares"


class TestOreGrade:
    def test_grade_decline_recomputes_ore_and_tailings(self) -> None:
        og = OreGradeDecline("copper", 0.02, 2019, 2029, SRC)
        r = 1 / 0.98**10
        H = levers.ore_grade(tiny_network(), og)
        ore = ORE_PER_CONC * r  # = 0.25 / (0.01 x 0.98^10 x 0.9)
        assert amount(H, "mine:cu:CHL", "beneficiation:cu:CHL") == pytest.approx(0.25 / (0.01 * 0.98**10 * 0.9))
        stress = H.nodes["beneficiation:cu:CHL"]["stressors"]
        assert stress["tailings"] == pytest.approx(ore - 1.0)  # ore in, 1 t concentrate out
        assert stress["energy"] == pytest.approx(0.5 * r)
        assert H.nodes["mine:cu:CHL"]["grade"] == pytest.approx(0.01 * 0.98**10)
        assert H.nodes["mine:cu:CHL"]["stressors"]["waste_rock"] == 2.0  # strip ratio per t ore unchanged

    def test_tailings_uncertainty_follows_the_new_value(self) -> None:
        from graphs.model import Distribution

        G = tiny_network()
        tailings = ORE_PER_CONC - 1.0
        G.nodes["beneficiation:cu:CHL"]["stressor_uncertainty"] = {
            "tailings": Distribution("uniform", (0.9 * tailings, 1.1 * tailings))}
        H = levers.ore_grade(G, OreGradeDecline("copper", 0.5, 2019, 2020, SRC))
        new = H.nodes["beneficiation:cu:CHL"]["stressors"]["tailings"]
        assert new == pytest.approx(2 * ORE_PER_CONC - 1.0)
        low, high = H.nodes["beneficiation:cu:CHL"]["stressor_uncertainty"]["tailings"].params
        assert (low, high) == pytest.approx((0.9 * new, 1.1 * new))
        assert "scenario: ore grade x0.5" in H.nodes["beneficiation:cu:CHL"]["stressor_sources"]["tailings"]
        assert G.nodes["beneficiation:cu:CHL"]["stressor_uncertainty"]["tailings"].params[0] == 0.9 * tailings

    def test_waste_rock_grows_with_the_ore_moved(self) -> None:
        G = tiny_network()
        H = levers.ore_grade(G, OreGradeDecline("copper", 0.05, 2019, 2024, SRC))
        base, new = totals(G, {"BEV-LFP": 1}), totals(H, {"BEV-LFP": 1})
        assert new["waste_rock"] == pytest.approx(base["waste_rock"] / 0.95**5)
        assert new["tailings"] > base["tailings"] / 0.95**5 * 0.99

    def test_brine_pumps_more_but_leaves_no_tailings(self) -> None:
        G = tiny_network()
        G.nodes["mine:cu:PER"]["mine_type"] = "brine"
        G.nodes["beneficiation:cu:PER"]["stressors"] = {}
        H = levers.ore_grade(G, OreGradeDecline("copper", 0.5, 2019, 2020, SRC))
        assert amount(H, "mine:cu:PER", "beneficiation:cu:PER") == pytest.approx(2 * ORE_PER_CONC)
        assert "tailings" not in H.nodes["beneficiation:cu:PER"]["stressors"]
        assert H.nodes["beneficiation:cu:CHL"]["stressors"]["tailings"] == pytest.approx(2 * ORE_PER_CONC - 1)

    def test_mine_without_concentrator_is_an_error(self) -> None:
        G = nx.DiGraph()
        G.add_node("mine:x", kind="mine", commodity="nickel", grade=0.02, recovery=0.8, unit="t",
                   stressors={"waste_rock": 100.0})
        with pytest.raises(InputError) as err:
            levers.ore_grade(G, OreGradeDecline("nickel", 0.5, 2019, 2020, SRC))
        assert err.value.column == "ore_grade.nickel"

    def test_unknown_commodity_in_network_is_an_error(self) -> None:
        with pytest.raises(InputError) as err:
            levers.ore_grade(tiny_network(), OreGradeDecline("lithium", 0.01, 2019, 2030, SRC))
        assert err.value.column == "ore_grade.lithium"


class TestLightweighting:
    def test_material_mass_scales_in_every_product(self) -> None:
        G = tiny_network()
        H = levers.lightweighting(G, Lightweighting("steel", -0.1, SRC))
        assert amount(H, "material:steel", "component:body") == pytest.approx(0.9)
        base, new = totals(G, {"ICEV": 1}), totals(H, {"ICEV": 1})
        assert new["used"] == pytest.approx(0.9 * base["used"])
        assert new["overburden"] == pytest.approx(0.9 * 3.0)

    def test_unknown_material_lists_the_network_s_materials(self) -> None:
        with pytest.raises(InputError, match="copper_wire, steel") as err:
            levers.lightweighting(tiny_network(), Lightweighting("aluminium", 0.2, SRC))
        assert err.value.column == "lightweighting.aluminium"


class TestFleet:
    fleet = pd.Series({"ICEV": 80.0, "HEV": 10.0, "BEV": 6.0, "PHEV": 4.0})

    def test_nev_share_keeps_the_total_and_proportions(self) -> None:
        out = levers.fleet_mix(self.fleet, FleetMix(0.5, None, None, SRC))
        assert out.to_dict() == pytest.approx({"ICEV": 400 / 9, "HEV": 50 / 9, "BEV": 30.0, "PHEV": 20.0})
        assert out.sum() == pytest.approx(100.0)

    def test_total_and_split(self) -> None:
        out = levers.fleet_mix(self.fleet, FleetMix(0.4, 200.0, MappingProxyType({"BEV": 0.75, "PHEV": 0.25}), SRC))
        assert out["BEV"] == pytest.approx(60.0)
        assert out["PHEV"] == pytest.approx(20.0)
        assert out["ICEV"] + out["HEV"] == pytest.approx(120.0)
        assert out["ICEV"] / out["HEV"] == pytest.approx(8.0)

    def test_total_only_scales_everything(self) -> None:
        out = levers.fleet_mix(self.fleet, FleetMix(None, 50.0, None, SRC))
        assert np.allclose(out[self.fleet.index].to_numpy(), self.fleet.to_numpy() / 2)

    def test_no_nev_to_scale_up_is_an_error(self) -> None:
        with pytest.raises(InputError) as err:
            levers.fleet_mix(pd.Series({"ICEV": 10.0}), FleetMix(0.5, None, None, SRC))
        assert err.value.column == "fleet.nev_share"


def test_levers_never_mutate_their_input() -> None:
    G = tiny_network()
    before = nx.to_dict_of_dicts(G), {n: dict(a, stressors=dict(a["stressors"])) for n, a in G.nodes(data=True)}
    levers.ore_grade(G, OreGradeDecline("copper", 0.1, 2019, 2025, SRC))
    levers.recycled_content(G, rc(0.5))
    levers.clean_electricity(G, CleanElectricity(1.0, (), ("smelting",), None, MappingProxyType({}), SRC))
    after = nx.to_dict_of_dicts(G), {n: dict(a, stressors=dict(a["stressors"])) for n, a in G.nodes(data=True)}
    assert before == after


def test_scaled_edges_keep_their_relative_uncertainty() -> None:
    from graphs.model import Distribution

    G = tiny_network()
    G.edges["smelting:cu:CHN", "material:copper_wire"]["uncertainty"] = Distribution("triangular", (0.9, 1.0, 1.2))
    G.edges["beneficiation:cu:CHL", "market:cu_conc:CHN"]["uncertainty"] = Distribution("lognormal", (0.0, 0.1))
    H = levers.recycled_content(G, rc(0.5))
    assert H.edges["smelting:cu:CHN", "material:copper_wire"]["uncertainty"].params == pytest.approx((0.45, 0.5, 0.6))
    H = levers.sourcing(G, Sourcing("copper", None, MappingProxyType({"CHL": 0.3}), SRC))
    mu, sigma = H.edges["beneficiation:cu:CHL", "market:cu_conc:CHN"]["uncertainty"].params
    assert (mu, sigma) == pytest.approx((np.log(0.5), 0.1))


def test_sourcing_targets_the_import_market_not_a_pool_feeding_it() -> None:
    G = tiny_network()
    # a pool of "other origins" (two countries) feeding the import market
    for country in ("AUS", "MNG"):
        G.add_node(f"beneficiation:cu:{country}", kind="beneficiation", country=country, commodity="copper",
                   stressors={})
    G.add_node("market:cu:other", kind="market", country="WLD", commodity="copper", stressors={})
    G.add_edge("beneficiation:cu:AUS", "market:cu:other", amount=0.5, source="t")
    G.add_edge("beneficiation:cu:MNG", "market:cu:other", amount=0.5, source="t")
    G.add_edge("market:cu:other", "market:cu_conc:CHN", amount=0.2, source="t")
    so = Sourcing("copper", None, MappingProxyType({"CHL": 0.5, "WLD": 0.1}), SRC)
    assert levers.sourcing_markets(G, so) == ["market:cu_conc:CHN"]
    H = levers.sourcing(G, so)
    # K = 1.2: CHL 0.6, WLD pool 0.12, PER the rest 0.48
    assert amount(H, "beneficiation:cu:CHL", "market:cu_conc:CHN") == pytest.approx(0.6)
    assert amount(H, "market:cu:other", "market:cu_conc:CHN") == pytest.approx(0.12)
    assert amount(H, "beneficiation:cu:PER", "market:cu_conc:CHN") == pytest.approx(0.48)
    assert amount(H, "beneficiation:cu:AUS", "market:cu:other") == 0.5


def _inflow(G: nx.DiGraph, node: str, kinds: tuple[str, ...] | None = None) -> float:
    return sum(float(G.edges[u, node]["amount"]) for u in G.predecessors(node)
               if kinds is None or G.nodes[u].get("kind") in kinds)


@settings(max_examples=40, deadline=None)
@given(share=st.floats(0.0, 1.0), chl=st.floats(0.0, 1.0), lfp=st.floats(0.0, 1.0), clean=st.floats(0.0, 1.0))
def test_levers_conserve_what_they_only_redistribute(share: float, chl: float, lfp: float, clean: float) -> None:
    """Recycling keeps each material's metal input, sourcing the market's, the battery
    mix the vehicle's pack input and clean power the smelter's GJ; used mass never moves."""
    G = tiny_network()
    H = levers.recycled_content(G, rc(share))
    assert _inflow(H, "material:copper_wire") == pytest.approx(_inflow(G, "material:copper_wire"))
    H = levers.sourcing(H, Sourcing("copper", None, MappingProxyType({"CHL": chl}), SRC))
    assert _inflow(H, "market:cu_conc:CHN") == pytest.approx(_inflow(G, "market:cu_conc:CHN"))
    H = levers.battery_mix(H, BatteryMix(MappingProxyType({"LFP": lfp, "NMC111": 1 - lfp}), (), SRC))
    assert _inflow(H, "BEV", ("component",)) == pytest.approx(_inflow(G, "BEV", ("component",)))
    H = levers.clean_electricity(H, CleanElectricity(clean, (), ("smelting",), "energy:other_power:{country}",
                                                     None, SRC))
    assert _inflow(H, "smelting:cu:CHN", ("energy",)) == pytest.approx(10.0)
    fleet = {"BEV": 1.0, "ICEV": 1.0}
    # used mass moves only with the pack copper per BEV: 0.02 (1 - lfp) + 0.03 lfp instead of 0.021
    assert totals(H, fleet)["used"] == pytest.approx(totals(G, fleet)["used"] + 0.01 * lfp - 0.001)
