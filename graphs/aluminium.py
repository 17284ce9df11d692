"""The power of China's primary aluminium smelters: captive coal above the national grid's share.

Why not the grid: two thirds of the smelters' electricity was self-generated in 2019,
80 % of it from coal (IAI), against 65 % coal on China's grid. The mix is route data,
read from `smelter_*.csv` (the chain tables' layout) once the grids exist; the
`[aluminium_power]` lever moves its electricity to non-coal power.
"""

from __future__ import annotations

#: The smelters' own power mix (an electricity node of carrier "electricity").
SMELTER_POWER = "energy:smelter_power:CHN"
#: China's primary aluminium smelter (chain_nodes.csv), which draws it.
PRIMARY_SMELTER = "smelting:aluminium:CHN"

