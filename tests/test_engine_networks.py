"""Small supply-chain networks for the engine tests, solved by hand, plus random ones.

Imported by the other engine/attribution/CLI tests; the tests here only check that
the builders honour the structure docs/CONTRACTS.md promises the engine.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

COUNTRIES = ("CHN", "CHL", "AUS", "PER", "ZAF", "IDN", "COD", "WLD")


def chain_network() -> nx.DiGraph:
    """Two copper mines -> refinery -> copper -> motor -> BEV, plus copper straight into the BEV.

    Hand solution for 10 BEV: copper 10 * (0.02 + 0.01) = 0.3 t, refined copper
    1.05 * 0.3 = 0.315 t, mine A 0.6 * 0.315 = 0.189 t, mine B 0.126 t.
    Flows: overburden 100 * 0.189 = 18.9, tailings 30 * 0.189 + 20 * 0.126 = 8.19,
    waste rock 50 * 0.126 = 6.3, process residue 0.2 * 0.315 + 0.05 * 0.3 + 0.1 * 10
    = 1.078, used 0.3; TMR 34.768 t.
    """
    G = nx.DiGraph()
    G.add_node("mine:A", kind="mine", country="CHL", mine_id="A", commodity="copper", unit="t",
               stressors={"overburden": 100.0, "tailings": 30.0})
    G.add_node("mine:B", kind="mine", country="AUS", mine_id="B", commodity="copper", unit="t",
               stressors={"waste_rock": 50.0, "tailings": 20.0})
    G.add_node("refining:cu", kind="refining", country="CHN", commodity="copper", unit="t",
               stressors={"process_residue": 0.2, "energy": 30.0})
    G.add_node("material:copper", kind="material", country="CHN", unit="t",
               stressors={"used": 1.0, "process_residue": 0.05})
    G.add_node("component:motor", kind="component", country="CHN", unit="unit")
    G.add_node("BEV", kind="vehicle", country="CHN", unit="vehicle", stressors={"process_residue": 0.1})
    G.add_edge("mine:A", "refining:cu", amount=0.6)
    G.add_edge("mine:B", "refining:cu", amount=0.4)
    G.add_edge("refining:cu", "material:copper", amount=1.05)
    G.add_edge("material:copper", "component:motor", amount=0.02)
    G.add_edge("material:copper", "BEV", amount=0.01)
    G.add_edge("component:motor", "BEV", amount=1.0)
    return G


def recycling_network(gain_to_refinery: float = 0.3, scrap_per_recycled: float = 0.5) -> nx.DiGraph:
    """A refinery that takes back remelted scrap: refinery <-> recycling, a loop.

    Per t of refined copper: 0.8 t concentrate from the mine and `gain_to_refinery` t
    of recycled metal; each t recycled takes `scrap_per_recycled` t of refined copper.
    Loop gain g = 0.3 * 0.5 = 0.15, so for 1 t copper material (1 t refined):
    x_ref = 1 / (1 - g) = 1/0.85, x_rec = 0.3 x_ref, x_mine = 0.8 x_ref.
    """
    G = nx.DiGraph()
    G.add_node("mine:C", kind="mine", country="PER", mine_id="C", commodity="copper", unit="t",
               stressors={"overburden": 10.0})
    G.add_node("refining:cu", kind="refining", country="CHN", commodity="copper", unit="t",
               stressors={"process_residue": 0.05})
    G.add_node("recycling:cu", kind="recycling", country="CHN", commodity="copper", unit="t",
               stressors={"process_residue": 0.1})
    G.add_node("material:copper", kind="material", country="CHN", unit="t", stressors={"used": 1.0})
    G.add_node("ICEV", kind="vehicle", country="CHN", unit="vehicle")
    G.add_edge("mine:C", "refining:cu", amount=0.8)
    G.add_edge("recycling:cu", "refining:cu", amount=gain_to_refinery)
    G.add_edge("refining:cu", "recycling:cu", amount=scrap_per_recycled)
    G.add_edge("refining:cu", "material:copper", amount=1.0)
    G.add_edge("material:copper", "ICEV", amount=1.0)
    return G


def random_network(seed: int, cyclic: bool = False, material_loop: bool = False) -> nx.DiGraph:
    """A random network with the contract's structure (mines ... materials -> components -> vehicles).

    `cyclic` adds refinery <-> recycling loops (gain < 1); `material_loop` lets one
    material feed another through a recycling node, which the attribution must still
    split exactly.
    """
    rng = np.random.default_rng(seed)
    G = nx.DiGraph()
    commodities = [f"metal{i}" for i in range(rng.integers(1, 4))]
    refineries: dict[str, list[str]] = {}
    coal = "energy:coal"
    G.add_node(coal, kind="energy", country=str(rng.choice(COUNTRIES)), unit="GJ",
               stressors={"overburden": float(rng.uniform(0, 0.5)), "co2": float(rng.uniform(0, 0.1))})
    for c in commodities:
        mines = []
        for m in range(rng.integers(1, 5)):
            node = f"mine:{c}:{m}"
            G.add_node(node, kind="mine", country=str(rng.choice(COUNTRIES)), mine_id=f"{c}-{m}", commodity=c, unit="t",
                       stressors={s: float(rng.uniform(0, 50)) for s in ("overburden", "waste_rock", "tailings") if rng.random() < 0.8})
            mines.append(node)
        refineries[c] = []
        for r in range(rng.integers(1, 3)):
            node = f"refining:{c}:{r}"
            G.add_node(node, kind="refining", country=str(rng.choice(COUNTRIES)), commodity=c, unit="t",
                       stressors={"process_residue": float(rng.uniform(0, 2))})
            for mine in rng.choice(mines, size=rng.integers(1, len(mines) + 1), replace=False):
                G.add_edge(str(mine), node, amount=float(rng.uniform(0.1, 5)))
            if rng.random() < 0.5:
                G.add_edge(coal, node, amount=float(rng.uniform(0, 20)))
            if cyclic:
                rec = f"recycling:{c}:{r}"
                G.add_node(rec, kind="recycling", country="CHN", commodity=c, unit="t",
                           stressors={"process_residue": float(rng.uniform(0, 0.3))})
                G.add_edge(rec, node, amount=float(rng.uniform(0, 0.9)))
                G.add_edge(node, rec, amount=float(rng.uniform(0, 0.9)))
            refineries[c].append(node)
    materials = []
    for k in range(rng.integers(1, 5)):
        node = f"material:{k}"
        G.add_node(node, kind="material", country="CHN", unit="t",
                   stressors={"used": 1.0, "process_residue": float(rng.uniform(0, 0.3))})
        for c in rng.choice(commodities, size=rng.integers(1, len(commodities) + 1), replace=False):
            G.add_edge(str(rng.choice(refineries[str(c)])), node, amount=float(rng.uniform(0.1, 1.5)))
        materials.append(node)
    if material_loop and len(materials) >= 2:
        G.add_node("recycling:scrap", kind="recycling", country="CHN", unit="t")
        G.add_edge(materials[0], "recycling:scrap", amount=0.5)
        G.add_edge("recycling:scrap", materials[1], amount=0.3)
    components = []
    for c in range(rng.integers(1, 5)):
        node = f"component:{c}"
        G.add_node(node, kind="component", country=str(rng.choice(("CHN", "JPN", "DEU"))), unit="unit",
                   stressors={"process_residue": float(rng.uniform(0, 0.2))} if rng.random() < 0.5 else {})
        for m in rng.choice(materials, size=rng.integers(1, len(materials) + 1), replace=False):
            G.add_edge(str(m), node, amount=float(rng.uniform(0.001, 0.5)))
        for sub in components:
            if rng.random() < 0.3:
                G.add_edge(sub, node, amount=float(rng.integers(1, 3)))
        components.append(node)
    for v in ("ICEV", "BEV-LFP", "PHEV")[: rng.integers(1, 4)]:
        G.add_node(v, kind="vehicle", country="CHN", unit="vehicle",
                   stressors={"process_residue": float(rng.uniform(0, 0.3))})
        for comp in rng.choice(components, size=rng.integers(1, len(components) + 1), replace=False):
            G.add_edge(str(comp), v, amount=float(rng.integers(1, 4)))
        if rng.random() < 0.5:
            G.add_edge(str(rng.choice(materials)), v, amount=float(rng.uniform(0, 0.5)))
    return G


def test_random_networks_follow_the_contract() -> None:
    for seed in range(20):
        G = random_network(seed, cyclic=seed % 2 == 0)
        vehicles = [n for n, k in G.nodes(data="kind") if k == "vehicle"]
        assert vehicles
        for mine in (n for n, k in G.nodes(data="kind") if k == "mine"):
            for v in vehicles:
                for path in nx.all_simple_paths(G, mine, v):
                    kinds = [G.nodes[n]["kind"] for n in path]
                    assert kinds.count("material") == 1


def test_recycling_network_is_cyclic() -> None:
    assert not nx.is_directed_acyclic_graph(recycling_network())
    assert nx.is_directed_acyclic_graph(chain_network())
