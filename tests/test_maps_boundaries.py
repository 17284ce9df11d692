"""The shipped country layer: complete, valid, ISO3-clean, with points inside countries."""

from __future__ import annotations

import shapely

from hfcommon.boundaries import load_countries, representative_points


def test_countries_have_175_unique_iso3_and_fixed_codes() -> None:
    countries = load_countries()
    assert list(countries.columns) == ["iso3", "name", "geometry"]
    assert countries["iso3"].is_unique
    assert countries["iso3"].nunique() == 175
    assert {"FRA", "NOR", "XKX", "CYP", "SOM", "CHN", "CHL", "AUS", "COD"} <= set(countries["iso3"])
    assert countries["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert "-99" not in set(countries["iso3"])


def test_geometries_valid_polygons_in_wgs84() -> None:
    countries = load_countries()
    assert countries.crs.to_epsg() == 4326
    assert countries.is_valid.all()
    assert not countries.is_empty.any()
    assert set(countries.geom_type) <= {"Polygon", "MultiPolygon"}


def test_dissolved_territories_cover_their_former_parts() -> None:
    countries = load_countries().set_index("iso3")
    # Somaliland's Berbera (45.0 E, 10.4 N) and N. Cyprus's Famagusta (33.94 E, 35.12 N).
    assert countries.loc["SOM", "geometry"].contains(shapely.Point(45.0, 10.4))
    assert countries.loc["CYP", "geometry"].contains(shapely.Point(33.94, 35.12))
    assert countries.loc["SOM", "name"] == "Somalia"


def test_representative_points_lie_in_main_territory() -> None:
    points = representative_points().set_index("iso3")
    countries = load_countries().set_index("iso3")
    assert len(points) == 175
    for iso3 in points.index:
        point = shapely.Point(points.loc[iso3, "longitude"], points.loc[iso3, "latitude"])
        assert countries.loc[iso3, "geometry"].contains(point), iso3
    # France in Europe (not French Guiana), Norway on the mainland (not Svalbard).
    assert points.loc["FRA", "longitude"] > -5 and points.loc["FRA", "latitude"] > 40
    assert points.loc["NOR", "latitude"] < 72


def test_load_countries_returns_a_copy() -> None:
    first = load_countries()
    first.loc[0, "iso3"] = "ZZZ"
    assert "ZZZ" not in set(load_countries()["iso3"])
