"""Which process nodes draw electricity, from which country's grid, and which fuels they burn (issue 19).

Why an audit and not a rule in the builder: "every mine, concentrator, smelter, refinery,
cathode and cell plant takes its own country's grid and burns sourced fuel" is a claim about
the whole default network, and its gaps (a plant on the world grid, a concentrator with no
electricity, a refinery with no fuel) are what a reader of the results needs to see. The
audit reads the built graph only: an energy input is an in-edge from a node with a `carrier`.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from hfcommon.vocabulary import ELECTRICITY, UNKNOWN_ORIGIN

#: Node kinds that process material and so should draw energy (mines burn diesel, concentrators draw power).
PROCESS_KINDS: tuple[str, ...] = ("mine", "beneficiation", "smelting", "refining", "recycling")
#: Grid status of a node: its own country's grid, the world-average grid, another country's, none.
GRID_STATES: tuple[str, ...] = ("own", "world", "other", "none")
AUDIT_COLUMNS: tuple[str, ...] = ("node", "kind", "commodity", "country", "grid", "grid_status", "fuels")
SUMMARY_COLUMNS: tuple[str, ...] = ("kind", "commodity", "nodes", *(f"grid_{s}" for s in GRID_STATES), "fuels")


def _manufacturing_plants(G: nx.DiGraph) -> list[str]:
    """Components made with energy of their own (the cell and pack factories)."""
    return [n for n, a in G.nodes(data=True) if a.get("kind") == "component"
            and any(G.nodes[s].get("carrier") for s in G.predecessors(n))]


def audit_energy(G: nx.DiGraph) -> pd.DataFrame:
    """One row per process node: its electricity supplier, that grid's status and the fuels it burns.

    `grid` is the electricity supplier (`;`-joined if several), `grid_status` is `own` when
    the supplier is located in the node's country, `world` for the world-average grid,
    `other` for another country's grid, `none` without electricity. `fuels` lists the
    carriers of its other energy inputs (coal, diesel, fuel_oil, gas), sorted.
    """
    nodes = [n for n, a in G.nodes(data=True) if a.get("kind") in PROCESS_KINDS] + _manufacturing_plants(G)
    rows = []
    for node in nodes:
        attrs = G.nodes[node]
        grids, fuels = [], set()
        for supplier in G.predecessors(node):
            carrier = G.nodes[supplier].get("carrier")
            if carrier == ELECTRICITY:
                grids.append(supplier)
            elif carrier:
                fuels.add(carrier)
        rows.append({
            "node": node, "kind": attrs.get("kind"), "commodity": attrs.get("commodity") or "",
            "country": attrs.get("country", ""), "grid": ";".join(sorted(grids)),
            "grid_status": _grid_status(G, attrs.get("country", ""), grids), "fuels": ",".join(sorted(fuels)),
        })
    return pd.DataFrame(rows, columns=list(AUDIT_COLUMNS))


def _grid_status(G: nx.DiGraph, country: str, grids: list[str]) -> str:
    if not grids:
        return "none"
    located = {G.nodes[g].get("country") for g in grids}
    if country in located:
        return "own"
    return "world" if located == {UNKNOWN_ORIGIN} else "other"


def summarise_audit(audit: pd.DataFrame) -> pd.DataFrame:
    """Nodes per kind and commodity, counted by grid status, with the union of their fuels."""
    rows = []
    for (kind, commodity), group in audit.groupby(["kind", "commodity"], sort=True):
        counts = group["grid_status"].value_counts()
        fuels = sorted({f for cell in group["fuels"] for f in cell.split(",") if f})
        rows.append({"kind": kind, "commodity": commodity, "nodes": len(group),
                     **{f"grid_{s}": int(counts.get(s, 0)) for s in GRID_STATES}, "fuels": ",".join(fuels)})
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


def world_grid_countries(audit: pd.DataFrame) -> pd.Series:
    """Countries whose process nodes take the world-average grid, with their node counts."""
    world = audit[audit["grid_status"] == "world"]
    return world.groupby("country").size().sort_values(ascending=False)
