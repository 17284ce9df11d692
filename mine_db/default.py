"""The bundled default mine database: named mines plus the rest of each producing country.

Why it is built this way. National 2019 mine production (USGS Minerals Yearbook, World
Mining Data) is complete but says nothing about where in a country the rock is moved;
company reports name the big mines but cover only part of each country. So the
default table holds every named mine we could source (`data/sources/mines.csv`, one
deliberate, checked row per mine and commodity) and, for each producing country, one
`rest_of_country` row carrying national production minus its named mines
(`data/sources/national_production_2019.csv`). Where named mines add up to more than
the national figure (a different year or basis), nothing is rescaled: the excess is
written to `data/reconciliation.csv` with its reason and the country gets no rest row
(`mine_db.rest_of_country`).

Polymetallic mines and by-products. A mine producing two commodities has one row per
commodity, linked by `coproduct_group`; a by-product of a country's host production
(cobalt from copper or nickel ores, PGM from nickel ores, ...), or a co-product mined from
the same ore body (lead from zinc-lead ores), is declared in
`data/sources/byproducts_2019.csv`. Each row is first derived as if mined alone, then
`mine_db.allocation.allocate` counts each ore body once and shares its ore, waste and
tailings among its products by 2019 value (`data/sources/prices_2019.csv`; mass on
request), so the same rock is never counted twice. `mine_ore_t` keeps the whole ore body.

`build_default()` composes the table and runs it through `mine_db.schema.validate`,
`mine_db.gapfill.fill_gaps`, `mine_db.flows.derive_hidden_flows` and
`mine_db.allocation.allocate`; `python -m mine_db.default` rebuilds the shipped
GeoParquet, the reconciliation table and the metadata file. `load_default()` only reads
the shipped GeoParquet.
"""

from __future__ import annotations

import datetime as _dt
import json
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.output import atomic_path
from mine_db import commodities
from mine_db.allocation import allocate, read_byproducts, read_prices
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.rest_of_country import (
    BASE_YEAR,
    REST_METHOD_SPLIT,
    MethodSplits,
    reconcile,
    rest_rows,
    split_metal_by_ore,
)
from mine_db.schema import validate

#: Directory of the shipped data, inside the installed package.
DATA_DIR = Path(str(resources.files("mine_db") / "data"))
SOURCES_DIR = DATA_DIR / "sources"
PARQUET = DATA_DIR / "default_mines.parquet"
METADATA = DATA_DIR / "default_sources.json"
RECONCILIATION = DATA_DIR / "reconciliation.csv"


def _read_csv(name: str) -> pd.DataFrame:
    path = SOURCES_DIR / name
    try:
        return pd.read_csv(path, keep_default_na=True)
    except FileNotFoundError:
        raise InputError("bundled source table missing", file=str(path)) from None


def read_national() -> pd.DataFrame:
    """National 2019 production per (commodity, country) in the commodity's basis, t.

    Rows of `national_production_2019.csv` that belong together (platinum and
    palladium for `pgm`, several lithium products of one country) are summed.
    """
    nat = _read_csv("national_production_2019.csv")
    unknown = sorted(set(nat["commodity"]) - set(commodities.CODES))
    if unknown:
        raise InputError(f"unknown commodity {unknown[0]!r}", file=str(SOURCES_DIR / "national_production_2019.csv"))
    grouped = nat.groupby(["commodity", "iso3"], sort=True)
    out = grouped.agg(
        national_t=("production_t", "sum"),
        country_as_printed=("country_as_printed", lambda s: "; ".join(dict.fromkeys(s))),
        quantity=("quantity", lambda s: "; ".join(dict.fromkeys(s))),
        flag=("flag", lambda s: ",".join(sorted({f for v in s.dropna() for f in str(v).split(",")}))),
        source_id=("source_id", lambda s: ";".join(dict.fromkeys(s))),
        source=("source", lambda s: "; ".join(dict.fromkeys(s))),
    )
    return out.reset_index()


def read_mines() -> pd.DataFrame:
    """The named-mine source table (`mines.csv`), as written, one row per mine and commodity."""
    return _read_csv("mines.csv")


def read_bibliography() -> pd.DataFrame:
    """Every source the default database cites: id, citation, url, licence, where_read."""
    return _read_csv("sources.csv").fillna("")


