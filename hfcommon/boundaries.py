"""Country boundaries shipped with the package, for maps and representative points.

The layer is Natural Earth 1:110m admin-0 (public domain), cleaned once by
`tools/build_countries_110m.py` (ISO3 fixed for France, Norway and Kosovo; N. Cyprus
and Somaliland dissolved into CYP and SOM; geometries made valid). Reading a file we
ship keeps maps working offline and reproducible.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import geopandas as gpd
import pandas as pd
import shapely

SOURCE = "Natural Earth 1:110m admin-0 countries (public domain), ISO3 fixed by hidden-flow tracer"


@lru_cache(maxsize=1)
def _load() -> gpd.GeoDataFrame:
    path = resources.files("hfcommon") / "data" / "countries_110m.parquet"
    with resources.as_file(path) as local:
        return gpd.read_parquet(local)


def load_countries() -> gpd.GeoDataFrame:
    """Return the country layer: columns `iso3`, `name`, `geometry` (EPSG:4326), one row per ISO3."""
    return _load().copy()


def representative_points() -> pd.DataFrame:
    """Return one point inside each country's largest part: columns `iso3`, `longitude`, `latitude`.

    The largest part is used so that France lands in Europe rather than French Guiana
    and Norway on the mainland rather than Svalbard; the point is guaranteed to lie
    inside the polygon, unlike a centroid (think of Chile or Indonesia).
    """
    countries = _load()
    largest = [max(shapely.get_parts(geom), key=lambda part: part.area) for geom in countries.geometry]
    points = shapely.point_on_surface(largest)
    return pd.DataFrame(
        {"iso3": countries["iso3"].to_numpy(), "longitude": shapely.get_x(points), "latitude": shapely.get_y(points)}
    )
