"""FINEPRINT production per mine, year and tracked commodity: metal, grade, recovery and allocated ore.

Part of the FINEPRINT importer (`mine_db.fineprint`, whose docstring states the rules).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mine_db import commodities
from mine_db.fineprint_tables import read_table, roll_up

LI_PER_LI2O = 0.4646
#: An ore graded at this fraction of the concentrate grade or more is a concentrate figure.
CONCENTRATE_LIKE = 0.5
ORE_TYPES = ("Ore processed", "Ore mined")

#: FINEPRINT commodity code -> (our code, factor to our basis).
METALS: dict[str, tuple[str, float]] = {
    "Me.Cu": ("copper", 1.0),
    "Me.Ni": ("nickel", 1.0),
    "Me.Co": ("cobalt", 1.0),
    "Me.Zn": ("zinc", 1.0),
    "Me.Pb": ("lead", 1.0),
    "Me.Mn": ("manganese", 1.0),
    "Me.Fe": ("iron_ore", 1.0),
    "Me.Li2O": ("lithium", LI_PER_LI2O),
    "Me.Pt": ("pgm", 1.0),
    "Me.Pd": ("pgm", 1.0),
    "Me.pgm": ("pgm", 1.0),
}
#: Materials that belong to one of our commodities (ore or concentrate of it).
MATERIALS: dict[str, str] = {
    "O.Cu": "copper", "Con.Cu": "copper", "O.Fe": "iron_ore", "Con.Fe": "iron_ore", "Oth.sif": "iron_ore",
    "O.Al": "bauxite", "O.Ni": "nickel", "Con.Ni": "nickel", "O.Co": "cobalt", "O.Li": "lithium",
    "Con.Li": "lithium", "O.Mn": "manganese", "Con.MnO": "manganese", "Con.MnCO3": "manganese",
    "O.Pb": "lead", "Con.Pb": "lead", "O.Zn": "zinc", "Con.Zn": "zinc", "O.pgm": "pgm",
    "O.rem": "rare_earths", "M.gra": "graphite",
}
#: Ores not dominated by one metal: shared among the tracked metals they carry.
SHARED_ORES: frozenset[str] = frozenset({"O.bulk", "O.sul", "O.oxi", "M.lat"})


def mine_id(root: str, code: str) -> str:
    """The canonical id of a FINEPRINT mine and commodity."""
    return f"FP-{root}-{code}"


def metal_rows(folder: Path, minerals: pd.DataFrame) -> tuple[pd.DataFrame, list[dict[str, object]]]:
    """Commodity rows of tracked metals in our basis, contained metal turned into recovered.

    An ore-stream row graded at half the commodity's concentrate grade or more
    describes a concentrate (FINEPRINT's Mt Cattlin rows: 5.9 % Li2O, i.e. SC6
    spodumene concentrate, filed as ore) and is left out, listed; direct-shipping
    commodities (iron ore, bauxite, manganese) are exempt.
    """
    com = read_table(folder, "commodities")
    com = com[com["commodity"].isin(list(METALS))].copy()
    com["code"] = com["commodity"].map(lambda c: METALS[c][0])
    factor = com["commodity"].map(lambda c: METALS[c][1])
    com["metal"] = pd.to_numeric(com["value_tonnes"], errors="coerce") * factor
    com["grade"] = pd.to_numeric(com["grade_ppm"], errors="coerce") * 1e-6 * factor
    com["recovery"] = pd.to_numeric(com["recovery_rate"], errors="coerce")
    linked = minerals.set_index("id")["value_tonnes"]
    ore = pd.to_numeric(com["id_minerals"].map(linked), errors="coerce")
    contained = ore * com["grade"]
    is_contained = (com["metal"] - contained).abs() < (com["metal"] - contained * com["recovery"]).abs()
    com["metal"] = com["metal"].where(~is_contained.fillna(False), com["metal"] * com["recovery"])
    # PGM: Pt + Pd where a stream reports them, else Me.pgm
    pt_pd = com["commodity"].isin(["Me.Pt", "Me.Pd"])
    keys = ["root", "year", "material"]
    has_pt_pd = com.assign(p=pt_pd).groupby(keys)["p"].transform("any")
    com = com[~((com["commodity"] == "Me.pgm") & has_pt_pd)]
    com = com[com["metal"].notna() & (com["metal"] > 0)]

    def ceiling_of(code: str) -> float:
        commodity = commodities.get(code)
        return np.inf if commodity.direct_shipping else CONCENTRATE_LIKE * commodity.concentrate_grade.value

    ceiling = com["code"].map(ceiling_of)
    concentrate_like = ~com["material"].astype("str").str.startswith("Con.") & (com["grade"] >= ceiling)
    dropped = [
        {"mine_id": mine_id(r.root, r.code), "column": "grade", "value": float(r.grade),
         "reason": f"{int(r.year)} ore grade >= half the concentrate grade: a concentrate figure, not used"}
        for r in com[concentrate_like].itertuples()
    ]
    return roll_up(com[~concentrate_like], [*keys, "code"]), dropped


def _stream_ore(minerals: pd.DataFrame) -> pd.DataFrame:
    """Ore per (root, year, material): ore processed where reported, else ore mined."""
    ore = minerals[minerals["type"].isin(ORE_TYPES)].copy()
    ore["value_tonnes"] = pd.to_numeric(ore["value_tonnes"], errors="coerce")
    ore = roll_up(ore, ["root", "year", "material", "type"])
    by_type = ore.groupby(["root", "year", "material", "type"])["value_tonnes"].sum(min_count=1).unstack("type")
    for kind in ORE_TYPES:
        if kind not in by_type.columns:
            by_type[kind] = np.nan
    return by_type["Ore processed"].fillna(by_type["Ore mined"]).rename("ore").dropna().reset_index()


def mine_year_commodity(minerals: pd.DataFrame, metals: pd.DataFrame, prices: dict[str, float] | None) -> pd.DataFrame:
    """Production, grade, recovery, allocated ore and concentrate grade per (root, year, code).

    `prices` ($/t of each basis) allocates shared ore by value; None by recovered mass.
    """
    is_con = metals["material"].astype("str").str.startswith("Con.")
    ore_metal = metals[~is_con]
    con_metal = metals[is_con]
    weights = ore_metal["metal"]
    ore_metal = ore_metal.assign(
        gw=ore_metal["grade"] * weights, rw=ore_metal["recovery"] * weights,
        gwn=weights.where(ore_metal["grade"].notna()), rwn=weights.where(ore_metal["recovery"].notna()),
    )
    g = ore_metal.groupby(["root", "year", "code"])
    result = pd.DataFrame({
        "metal_ore": g["metal"].sum(),
        "grade": g["gw"].sum(min_count=1) / g["gwn"].sum(min_count=1),
        "recovery": g["rw"].sum(min_count=1) / g["rwn"].sum(min_count=1),
    })
    con = con_metal.assign(
        cw=con_metal["grade"] * con_metal["metal"], cwn=con_metal["metal"].where(con_metal["grade"].notna())
    )
    gc = con.groupby(["root", "year", "code"])
    result = result.join(pd.DataFrame({
        "metal_con": gc["metal"].sum(),
        "concentrate_grade": gc["cw"].sum(min_count=1) / gc["cwn"].sum(min_count=1),
    }), how="outer")

    allocated = _allocate_ore(_stream_ore(minerals), ore_metal, metals, prices)
    result = result.join(allocated, how="outer") if len(allocated) else result.assign(ore_t=np.nan, shared_by="")
    result = result.reset_index()
    result = result.merge(_product_metal(minerals), on=["root", "year", "code"], how="outer")
    numeric = ["metal_ore", "metal_con", "metal_product", "grade", "recovery", "concentrate_grade", "ore_t"]
    result[numeric] = result[numeric].astype(float)
    result["metal_t"] = result["metal_ore"].fillna(result["metal_con"]).fillna(result["metal_product"])
    result["metal_note"] = np.where(
        result["metal_ore"].isna() & result["metal_con"].isna() & result["metal_product"].notna(),
        " (production = concentrate tonnage x default concentrate grade)", "",
    )
    is_bauxite = result["code"] == "bauxite"
    result.loc[is_bauxite, "metal_t"] = result.loc[is_bauxite, "ore_t"]
    result.loc[is_bauxite, "metal_note"] = ""
    shared = result["shared_by"].fillna("")
    result["metal_note"] = result["metal_note"] + np.where(
        shared != "", " (ore shared with the mine's other tracked metals by " + shared + ")", "")
    return result


def _product_metal(minerals: pd.DataFrame) -> pd.DataFrame:
    """Production from concentrate tonnage x the commodity's default concentrate grade, in its basis."""
    con = minerals[(minerals["type"] == "Concentrate") & minerals["material"].isin(list(MATERIALS))].copy()
    con["value_tonnes"] = pd.to_numeric(con["value_tonnes"], errors="coerce")
    con = roll_up(con, ["root", "year", "material"])
    con["code"] = con["material"].map(MATERIALS)
    per_t = con["code"].map(
        lambda c: commodities.get(c).concentrate_grade.value / commodities.get(c).basis_content.value
    )
    con["metal_product"] = con["value_tonnes"] * per_t
    grouped = con.groupby(["root", "year", "code"])["metal_product"].sum(min_count=1)
    return grouped.dropna().reset_index()


