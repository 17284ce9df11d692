"""Each validation error on a tiny hand-built network, and what passes."""

from __future__ import annotations

import math

import networkx as nx
import pytest

from graphs.model import Distribution, add_flow, add_node
from graphs.validate import MASS_TOLERANCE, check, validate
from hfcommon.errors import InputError


def _tiny() -> nx.DiGraph:
    """mine -> beneficiation -> market -> refining -> material -> component -> vehicle."""
    G = nx.DiGraph()
    add_node(G, "mine:m1", kind="mine", name="M1", country="CHL", unit="t", commodity="copper", mine_id="m1",
             stressors={"overburden": 2.0}, stressor_sources={"overburden": "hand"})
    add_node(G, "beneficiation:m1", kind="beneficiation", name="B1", country="CHL", unit="t",
             commodity="copper", mine_id="m1", stressors={"tailings": 99.0}, stressor_sources={"tailings": "hand"})
    add_node(G, "market:copper:CHL", kind="market", name="Cu CHL", country="CHL", unit="t", commodity="copper")
    add_node(G, "refining:copper:CHN", kind="refining", name="Cu", country="CHN", unit="t", commodity="copper")
    add_node(G, "material:copper", kind="material", name="Cu", country="CHN", unit="t",
             stressors={"used": 1.0}, stressor_sources={"used": "definition"})
    add_node(G, "component:wire", kind="component", name="wire", country="CHN", unit="unit")
    add_node(G, "BEV", kind="vehicle", name="BEV", country="CHN", unit="vehicle")
    add_flow(G, "mine:m1", "beneficiation:m1", 100.0, "hand")
    add_flow(G, "beneficiation:m1", "market:copper:CHL", 1.0, "hand")
    add_flow(G, "market:copper:CHL", "refining:copper:CHN", 1.02, "hand", Distribution("uniform", (1.0, 1.05)))
    add_flow(G, "refining:copper:CHN", "material:copper", 1.1, "hand")
    add_flow(G, "material:copper", "component:wire", 0.01, "hand")
    add_flow(G, "component:wire", "BEV", 1.0, "hand")
    return G


def _checks(G: nx.DiGraph) -> set[tuple[str, str]]:
    return {(f.check, f.where) for f in check(G).errors}


def test_the_tiny_network_is_valid() -> None:
    report = validate(_tiny())
    assert report.ok and report.cycles == 0 and report.infos == ()


def test_dangling_node_created_by_an_edge() -> None:
    G = _tiny()
    G.add_edge("material:ghost", "component:wire", amount=0.1, source="x", uncertainty=None)
    assert ("dangling", "material:ghost") in _checks(G)


def test_dangling_process_without_inputs_unless_boundary() -> None:
    G = _tiny()
    add_node(G, "refining:zinc:CHN", kind="refining", name="Zn", country="CHN", unit="t")
    add_flow(G, "refining:zinc:CHN", "material:copper", 0.0, "x")
    assert ("dangling", "refining:zinc:CHN") in _checks(G)
    G.nodes["refining:zinc:CHN"]["boundary"] = True
    assert _checks(G) == set()


@pytest.mark.parametrize("amount", [-0.5, math.nan, math.inf])
def test_negative_or_non_finite_edge_amount(amount: float) -> None:
    G = _tiny()
    G.edges["material:copper", "component:wire"]["amount"] = amount
    assert ("amount", "material:copper -> component:wire") in _checks(G)


@pytest.mark.parametrize("value", [-1.0, math.nan])
def test_negative_or_non_finite_stressor(value: float) -> None:
    G = _tiny()
    G.nodes["mine:m1"]["stressors"]["overburden"] = value
    assert ("amount", "mine:m1") in _checks(G)


def test_unknown_country() -> None:
    G = _tiny()
    G.nodes["market:copper:CHL"]["country"] = "Chile"
    assert ("country", "market:copper:CHL") in _checks(G)
    G.nodes["market:copper:CHL"]["country"] = "WLD"
    assert _checks(G) == set()


def test_missing_sources() -> None:
    G = _tiny()
    G.edges["mine:m1", "beneficiation:m1"]["source"] = ""
    G.nodes["mine:m1"]["stressor_sources"] = {}
    assert {("source", "mine:m1 -> beneficiation:m1"), ("source", "mine:m1")} <= _checks(G)


