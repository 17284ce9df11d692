"""Secondary copper and aluminium: scrap to metal through China's grid and furnaces.

Why a module of its own: recycled content is the lever a buyer pulls, and its remaining
burden is data, not a lump figure (issue 19, replacing assumption A15's MIPS totals).
`secondary_nodes.csv`, `secondary_inputs.csv` and `secondary_stressors.csv` have the
layout of the chain tables and are read by the same `graphs.chain.add_chain`, after the
coal mines and grids they draw on exist. No material takes these routes by default;
`tracer.scenarios.levers.recycled_content` moves supply onto them.
"""

from __future__ import annotations

#: Node ids of the secondary routes and of the scrap they take.
COPPER = "recycling:copper_secondary:CHN"
ALUMINIUM = "recycling:aluminium_secondary:CHN"
COPPER_SCRAP = "recycling:copper_scrap:CHN"
ALUMINIUM_SCRAP = "recycling:aluminium_scrap:CHN"

