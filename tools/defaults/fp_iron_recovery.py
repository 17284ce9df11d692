"""Fe recovery and mass yield of FINEPRINT iron-ore mines (default_coefficients.csv, iron_ore recovery rows).

Per mine-year, from minerals.csv (ore processed, else ore mined; the product: 'Concentrate' rows of O.Fe, Con.Fe,
Con.bulk or Oth.sif) and commodities.csv (Me.Fe grade_ppm of the ore and of the product, joined on id_minerals; where
commodities.csv has none, the stream's overall_grade_ppm in minerals.csv):
    Fe recovery = product t x product Fe / (ore t x ore Fe)   where all four figures are reported,
    mass yield  = product t / ore t                            where both tonnages are reported.
Per mine: the median over its years; per kind of plant: median, P10-P90 and n over mines. FINEPRINT records no ore
type, and files shipped hematite as 'Con.Fe' too, so the kind is read from the mine's median mass yield: below 0.8
'concentrator' (magnetite, taconite, itabirite plants reject most of their feed), else 'direct shipping' (ore crushed
and screened). Mines whose product exceeds their ore more than 1.2-fold are listed and left out (tonnages of different
bases). Only primary-iron mines count.
Reads the user's own copy of the dataset; not needed at run time.
Usage: python tools/defaults/fp_iron_recovery.py PATH/TO/fineprint-mine-production/final_2022-06 [--json]
"""
from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
from fp_sites import main_sites, with_main

PRODUCTS = ("O.Fe", "Con.Fe", "Con.bulk", "Oth.sif")
MAX_YIELD = 1.2
CONCENTRATOR_YIELD = 0.8


def mine_years(folder: str) -> pd.DataFrame:
    """Ore t, ore Fe, product t, product Fe, recovery and mass yield per iron mine-year."""
    f = pd.read_csv(folder + "facilities.csv")
    m = pd.read_csv(folder + "minerals.csv")
    c = pd.read_csv(folder + "commodities.csv")
    with_main(f, m, c)
    sites = main_sites(f)
    iron = set(f.loc[f.primary_commodity == "Iron", "main"])
    m = m[m.main.isin(iron) & m.material.isin(PRODUCTS)]
    fe = c[c.commodity == "Me.Fe"].set_index("id_minerals").grade_ppm / 1e6
    m = m.assign(fe=m.id.map(fe).fillna(m.overall_grade_ppm / 1e6), fe_t=lambda d: d.value_tonnes * d.fe)
    keys = ["main", "year"]
    ore = (m[m.type == "Ore processed"].groupby(keys)[["value_tonnes", "fe_t"]].sum(min_count=1)
           .combine_first(m[m.type == "Ore mined"].groupby(keys)[["value_tonnes", "fe_t"]].sum(min_count=1)))
    product = m[m.type == "Concentrate"].groupby(keys).agg(
        product_t=("value_tonnes", "sum"), product_fe_t=("fe_t", lambda s: s.sum(min_count=1)),
        product_fe_rows=("fe", "count"), rows=("fe", "size"))
    y = product.join(ore.rename(columns={"value_tonnes": "ore_t", "fe_t": "ore_fe_t"}), how="inner")
    y = y[(y.ore_t > 0) & (y.product_t > 0)].reset_index()
    complete = y.ore_fe_t.notna() & (y.product_fe_rows == y.rows)
    y["recovery"] = (y.product_fe_t / y.ore_fe_t).where(complete)
    y["mass_yield"] = y.product_t / y.ore_t
    y["name"] = y.main.map(sites.facility_name)
    y["country"] = y.main.map(sites.country)
    return y


def per_mine(years: pd.DataFrame) -> pd.DataFrame:
    """Median recovery and mass yield per mine, with the years each rests on."""
    g = years.groupby(["main", "name", "country"])
    mines = g.agg(recovery=("recovery", "median"), recovery_years=("recovery", "count"),
                 recovery_min=("recovery", "min"), recovery_max=("recovery", "max"),
                 mass_yield=("mass_yield", "median"), yield_years=("mass_yield", "count"),
                 y0=("year", "min"), y1=("year", "max")).reset_index()
    return mines.assign(kind=np.where(mines.mass_yield < CONCENTRATOR_YIELD, "concentrator", "direct shipping"))


def statistic(values: pd.Series) -> dict[str, float | int]:
    v = values.dropna().to_numpy(float)
    if not len(v):
        return {"n": 0}
    return {"n": int(len(v)), "median": float(np.median(v)), "p10": float(np.percentile(v, 10)),
            "p90": float(np.percentile(v, 90)), "min": float(v.min()), "max": float(v.max())}


def summary(mines: pd.DataFrame) -> dict[str, dict]:
    """Per ore type (and all): statistics of the per-mine recoveries and mass yields."""
    kept = mines[mines.mass_yield <= MAX_YIELD]
    out = {}
    for kind, group in [("all", kept), *kept.groupby("kind")]:
        out[kind] = {"recovery": statistic(group.recovery), "mass_yield": statistic(group.mass_yield),
                     "recovery_mines": sorted(group.loc[group.recovery.notna(), "name"]),
                     "yield_mines": sorted(group.name)}
    out["left_out"] = {"mass_yield_above": MAX_YIELD, "mines": sorted(mines.loc[mines.mass_yield > MAX_YIELD, "name"])}
    columns = ["name", "country", "kind", "recovery", "recovery_years", "recovery_min", "recovery_max", "mass_yield"]
    out["mines_with_recovery"] = mines.loc[mines.recovery.notna(), columns].to_dict("records")
    return out


def main(argv: list[str]) -> None:
    folder = argv[0].rstrip("/") + "/"
    years = mine_years(folder)
    mines = per_mine(years)
    result = summary(mines)
    if "--json" in argv:
        print(json.dumps(result, indent=1))
        return
    pd.set_option("display.width", 200)
    print(years.loc[years.recovery.notna(), ["name", "year", "ore_t", "ore_fe_t", "product_t", "product_fe_t",
                                             "recovery"]].to_string(index=False))
    print(mines.sort_values(["kind", "mass_yield"]).to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
