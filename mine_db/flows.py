"""Hidden flows of each site, in tonnes and per tonne of production.

Why these formulas: they are the mass balance of a mine and its concentrator, the
only way to get overburden, waste rock and tailings where a mine reports no waste.
With M = metal_t (production in the commodity's basis), b = the basis content
(`Commodity.basis_content`: 1, or 0.95 for graphite), g = head grade, r = recovery,
c = concentrate grade and s = strip ratio (all mass fractions or t/t):

    substance   = M * b                      (t of the graded substance produced)
    ore_t       = substance / (g * r)        unless the site reports ore_t
    concentrate = substance / c
    stripping   = s * ore_t                  unless overburden_t or waste_rock_t is reported
    tailings_t  = ore_t - concentrate        unless the site reports tailings_t

Stripping waste goes to `overburden_t` or `waste_rock_t`: underground mines make
waste rock (development waste); open pits and mixed mines make the commodity's kind
(overburden for bauxite's surface strip mining, waste rock for hard-rock pits), which
a row may override in `stripping_waste` (laterite nickel, for instance). Where a site
reports one of the two, the other is 0.

Brine (lithium) is pumped, not mined: overburden, waste rock and tailings are 0. The
salts left in the evaporation ponds are process residues of the brine operation, not
hidden flows of extraction, and are not counted here; `ore_t` of a brine row is the
brine processed, shown for information only.

Per-tonne columns (`*_per_t`) divide by metal_t and are empty where metal_t is 0.
Tonnages an earlier derivation produced (`*_basis == "derived"`, a table this package
wrote) are derived again, so a reloaded table follows its edited inputs; tonnages
`mine_db.allocation` shared out of an ore body (`*_basis == "allocated"`) are kept, as
reported ones are.
A derived concentrate heavier than the ore means grade, recovery and concentrate
grade contradict each other: that is an `InputError`, not a negative tailings mass.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from mine_db import balance, commodities

PER_TONNE: tuple[str, ...] = ("ore", "concentrate", "overburden", "waste_rock", "tailings", "hidden")
#: Columns `derive_hidden_flows` adds to the site table (a file it wrote may be read back).
DERIVED_COLUMNS: tuple[str, ...] = ("concentrate_t", "hidden_t", *(f"{stem}_per_t" for stem in PER_TONNE))


def _stripping_kind(df: pd.DataFrame) -> pd.Series:
    """overburden / waste_rock / none for each row's stripping waste."""
    commodity_kind = df["commodity"].map(lambda code: commodities.get(code).stripping_waste)
    kind = df["stripping_waste"].astype("object").fillna(commodity_kind)
    kind = kind.where(df["mine_type"] != "underground", "waste_rock")
    return kind.where(df["mine_type"] != "brine", "none")


def derive_hidden_flows(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Add ore, concentrate, overburden, waste rock, tailings (t and per t) to a filled table."""
    out = df.copy()
    for columns, basis in ((["ore_t"], "ore_basis"), (["overburden_t", "waste_rock_t"], "waste_basis"),
                           (["tailings_t"], "tailings_basis")):
        derived_before = out[basis] == "derived"
        out[columns] = out[columns].where(~derived_before, np.nan)
    brine = (out["mine_type"] == "brine").to_numpy()
    basis_content = out["commodity"].map(lambda code: commodities.get(code).basis_content.value).astype(float)
    substance = out["metal_t"] * basis_content

    allocated = {basis: (out[basis] == "allocated").to_numpy() for basis in ("ore_basis", "waste_basis",
                                                                            "tailings_basis")}
    out["ore_basis"] = np.where(out["ore_t"].notna(), np.where(allocated["ore_basis"], "allocated", "reported"),
                                "derived")
    out["ore_t"] = out["ore_t"].fillna(balance.ore(substance, out["grade"], out["recovery"]))
    out["concentrate_t"] = np.where(brine, np.nan, balance.concentrate(substance, out["concentrate_grade"]))

    reported_waste = out["overburden_t"].notna() | out["waste_rock_t"].notna()
    out["waste_basis"] = np.where(reported_waste, np.where(allocated["waste_basis"], "allocated", "reported"),
                                  "derived")
    stripping = balance.stripping(out["strip_ratio"], out["ore_t"])
    kind = _stripping_kind(out)
    for column, name in (("overburden_t", "overburden"), ("waste_rock_t", "waste_rock")):
        derived = stripping.where(kind == name, 0.0)
        out[column] = np.where(reported_waste, out[column].fillna(0.0), derived)

    reported_tailings = out["tailings_t"].notna()
    out["tailings_basis"] = np.where(reported_tailings,
                                     np.where(allocated["tailings_basis"], "allocated", "reported"), "derived")
    derived_tailings = pd.Series(np.where(brine, 0.0, balance.tailings(out["ore_t"], out["concentrate_t"])), index=out.index)
    tolerance = 1e-9 * out["ore_t"].abs()
    impossible = ~reported_tailings & (derived_tailings < -tolerance)
    if impossible.any():
        position = int(np.flatnonzero(impossible.to_numpy())[0])
        row = out.iloc[position]
        raise InputError(
            f"derived concentrate ({row['concentrate_t']:.6g} t) exceeds ore ({row['ore_t']:.6g} t): grade "
            f"{row['grade']:.6g} ({row['grade_fill']}), recovery {row['recovery']:.6g} ({row['recovery_fill']}) "
            f"and concentrate_grade {row['concentrate_grade']:.6g} contradict each other",
            file=file,
            row=position + 2,
            column="concentrate_grade",
        )
    out["tailings_t"] = out["tailings_t"].fillna(derived_tailings.clip(lower=0.0))
    out["hidden_t"] = out["overburden_t"] + out["waste_rock_t"] + out["tailings_t"]

    per_tonne = out["metal_t"].where(out["metal_t"] > 0)
    for stem in PER_TONNE:
        out[f"{stem}_per_t"] = out[f"{stem}_t"] / per_tonne
    return out
