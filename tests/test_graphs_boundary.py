"""Issue 19, the boundary room: imported nickel hydroxide (MHP) traced to Papua New Guinea and the pool,
and each new boundary element found in the default network by `tracer reconcile`."""

from __future__ import annotations

import networkx as nx
import pytest

import graphs
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
    other = 2 * 57000 + 182500 * 0.37 * 0.39
    assert other - 114000 == pytest.approx(26334.75)
    assert _share(default, "nickel", "other") / _share(default, "nickel", "RUS") == pytest.approx(other / RUS_NI)
    G = graphs.build_default_network(overrides={"ni_intermediate_other_ni_per_t": 0.0})
    assert _share(G, "nickel", "other") / _share(G, "nickel", "RUS") == pytest.approx(114000 / RUS_NI)


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
