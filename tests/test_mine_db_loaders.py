"""Loaders: every format round-trips; unreadable files and failed writes are handled."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point

import mine_db
from hfcommon.errors import InputError
from mine_db.loaders import read_sites, write_sites

FIXTURE = Path(__file__).parent / "fixtures" / "mine_db" / "sites.csv"


def test_pipeline_on_fixture(loaded_sites: pd.DataFrame) -> None:
    cu = loaded_sites.set_index("mine_id").loc["CU-A"]
    # worked example 1 of test_mine_db_flows: 10,000 t Cu -> 437.1765 t hidden per t Cu
    assert cu["hidden_per_t"] == pytest.approx(437.1765, abs=1e-4)
    assert mine_db.load(FIXTURE).equals(loaded_sites)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".gpkg", ".geojson", ".parquet"])
def test_round_trip(loaded_sites: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    written = write_sites(loaded_sites, tmp_path / f"sites{suffix}")
    back = read_sites(written)
    pd.testing.assert_frame_equal(back[loaded_sites.columns], loaded_sites, check_dtype=False, rtol=1e-12)
    assert [p.name for p in tmp_path.iterdir()] == [f"sites{suffix}"]


def test_geoparquet_has_point_geometry(loaded_sites: pd.DataFrame, tmp_path: Path) -> None:
    geo = gpd.read_parquet(write_sites(loaded_sites, tmp_path / "sites.parquet"))
    assert geo.crs.to_epsg() == 4326
    first = geo.geometry.iloc[0]
    assert (first.x, first.y) == (-69.07, -24.27)
    # the rest-of-country row (no coordinates) has no geometry
    assert geo.geometry.isna().sum() == 1


def test_coordinates_from_geometry(tmp_path: Path) -> None:
    raw = pd.read_csv(FIXTURE).drop(columns=["latitude", "longitude"]).iloc[[0]]
    layer = gpd.GeoDataFrame(raw, geometry=[Point(-69.07, -24.27)], crs="EPSG:4326")
    layer.to_file(tmp_path / "one.geojson", driver="GeoJSON")
    row = read_sites(tmp_path / "one.geojson").iloc[0]
    assert (row["latitude"], row["longitude"]) == (-24.27, -69.07)


def test_error_rows_in_excel(tmp_path: Path) -> None:
    raw = pd.read_csv(FIXTURE)
    raw.loc[3, "metal_t"] = -1
    raw.to_excel(tmp_path / "bad.xlsx", index=False)
    with pytest.raises(InputError) as err:
        read_sites(tmp_path / "bad.xlsx")
    assert (err.value.file, err.value.row, err.value.column) == (str(tmp_path / "bad.xlsx"), 5, "metal_t")


def test_unreadable_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"this is not parquet")
    with pytest.raises(InputError) as err:
        read_sites(broken)
    assert err.value.file == str(broken)


@pytest.mark.parametrize("name", ["missing.csv", "sites.txt"])
def test_missing_or_unsupported(tmp_path: Path, name: str) -> None:
    (tmp_path / "sites.txt").write_text("x")
    with pytest.raises(InputError) as err:
        read_sites(tmp_path / name)
    assert err.value.file == str(tmp_path / name)


def test_failed_write_leaves_nothing(loaded_sites: pd.DataFrame, tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        write_sites(loaded_sites.drop(columns="latitude"), tmp_path / "out.parquet")
    assert list(tmp_path.iterdir()) == []


def test_reloaded_table_follows_edited_inputs(loaded_sites: pd.DataFrame, tmp_path: Path) -> None:
    # CU-A alone reports a recovery (0.85): one mine is no sample, so CU-B takes the commodity default. Raise
    # CU-A's recovery to 0.9: on reload CU-A's derived ore follows and CU-B's fill is derived again, not kept.
    path = write_sites(loaded_sites, tmp_path / "sites.parquet")
    edited = pd.read_parquet(path)
    edited.loc[edited["mine_id"] == "CU-A", "recovery"] = 0.9
    edited.to_parquet(path)
    back = read_sites(path).set_index("mine_id")
    assert back.loc["CU-B", ["recovery", "recovery_fill"]].tolist() == [pytest.approx(0.872), "default"]
    # CU-A: ore = 10,000 / (0.008 x 0.9) = 1,388,888.9 t; waste rock = 2 x ore (strip ratio its own)
    assert back.loc["CU-A", "ore_t"] == pytest.approx(1_388_888.89, abs=0.01)
    assert back.loc["CU-A", "waste_rock_t"] == pytest.approx(2_777_777.78, abs=0.01)
    # CU-B: 0.6 % Cu, ore = 30,000 / (0.006 x 0.872) = 5,733,944.95 t; its strip ratio is still a fill, not data
    assert back.loc["CU-B", "ore_t"] == pytest.approx(5_733_944.95, abs=0.01)
    assert back.loc["CU-B", "strip_ratio_fill"] == "default"
    assert back.loc["FE-A", ["strip_ratio", "strip_ratio_fill"]].tolist() == [pytest.approx(3.0), "mine"]
