"""Aggregation, geodata exports and static maps: each file is read back and checked against the input sums."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from matplotlib.image import imread
from test_maps_synthetic import FLEET, synthetic_flows

from hfcommon.display import scaled_unit
from hfcommon.errors import InputError
from tracer.maps import aggregate, geodata, static

HIDDEN = ["overburden", "waste_rock", "tailings"]


def _hidden_total(flows: pd.DataFrame, vehicles: list[str] | None = None) -> float:
    rows = flows[flows["stressor"].isin(HIDDEN)]
    if vehicles:
        rows = rows[rows["vehicle"].isin(vehicles)]
    return float(rows["value"].sum())


# --- aggregation ---------------------------------------------------------------------


def test_by_country_balances_every_stressor(flows: pd.DataFrame) -> None:
    table = aggregate.by_country(flows)
    for stressor in [*HIDDEN, "process_residue", "used"]:
        expected = flows.loc[flows["stressor"] == stressor, "value"].sum()
        assert table[f"{stressor}_t"].sum() == pytest.approx(expected, rel=1e-12)
    assert table["hidden_t"].sum() == pytest.approx(_hidden_total(flows), rel=1e-12)
    assert "energy_t" not in table  # GJ never mixes with tonnes
    assert table["tmr_t"].is_monotonic_decreasing


def test_select_flow_filters_vehicles_and_rejects_bad_requests(flows: pd.DataFrame) -> None:
    rows, unit = aggregate.select_flow(flows, "hidden", ["BEV-LFP"])
    assert unit == "t" and set(rows["vehicle"]) == {"BEV-LFP"}
    assert rows["value"].sum() == pytest.approx(_hidden_total(flows, ["BEV-LFP"]))
    assert aggregate.select_flow(flows, "energy")[1] == "GJ"
    with pytest.raises(InputError, match="unknown flow"):
        aggregate.select_flow(flows, "gold")
    with pytest.raises(InputError, match="unknown vehicle"):
        aggregate.select_flow(flows, "hidden", ["TRUCK"])
    mixed = flows.assign(unit=np.where(flows.index % 2 == 0, "t", "kg"))
    with pytest.raises(InputError, match="mixes units"):
        aggregate.select_flow(mixed, "hidden")


def test_check_flows_names_missing_column_and_bad_row(flows: pd.DataFrame) -> None:
    with pytest.raises(InputError) as missing:
        aggregate.check_flows(flows.drop(columns="stage"))
    assert missing.value.column == "stage"
    broken = flows.copy()
    broken.loc[3, "value"] = np.nan
    with pytest.raises(InputError) as bad:
        aggregate.check_flows(broken)
    assert bad.value.row == 5 and bad.value.column == "value"


def test_by_mine_strips_node_prefix_and_reports_unknown_mines(flows: pd.DataFrame, mines: pd.DataFrame) -> None:
    prefixed = flows.assign(mine=flows["mine"].map(lambda m: f"mine:{m}" if isinstance(m, str) else m))
    table = aggregate.by_mine(prefixed, mines)
    at_mines = flows[flows["stressor"].isin(HIDDEN) & flows["mine"].notna()]["value"].sum()
    assert table["hidden_t"].sum() == pytest.approx(at_mines)
    assert set(table["mine_id"]) == set(mines["mine_id"])
    assert aggregate.unmapped_mines(prefixed, mines.iloc[1:]) == [mines["mine_id"].iloc[0]]


def test_mines_without_coordinates_get_their_country_point(mines: pd.DataFrame) -> None:
    from hfcommon.boundaries import load_countries

    placed = aggregate.place_mines(mines).set_index("mine_id")
    assert placed[["latitude", "longitude"]].notna().all().all()
    china = load_countries().set_index("iso3").loc["CHN", "geometry"]
    point = placed.loc["CN-ROC-AL"]
    assert china.contains(shapely.Point(point["longitude"], point["latitude"]))
    nowhere = mines.assign(country=mines["country"].where(mines["mine_id"] != "CN-ROC-AL", "ZZZ"))
    assert "CN-ROC-AL" not in set(aggregate.place_mines(nowhere)["mine_id"])


def test_domestic_abroad_split_sums_to_total(flows: pd.DataFrame) -> None:
    split = aggregate.domestic_abroad(flows, "CHN")
    hidden = flows[flows["stressor"].isin(HIDDEN)]
    assert split.loc["hidden", "domestic"] == pytest.approx(hidden[hidden["country"] == "CHN"]["value"].sum())
    assert split.loc["hidden", "unknown"] == pytest.approx(hidden[hidden["country"] == "WLD"]["value"].sum())
    assert split.loc["hidden"].sum() == pytest.approx(_hidden_total(flows))


def test_difference_is_scenario_minus_baseline(flows: pd.DataFrame) -> None:
    scenario = synthetic_flows(scale=0.5)
    change = aggregate.difference(scenario, flows, "hidden")
    assert change["change"].sum() == pytest.approx(-0.5 * _hidden_total(flows))
    assert (change["scenario"] - change["baseline"]).equals(change["change"])


def test_scaled_unit_picks_readable_prefix() -> None:
    assert scaled_unit(3.2e9, "t") == (1e9, "Gt")
    assert scaled_unit(4.0e7, "t") == (1e6, "Mt")
    assert scaled_unit(12.0, "t") == (1.0, "t")
    assert scaled_unit(5e9, "GJ") == (1.0, "GJ")


# --- geodata exports -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet"])
def test_country_export_round_trips_with_input_sums(tmp_path: Path, flows: pd.DataFrame, fmt: str) -> None:
    layer = geodata.country_layer(flows, home="CHN")
    path = geodata.write_layer(layer, tmp_path / "countries", fmt, "countries")
    assert path.suffix == geodata.GEO_FORMATS[fmt][0] and path.stat().st_size > 0
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    if fmt == "gpkg":
        assert pyogrio.list_layers(path)[:, 0].tolist() == ["countries"]
    back = gpd.read_parquet(path) if fmt == "parquet" else gpd.read_file(path)
    assert back.crs.to_epsg() == 4326
    assert back.is_valid.all() and not back.is_empty.any()
    expected_columns = {"iso3", "name", "domestic", "hidden_t", "tmr_t", "hidden_share", "vehicles", *(f"{s}_t" for s in HIDDEN)}
    assert expected_columns <= set(back.columns)
    unmapped = geodata.unmapped_countries(flows)
    assert unmapped["country"].tolist() == ["WLD"]
    assert back["hidden_t"].sum() + unmapped["hidden_t"].sum() == pytest.approx(_hidden_total(flows))
    assert back.loc[back["iso3"] == "CHN", "domestic"].tolist() == [True]
    assert back["domestic"].sum() == 1


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "parquet"])
def test_mine_export_has_points_at_mine_coordinates(tmp_path: Path, flows: pd.DataFrame, mines: pd.DataFrame, fmt: str) -> None:
    layer = geodata.mine_layer(flows, mines, vehicles=["BEV-LFP"])
    path = geodata.write_layer(layer, tmp_path / "mines", fmt, "mines")
    back = gpd.read_parquet(path) if fmt == "parquet" else gpd.read_file(path)
    assert set(back.geom_type) == {"Point"}
    assert {"mine_id", "name", "country", "commodity", "resolution", "hidden_t", "vehicles"} <= set(back.columns)
    assert (back["vehicles"] == "BEV-LFP").all()
    lfp = flows[(flows["vehicle"] == "BEV-LFP") & flows["stressor"].isin(HIDDEN) & flows["mine"].notna()]
    assert back["hidden_t"].sum() == pytest.approx(lfp["value"].sum())
    escondida = back.set_index("mine_id").loc["CL-ESC", "geometry"]
    assert (escondida.x, escondida.y) == pytest.approx((-69.07, -24.27))


def test_gpkg_is_a_real_geopackage(tmp_path: Path, flows: pd.DataFrame) -> None:
    path = geodata.write_layer(geodata.country_layer(flows), tmp_path / "c", "gpkg", "countries")
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("select table_name from gpkg_contents")}
    assert tables == {"countries"}


def test_write_layer_rejects_unknown_format(tmp_path: Path, flows: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown geodata format"):
        geodata.write_layer(geodata.country_layer(flows), tmp_path / "c", "shp", "countries")
    assert not list(tmp_path.iterdir())


# --- static maps ---------------------------------------------------------------------


def _check_png(path: Path) -> np.ndarray:
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 300 and image.shape[1] > 600
    assert image[..., :3].std() > 0.05  # not a blank canvas
    return image


def _svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    return path.read_text(encoding="utf-8")


def test_country_map_writes_png_and_svg_with_legend_unit_and_source(tmp_path: Path, flows: pd.DataFrame) -> None:
    fig = static.country_map(flows, "hidden", source="synthetic test run")
    paths = static.save_figure(fig, tmp_path / "hidden_by_country")
    assert [p.suffix for p in paths] == [".png", ".svg"]
    _check_png(paths[0])
    svg = _svg_text(paths[1])
    for text in ("Hidden flows", "Mt, log scale", "Source: synthetic test run", "Natural Earth"):
        assert text in svg


def test_country_map_colours_exactly_the_countries_with_flows(flows: pd.DataFrame) -> None:
    """The coloured layer carries each mapped country's sum; WLD (no polygon) is not drawn."""
    fig = static.country_map(flows, "hidden")
    ax = fig.axes[0]
    background, coloured = ax.collections[:2]
    assert len(background.get_paths()) > len(coloured.get_paths())
    sums = flows[flows["stressor"].isin(HIDDEN)].groupby("country")["value"].sum().drop("WLD")
    assert np.unique(coloured.get_array()).tolist() == pytest.approx(np.sort(sums.to_numpy()).tolist())
    assert ax.get_xlim()[1] > 1e7  # Equal Earth metres, not degrees


