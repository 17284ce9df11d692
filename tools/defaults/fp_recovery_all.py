"""Concentrator recovery of every base metal at FINEPRINT mines: the wider sample of the recovery defaults that
rest on fewer than five mines of their own commodity (default_coefficients.csv, commodity `all`, recovery row).

Per mine (sub-sites merged into the main site) and metal: the median `recovery_rate` of commodities.csv over
2010-2020 (the window of fp_grades.py), then one value per mine (the median over its metals), then median,
P10-P90 and n across mines. Base metals recovered to a concentrate or matte (Me.Cu, Me.Zn, Me.Pb, Me.Ni,
Me.Co, Me.pgm, Me.Mo, Me.Sn); gold and silver are left out (cyanide leaching and by-product credits, not a
concentrator's recovery), and so is leached copper (Oth.cuca, see fp_leach.py).
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_recovery_all.py PATH/TO/fineprint-mine-production/final_2022-06 [--json]
"""
from __future__ import annotations

import json
import sys

import pandas as pd
from fp_sites import commodities_by_site, spread

BASE_METALS = ("Me.Cu", "Me.Zn", "Me.Pb", "Me.Ni", "Me.Co", "Me.pgm", "Me.Mo", "Me.Sn")
YEARS = (2010, 2020)


def per_mine(folder: str) -> pd.DataFrame:
    """One concentrator recovery per mine: the median over its metals of each metal's median over `YEARS`."""
    c, sites = commodities_by_site(folder)
    rows = c[c.commodity.isin(BASE_METALS) & (c.recovery_rate > 0) & c.year.between(*YEARS)].copy()
    rows["recovery"] = rows.recovery_rate.where(rows.recovery_rate <= 1, rows.recovery_rate / 100)
    by_metal = rows.groupby(["main", "commodity"]).recovery.median().reset_index()
    mines = by_metal.groupby("main").agg(recovery=("recovery", "median"),
                                         metals=("commodity", lambda s: " ".join(sorted(s)))).reset_index()
    mines.insert(1, "name", mines.main.map(sites.facility_name))
    mines.insert(2, "country", mines.main.map(sites.country))
    return mines.sort_values("recovery", ignore_index=True)


def summary(mines: pd.DataFrame) -> dict[str, float]:
    return spread(mines.recovery)


if __name__ == "__main__":
    table = per_mine(sys.argv[1].rstrip("/") + "/")
    if "--json" in sys.argv:
        print(json.dumps(summary(table)))
    else:
        pd.set_option("display.width", 200)
        print(table.to_string())
        print(summary(table))