#: Columns a named-mine source table (the `mines.csv` contract) must have; the others are optional.
NAMED_MINE_COLUMNS: tuple[str, ...] = (
    "mine_id", "name", "country", "latitude", "longitude", "commodity", "mine_type", "year", "metal_t",
    "metal_method", "product_t", "product_grade", "ore_t", "grade", "recovery", "strip_ratio",
    "coproduct_group", "source_ids", "note",
)


def is_named_mine_table(columns: pd.Index) -> bool:
    """A table in the `mines.csv` contract (sources cited by id), not a site table."""
    names = {str(c).strip().lower() for c in columns}
    return {"source_ids", "metal_method"} <= names and "resolution" not in names


def named_mines(mines: pd.DataFrame, bibliography: pd.DataFrame, file: str) -> pd.DataFrame:
    """A named-mine source table as canonical, validated site rows, in the file's order.

    Checked before the rest-of-country rows join, so an error names the row of `file` itself.
    """
    mines = mines.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in NAMED_MINE_COLUMNS if c not in mines.columns]
    if missing:
        raise InputError(f"missing required column(s): {', '.join(missing)}", file=file, row=1, column=missing[0])
    mines = mines.assign(country=[to_iso3(c, file=file, row=i + 2, column="country")
                                  for i, c in enumerate(mines["country"])])
    return validate(_named_rows(mines, bibliography, file), file=file)


def bibliography_beside(path: str | Path) -> pd.DataFrame:
    """The `sources.csv` beside a named-mine file, where its source ids resolve; else the bundled one."""
    beside = Path(path).with_name("sources.csv")
    return pd.read_csv(beside).fillna("") if beside.is_file() else read_bibliography()


def _citations(ids: str, bibliography: pd.Series) -> str:
    return "; ".join(f"[{i}] {bibliography[i]}" for i in ids.split(";") if i)


def _named_rows(mines: pd.DataFrame, bibliography: pd.DataFrame, file: str) -> pd.DataFrame:
    """Named mines in canonical columns; rows of a co-product group each carry the whole mine's ore.

    Sharing that ore is `mine_db.allocation.allocate`'s job, after the hidden flows are derived.
    """
    cite = bibliography.set_index("id")["citation"]
    for column in ("source_ids", "strip_source"):
        cited = mines[column] if column in mines.columns else pd.Series(dtype=object)
        for position, ids in cited.dropna().items():
            unknown = [i for i in str(ids).split(";") if i and i not in cite.index]
            if unknown:
                raise InputError(f"source id {unknown[0]!r} is not in sources.csv", file=file,
                                 row=mines.index.get_loc(position) + 2, column=column)
    out = pd.DataFrame(
        {
            "mine_id": mines["mine_id"],
            "name": mines["name"],
            "country": mines["country"],
            "latitude": mines["latitude"],
            "longitude": mines["longitude"],
            "commodity": mines["commodity"],
            "mine_type": mines["mine_type"],
            "deposit_type": mines["deposit_type"] if "deposit_type" in mines.columns else None,
            "process": mines["process"] if "process" in mines.columns else None,
            "year": mines["year"],
            "resolution": "mine",
            "metal_t": mines["metal_t"],
            "ore_t": mines["ore_t"],
            "grade": mines["grade"],
            "recovery": mines["recovery"],
            "strip_ratio": mines["strip_ratio"],
            "strip_ratio_basis": mines["strip_ratio_basis"] if "strip_ratio_basis" in mines.columns else None,
            # product_t x product_grade = metal_t; recomputed so the rounding in mines.csv cannot make the
            # derived concentrate heavier than a direct-shipping ore
            "concentrate_grade": (mines["metal_t"] / mines["product_t"]).where(mines["product_t"] > 0, mines["product_grade"]),
            "mine_ore_t": mines["ore_t"],
            "coproduct_group": mines["coproduct_group"].where(mines["coproduct_group"].notna(), None),
            "metal_method": mines["metal_method"],
            "source_ids": mines["source_ids"],
        }
    )
    text = []
    for _, row in mines.reset_index(drop=True).iterrows():
        parts = [f"{row['metal_method']}.", _citations(row["source_ids"], cite) + "."]
        if isinstance(row["note"], str) and row["note"]:
            parts.append(f"Note: {row['note']}")
        text.append(" ".join(parts))
    out["source"] = text
    return out


