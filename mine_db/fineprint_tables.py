"""Reading a FINEPRINT folder: its tables checked, sub-sites rolled up, mines located and typed.

Part of the FINEPRINT importer (`mine_db.fineprint`, whose docstring states the rules).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import shapely.errors
import shapely.wkt

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError

REQUIRED: dict[str, tuple[str, ...]] = {
    "facilities": ("facility_id", "facility_name", "facility_type", "facility_equipment", "country", "geom"),
    "minerals": ("id", "facility_id", "year", "type", "material", "value_tonnes", "source_id"),
    "commodities": ("facility_id", "year", "material", "commodity", "value_tonnes", "grade_ppm",
                    "recovery_rate", "source_id", "id_minerals"),
    "waste": ("facility_id", "year", "type_mining", "waste_type", "value_tonnes", "total_material_tonnes",
              "stripping_ratio", "waste_to_ore_ratio"),
}
_GEOM = re.compile(r"c\(\s*([-+0-9.eE]+|NaN)\s*,\s*([-+0-9.eE]+|NaN)")


def folder_of(path: Path) -> Path:
    """The folder holding facilities.csv: `path` itself or its one sub-folder that does."""
    if (path / "facilities.csv").is_file():
        return path
    candidates = sorted(p.parent for p in path.glob("*/facilities.csv")) if path.is_dir() else []
    if len(candidates) == 1:
        return candidates[0]
    raise InputError("not a FINEPRINT folder: no facilities.csv in it or in exactly one sub-folder", file=str(path))


def read_table(folder: Path, name: str) -> pd.DataFrame:
    """One FINEPRINT table, its required columns checked, with `root` (main facility id) and `is_main`."""
    file = folder / f"{name}.csv"
    if not file.is_file():
        raise InputError(f"FINEPRINT table {name}.csv is missing", file=str(file))
    try:
        table = pd.read_csv(file, low_memory=False)
    except Exception as exc:  # pandas raises several types; the user needs the file named
        raise InputError(f"cannot read as CSV: {exc}", file=str(file)) from exc
    missing = [c for c in REQUIRED.get(name, ()) if c not in table.columns]
    if missing:
        raise InputError(f"missing column(s) {', '.join(missing)}", file=str(file), row=1, column=missing[0])
    if "facility_id" in table.columns:
        ids = table["facility_id"].astype("str")
        table["root"] = ids.str.replace(r"\.\d+$", "", regex=True)
        table["is_main"] = ids.str.endswith(".00")
    return table


def roll_up(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Keep the main facility's rows for a key where it has any, else its sub-sites' rows."""
    has_main = table.groupby(keys, dropna=False)["is_main"].transform("any")
    return table[table["is_main"] | ~has_main]


def read_facilities(folder: Path) -> pd.DataFrame:
    """One row per main mine: name, ISO3 country, coordinates, mine type."""
    raw = read_table(folder, "facilities")
    file = str(folder / "facilities.csv")
    raw = raw.assign(position=np.arange(len(raw)))
    raw = raw[raw["facility_type"].astype("str").str.contains("Mine", na=False)].copy()
    lon, lat = _coordinates(raw["geom"])
    valid = lon.between(-180, 180) & lat.between(-90, 90)
    raw["longitude"], raw["latitude"] = lon.where(valid), lat.where(valid)
    text = raw["facility_equipment"].fillna("").astype("str").str.lower()
    raw["surface"] = text.str.contains("open pit|open cut|surface|strip")
    raw["underground"] = text.str.contains("underground")
    ordered = raw.sort_values(["root", "is_main"], ascending=[True, False])
    first = ordered.groupby("root").head(1).set_index("root")
    located = ordered.dropna(subset=["latitude", "longitude"]).groupby("root")[["latitude", "longitude"]].first()
    methods = raw.groupby("root")[["surface", "underground"]].any()
    countries = pd.Series(
        {root: _iso3(row, file, int(row["position"]) + 2) for root, row in first.iterrows()}, dtype="str"
    )
    return pd.DataFrame(
        {"name": first["facility_name"].astype("str"), "country": countries}
    ).join(located).join(methods)


def _coordinates(geom: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Longitude and latitude from FINEPRINT's R text `c(lon, lat)` or from WKT (`POINT (lon lat)`).

    A MULTIPOINT gives its first point; `c(NaN, NaN)`, `numeric(0)` and empty cells none.
    """
    text = geom.astype("str")
    r_style = text.str.extract(_GEOM).apply(pd.to_numeric, errors="coerce")
    lon, lat = r_style[0].copy(), r_style[1].copy()
    for idx in text.index[r_style[0].isna() & text.str.upper().str.contains("POINT")]:
        try:
            shape = shapely.wkt.loads(text[idx])
        except shapely.errors.ShapelyError:
            continue
        point = shape.geoms[0] if hasattr(shape, "geoms") and len(shape.geoms) else shape
        if not point.is_empty:
            lon[idx], lat[idx] = point.x, point.y
    return lon, lat


def _iso3(facility: pd.Series, file: str, row: int) -> str:
    """Country name through our converter; GADM's GID_0 where the name is unknown to it."""
    try:
        return to_iso3(str(facility["country"]), file=file, row=row, column="country")
    except InputError:
        gid = facility.get("GID_0")
        if isinstance(gid, str) and gid.strip():
            return to_iso3(gid, file=file, row=row, column="GID_0")
        raise


def mine_type(facility: pd.Series) -> tuple[str, str]:
    """Mine type from the equipment text of the mine and its sub-sites, and a note where it was not reported."""
    if facility["surface"] and facility["underground"]:
        return "mixed", ""
    if facility["underground"]:
        return "underground", ""
    if facility["surface"]:
        return "open_pit", ""
    return "open_pit", " (mine type not reported, taken as open pit)"


def source_names(folder: Path, minerals: pd.DataFrame, metals: pd.DataFrame) -> pd.Series:
    """Document names behind the rows used for each (root, year)."""
    names: dict[str, str] = {}
    file = folder / "source_ids.csv"
    if file.is_file():
        table = pd.read_csv(file)
        if {"source_id", "sources"} <= set(table.columns):
            names = dict(zip(table["source_id"].astype("str"), table["sources"].astype("str"), strict=True))
    used = roll_up(minerals, ["root", "year", "type", "material"])
    ids = pd.concat([used[["root", "year", "source_id"]], metals[["root", "year", "source_id"]]]).dropna()
    ids["doc"] = ids["source_id"].astype("str").map(lambda s: names.get(s, s))

    def join(docs: pd.Series) -> str:
        unique = list(dict.fromkeys(docs))
        more = f" and {len(unique) - 3} more" if len(unique) > 3 else ""
        return "; ".join(unique[:3]) + more

    return ids.groupby(["root", "year"])["doc"].agg(join)
