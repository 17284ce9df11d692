"""Fill missing grade, recovery, strip ratio and concentrate grade, level by level.

Why a fixed ladder: a hidden-flow estimate is only as good as the coefficient behind
it, so every filled value says where it came from (`*_fill` columns):

1. `mine`: the row's own value. A missing strip ratio is also the mine's own when it
   follows from its reported waste and ore: (overburden_t + waste_rock_t) / ore_t.
2. `country`: the production-weighted (metal_t-weighted) mean of the `mine`-level
   values of the same commodity, mining method and country.
3. `global`: the same mean over all countries.
4. `default`: the commodity's sourced default (`mine_db.commodities`).

Mining methods are compared like with like: `surface` (open_pit, mixed),
`underground` and `brine`, because an underground copper mine's grade (~1.9 % Cu) and
strip ratio (development waste only) are not those of an open pit (~0.6 % Cu).
Concentrate grade is the mine's own or the commodity default (no averaging: too few
mines report it). Rows whose weights are all zero fall back to the plain mean.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from mine_db import commodities

Method = Literal["surface", "underground", "brine"]
_METHOD_OF_TYPE: dict[str, Method] = {
    "open_pit": "surface",
    "mixed": "surface",
    "underground": "underground",
    "brine": "brine",
}
FILLED: tuple[str, ...] = ("grade", "recovery", "strip_ratio")


def mining_method(mine_type: str) -> Method:
    """The method class used to group mines for averages and defaults."""
    return _METHOD_OF_TYPE[mine_type]


def default_value(code: str, method: Method, variable: str) -> float:
    """The last-rung value of `variable` for a commodity mined by `method`."""
    commodity = commodities.get(code)
    if variable == "strip_ratio":
        if method == "brine":
            return 0.0
        if method == "underground":
            return commodities.UNDERGROUND_STRIP_RATIO
        return commodity.strip_ratio.value
    if variable == "concentrate_grade":
        return commodity.concentrate_grade.value
    if method == "brine":
        brine = {"grade": commodity.brine_grade, "recovery": commodity.brine_recovery}[variable]
        if brine is None:
            raise ValueError(f"{code} has no brine profile")
        return brine.value
    return {"grade": commodity.grade, "recovery": commodity.recovery}[variable].value


def _weighted_means(values: pd.Series, weights: pd.Series, keys: list[pd.Series]) -> pd.Series:
    """Weighted mean of `values` per key; plain mean where a group's weights sum to 0."""
    frame = pd.DataFrame({"v": values, "w": weights.fillna(0.0), **{f"k{i}": k for i, k in enumerate(keys)}})
    frame = frame[frame["v"].notna()]
    frame["vw"] = frame["v"] * frame["w"]
    grouped = frame.groupby([f"k{i}" for i in range(len(keys))], sort=False)
    total_w = grouped["w"].sum()
    weighted = grouped["vw"].sum() / total_w
    return weighted.where(total_w > 0, grouped["v"].mean())


def _own_strip_ratio(df: pd.DataFrame) -> pd.Series:
    """Strip ratio from the mine's own reported waste and ore where it gave no ratio.

    Tonnages an earlier derivation or allocation produced (`*_basis` `derived` or `allocated`)
    are not reports.
    """
    not_reported = ["derived", "allocated"]
    waste_reported = ~df["waste_basis"].isin(not_reported)
    overburden = df["overburden_t"].where(waste_reported)
    waste_rock = df["waste_rock_t"].where(waste_reported)
    ore = df["ore_t"].where(~df["ore_basis"].isin(not_reported))
    reported = overburden.notna() | waste_rock.notna()
    usable = reported & (ore > 0)
    derived = ((overburden.fillna(0.0) + waste_rock.fillna(0.0)) / ore).where(usable)
    return df["strip_ratio"].fillna(derived)


def _lookup(means: pd.Series, keys: list[pd.Series]) -> pd.Series:
    index = pd.MultiIndex.from_arrays(keys) if len(keys) > 1 else pd.Index(keys[0])
    if means.empty:
        return pd.Series(np.nan, index=keys[0].index)
    return pd.Series(means.reindex(index).to_numpy(dtype=float), index=keys[0].index)


def fill_gaps(df: pd.DataFrame) -> pd.DataFrame:
    """Fill grade, recovery, strip_ratio (and concentrate_grade) on a validated table.

    A value flagged `mine` (or unflagged) is data; a value an earlier fill put there
    (flag `country`, `global`, `default`: a table this package wrote) is filled again,
    so edited or added mine data propagate when a saved table is reloaded.
    """
    out = df.copy()
    for var in (*FILLED, "concentrate_grade"):
        filled_before = out[f"{var}_fill"].notna() & (out[f"{var}_fill"] != "mine")
        out[var] = out[var].where(~filled_before)
    out["strip_ratio"] = _own_strip_ratio(out)
    method = out["mine_type"].map(_METHOD_OF_TYPE)
    country_keys = [out["commodity"], method, out["country"]]
    global_keys = [out["commodity"], method]
    defaults = {
        var: pd.Series(
            [default_value(c, m, var) for c, m in zip(out["commodity"], method, strict=True)],
            index=out.index,
            dtype=float,
        )
        for var in (*FILLED, "concentrate_grade")
    }

    for var in FILLED:
        own = out[var]
        flags = pd.Series(np.where(own.notna(), "mine", None), index=out.index, dtype="object")
        levels = (
            ("country", _lookup(_weighted_means(own, out["metal_t"], country_keys), country_keys)),
            ("global", _lookup(_weighted_means(own, out["metal_t"], global_keys), global_keys)),
            ("default", defaults[var]),
        )
        values = own.copy()
        for level, candidate in levels:
            gap = values.isna() & candidate.notna()
            values = values.where(~gap, candidate)
            flags = flags.where(~gap, level)
        out[var] = values
        out[f"{var}_fill"] = flags.astype("str")

    present = out["concentrate_grade"].notna()
    out["concentrate_grade_fill"] = pd.Series(np.where(present, "mine", "default"), index=out.index).astype("str")
    out["concentrate_grade"] = out["concentrate_grade"].fillna(defaults["concentrate_grade"])
    return out
