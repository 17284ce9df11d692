"""Deposit types of countries' copper and nickel production, from the Mudd & Jowitt workbooks.

Prints, per country, the share of 2015 copper ore milled by primary deposit type
(Mudd & Jowitt 2018, sheet Master Data: col. 1 country, col. 33 2015 Mt milled, col. 63
primary deposit type) and the share of operating nickel projects' resources by group
(Mudd & Jowitt 2022, sheet Ni Master: col. 0 group "Ni L"/"Ni S", col. 1 country,
col. 3 status, col. 121 total resources Mt), plus the type of each named deposit.
`mine_db/data/sources/deposit_types.csv` records the countries where one type holds
at least 80 %, with these shares. Reads the user's own copies; not needed at run time.

    python tools/defaults/deposit_types.py PATH/TO/mudd-jowitt-resources [NAME ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd


def copper(folder: Path) -> pd.DataFrame:
    raw = pd.read_excel(folder / "Mudd-and-Jowitt-2018-Copper.xlsx", "Master Data", header=None).iloc[5:]
    table = pd.DataFrame({"name": raw[0], "country": raw[1], "milled": pd.to_numeric(raw[33], errors="coerce"),
                          "type": raw[63].astype(str).str.split(" ").str[0]})
    return table[table["name"].notna()]


def nickel(folder: Path) -> pd.DataFrame:
    raw = pd.read_excel(folder / "Mudd-and-Jowitt-2022-Nickel.xlsx", "Ni Master", header=None).iloc[4:]
    table = pd.DataFrame({"group": raw[0], "country": raw[1], "name": raw[2], "status": raw[3].astype(str),
                          "resources": pd.to_numeric(raw[121], errors="coerce")})
    return table[table["name"].notna() & table["group"].isin(["Ni L", "Ni S"])]


def shares(table: pd.DataFrame, by: str, weight: str) -> pd.DataFrame:
    pivot = table.groupby(["country", by])[weight].sum().unstack(fill_value=0.0)
    total = pivot.sum(axis=1)
    out = pivot.div(total, axis=0).round(3)
    out["total"] = total.round(1)
    return out[total > 0].sort_values("total", ascending=False)


def main(folder: Path, names: list[str]) -> None:
    cu, ni = copper(folder), nickel(folder)
    pd.set_option("display.width", 200)
    print("copper: share of 2015 Mt milled by primary deposit type")
    print(shares(cu[cu["milled"] > 0], "type", "milled").head(25).to_string())
    operating = ni[ni["status"].str.startswith("Operat")]
    print("nickel: share of operating projects' resources (Mt) by group")
    print(shares(operating, "group", "resources").head(25).to_string())
    for name in names:
        hits = cu[cu["name"].astype(str).str.contains(name, case=False, regex=False)]
        print(name, "->", hits[["name", "country", "type"]].to_dict("records")[:3])


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
