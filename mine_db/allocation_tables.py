"""The declared tables of allocation: 2019 prices and countries' by-product hosts, checked on read.

Part of `mine_db.allocation` (whose docstring says how ore bodies are shared).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from mine_db import commodities

SOURCES_DIR = Path(str(resources.files("mine_db") / "data" / "sources"))
PRICES = SOURCES_DIR / "prices_2019.csv"
BYPRODUCTS = SOURCES_DIR / "byproducts_2019.csv"

#: `host` value of a by-product table row whose commodity is mined for itself in that country.
PRIMARY = "primary"
BASES: frozenset[str] = frozenset({"sourced", "assumption"})
#: `relation` of a hosted row: a by-product (minor value, recovered from the host's ore) or a
#: co-product (mined jointly with the host from one ore body, e.g. lead with zinc). Both are
#: allocated alike; the word only changes what the row's source says. Empty means `byproduct`.
RELATIONS: frozenset[str] = frozenset({"byproduct", "coproduct"})

def _read(path: Path, required: tuple[str, ...]) -> pd.DataFrame:
    try:
        table = pd.read_csv(path, keep_default_na=True)
    except FileNotFoundError:
        raise InputError("table missing", file=str(path)) from None
    missing = [c for c in required if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(path), row=1, column=missing[0])
    return table


def text_cell(value: object) -> str:
    """A table cell as stripped text, "" for an empty or NaN cell."""
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()


def read_prices(path: str | Path | None = None) -> pd.DataFrame:
    """2019 prices per tonne of each commodity's basis, indexed by commodity (`price_usd_per_t`, `source_id`).

    Only commodities that share an ore body need one; `allocate` names any that is missing.
    """
    path = Path(path) if path is not None else PRICES
    table = _read(path, ("commodity", "price_usd_per_t", "basis", "source_id"))
    file = str(path)
    seen: dict[str, int] = {}
    for position, row in table.iterrows():
        line = int(position) + 2
        code = text_cell(row["commodity"])
        if code not in commodities.COMMODITIES:
            raise InputError(f"unknown commodity {code!r}", file=file, row=line, column="commodity")
        if code in seen:
            raise InputError(f"{code} priced twice (first on row {seen[code]})", file=file, row=line,
                             column="commodity")
        seen[code] = line
        price = pd.to_numeric(pd.Series([row["price_usd_per_t"]]), errors="coerce").iloc[0]
        if not np.isfinite(price) or price <= 0:
            raise InputError(f"price must be a positive number, got {row['price_usd_per_t']!r}", file=file, row=line,
                             column="price_usd_per_t")
        unit = commodities.get(code).unit
        if text_cell(row["basis"]) != unit:
            raise InputError(f"price basis {row['basis']!r} is not the commodity's basis {unit!r}", file=file, row=line,
                             column="basis")
        if not text_cell(row["source_id"]):
            raise InputError("price without a source_id", file=file, row=line, column="source_id")
    out = table.assign(price_usd_per_t=pd.to_numeric(table["price_usd_per_t"]).astype(float))
    return out.set_index("commodity")


def read_byproducts(path: str | Path | None = None) -> pd.DataFrame:
    """Which host production each country's by-product comes from (`byproducts_2019.csv`), checked.

    Columns country (ISO3), byproduct, host (a commodity or `primary`), basis (`sourced` or
    `assumption`), source_id, note, relation (`byproduct` or `coproduct`; optional in the file,
    `byproduct` where empty), row (the spreadsheet row, for error messages).
    """
    path = Path(path) if path is not None else BYPRODUCTS
    table = _read(path, ("country", "byproduct", "host", "basis", "source_id"))
    file = str(path)
    records = []
    seen: dict[tuple[str, str], int] = {}
    for position, row in table.iterrows():
        line = int(position) + 2
        country = to_iso3(text_cell(row["country"]), file=file, row=line, column="country")
        byproduct, host = text_cell(row["byproduct"]), text_cell(row["host"])
        if byproduct not in commodities.COMMODITIES:
            raise InputError(f"unknown commodity {byproduct!r}", file=file, row=line, column="byproduct")
        if host != PRIMARY and host not in commodities.COMMODITIES:
            raise InputError(f"unknown host {host!r}: a commodity code or {PRIMARY!r}", file=file, row=line,
                             column="host")
        if host == byproduct:
            raise InputError(f"{byproduct} cannot be its own host; write {PRIMARY!r}", file=file, row=line,
                             column="host")
        if text_cell(row["basis"]) not in BASES:
            raise InputError(f"basis must be one of {', '.join(sorted(BASES))}", file=file, row=line, column="basis")
        if not text_cell(row["source_id"]):
            raise InputError("by-product row without a source_id", file=file, row=line, column="source_id")
        relation = text_cell(row.get("relation")) or "byproduct"
        if relation not in RELATIONS:
            raise InputError(f"relation must be one of {', '.join(sorted(RELATIONS))}", file=file, row=line,
                             column="relation")
        key = (country, byproduct)
        if key in seen:
            raise InputError(f"{byproduct} in {country} declared twice (first on row {seen[key]})", file=file,
                             row=line, column="byproduct")
        seen[key] = line
        records.append({"country": country, "byproduct": byproduct, "host": host, "basis": text_cell(row["basis"]),
                        "source_id": text_cell(row["source_id"]), "note": text_cell(row.get("note")),
                        "relation": relation, "row": line})
    out = pd.DataFrame.from_records(
        records, columns=["country", "byproduct", "host", "basis", "source_id", "note", "relation", "row"])
    hosted = out[out["host"] != PRIMARY]
    byproducts = set(zip(hosted["country"], hosted["byproduct"], strict=True))
    for rec in hosted.itertuples():
        if (rec.country, rec.host) in byproducts:
            raise InputError(
                f"{rec.host} is itself declared a by-product in {rec.country}; chains of by-products are not "
                f"supported: give {rec.byproduct} the ultimate host", file=file, row=rec.row, column="host")
    return out
