"""A tiny hand-built supply chain that follows docs/CONTRACTS.md, for the scenario tests.

Copper: two mines (CHL, PER) at 1 % Cu, recovery 0.9, strip ratio 2, each with a
concentrator making 25 % Cu concentrate (ore per t concentrate = 0.25 / (0.01 x 0.9)
= 27.777...; tailings = ore - 1). China's concentrate market takes 0.6 from CHL and
0.4 from PER; the Chinese smelter needs 4 t concentrate and 10 GJ grid electricity
per t Cu (a non-coal power node with no flows stands by for the clean-energy lever).
Secondary copper (unused by default, for the recycled-content lever): 1 t scrap, a
boundary input, and 2 GJ grid electricity per t.
Steel comes from one smelter. Two battery packs (NMC111, LFP) and a body make the
vehicles; BEV takes 0.9 NMC111 + 0.1 LFP packs.
"""

from __future__ import annotations

import networkx as nx

ORE_PER_CONC = 0.25 / (0.01 * 0.9)


def _node(G: nx.DiGraph, node: str, kind: str, country: str = "CHN", unit: str = "t", **extra: object) -> None:
    stressors = extra.pop("stressors", {})
    G.add_node(
        node,
        kind=kind,
        name=node,
        country=country,
        unit=unit,
        commodity=extra.pop("commodity", None),
        mine_id=extra.pop("mine_id", None),
        stressors=stressors,
        stressor_sources={s: "test" for s in stressors},  # type: ignore[union-attr]
        **extra,
    )


def _edge(G: nx.DiGraph, u: str, v: str, amount: float) -> None:
    G.add_edge(u, v, amount=amount, source="test", uncertainty=None)


def tiny_network() -> nx.DiGraph:
    """The network described in the module docstring."""
    G = nx.DiGraph()
    for country in ("CHL", "PER"):
        mine, ben = f"mine:cu:{country}", f"beneficiation:cu:{country}"
        _node(G, mine, "mine", country, commodity="copper", mine_id=country, grade=0.01, recovery=0.9,
              strip_ratio=2.0, stressors={"waste_rock": 2.0, "energy": 0.1})
        _node(G, ben, "beneficiation", country, commodity="copper", mine_id=country, grade=0.01,
              recovery=0.9, strip_ratio=2.0, stressors={"tailings": ORE_PER_CONC - 1.0, "energy": 0.5})
        _edge(G, mine, ben, ORE_PER_CONC)
    _node(G, "market:cu_conc:CHN", "market", commodity="copper")
    _edge(G, "beneficiation:cu:CHL", "market:cu_conc:CHN", 0.6)
    _edge(G, "beneficiation:cu:PER", "market:cu_conc:CHN", 0.4)
    _node(G, "energy:electricity:CHN", "energy", unit="GJ", carrier="electricity",
          stressors={"overburden": 0.05, "co2": 0.2})
    _node(G, "energy:other_power:CHN", "energy", unit="GJ", carrier="electricity")  # non-coal, nothing upstream
    G.nodes["energy:other_power:CHN"]["name"] = "Non-coal electricity, China"
    _node(G, "smelting:cu:CHN", "smelting", commodity="copper", stressors={"process_residue": 2.0})
    _edge(G, "market:cu_conc:CHN", "smelting:cu:CHN", 4.0)
    _edge(G, "energy:electricity:CHN", "smelting:cu:CHN", 10.0)
    _node(G, "recycling:cu_scrap:CHN", "recycling", boundary=True)
    _node(G, "recycling:cu_secondary:CHN", "recycling", commodity="copper")
    _edge(G, "recycling:cu_scrap:CHN", "recycling:cu_secondary:CHN", 1.0)
    _edge(G, "energy:electricity:CHN", "recycling:cu_secondary:CHN", 2.0)
    _node(G, "smelting:steel:CHN", "smelting", commodity="iron_ore", stressors={"overburden": 3.0})
    _node(G, "material:copper_wire", "material", stressors={"used": 1.0})
    _node(G, "material:steel", "material", stressors={"used": 1.0})
    _edge(G, "smelting:cu:CHN", "material:copper_wire", 1.0)
    _edge(G, "smelting:steel:CHN", "material:steel", 1.0)
    _node(G, "component:body", "component", unit="unit")
    _edge(G, "material:steel", "component:body", 1.0)
    for chem, copper in (("NMC111", 0.02), ("LFP", 0.03)):
        pack = f"component:traction_battery:{chem}"
        _node(G, pack, "component", unit="unit")
        _edge(G, "material:copper_wire", pack, copper)
        _node(G, f"BEV-{chem}", "vehicle", unit="vehicle")
        _edge(G, "component:body", f"BEV-{chem}", 1.0)
        _edge(G, pack, f"BEV-{chem}", 1.0)
    _node(G, "BEV", "vehicle", unit="vehicle")
    _edge(G, "component:body", "BEV", 1.0)
    _edge(G, "component:traction_battery:NMC111", "BEV", 0.9)
    _edge(G, "component:traction_battery:LFP", "BEV", 0.1)
    _node(G, "ICEV", "vehicle", unit="vehicle")
    _edge(G, "component:body", "ICEV", 1.0)
    return G


def test_tiny_network_solves_to_the_hand_computed_copper_flows() -> None:
    """One BEV-NMC111: 0.02 t Cu -> 0.08 t concentrate -> 0.08 x 27.78 t ore."""
    import numpy as np

    from tracer.engine import compile_network, solve

    compiled = compile_network(tiny_network())
    x = solve(compiled, compiled.demand({"BEV-NMC111": 1.0}))
    ore = 0.02 * 4.0 * ORE_PER_CONC
    assert np.isclose(x[compiled.index["mine:cu:CHL"]], 0.6 * ore)
    assert np.isclose(x[compiled.index["mine:cu:PER"]], 0.4 * ore)
    assert np.isclose(x[compiled.index["energy:electricity:CHN"]], 0.2)
