"""What the FINEPRINT scripts share: main sites, their mining method, the commodity table by main site,
and the spread across mines that every default row states.

Sub-sites (`.01`, `.02`, ...) are merged into their main facility (`facility_id[:8] + '.00'`);
the method is read from `facility_equipment` over the main site and its sub-sites:
open/surface/strip/quarry/dredge -> OP, underground -> UG, both -> OP+UG, neither -> `unknown`.
"""
import numpy as np
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


def commodities_by_site(folder: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """commodities.csv with each row's `main` site, and the main sites (one row each, indexed by id)."""
    facilities = pd.read_csv(folder + "facilities.csv")
    commodities = pd.read_csv(folder + "commodities.csv")
    with_main(facilities, commodities)
    sites = main_sites(facilities)
    return commodities, sites[~sites.index.duplicated()]


def spread(values: pd.Series) -> dict[str, float]:
    """n, median and P10-P90 across mines: what a default row of default_coefficients.csv states."""
    v = values.dropna().to_numpy(float)
    return {"n": len(v), "median": float(np.median(v)), "p10": float(np.percentile(v, 10)),
            "p90": float(np.percentile(v, 90))}
