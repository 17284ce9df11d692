"""Cradle-to-gate CO2e beyond burnt coal: process emissions and manufacturing energy (issue 12).

Why two small tables and not rows in the chain tables: they act on nodes built by
several modules (chain, steel, products) and on families of them (every traction
pack), so each row names its nodes by a glob pattern. The CO2 of fuel is booked where
the coal is mined (`energy:coal:*`, whatever burns it) and where oil and gas are burnt
(`energy:diesel|fuel_oil|gas:*`, graphs/fuels.py); these rows add what no fuel
explains: flux calcination, anode carbon, PFCs, reductants, electrodes
(`process_co2.csv`), and the electricity of cell factories (`manufacturing_energy.csv`),
which reaches CO2 through the grid of the factory's country. Every `co2` then flows
through the same engine and splits as the hidden flows do.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import networkx as nx

from graphs.chain import coefficient
from graphs.model import add_flow
from graphs.parameters import Parameter, Parameters
from graphs.tables import Row, bundled, read_rows

CO2 = "co2"


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
