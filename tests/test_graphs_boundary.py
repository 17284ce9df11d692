"""Issue 19, the boundary room: imported nickel hydroxide (MHP) traced to Papua New Guinea and the pool,
and each new boundary element found in the default network by `tracer reconcile`."""

from __future__ import annotations

import networkx as nx
import pytest

import graphs
from graphs.build import default_parameters
from graphs.mines import read_sourcing
from hfcommon.assumptions import assumption_ids
from tracer import api
from tracer.reconcile import load_elements
from tracer.reconcile.elements import switched_off


@pytest.fixture(scope="module")
def default() -> nx.DiGraph:
    return graphs.build_default_network()


def _share(G: nx.DiGraph, code: str, origin: str) -> float:
    return G.edges[f"market:{code}:{origin}", f"market:{code}:supply-CHN"]["amount"]


RUS_NI = 2 * 70000 * 1214.6 / (1214.6 + 631.1)  # refined metal from Russia, t Ni (the RUS row)
MATTE_NI = 10800 * 0.78  # nickel matte at its 2020 tonnage and 78 % Ni: 8,424 t Ni in the other pool


def test_png_mhp_is_a_nickel_origin_at_its_customs_tonnage(default: nx.DiGraph) -> None:
    # by hand: 197,700 t x (1 - 0.63) moisture x 0.39 Ni = 28,528.11 t Ni (SMM: "about 28,000 t Ni")
    png = 197700 * 0.37 * 0.39
    assert png == pytest.approx(28528.11)
    assert _share(default, "nickel", "PNG") / _share(default, "nickel", "RUS") == pytest.approx(png / RUS_NI)
    edge = default.edges["market:nickel:PNG", "market:nickel:supply-CHN"]
    assert "197,700 t" in edge["source"] and "news.metal.com" in edge["source"]
    # the PNG share moves with the customs tonnage (0.9-1.1) and the Ni content (0.1212-0.1674 t per t):
    # low 0.9 x 0.1212 / 0.1443 = 0.7559, high 1.1 x 0.1674 / 0.1443 = 1.2761 of the share
    low, mode, high = edge["uncertainty"].params
    assert mode == pytest.approx(edge["amount"])
    assert (low / mode, high / mode) == pytest.approx((0.9 * 0.1212 / 0.1443, 1.1 * 0.1674 / 0.1443), rel=1e-3)


def test_mhp_no_longer_needs_a_shipped_share_assumption() -> None:
    ids = assumption_ids("network")
    assert "ramu_mhp_china_share" not in ids and "ni_intermediate_other_ni_per_t" in ids


def test_the_other_intermediates_join_the_pool_of_unlisted_producers(default: nx.DiGraph) -> None:
    # 380,200 - 197,700 = 182,500 t at the PNG conversion: 26,334.75 t Ni on top of 2 x 57,000 t
    # and of the matte's MATTE_NI t Ni
    other = 2 * 57000 + 182500 * 0.37 * 0.39 + MATTE_NI
    assert other - 114000 - MATTE_NI == pytest.approx(26334.75)
    assert _share(default, "nickel", "other") / _share(default, "nickel", "RUS") == pytest.approx(other / RUS_NI)
    G = graphs.build_default_network(overrides={"ni_intermediate_other_ni_per_t": 0.0})
    assert _share(G, "nickel", "other") / _share(G, "nickel", "RUS") == pytest.approx((114000 + MATTE_NI) / RUS_NI)


def test_intermediates_replace_part_of_each_share_and_add_no_nickel(default: nx.DiGraph) -> None:
    # shares still sum to 1: the intermediates' nickel shrinks every other origin in proportion
    market = "market:nickel:supply-CHN"
    assert sum(default.edges[p, market]["amount"] for p in default.predecessors(market)) == pytest.approx(1.0)
    # (the other intermediates' content is taken at the PNG conversion, so it is pinned here)
    G = graphs.build_default_network(overrides={"mhp_ni_per_t": 0.0, "ni_intermediate_other_ni_per_t": 0.1443})
    assert _share(G, "nickel", "PNG") == 0.0
    # without the PNG MHP every other origin takes back its part: share / (1 - PNG share)
    png = _share(default, "nickel", "PNG")
    assert 0.02 < png < 0.03  # 28,528 t of about 1.08 Mt Ni
    for origin in ("CHN", "IDN", "PHL", "RUS", "other"):
        assert _share(G, "nickel", origin) == pytest.approx(_share(default, "nickel", origin) / (1 - png), rel=1e-9)