def test_vehicle_map_and_mine_map_and_domestic_view(tmp_path: Path, flows: pd.DataFrame, mines: pd.DataFrame) -> None:
    figures = {
        "bev": static.country_map(flows, "tailings", vehicles=["BEV-NMC811"]),
        "mines": static.mine_map(flows, mines),
        "home": static.domestic_abroad_map(flows, "CHN"),
        "diff": static.difference_map(synthetic_flows(0.5), flows),
        "bars": static.vehicle_bars(flows, FLEET),
    }
    texts = {name: _svg_text(static.save_figure(fig, tmp_path / name, ["svg"])[0]) for name, fig in figures.items()}
    assert "BEV-NMC811" in texts["bev"] and "Tailings" in texts["bev"]
    assert "Commodity" in texts["mines"] and "rest of country" in texts["mines"] and "copper" in texts["mines"]
    share = aggregate.domestic_abroad(flows, "CHN").loc["hidden"]
    assert f"{share['abroad'] / share.sum():.0%} abroad" in texts["home"]
    assert "unknown origin" in texts["home"]
    assert "scenario minus baseline" in texts["diff"]
    assert "per vehicle" in texts["bars"]


def test_svg_output_is_reproducible(tmp_path: Path, flows: pd.DataFrame) -> None:
    first = static.save_figure(static.country_map(flows), tmp_path / "a", ["svg"])[0]
    second = static.save_figure(static.country_map(flows), tmp_path / "b", ["svg"])[0]
    assert first.read_bytes() == second.read_bytes()


def test_difference_layer_exports_change_per_country(tmp_path: Path, flows: pd.DataFrame) -> None:
    scenario = synthetic_flows(scale=0.5)
    layer = geodata.difference_layer(scenario, flows, "tailings")
    back = gpd.read_file(geodata.write_layer(layer, tmp_path / "d", "geojson", "difference"))
    assert {"iso3", "name", "flow", "unit", "baseline", "scenario", "change"} <= set(back.columns)
    assert set(back["flow"]) == {"tailings"} and set(back["unit"]) == {"t"}
    tailings = flows[(flows["stressor"] == "tailings") & (flows["country"] != "WLD")]["value"].sum()
    assert back["change"].sum() == pytest.approx(-0.5 * tailings)


def test_mine_map_sizes_by_one_flow_and_refuses_off_site_flows(tmp_path: Path, flows: pd.DataFrame, mines: pd.DataFrame) -> None:
    svg = _svg_text(static.save_figure(static.mine_map(flows, mines, flow="tailings"), tmp_path / "t", ["svg"])[0])
    assert "Tailings at mine sites" in svg
    with pytest.raises(InputError, match="mine maps show"):
        static.mine_map(flows, mines, flow="used")
