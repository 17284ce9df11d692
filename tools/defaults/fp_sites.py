"""What fp_strip.py and fp_grades.py share: FINEPRINT's main sites and their mining method.

Sub-sites (`.01`, `.02`, ...) are merged into their main facility (`facility_id[:8] + '.00'`);
the method is read from `facility_equipment` over the main site and its sub-sites:
open/surface/strip/quarry/dredge -> OP, underground -> UG, both -> OP+UG, neither -> `unknown`.
"""
import pandas as pd

SURFACE_WORDS = ("open", "surface", "strip", "quarr", "dredg")


def with_main(*tables: pd.DataFrame) -> None:
    """Add the `main` facility id to each table (in place)."""
    for table in tables:
        table["main"] = table.facility_id.str[:8] + ".00"


def main_sites(facilities: pd.DataFrame) -> pd.DataFrame:
    """The main facilities (`.00`), indexed by id."""
    return facilities[facilities.facility_id.str.endswith(".00")].set_index("facility_id")


def method(equipment: str) -> str:
    text = equipment.lower()
    surface, underground = any(k in text for k in SURFACE_WORDS), "underground" in text
    return "OP+UG" if surface and underground else "OP" if surface else "UG" if underground else "unknown"


def methods(facilities: pd.DataFrame) -> pd.Series:
    """Mining method per main site, from the equipment of the site and its sub-sites."""
    equipment = facilities.groupby("main").facility_equipment.apply(
        lambda s: " | ".join(sorted(set(s.dropna().astype(str)))))
    return equipment.map(method)