def read_deposit_types() -> pd.DataFrame:
    """Deposit type of named mines and rest-of-country rows (`deposit_types.csv`), each with its source."""
    return _read_csv("deposit_types.csv")


def _with_deposit_types(table: pd.DataFrame) -> pd.DataFrame:
    """`deposit_type` from `deposit_types.csv` where the row states none (it picks the row's defaults).

    An unknown named-mine id is an error; a rest-of-country id may name no row (named mines may cover it).
    """
    types = read_deposit_types()
    unknown = ~types["mine_id"].isin(table["mine_id"]) & ~types["mine_id"].str.contains("-rest-")
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0])
        raise InputError(f"mine_id {types['mine_id'].iloc[row]!r} names no row of the default table",
                         file=str(SOURCES_DIR / "deposit_types.csv"), row=row + 2, column="mine_id")
    stated = table["deposit_type"].where(table["deposit_type"].fillna("") != "") if "deposit_type" in table else None
    looked_up = table["mine_id"].map(types.set_index("mine_id")["deposit_type"])
    return table.assign(deposit_type=looked_up if stated is None else stated.fillna(looked_up))


def read_rest_routes() -> pd.DataFrame:
    """Process route of rest-of-country rows whose country's route a document reads (`rest_routes.csv`)."""
    return _read_csv("rest_routes.csv")


def _with_rest_routes(table: pd.DataFrame, bibliography: pd.DataFrame) -> pd.DataFrame:
    """A rest-of-country row's `process` from `rest_routes.csv`, its sources added to the row's.

    Why: a rest row has no mines.csv row to state its route in, and its recovery follows the route
    (`mine_db.gapfill`). An id that is no rest row, an unknown route or source id is an `InputError`.
    """
    routes = read_rest_routes()
    path = str(SOURCES_DIR / "rest_routes.csv")
    checks = (("mine_id", ~routes["mine_id"].str.contains("-rest-"), "is no rest-of-country id"),
              ("process", ~routes["process"].isin(commodities.PROCESSES), "is no process route"),
              ("source_ids", ~routes["source_ids"].map(lambda ids: set(ids.split(";")) <= set(bibliography["id"])),
               "names a source id that is not in sources.csv"))
    for column, bad, message in checks:
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{column} {routes[column].iloc[row]!r} {message}", file=path, row=row + 2, column=column)
    read = table["mine_id"].isin(routes["mine_id"])
    route = routes.set_index("mine_id").reindex(table.loc[read, "mine_id"]).set_axis(table.index[read])
    out = table.copy()
    out.loc[read, "process"] = route["process"]
    out.loc[read, "source_ids"] = table.loc[read, "source_ids"] + ";" + route["source_ids"]
    out.loc[read, "source"] = table.loc[read, "source"] + " Process " + route["process"] + ": " + route["note"]
    return out


