"""Copper leach (SX-EW cathode) recovery of FINEPRINT mines (default_coefficients.csv, copper leach recovery row).

FINEPRINT files the copper won by leaching as commodity `Oth.cuca` (copper cathode, material_ids.csv) of the ore
stream it was leached from (O.Cu, O.oxi, O.bulk), with the stream's `recovery_rate` ("share of commodity recovered
in ore processing", variables_descriptions.csv); concentrator copper is `Me.Cu` and is what fp_grades.py averages.
Per mine (sub-sites merged into the main site): the median cathode recovery over 2010-2020, the window of
fp_grades.py; then median, P10-P90 and n across mines. `mine_processing` (heap leaching, SX-EW, ...) is listed.
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_leach.py PATH/TO/fineprint-mine-production/final_2022-06 [--json]
"""
from __future__ import annotations

import json
import sys

import pandas as pd
from fp_sites import commodities_by_site, spread

CATHODE = "Oth.cuca"
YEARS = (2010, 2020)


def per_mine(folder: str) -> pd.DataFrame:
    """Median cathode recovery per mine over `YEARS`, with its years, range and leaching route."""
    c, sites = commodities_by_site(folder)
    rows = c[(c.commodity == CATHODE) & (c.recovery_rate > 0) & c.year.between(*YEARS)]
    g = rows.groupby("main")
    mines = g.agg(recovery=("recovery_rate", "median"), years=("recovery_rate", "size"), y0=("year", "min"),
                  y1=("year", "max"), low=("recovery_rate", "min"), high=("recovery_rate", "max"),
                  route=("mine_processing", lambda s: "; ".join(sorted(set(s.dropna())))),
                  ore=("material", lambda s: "; ".join(sorted(set(s))))).reset_index()
    mines.insert(1, "name", mines.main.map(sites.facility_name))
    mines.insert(2, "country", mines.main.map(sites.country))
    return mines.sort_values("recovery", ignore_index=True)


def statistic(values: pd.Series) -> dict[str, float | int]:
    v = values.dropna()
    return {**spread(v), "min": float(v.min()), "max": float(v.max())}


def main(argv: list[str]) -> None:
    mines = per_mine(argv[0].rstrip("/") + "/")
    result = {"years": list(YEARS), "recovery": statistic(mines.recovery), "mines": mines.to_dict("records")}
    if "--json" in argv:
        print(json.dumps(result, indent=1))
        return
    pd.set_option("display.width", 200)
    print(mines.drop(columns="main").to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(json.dumps(result["recovery"], indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
