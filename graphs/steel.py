"""Iron and steel as China made it in 2019: blast furnace -> basic oxygen and electric arc;
direct reduction -> electric arc as a procurement option.

Why a module of its own: the route split is the lever a steel buyer pulls (EAF share,
scrap), and it is data: `steel_nodes.csv`, `steel_inputs.csv` and `steel_stressors.csv`
have the layout of the chain tables and are read by the same `graphs.chain.add_tables`,
after the chain (whose blast furnace, grid and `material:steel` they connect).
"""

from __future__ import annotations

#: Node ids of the two steelmaking routes and of the scrap they charge.
BOF = "smelting:steel_bof:CHN"
EAF = "smelting:steel_eaf:CHN"
SCRAP = "recycling:steel_scrap:CHN"
#: The blast furnace (chain_nodes.csv) whose hot metal both routes charge.
PIG_IRON = "refining:pig_iron:CHN"
#: Direct reduction (natural gas) and the arc furnace melting its iron: a procurement option
#: that supplies no steel until a scenario's `steel_route.dri_share` gives it a share.
DRI = "refining:dri:CHN"
DRI_EAF = "smelting:steel_dri_eaf:CHN"

