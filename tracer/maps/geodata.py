"""Country and mine results as GeoDataFrames, and their export to GeoJSON, GeoPackage and GeoParquet.

Exports are for GIS users (QGIS, R sf, geopandas): one feature per country or mine,
tidy attribute columns whose names carry their unit (`hidden_t`), ISO3 codes, and
WGS 84 coordinates. Writing is atomic, so a failed export leaves no file behind.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from hfcommon.boundaries import load_countries
from hfcommon.output import atomic_path
from hfcommon.vocabulary import DEFAULT_HOME
from tracer.maps.aggregate import by_country, by_mine, difference, select_flow

#: Export format -> (file suffix, OGR driver or None for GeoParquet).
GEO_FORMATS: dict[str, tuple[str, str | None]] = {
    "geojson": (".geojson", "GeoJSON"),
    "gpkg": (".gpkg", "GPKG"),
    "parquet": (".parquet", None),
}


def _vehicle_label(vehicles: Sequence[str] | None) -> str:
    return ",".join(vehicles) if vehicles else "all"


def country_layer(flows: pd.DataFrame, vehicles: Sequence[str] | None = None, home: str = DEFAULT_HOME) -> gpd.GeoDataFrame:
    """Countries with flows, as polygons: iso3, name, domestic, `<stressor>_t`, hidden_share, vehicles.

    Flows whose country has no polygon (for example `WLD`) are left out here and
    listed by `unmapped_countries`, so the layer plus that list sums to the input.
    """
    table = by_country(flows, vehicles)
    countries = load_countries()
    layer = countries.merge(table, left_on="iso3", right_on="country", how="inner").drop(columns="country")
    layer.insert(2, "domestic", layer["iso3"].eq(home))
    total_hidden = table["hidden_t"].sum()
    layer["hidden_share"] = layer["hidden_t"] / total_hidden if total_hidden > 0 else 0.0
    layer["vehicles"] = _vehicle_label(vehicles)
    columns = [c for c in layer.columns if c != "geometry"] + ["geometry"]
    return gpd.GeoDataFrame(layer[columns], geometry="geometry", crs=countries.crs).sort_values(
        "hidden_t", ascending=False, ignore_index=True
    )


def difference_layer(flows: pd.DataFrame, baseline: pd.DataFrame, flow: str = "hidden") -> gpd.GeoDataFrame:
    """Countries whose `flow` differs between two runs: iso3, name, flow, unit, baseline, scenario, change."""
    unit = select_flow(flows, flow)[1]
    table = difference(flows, baseline, flow)
    countries = load_countries()
    layer = countries.merge(table, left_on="iso3", right_on="country", how="inner").drop(columns="country")
    layer.insert(2, "flow", flow)
    layer.insert(3, "unit", unit)
    columns = [c for c in layer.columns if c != "geometry"] + ["geometry"]
    return gpd.GeoDataFrame(layer[columns], geometry="geometry", crs=countries.crs)


def unmapped_countries(flows: pd.DataFrame, vehicles: Sequence[str] | None = None) -> pd.DataFrame:
    """Country codes in the flows that have no polygon (e.g. WLD), with their tonnages."""
    table = by_country(flows, vehicles)
    return table[~table["country"].isin(load_countries()["iso3"])].reset_index(drop=True)


def mine_layer(flows: pd.DataFrame, mines: pd.DataFrame, vehicles: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Mine sites with flows, as points: mine_id, name, country, commodity, `<stressor>_t`, vehicles."""
    table = by_mine(flows, mines, vehicles)
    table["vehicles"] = _vehicle_label(vehicles)
    points = gpd.points_from_xy(table.pop("longitude"), table.pop("latitude"), crs="EPSG:4326")
    return gpd.GeoDataFrame(table, geometry=points)


def write_layer(layer: gpd.GeoDataFrame, path: str | os.PathLike[str], fmt: str, name: str) -> Path:
    """Write `layer` atomically as `fmt` (geojson, gpkg, parquet); `name` is the GeoPackage layer name."""
    if fmt not in GEO_FORMATS:
        raise ValueError(f"unknown geodata format {fmt!r}; use one of {sorted(GEO_FORMATS)}")
    suffix, driver = GEO_FORMATS[fmt]
    target = Path(path).with_suffix(suffix)
    with atomic_path(target) as tmp:
        if driver is None:
            layer.to_parquet(tmp, index=False)
        else:  # atomic_path hands out a fresh path with the target's own name, as OGR drivers need
            layer.to_file(tmp, driver=driver, layer=name, engine="pyogrio")
    return target
