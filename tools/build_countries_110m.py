"""Build hfcommon/data/countries_110m.parquet once from Natural Earth 1:110m.

Run by hand, never at run time:  python tools/build_countries_110m.py

Source: the Natural Earth 1:110m "admin 0 countries" layer (public domain,
https://www.naturalearthdata.com) as shipped in pyogrio's test fixtures
(`pyogrio/tests/fixtures/naturalearth_lowres`). That folder is not a public API of
pyogrio, which is why we copy the layer into our package instead of reading it live.

Fixes applied, because Natural Earth leaves ISO_A3 = -99 for five features:
- France -> FRA, Norway -> NOR, Kosovo -> XKX (the code the EU and IMF use);
- N. Cyprus is dissolved into CYP and Somaliland into SOM, so that each ISO3 code
  is one row and mine production reported by ISO3 lands on the whole territory;
- every geometry goes through shapely's make_valid.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

FIXTURE = Path(pyogrio.__file__).parent / "tests" / "fixtures" / "naturalearth_lowres" / "naturalearth_lowres.shp"
TARGET = Path(__file__).resolve().parents[1] / "hfcommon" / "data" / "countries_110m.parquet"

ISO3_BY_NAME = {"France": "FRA", "Norway": "NOR", "Kosovo": "XKX", "N. Cyprus": "CYP", "Somaliland": "SOM"}
# Features merged into another country's row; the row named here keeps its name.
DISSOLVED_INTO = {"N. Cyprus": "Cyprus", "Somaliland": "Somalia"}


def build(source: Path = FIXTURE) -> gpd.GeoDataFrame:
    """Return the cleaned country layer: one row per ISO3 with `iso3`, `name`, geometry."""
    raw = gpd.read_file(source)[["name", "iso_a3", "geometry"]]
    raw["iso3"] = raw["iso_a3"].where(raw["iso_a3"] != "-99", raw["name"].map(ISO3_BY_NAME))
    if raw["iso3"].isna().any():
        unknown = raw.loc[raw["iso3"].isna(), "name"].tolist()
        raise ValueError(f"features without an ISO3 code: {unknown}")
    raw["name"] = raw["name"].replace(DISSOLVED_INTO)
    countries = raw.dissolve(by="iso3", as_index=False, aggfunc={"name": "first"})
    countries["geometry"] = shapely.make_valid(countries.geometry.values)
    countries = countries[["iso3", "name", "geometry"]].sort_values("iso3").reset_index(drop=True)
    return countries.to_crs("EPSG:4326")


def main() -> None:
    countries = build()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    countries.to_parquet(TARGET, index=False, compression="zstd")
    print(f"wrote {TARGET} ({len(countries)} countries, {TARGET.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
