"""`tracer map`, `tracer sankey`, `tracer report` end to end on a synthetic run written to disk."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pandas as pd
import pytest
from test_maps_synthetic import synthetic_flows, synthetic_mines, synthetic_summary
from typer.testing import CliRunner

from hfcommon.errors import InputError
from tracer.cli import app
from tracer.maps import inputs as map_inputs

HIDDEN = ["overburden", "waste_rock", "tailings"]
runner = CliRunner()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What `tracer run --out DIR` leaves behind, plus a mine table in mine_db's format."""
    folder = tmp_path_factory.mktemp("run")
    flows = synthetic_flows()
    flows.to_parquet(folder / "flows.parquet", index=False)
    (folder / "summary.json").write_text(json.dumps(synthetic_summary(flows)), encoding="utf-8")
    synthetic_mines().to_csv(folder / "mines.csv", index=False)
    synthetic_flows(scale=0.5).to_csv(folder / "baseline.csv", index=False)
    return folder


def _invoke(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_map_by_country_writes_every_format(run_dir: Path, tmp_path: Path) -> None:
    report = _invoke("map", "--by", "country", "--format", "png,svg,geojson,gpkg,parquet,html",
                     "--flows", str(run_dir / "flows.parquet"), "--out", str(tmp_path))
    files = [Path(f) for f in report["files"]]
    assert sorted(f.suffix for f in files) == [".geojson", ".gpkg", ".html", ".parquet", ".png", ".svg"]
    assert all(f.parent == tmp_path and f.stat().st_size > 0 for f in files)
    # nothing else left behind but the set's data package
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*(f.name for f in files), "datapackage.json"])
    layer = gpd.read_file(tmp_path / "hidden_by_country.gpkg", layer="countries")
    hidden = synthetic_flows().query("stressor in @HIDDEN")["value"].sum()
    assert layer["hidden_t"].sum() + report["unmapped_countries_hidden_t"]["WLD"] == pytest.approx(hidden)


def test_map_by_mine_for_one_vehicle(run_dir: Path, tmp_path: Path) -> None:
    report = _invoke("map", "--by", "mine", "--vehicle", "BEV-LFP", "--format", "parquet,png",
                     "--flows", str(run_dir / "flows.parquet"), "--mines", str(run_dir / "mines.csv"),
                     "--out", str(tmp_path))
    assert report["unmapped_mines"] == []
    layer = gpd.read_parquet(tmp_path / "hidden_by_mine_BEV-LFP.parquet")
    flows = synthetic_flows()
    lfp = flows[(flows["vehicle"] == "BEV-LFP") & flows["stressor"].isin(HIDDEN) & flows["mine"].notna()]
    assert layer["hidden_t"].sum() == pytest.approx(lfp["value"].sum())
    assert (tmp_path / "hidden_by_mine_BEV-LFP.png").stat().st_size > 10_000


def test_domestic_and_difference_views(run_dir: Path, tmp_path: Path) -> None:
    domestic = _invoke("map", "--view", "domestic", "--format", "svg", "--flows", str(run_dir / "flows.parquet"),
                       "--out", str(tmp_path))
    assert "abroad" in Path(domestic["files"][0]).read_text(encoding="utf-8")
    change = _invoke("map", "--view", "difference", "--baseline", str(run_dir / "baseline.csv"), "--format", "png",
                     "--flows", str(run_dir / "flows.parquet"), "--out", str(tmp_path))
    assert Path(change["files"][0]).name == "hidden_by_country_difference.png"
    exported = _invoke("map", "--view", "difference", "--baseline", str(run_dir / "baseline.csv"), "--format", "gpkg",
                       "--flows", str(run_dir / "flows.parquet"), "--out", str(tmp_path))
    layer = gpd.read_file(exported["files"][0], layer="difference")
    flows = synthetic_flows()
    mapped = flows[flows["stressor"].isin(HIDDEN) & (flows["country"] != "WLD")]["value"].sum()
    assert layer["change"].sum() == pytest.approx(0.5 * mapped)  # this run is twice the baseline


def test_sankey_writes_html_images_and_balanced_links(run_dir: Path, tmp_path: Path) -> None:
    report = _invoke("sankey", "--flows", str(run_dir / "flows.parquet"), "--out", str(tmp_path))
    assert sorted(Path(f).suffix for f in report["files"]) == [".csv", ".html", ".png", ".svg"]
    links = pd.read_csv(tmp_path / "sankey_hidden_links.csv")
    hidden = synthetic_flows().query("stressor in @HIDDEN")["value"].sum()
    for level in ("material", "component", "vehicle"):
        assert links.loc[links["target_level"] == level, "value"].sum() == pytest.approx(hidden)
    assert report["total"] == pytest.approx(hidden) and report["unit"] == "t"


def test_report_from_run_files_with_ranges(run_dir: Path, tmp_path: Path) -> None:
    ranges = tmp_path / "ranges.json"
    ranges.write_text(json.dumps({"ranges": {"hidden_t": [1e8, 2e8]}, "label": "95 % interval"}), encoding="utf-8")
    out = tmp_path / "report.html"
    report = _invoke("report", "--flows", str(run_dir / "flows.parquet"), "--summary", str(run_dir / "summary.json"),
                     "--mines", str(run_dir / "mines.csv"), "--ranges", str(ranges), "--out", str(out))
    page = out.read_text(encoding="utf-8")
    assert "95 % interval: 100 Mt – 200 Mt" in page and "Escondida" in page
    assert report["hidden_t"] == pytest.approx(synthetic_flows().query("stressor in @HIDDEN")["value"].sum())


