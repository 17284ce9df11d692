"""Cradle-to-gate CO2e beyond burnt coal: process emissions and manufacturing energy (issue 12).

Why two small tables and not rows in the chain tables: they act on nodes built by
several modules (chain, steel, products) and on families of them (every traction
pack), so each row names its nodes by a glob pattern. The CO2 of fuel is booked where
the coal is mined (`energy:coal:*`, whatever burns it) and where oil and gas are burnt
(`energy:diesel|fuel_oil|gas:*`, graphs/fuels.py); these rows add what no fuel
explains: flux calcination, anode carbon, PFCs, reductants, electrodes
(`process_co2.csv`), and the electricity of cell factories (`manufacturing_energy.csv`),
which reaches CO2 through the grid of the factory's country. Every `co2` then flows
through the same engine and splits as the hidden flows do. Coal whose carbon stays in a
product (the olefin of coal-to-olefins) is not burnt: it comes from the coal-mining node's
feedstock twin (`add_feedstock_coal`), mined the same way but without combustion CO2.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import networkx as nx

from graphs.chain import coefficient
from graphs.model import add_flow, add_node
from graphs.parameters import Parameter, Parameters
from graphs.tables import Row, bundled, read_rows

CO2 = "co2"
#: Id prefix of a coal-mining node's feedstock twin, `energy:coal_feedstock:<ISO3>` (add_feedstock_coal).
FEEDSTOCK_COAL = "energy:coal_feedstock"


def matching_nodes(G: nx.DiGraph, row: Row, column: str) -> list[str]:
    """Nodes named by a cell: an id, a glob pattern over ids, or `kind=<kind>` (also graphs.fuels)."""
    pattern = row.text(column)
    if pattern.startswith("kind="):
        found = sorted(n for n, k in G.nodes(data="kind") if k == pattern.removeprefix("kind="))
    elif any(c in pattern for c in "*?["):
        found = sorted(fnmatch.filter(G.nodes, pattern))
    else:
        found = [pattern] if pattern in G else []
    if not found:
        raise row.error(column, f"no node matches {pattern!r}")
    return found


def add_process_co2(G: nx.DiGraph, params: Parameters, path: str | Path | None = None) -> None:
    """Set the `co2` stressor (t CO2e per unit) of the nodes each row names.

    A node that already carries CO2 (a coal mine) is refused: its CO2 is defined once.
    """
    for row in read_rows(path or bundled("process_co2.csv"), ("node", "amount")):
        c = coefficient(params, row, "amount")
        for node in matching_nodes(G, row, "node"):
            attrs = G.nodes[node]
            if CO2 in (attrs.get("stressors") or {}):
                raise row.error("node", f"{node!r} already has a co2 stressor")
            attrs["stressors"] = {**attrs.get("stressors", {}), CO2: c.value}
            attrs["stressor_sources"] = {**attrs.get("stressor_sources", {}), CO2: c.source}
            if c.uncertainty is not None:
                attrs["stressor_uncertainty"] = {**attrs.get("stressor_uncertainty", {}), CO2: c.uncertainty}


def add_manufacturing_energy(G: nx.DiGraph, params: Parameters, path: str | Path | None = None) -> None:
    """Energy inputs of manufacturing steps (GJ per unit), one edge per matched consumer.

    `amount` may use `unit_kwh`, the consumer's own `kwh` attribute (a traction pack's
    size), so one row covers packs of every size.
    """
    for row in read_rows(path or bundled("manufacturing_energy.csv"), ("consumer", "supplier", "amount")):
        for consumer in matching_nodes(G, row, "consumer"):
            kwh = G.nodes[consumer].get("kwh")
            scoped = params
            if "unit_kwh" in row.text("amount"):
                if kwh is None:
                    raise row.error("consumer", f"{consumer!r} has no kwh for unit_kwh")
                scoped = params.extended({"unit_kwh": Parameter("unit_kwh", float(kwh), "kWh per unit", "derived",
                                                                f"nominal size of {consumer}", repr(kwh))})
            c = coefficient(scoped, row, "amount")
            try:
                add_flow(G, row.text("supplier"), consumer, c.value, c.source, c.uncertainty)
            except ValueError as exc:
                raise row.error("supplier", str(exc)) from None


def add_feedstock_coal(G: nx.DiGraph, country: str) -> str:
    """Add `energy:coal_feedstock:<country>`: the country's mined coal, for uses that keep its carbon.

    Why a twin and not a negative CO2: a coal-mining node books the CO2 of burning every
    tonne it delivers, whatever burns it, and stressors are non-negative. Coal whose carbon
    ends in a product is drawn from this twin instead: the mine's attributes, stressors
    (overburden, gangue, heating value), ranges and inputs, less its `co2`, so the coal is
    still mined with the same hidden flows and only the CO2 of burning it goes. Call it
    after every input of the mine is added (tests compare the two in the built network).
    """
    mine, twin = f"energy:coal:{country}", f"{FEEDSTOCK_COAL}:{country}"
    attrs = G.nodes[mine]
    kept = {key: {s: v for s, v in (attrs.get(key) or {}).items() if s != CO2}
            for key in ("stressors", "stressor_sources", "stressor_uncertainty")}
    add_node(G, twin, **{**attrs, **kept, "name": f"{attrs['name']}, as feedstock (carbon kept in the product)",
                         "source": f"{attrs.get('source', '')}; feedstock twin of {mine}: its coal, mined the same "
                                   "way, whose carbon stays in a product (no combustion CO2)"})
    for supplier, _, edge in G.in_edges(mine, data=True):
        extra = {k: v for k, v in edge.items() if k not in ("amount", "source", "uncertainty")}
        add_flow(G, supplier, twin, edge["amount"], edge["source"], edge["uncertainty"], **extra)
    return twin