def _allocate_ore(stream_ore: pd.DataFrame, ore_metal: pd.DataFrame, metals: pd.DataFrame,
                 prices: dict[str, float] | None = None) -> pd.DataFrame:
    """Ore of each stream split over tracked commodities (rules in `mine_db.fineprint`), per (root, year, code).

    Columns `ore_t` and `shared_by` (how a stream shared among several metals was split, else "").
    """
    keys = ["root", "year", "material"]
    stream_metal = ore_metal.groupby([*keys, "code"])["metal"].sum().reset_index()
    own = stream_ore.merge(stream_metal, on=keys)
    rest = stream_ore.merge(stream_metal[keys].drop_duplicates(), on=keys, how="left", indicator=True)
    rest = rest[rest["_merge"] == "left_only"].drop(columns="_merge")
    specific = rest[rest["material"].isin(list(MATERIALS))].assign(
        code=lambda d: d["material"].map(MATERIALS), metal=1.0
    )
    mine_metal = metals.groupby(["root", "year", "code"])["metal"].sum().reset_index()
    shared = rest[rest["material"].isin(list(SHARED_ORES))].merge(mine_metal, on=["root", "year"])
    parts = pd.concat([own, specific, shared], ignore_index=True)
    if parts.empty:
        return pd.DataFrame({"ore_t": pd.Series(dtype=float), "shared_by": pd.Series(dtype=str)})
    stream = [parts[k] for k in keys]
    several = parts.groupby(stream)["code"].transform("nunique") > 1
    if prices is None:
        parts["w"] = parts["metal"]
        parts["how"] = np.where(several, "recovered metal mass", "")
    else:
        price = parts["code"].map(prices)
        unpriced = price.isna().groupby(stream).transform("any")
        missing = parts["code"].where(price.isna()).groupby(stream).transform(
            lambda c: ", ".join(sorted(set(c.dropna()))))
        parts["w"] = np.where(unpriced, parts["metal"], parts["metal"] * price)
        parts["how"] = np.where(~several, "", np.where(
            unpriced, "recovered metal mass (no 2019 price for " + missing + ")", "2019 value (prices_2019.csv)"))
    parts["ore_t"] = parts["ore"] * parts["w"] / parts.groupby(stream)["w"].transform("sum")
    grouped = parts.groupby(["root", "year", "code"])
    how = grouped["how"].agg(lambda h: "; ".join(sorted({x for x in h if x})))
    return pd.DataFrame({"ore_t": grouped["ore_t"].sum(), "shared_by": how})