def test_commands_trace_when_no_flows_file_is_given(monkeypatch: pytest.MonkeyPatch, run_dir: Path, tmp_path: Path) -> None:
    flows = synthetic_flows()
    calls = []

    def fake_trace(fleet: Path | None, home: str, scenario: str | None = None,
                   mines: Path | None = None) -> SimpleNamespace:
        calls.append(home)
        return SimpleNamespace(flows=flows, summary=synthetic_summary(flows))

    monkeypatch.setattr(map_inputs, "trace", fake_trace)
    _invoke("report", "--mines", str(run_dir / "mines.csv"), "--out", str(tmp_path / "r.html"))
    _invoke("sankey", "--format", "html", "--out", str(tmp_path))
    assert calls == ["CHN", "CHN"]


def test_scenario_difference_traces_both_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """`--view difference --scenario X` maps X's run minus the run without a scenario."""
    runs = {None: synthetic_flows(), "lfp": synthetic_flows(scale=0.5)}
    calls = []

    def fake_trace(fleet: Path | None, home: str, scenario: str | None = None,
                   mines: Path | None = None) -> SimpleNamespace:
        calls.append(scenario)
        return SimpleNamespace(flows=runs[scenario], summary=synthetic_summary(runs[scenario]))

    monkeypatch.setattr(map_inputs, "trace", fake_trace)
    report = _invoke("map", "--view", "difference", "--scenario", "lfp", "--format", "svg", "--out", str(tmp_path))
    assert sorted(calls, key=str) == [None, "lfp"]
    svg = Path(report["files"][0]).read_text(encoding="utf-8")
    assert Path(report["files"][0]).name == "hidden_by_country_lfp_difference.svg"
    net = -0.5 * synthetic_flows().query("stressor in @HIDDEN")["value"].sum() / 1e6
    assert f"lfp minus no scenario (net {net:+,.3g} Mt)" in svg


@pytest.mark.parametrize(
    ("args", "column"),
    [
        (["map", "--flow", "gold"], "--flow"),
        (["map", "--vehicle", "TRUCK"], "--vehicle"),
        (["map", "--format", "png,tiff"], "--format"),
        (["map", "--view", "difference"], "--baseline"),
        (["map", "--by", "mine", "--view", "domestic"], "--view"),
        (["map", "--scenario", "lfp"], "--scenario"),
        (["map", "--by", "mine", "--flow", "used"], "--flow"),
        (["map", "--view", "domestic", "--format", "html"], "--format"),
    ],
)
def test_bad_requests_fail_cleanly_and_write_nothing(run_dir: Path, tmp_path: Path, args: list[str], column: str) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, "--flows", str(run_dir / "flows.parquet"), "--out", str(out)])
    assert isinstance(result.exception, InputError)
    assert result.exception.column == column
    assert not out.exists()


def test_broken_flows_file_names_file_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "flows.csv"
    synthetic_flows().drop(columns="unit").to_csv(broken, index=False)
    result = runner.invoke(app, ["sankey", "--flows", str(broken), "--out", str(tmp_path / "o")])
    assert isinstance(result.exception, InputError)
    assert result.exception.file == str(broken) and result.exception.column == "unit"
    missing = runner.invoke(app, ["report", "--flows", str(tmp_path / "nope.parquet"), "--out", str(tmp_path / "r.html")])
    assert "not found" in str(missing.exception)
    assert not (tmp_path / "r.html").exists()


def test_default_run_end_to_end(tmp_path: Path) -> None:
    """On the bundled engine and mine database: layers and the Sankey balance against the run's flows."""
    from tracer import api

    flows = api.run().flows
    flows_file = tmp_path / "flows.parquet"
    flows.to_parquet(flows_file, index=False)
    hidden = flows[flows["stressor"].isin(HIDDEN)]
    countries = _invoke("map", "--format", "gpkg", "--flows", str(flows_file), "--out", str(tmp_path))
    layer = gpd.read_file(tmp_path / "hidden_by_country.gpkg", layer="countries")
    unmapped = sum(countries["unmapped_countries_hidden_t"].values())
    assert layer["hidden_t"].sum() + unmapped == pytest.approx(hidden["value"].sum(), rel=1e-9)
    assert len(layer) > 20 and layer["iso3"].is_unique
    mines = _invoke("map", "--by", "mine", "--format", "parquet", "--flows", str(flows_file), "--out", str(tmp_path))
    assert mines["unmapped_mines"] == []
    sites = gpd.read_parquet(tmp_path / "hidden_by_mine.parquet")
    at_mines = hidden[hidden["mine"].astype(str) != ""]["value"].sum()
    assert sites["hidden_t"].sum() == pytest.approx(at_mines, rel=1e-9)
    assert sites.geometry.notna().all() and not sites.geometry.is_empty.any()
    sankey = _invoke("sankey", "--format", "png", "--flows", str(flows_file), "--out", str(tmp_path))
    assert sankey["total"] == pytest.approx(hidden["value"].sum(), rel=1e-9)
