"""Read and write site tables in the formats users have: CSV, Excel, GeoPackage, GeoJSON, GeoParquet.

Why one entry point: every file, whatever its format, must go through the same
validate -> fill_gaps -> derive_hidden_flows pipeline, so `read_sites` is the only
way in. Geometry, where a layer has it, supplies latitude/longitude for rows that
lack them (points as they are; other shapes by a representative point).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq

from hfcommon.errors import InputError, separator_hint
from hfcommon.output import atomic_path
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.schema import REQUIRED, validate

CRS = "EPSG:4326"
FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".xlsx": "excel",
    ".gpkg": "gpkg",
    ".geojson": "geojson",
    ".json": "geojson",
    ".parquet": "parquet",
    ".geoparquet": "parquet",
}


def _format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise InputError(
            f"unsupported file type {path.suffix or '(none)'!r}; use one of {', '.join(sorted(FORMATS))}",
            file=str(path),
        ) from None


def _read_parquet(path: Path) -> pd.DataFrame:
    """GeoParquet when the file carries `geo` metadata, plain Parquet otherwise."""
    metadata = pq.read_schema(path).metadata or {}
    return gpd.read_parquet(path) if b"geo" in metadata else pd.read_parquet(path)


def _read_csv(path: Path) -> pd.DataFrame:
    """A comma-separated file (a UTF-8 byte-order mark, as Excel writes it, is dropped)."""
    try:
        table = pd.read_csv(path, skipinitialspace=True, encoding="utf-8-sig")
    except pd.errors.ParserError as exc:  # "Expected 17 fields in line 3, saw 18"
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found is None:
            raise
        columns, line, cells = (int(v) for v in found.groups())
        raise InputError(f"{cells} cells but {columns} columns (an unquoted comma, e.g. a decimal comma 1,5?)",
                         file=str(path), row=line) from None
    if not isinstance(table.index, pd.RangeIndex):  # pandas took the first column as index: row 2 has a cell too many
        raise InputError(f"{len(table.columns) + 1} cells but {len(table.columns)} columns (an unquoted comma, "
                         "e.g. a decimal comma 1,5?)", file=str(path), row=2)
    hint = separator_hint([str(c) for c in table.columns])
    if hint:
        raise InputError(f"{hint} (decimal commas, if any, must become points too)", file=str(path), row=1)
    return table


def _read_excel(path: Path) -> pd.DataFrame:
    """The first sheet; if the site table is on another sheet, say so instead of 'missing columns'."""
    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    names = list(sheets)
    first = sheets[names[0]]
    if not _has_required(first):
        elsewhere = [name for name in names[1:] if _has_required(sheets[name])]
        if elsewhere:
            raise InputError(
                f"the site table is on sheet {elsewhere[0]!r}, but only the first sheet ({names[0]!r}) is read; "
                "move that sheet first or save it on its own",
                file=str(path), row=1,
            )
    return first


def _has_required(table: pd.DataFrame) -> bool:
    return set(REQUIRED) <= {str(c).strip().lower() for c in table.columns}


_READERS: dict[str, Callable[[Path], pd.DataFrame]] = {
    "csv": _read_csv,
    "excel": _read_excel,
    "gpkg": lambda p: gpd.read_file(p, engine="pyogrio"),
    "geojson": lambda p: gpd.read_file(p, engine="pyogrio"),
    "parquet": _read_parquet,
}


def read_table(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The raw table of a file (no validation); coordinates taken from geometry where missing."""
    source = Path(path)
    fmt = _format(source)
    if not source.is_file():
        raise InputError("file not found", file=str(source))
    try:
        table = _READERS[fmt](source)
    except InputError:
        raise
    except Exception as exc:  # every reader has its own error types; the user needs the file named
        raise InputError(f"cannot read as {fmt}: {exc}", file=str(source)) from exc
    return _coordinates_from_geometry(table)


def _coordinates_from_geometry(table: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(table, gpd.GeoDataFrame) or table.geometry.name not in table.columns:
        return pd.DataFrame(table)
    geometry = table.geometry
    if geometry.crs is not None and not geometry.crs.equals(CRS):
        geometry = geometry.to_crs(CRS)
    usable = geometry.notna() & ~geometry.is_empty
    points = geometry.where(geometry.geom_type == "Point", geometry.representative_point())
    out = pd.DataFrame(table.drop(columns=table.geometry.name))
    lower = {str(c).strip().lower(): c for c in out.columns}
    for column, values in (("longitude", points.x), ("latitude", points.y)):
        derived = values.where(usable)
        if column in lower:
            out[lower[column]] = pd.to_numeric(out[lower[column]], errors="coerce").fillna(derived)
        else:
            out[column] = derived
    return out


def read_sites(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a site file, validate it, fill gaps and derive hidden flows."""
    return sites_from_table(read_table(path), str(path))


def sites_from_table(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """A site table as read from the file `name`: validated, gap-filled, its hidden flows derived."""
    if raw.empty:
        raise InputError("no sites: the file has a header but no data rows", file=name, row=2)
    table = validate(raw, file=name)
    return derive_hidden_flows(fill_gaps(table), file=name)


def _geo(df: pd.DataFrame) -> gpd.GeoDataFrame:
    geometry = gpd.points_from_xy(df["longitude"], df["latitude"], crs=CRS)
    frame = pd.DataFrame(df).reset_index(drop=True)
    geometry = gpd.GeoSeries(geometry).where(frame["latitude"].notna() & frame["longitude"].notna(), None)
    return gpd.GeoDataFrame(frame, geometry=geometry.set_crs(CRS, allow_override=True))


def write_sites(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a site table atomically, format from the suffix (GeoParquet for .parquet).

    Geo formats get a WGS84 point geometry from latitude/longitude (none for rows
    without coordinates). Returns the written path.
    """
    target = Path(path)
    fmt = _format(target)
    text_columns = [c for c in df.columns if df[c].dtype == object]  # None-holding text: keep None
    frame = df.copy()
    frame[text_columns] = frame[text_columns].astype("str").where(df[text_columns].notna(), None)
    with atomic_path(target) as tmp:
        if fmt == "csv":
            frame.to_csv(tmp, index=False)
        elif fmt == "excel":
            frame.to_excel(tmp, index=False, engine="openpyxl")
        elif fmt == "parquet":
            _geo(frame).to_parquet(tmp, index=False)
        else:
            _geo(frame).to_file(tmp, driver="GPKG" if fmt == "gpkg" else "GeoJSON", engine="pyogrio")
    return target
