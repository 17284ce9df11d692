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

from pathlib import Path

import networkx as nx

from graphs.chain import add_chain
from graphs.parameters import Parameters
from graphs.tables import bundled


def add_closure(
    G: nx.DiGraph,
    params: Parameters,
    nodes: str | Path | None = None,
    inputs: str | Path | None = None,
    stressors: str | Path | None = None,
) -> None:
    """Add the non-metal upstream and zinc-coating nodes with their inputs and stressors."""
    add_chain(
        G,
        params,
        nodes=nodes or bundled("closure_nodes.csv"),
        inputs=inputs or bundled("closure_inputs.csv"),
        stressors=stressors or bundled("closure_stressors.csv"),
    )