def test_matte_joins_the_pool_at_its_2020_tonnage_and_grade(default: nx.DiGraph) -> None:
    # by hand: 10,800 t of matte (China's 2020 imports, standing in for 2019) x 78 % Ni = 8,424 t Ni
    assert MATTE_NI == pytest.approx(8424.0)
    G = graphs.build_default_network(overrides={"ni_matte_imports_t": 0.0})
    with_matte = _share(default, "nickel", "other") / _share(default, "nickel", "RUS") * RUS_NI
    without = _share(G, "nickel", "other") / _share(G, "nickel", "RUS") * RUS_NI
    assert with_matte - without == pytest.approx(MATTE_NI)
    # China's nickel supply, RUS_NI / RUS share, grows by the matte's nickel and nothing else
    assert RUS_NI / _share(default, "nickel", "RUS") - RUS_NI / _share(G, "nickel", "RUS") == pytest.approx(MATTE_NI)
    # a richer matte moves the pool in proportion: 10,800 t x (0.78 -> 0.70) = -864 t Ni
    lean = graphs.build_default_network(overrides={"ni_matte_ni_per_t": 0.70})
    assert (_share(lean, "nickel", "other") / _share(lean, "nickel", "RUS") * RUS_NI) - with_matte == pytest.approx(-864.0)
    edge = default.edges["market:nickel:other", "market:nickel:supply-CHN"]
    assert "HS 750110" in edge["source"] and "10,800 t" in edge["source"]


def test_the_matte_displaces_every_origin_in_proportion(default: nx.DiGraph) -> None:
    G = graphs.build_default_network(overrides={"ni_matte_imports_t": 0.0})
    market = "market:nickel:supply-CHN"
    assert sum(default.edges[p, market]["amount"] for p in default.predecessors(market)) == pytest.approx(1.0)
    matte_share = MATTE_NI * _share(default, "nickel", "RUS") / RUS_NI
    assert 0.007 < matte_share < 0.009  # 8,424 t of about 1.09 Mt Ni
    for origin in ("CHN", "IDN", "PHL", "PNG", "RUS", "AUS", "NCL"):
        assert _share(default, "nickel", origin) == pytest.approx(_share(G, "nickel", origin) * (1 - matte_share), rel=1e-9)


def test_the_matte_tonnage_is_a_declared_stand_in_with_its_range() -> None:
    params = default_parameters()
    tonnage, grade = params["ni_matte_imports_t"], params["ni_matte_ni_per_t"]
    assert tonnage.value == 10800 and tonnage.uncertainty.params == (5400, 10800, 29556)  # 2,463 t x 12 (May 2012)
    assert grade.value == 0.78 and grade.uncertainty.params == (0.7, 0.78, 0.78)
    assert "ni_matte_imports_t" in assumption_ids("network") and "ni_matte_ni_per_t" not in assumption_ids("network")
    other = {o.origin: o for o in read_sourcing(params)["nickel"]}["other"]
    # the pool's range reaches the matte's corners: its high end carries at least 29,556 x 0.78 - 8,424 = 14,629.68 t more
    low, mode, high = other.uncertainty.params
    assert mode == pytest.approx(other.amount)
    assert high - mode > 29556 * 0.78 - MATTE_NI == pytest.approx(14629.68)


@pytest.mark.parametrize("element, members", [
    ("nickel_intermediates", {"market:nickel:PNG"}),
])
def test_boundary_elements_select_their_nodes(default: nx.DiGraph, element: str, members: set[str]) -> None:
    found = {e.name: e for e in load_elements()}[element].members(default)
    assert members <= found
    assert "energy:coal:CHN" not in found


def test_switching_the_intermediates_off_removes_png_nickel_mining_abroad_only(default: nx.DiGraph) -> None:
    fleet = {"ICEV": 100.0, "BEV": 10.0}
    full = api.run(fleet=fleet, network=default)
    members = {e.name: e for e in load_elements()}["nickel_intermediates"].members(default)
    off = api.run(fleet=fleet, network=switched_off(default, members)).summary
    flows = full.flows
    png_nickel = flows[(flows["country"] == "PNG") & flows["mine"].astype(str).str.endswith("-nickel")
                       & flows["stressor"].isin(["overburden", "waste_rock", "tailings"])]["value"].sum()
    assert png_nickel > 0
    # the MHP's own mining abroad goes, and nothing at home (nothing replaces a switched-off supply)
    assert full.summary["abroad_hidden_t"] - off["abroad_hidden_t"] == pytest.approx(png_nickel, rel=1e-6)
    assert off["domestic_hidden_t"] == pytest.approx(full.summary["domestic_hidden_t"], rel=1e-9)
    assert off["total_tmr_t"] == pytest.approx(off["hidden_t"] + off["process_residue_t"] + off["used_t"], rel=1e-9)