def test_output_outweighing_inputs_beyond_tolerance() -> None:
    G = _tiny()
    G.edges["refining:copper:CHN", "material:copper"]["amount"] = 0.95
    assert ("mass_balance", "material:copper") in _checks(G)
    G.edges["refining:copper:CHN", "material:copper"]["amount"] = 1 / (1 + MASS_TOLERANCE) + 1e-9
    assert _checks(G) == set()


def test_external_mass_counts_toward_the_balance() -> None:
    G = _tiny()
    G.edges["refining:copper:CHN", "material:copper"]["amount"] = 0.6
    assert ("mass_balance", "material:copper") in _checks(G)
    G.nodes["material:copper"]["external_mass"] = 0.4
    assert _checks(G) == set()


def test_market_shares_must_sum_to_one() -> None:
    G = _tiny()
    G.edges["beneficiation:m1", "market:copper:CHL"]["amount"] = 0.9
    assert ("shares", "market:copper:CHL") in _checks(G)


def test_material_feeding_a_material_directly_or_through_a_process() -> None:
    G = _tiny()
    add_node(G, "material:brass", kind="material", name="brass", country="CHN", unit="t",
             stressors={"used": 1.0}, stressor_sources={"used": "definition"})
    add_flow(G, "refining:copper:CHN", "material:brass", 1.0, "x")
    add_flow(G, "material:brass", "component:wire", 0.01, "x")
    assert _checks(G) == set()
    add_node(G, "refining:remelt:CHN", kind="refining", name="remelt", country="CHN", unit="t")
    add_flow(G, "material:copper", "refining:remelt:CHN", 1.0, "x")
    add_flow(G, "refining:remelt:CHN", "material:brass", 0.5, "x")
    assert ("material", "material:copper -> material:brass") in _checks(G)


def test_unknown_kind_unit_and_bad_uncertainty() -> None:
    G = _tiny()
    G.nodes["component:wire"]["kind"] = "widget"
    G.nodes["BEV"]["unit"] = "car"
    G.edges["mine:m1", "beneficiation:m1"]["uncertainty"] = "uniform(1, 2)"
    assert {("kind", "component:wire"), ("unit", "BEV"), ("uncertainty", "mine:m1 -> beneficiation:m1")} <= _checks(G)


def test_mine_nodes_need_a_mine_id() -> None:
    G = _tiny()
    G.nodes["mine:m1"]["mine_id"] = None
    assert ("mine_id", "mine:m1") in _checks(G)


def test_cycles_are_information_not_errors() -> None:
    G = _tiny()
    add_node(G, "recycling:copper:CHN", kind="recycling", name="scrap", country="CHN", unit="t")
    add_flow(G, "BEV", "recycling:copper:CHN", 0.005, "x")
    add_flow(G, "recycling:copper:CHN", "refining:copper:CHN", 0.1, "x")
    report = validate(G)
    assert report.cycles == 1
    assert [f.check for f in report.infos] == ["cycle"]


def test_validate_raises_with_every_error_listed() -> None:
    G = _tiny()
    G.nodes["market:copper:CHL"]["country"] = "XXX"
    G.edges["material:copper", "component:wire"]["amount"] = -1.0
    with pytest.raises(InputError) as info:
        validate(G)
    text = str(info.value)
    assert "2 error(s)" in text and "market:copper:CHL" in text and "material:copper -> component:wire" in text


def test_add_node_and_add_flow_refuse_contract_violations() -> None:
    G = _tiny()
    with pytest.raises(ValueError, match="twice"):
        add_node(G, "BEV", kind="vehicle", name="BEV", country="CHN", unit="vehicle")
    with pytest.raises(ValueError, match="no source"):
        add_node(G, "x", kind="mine", name="x", country="CHN", unit="t", stressors={"overburden": 1.0})
    with pytest.raises(ValueError, match="does not exist"):
        add_flow(G, "nowhere", "BEV", 1.0, "x")
    with pytest.raises(ValueError, match="twice"):
        add_flow(G, "component:wire", "BEV", 1.0, "x")
