"""Processing, energy and material nodes from the chain tables.

Why tables, not code: where a metal is smelted, what it yields and what residue it
leaves are data with sources, which a user may want to change. The tables name the
nodes (chain_nodes.csv), their inputs (chain_inputs.csv) and their direct stressors
(chain_stressors.csv); every amount is a formula over sourced parameters, and the
edge's source text is built from the row's text and each parameter's source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import networkx as nx

from graphs.model import Distribution, add_flow, add_node
from graphs.parameters import Parameters
from graphs.tables import Row, bundled, read_rows

USED_SOURCE = "definition: a material node's output is mass embodied in vehicles (1 t per t)"


@dataclass(frozen=True)
class Coefficient:
    """A table cell turned into a number with its source and uncertainty."""

    value: float
    source: str
    uncertainty: Distribution | None


def coefficient(params: Parameters, row: Row, column: str) -> Coefficient:
    """Evaluate the formula in `column`; cite the row and the parameters it used."""
    expression = row.text(column)
    evaluated = params.evaluate(expression, row, column)
    if evaluated.value < 0:
        raise row.error(column, f"{expression!r} is negative ({evaluated.value})")
    cited = params.cite(evaluated, expression)
    source = row.text("source") + (f" [{cited}]" if cited else "")
    uncertainty = row.distribution("uncertainty") or params.uncertainty_of(expression, row, column)
    return Coefficient(evaluated.value, source, uncertainty)


def add_tables(G: nx.DiGraph, params: Parameters, prefix: str) -> None:
    """Add a bundled route in the chain tables' layout: `{prefix}_nodes.csv`, `_inputs.csv`, `_stressors.csv`."""
    add_chain(G, params, *(bundled(f"{prefix}_{part}.csv") for part in ("nodes", "inputs", "stressors")))


def add_chain(
    G: nx.DiGraph,
    params: Parameters,
    nodes: str | Path | None = None,
    inputs: str | Path | None = None,
    stressors: str | Path | None = None,
) -> None:
    """Add the chain nodes with their stressors, then their input edges."""
    by_node: dict[str, dict[str, Coefficient]] = defaultdict(dict)
    first_row: dict[str, Row] = {}
    for row in read_rows(stressors or bundled("chain_stressors.csv"), ("node", "stressor", "amount")):
        first_row.setdefault(row.text("node"), row)
        name = row.text("stressor")
        if name in by_node[row.text("node")]:
            raise row.error("stressor", f"stressor {name!r} of {row.text('node')!r} is given twice")
        by_node[row.text("node")][name] = coefficient(params, row, "amount")
    defined: set[str] = set()
    for row in read_rows(nodes or bundled("chain_nodes.csv"),
                         ("id", "kind", "name", "country", "unit", "commodity", "boundary"),
                         optional=("external_mass", "carrier", "boundary_element")):
        nid = row.text("id")
        found = dict(by_node.get(nid, {}))
        if row.text("kind") == "material":
            if "used" in found:
                raise row.error("id", "material nodes get used = 1 by definition; remove the row")
            found["used"] = Coefficient(1.0, USED_SOURCE, None)
        extra = {}
        if row.text("external_mass", required=False):
            extra["external_mass"] = coefficient(params, row, "external_mass").value
        if row.text("carrier", required=False):
            extra["carrier"] = row.text("carrier")
        if row.text("boundary_element", required=False):  # tracer reconcile's element (CONTRACTS.md)
            extra["boundary_element"] = row.text("boundary_element")
        try:
            add_node(
                G,
                nid,
                kind=row.text("kind"),
                name=row.text("name"),
                country=row.text("country"),
                unit=row.text("unit"),
                commodity=row.text("commodity", required=False) or None,
                stressors={k: c.value for k, c in found.items()},
                stressor_sources={k: c.source for k, c in found.items()},
                stressor_uncertainty={k: c.uncertainty for k, c in found.items() if c.uncertainty is not None},
                boundary=row.flag("boundary"),
                source=row.text("source"),
                **extra,
            )
        except ValueError as exc:
            raise row.error("id", str(exc)) from None
        defined.add(nid)
    for nid in sorted(set(by_node) - defined):
        raise first_row[nid].error("node", f"stressors for {nid!r}, which the chain node table does not define")
    for row in read_rows(inputs or bundled("chain_inputs.csv"), ("consumer", "supplier", "amount")):
        c = coefficient(params, row, "amount")
        try:
            add_flow(G, row.text("supplier"), row.text("consumer"), c.value, c.source, c.uncertainty)
        except ValueError as exc:
            raise row.error("supplier", str(exc)) from None

