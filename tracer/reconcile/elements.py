"""Boundary elements: declared sets of network nodes that a reconciliation switches off.

Why declared, not coded: what a study includes (coal, domestic iron ore, non-metals,
fluxes, ...) grows with the network. Each element is a row set in a CSV file of node
selectors, and a node can also name its element itself (node attribute
`boundary_element`), so an element added to the network later plugs in without code.

Switching an element off cuts every delivery from its nodes to nodes outside it: the
element, and whatever upstream only it draws on, drops out of the supply chain with
nothing in its place. The mass a cut delivery brought into its consumer also leaves
the consumer's process residue (burnt coal, calcined flux), so TMR stays closed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path

import networkx as nx

from graphs.tables import Row, read_rows
from hfcommon.errors import InputError

SELECTORS = ("kind", "carrier", "commodity", "country", "id")
TAG = "boundary_element"


@dataclass(frozen=True)
class Selector:
    """One row: every filled cell must match the node (`a|b` either, `!a` not a)."""

    cells: tuple[tuple[str, str], ...]

    def matches(self, node: str, attrs: dict) -> bool:
        if not self.cells:
            return False  # an empty row selects nothing (the element is tag-only)
        return all(_cell_matches(node if key == "id" else attrs.get(key), key, pattern) for key, pattern in self.cells)


def _cell_matches(value: object, key: str, pattern: str) -> bool:
    negate = pattern.startswith("!")
    options = [p.strip() for p in pattern.lstrip("!").split("|")]
    text = "" if value is None else str(value)
    hit = any(fnmatchcase(text, p) if key == "id" else text == p for p in options)
    return hit != negate


@dataclass(frozen=True)
class Element:
    """A boundary element: name, label, selectors and why it is one."""

    name: str
    label: str
    selectors: tuple[Selector, ...]
    source: str

    def members(self, G: nx.DiGraph) -> frozenset[str]:
        """Nodes of `G` in this element (by selector or by their `boundary_element` tag)."""
        return frozenset(
            n for n, attrs in G.nodes(data=True)
            if attrs.get(TAG) == self.name or any(s.matches(n, attrs) for s in self.selectors)
        )


def bundled_elements_file() -> Path:
    return Path(str(resources.files("tracer") / "data" / "reconcile" / "boundary_elements.csv"))


def load_elements(path: str | Path | None = None) -> tuple[Element, ...]:
    """The declared boundary elements, in file order (rows of one element are merged)."""
    rows = read_rows(path or bundled_elements_file(), ("element", "label", *SELECTORS))
    order: list[str] = []
    by_name: dict[str, list[Row]] = {}
    for row in rows:
        name = row.text("element")
        if name not in by_name:
            order.append(name)
            by_name[name] = []
        elif row.text("label") != by_name[name][0].text("label"):
            raise row.error("label", f"element {name!r} has another label on an earlier row")
        by_name[name].append(row)
    if not order:
        raise InputError("no boundary element declared", file=str(path or bundled_elements_file()))
    return tuple(_element(by_name[name]) for name in order)


def _element(rows: Sequence[Row]) -> Element:
    selectors = []
    for row in rows:
        cells = tuple((key, row.text(key, required=False)) for key in SELECTORS if row.text(key, required=False))
        for key, pattern in cells:
            if not pattern.lstrip("!").strip() or any(not p.strip() for p in pattern.lstrip("!").split("|")):
                raise row.error(key, f"{pattern!r} has an empty alternative")
        selectors.append(Selector(cells))
    first = rows[0]
    return Element(first.text("element"), first.text("label"), tuple(selectors),
                   "; ".join(dict.fromkeys(r.text("source") for r in rows)))


def switched_off(G: nx.DiGraph, nodes: Iterable[str]) -> nx.DiGraph:
    """A copy of `G` without the deliveries from `nodes` to nodes outside them.

    A consumer's `process_residue` is its input mass less its output, so a cut delivery
    in tonnes also leaves the consumer's residue (never below 0): switching coal or flux
    off removes the burnt coal or the calcined flux too, and TMR stays closed.
    """
    inside = set(nodes)
    cut = [(u, v) for u in inside if u in G for v in G.successors(u) if v not in inside]
    H = G.copy()
    for u, v in cut:
        stressors = H.nodes[v].get("stressors") or {}
        if G.nodes[u].get("unit") == "t" and stressors.get("process_residue"):
            residue = max(0.0, stressors["process_residue"] - float(G.edges[u, v].get("amount", 0.0)))
            H.nodes[v]["stressors"] = {**stressors, "process_residue": residue}  # a new dict: G keeps its own
    H.remove_edges_from(cut)
    return H
