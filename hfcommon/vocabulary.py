"""The words every layer uses, each declared once: stressors, node kinds, units,
vehicle ids, commodity codes, the flow-table columns and the country codes with a
special meaning.

Why one module: a stressor spelled differently in two places is a silent zero in a
split; the engine, the maps, the indicators and the scenarios all read these names
from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

#: Flows moved at mines but never entering the economy (the hidden flows).
HIDDEN_STRESSORS: tuple[str, ...] = ("overburden", "waste_rock", "tailings")
#: Every tonne extracted: TMR = hidden + process residue + used.
MASS_STRESSORS: tuple[str, ...] = (*HIDDEN_STRESSORS, "process_residue", "used")
#: Greenhouse gases of production, in CO2 equivalents.
CO2 = "co2"
STRESSORS: tuple[str, ...] = (*MASS_STRESSORS, "energy", CO2)
STRESSOR_UNITS: Mapping[str, str] = MappingProxyType({
    **{s: "t" for s in MASS_STRESSORS},
    "energy": "GJ",
    CO2: "t CO2-eq",
})

#: Carrier of the nodes that supply electricity (grids, captive power): what scenarios replace and audits look for.
ELECTRICITY = "electricity"

#: Node kinds of the supply-chain network, upstream first.
KINDS: tuple[str, ...] = (
    "mine",
    "beneficiation",
    "smelting",
    "refining",
    "market",
    "material",
    "component",
    "vehicle",
    "energy",
    "recycling",
)
#: Units of node output.
UNITS: tuple[str, ...] = ("t", "vehicle", "unit", "GJ")

VEHICLE_IDS: tuple[str, ...] = (
    "ICEV",
    "HEV",
    "PHEV",
    "BEV",
    "BEV-NMC111",
    "BEV-NMC532",
    "BEV-NMC622",
    "BEV-NMC811",
    "BEV-NCA",
    "BEV-LFP",
    "FCV",
)

#: The mined commodities the tracer follows (their properties: mine_db.commodities).
COMMODITY_CODES: tuple[str, ...] = (
    "iron_ore",
    "bauxite",
    "copper",
    "nickel",
    "cobalt",
    "lithium",
    "manganese",
    "lead",
    "zinc",
    "pgm",
    "graphite",
    "rare_earths",
)

#: Processing routes a sourcing row may name (graphs/data/sourcing.csv, column `route`), by
#: commodity: each gives the parameter route_share_<commodity>_<route> (0 where no row names it),
#: which plant-energy formulas use. Nickel `laterite`: smelted to nickel pig iron / ferronickel.
SUPPLY_ROUTES: Mapping[str, tuple[str, ...]] = MappingProxyType({"nickel": ("laterite",)})

#: Country code of flows of unknown or world-average origin (counted neither home nor abroad).
UNKNOWN_ORIGIN = "WLD"
#: China's country code, where a fact is China's own (its mines, its statistics).
CHINA = "CHN"
#: The home country of the bundled study (China's 2019 car production).
DEFAULT_HOME = CHINA

#: Columns of the attributed flow table, labels first.
FLOW_COLUMNS: tuple[str, ...] = (
    "vehicle",
    "country",
    "mine",
    "material",
    "component",
    "stage",
    "stressor",
    "value",
    "unit",
)
FLOW_LABEL_COLUMNS: tuple[str, ...] = FLOW_COLUMNS[:7]
