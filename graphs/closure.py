"""The upstream of the non-metals and the galvanising zinc (issue 19: closing the boundary).

Why a separate set of tables and not more rows in the chain tables: these nodes stand
for whole supply chains by a published factor (the Wuppertal MI of plastics and rubber)
or by a derived batch (glass from its oxide composition), not for one process each, and
`tracer reconcile` switches them off as elements (`boundary_element` non_metals,
minor_metals). closure_nodes.csv, closure_inputs.csv and closure_stressors.csv have the
layout of the chain tables and are read by the same code, after the chain (they feed its
material nodes and draw on its zinc refinery).
"""

from __future__ import annotations

import networkx as nx

from graphs.chain import add_tables
from graphs.parameters import Parameters


def add_closure(G: nx.DiGraph, params: Parameters) -> None:
    """Add the non-metal upstream and zinc-coating nodes with their inputs and stressors."""
    add_tables(G, params, "closure")