def build_default(allocation: str = "value", site_data: bool = True,
                  method_split: MethodSplits = REST_METHOD_SPLIT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compose, validate, gap-fill, derive and allocate the default table; returns (table, reconciliation).

    `allocation` is `value` (2019 prices, the shipped default) or `mass` (recovered metal mass);
    see `mine_db.allocation`. `site_data=False` and `method_split`: see `build_standalone`.
    """
    standalone, table = build_standalone(site_data, method_split)
    return allocated(standalone, allocation), table


def allocated(standalone: pd.DataFrame, allocation: str = "value") -> pd.DataFrame:
    """A standalone table (`build_standalone`) allocated with the bundled prices and by-product hosts."""
    return allocate(standalone, method=allocation, prices=read_prices(), byproducts=read_byproducts())


#: Tonnages a named mine reports (its site data besides grade, recovery and strip ratio).
SITE_TONNAGES: tuple[str, ...] = ("ore_t", "mine_ore_t", "overburden_t", "waste_rock_t", "tailings_t")


def build_standalone(site_data: bool = True,
                     method_split: MethodSplits = REST_METHOD_SPLIT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The default table before allocation (every row derived as if mined alone) and the reconciliation.

    What `build_default` allocates; tests use it to check that allocation only moves rock.
    `site_data=False` asks how much the mines' own data move the result: every own grade,
    recovery and strip ratio takes the fill it would otherwise take (`fill_gaps(own_values=False)`)
    and reported tonnages (`SITE_TONNAGES`) are derived from those coefficients instead;
    production, location, mining method and concentrate grade stay the mine's.
    `method_split`: the rest-of-country rows' split by mining method (`rest_of_country.rest_rows`); a split
    declared by ore gets its parts' metal from their fills (`rest_of_country.split_metal_by_ore`).
    """
    bibliography = read_bibliography()
    national = read_national()
    named = named_mines(read_mines(), bibliography, str(SOURCES_DIR / "mines.csv"))
    rest, table = reconcile(named, national)
    combined = pd.concat([named, rest_rows(rest, national, method_split)], ignore_index=True)
    combined = _with_rest_routes(_with_deposit_types(combined), bibliography)
    combined = combined.sort_values(["commodity", "country", "resolution", "mine_id"], kind="stable")
    checked = validate(combined.reset_index(drop=True), file=str(SOURCES_DIR / "mines.csv"))
    filled = split_metal_by_ore(fill_gaps(checked, own_values=site_data), method_split)
    if not site_data:
        filled[list(SITE_TONNAGES)] = np.nan
    return derive_hidden_flows(filled), table


def _metadata(table: pd.DataFrame, bibliography: pd.DataFrame) -> dict:
    """What the shipped file is made of: every cited source, counts, build date."""
    cited = {i for ids in table["source_ids"] for i in str(ids).split(";") if i}
    entries = bibliography[bibliography["id"].isin(cited)].to_dict(orient="records")
    by = table.groupby(["commodity", "resolution"]).size().unstack(fill_value=0)
    method = table["allocation_method"].dropna().iloc[0]
    return {
        "name": "hidden-flow tracer default mine database",
        "base_year": BASE_YEAR,
        "built": _dt.date.today().isoformat(),
        "rows": int(len(table)),
        "rows_by_commodity_and_resolution": {c: {k: int(v) for k, v in r.items()} for c, r in by.iterrows()},
        "allocation": (
            "each ore body counted once; ore and stripping waste of co-product groups and of by- and co-products "
            f"of a country's host production (byproducts_2019.csv) shared by {method}"
            + (" (2019 prices, prices_2019.csv)" if method == "value" else "")
            + "; tailings = each row's ore share minus its own concentrate"
        ),
        "sources": entries,
    }


def write_default(table: pd.DataFrame, reconciliation: pd.DataFrame) -> None:
    """Write the GeoParquet, reconciliation table and metadata, each atomically."""
    from mine_db.loaders import write_sites

    write_sites(table, PARQUET)
    with atomic_path(RECONCILIATION) as tmp:
        reconciliation.to_csv(tmp, index=False, lineterminator="\n")
    with atomic_path(METADATA) as tmp:
        tmp.write_text(json.dumps(_metadata(table, read_bibliography()), indent=1, ensure_ascii=False) + "\n")


def load_default() -> pd.DataFrame:
    """The shipped default table (canonical columns, latitude/longitude kept), read without rebuilding.

    Why plain pyarrow and not geopandas: `write_default` builds the geometry from the
    latitude and longitude columns the file also keeps, so the table needs none of it,
    and skipping geopandas (and its read) saves a tenth of a second on every `tracer run`.
    The result equals `mine_db.loaders.read_table(PARQUET)` exactly (tested).
    """
    import pyarrow.parquet as pq

    columns = [name for name in pq.read_schema(PARQUET).names if name != "geometry"]
    return pd.read_parquet(PARQUET, columns=columns)


def load_reconciliation() -> pd.DataFrame:
    """The shipped reconciliation table: every (commodity, country) with national, named and rest tonnes."""
    return pd.read_csv(RECONCILIATION, keep_default_na=True)


def main() -> None:
    """Rebuild the shipped files from the source tables (`python -m mine_db.default`)."""
    table, reconciliation = build_default()
    write_default(table, reconciliation)
    mismatched = reconciliation[reconciliation["status"].isin(["named_exceed_national", "no_national_figure"])]
    print(f"wrote {PARQUET} ({len(table)} rows, {int((table['resolution'] == 'mine').sum())} named mines); "
          f"{len(mismatched)} (commodity, country) pairs explained in {RECONCILIATION.name}")


if __name__ == "__main__":
    main()
