"""Published national statistics as the `national` level of the gap-fill (`country_values_2019.csv`).

Why a module of its own: reading and checking the table (bad cells are `InputError`s naming
file, row and column) is apart from the ladder that uses it (`mine_db.gapfill`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from mine_db.fill_kinds import FILLED, METHOD_OF_TYPE

#: Published national statistics used as the `national` fill level.
NATIONAL_VALUES = Path(__file__).parent / "data" / "sources" / "country_values_2019.csv"
#: Required columns of the national-statistics table. Optional: `mine_type` (one of `METHOD_OF_TYPE`: the value
#: holds for that mining method only; left out or empty: for every method).
NATIONAL_COLUMNS: tuple[str, ...] = ("country", "commodity", "variable", "value", "low", "high", "year", "source_id",
                                     "where_read", "note")


def _bad_cell(path: Path, bad: pd.Series, column: str, message: str) -> InputError:
    row = int(np.flatnonzero(bad.to_numpy())[0])
    return InputError(message, file=str(path), row=row + 2, column=column)


def read_national(path: str | Path | None = None) -> pd.DataFrame:
    """National statistics usable as fills: country, commodity, variable, method, value, sigma, source_id.

    `method` is the mining-method group (`mining_method`) of the row's `mine_type`, NaN where the row
    holds for all methods: a value read for one method fills only rows of that method.
    """
    path = Path(path) if path is not None else NATIONAL_VALUES
    table = pd.read_csv(path, dtype={"mine_type": "string"})
    missing = [c for c in NATIONAL_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), column=missing[0])
    bad = ~table["variable"].isin(FILLED)
    if bad.any():
        raise _bad_cell(path, bad, "variable", f"variable must be one of {', '.join(FILLED)}")
    mine_type = table.get("mine_type", pd.Series(pd.NA, index=table.index, dtype="string")).str.strip()
    bad = mine_type.notna() & (mine_type != "") & ~mine_type.isin(METHOD_OF_TYPE)
    if bad.any():
        raise _bad_cell(path, bad, "mine_type",
                        f"mine_type must be empty (all methods) or one of {', '.join(METHOD_OF_TYPE)}")
    table["method"] = mine_type.map(METHOD_OF_TYPE, na_action="ignore").astype("object")
    table["country"] = [to_iso3(c, file=str(path), row=i + 2, column="country") for i, c in enumerate(table["country"])]
    twice = table.duplicated(["country", "commodity", "variable", "method"], keep="first")
    if twice.any():
        raise _bad_cell(path, twice, "mine_type",
                        "a second value for the same country, commodity, variable and mining method")
    low, high = table["low"].fillna(table["value"]), table["high"].fillna(table["value"])
    # a published range read as a 90 % interval of a lognormal
    table["sigma"] = (np.log(high / low) / (2 * 1.645)).where((low > 0) & (high > low))
    return table[["country", "commodity", "variable", "method", "value", "sigma", "source_id"]]


def national_candidate(national: pd.DataFrame, df: pd.DataFrame, var: str, method: pd.Series) -> pd.DataFrame:
    """Each row's national value: the one read for its mining method, else the one for all methods."""
    rows = national[national["variable"] == var]
    rows = rows if "method" in rows.columns else rows.assign(method=np.nan)  # a table of all-method values
    by_method = rows["method"].notna()
    found = pd.DataFrame(np.nan, index=df.index, columns=["value", "sigma"])
    for keys, frame in (([df["commodity"], df["country"]], rows[~by_method]),
                        ([df["commodity"], df["country"], method], rows[by_method])):
        index = pd.MultiIndex.from_arrays(keys)
        hit = frame.set_index(["commodity", "country", "method"][:len(keys)]).reindex(index)[["value", "sigma"]]
        hit.index = df.index
        found = found.where(hit["value"].isna(), hit)
    return found.rename(columns={"value": "mean"}).assign(n=np.nan)
