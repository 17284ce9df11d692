"""`tracer run`, `vehicle`, `coefficients`, `paths`: outputs, JSON, errors, atomicity."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_engine_networks import chain_network, recycling_network
from typer.testing import CliRunner

from tracer import api
from tracer.cli import app, main

SUMMARY_KEYS = {
    "total_tmr_t", "hidden_t", "process_residue_t", "used_t", "hidden_to_used", "car_sector_share",
    "abroad_share", "home", "by_stressor_t", "per_vehicle_tmr_t", "top_countries",
}


@pytest.fixture
def chain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Replace the bundled network and fleet by the hand-solved chain (10 BEV)."""
    monkeypatch.setattr(api, "default_network", chain_network)
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series({"BEV": 10.0}))


def _main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["tracer", *args])
    with pytest.raises(SystemExit) as exit_info:
        main()
    return int(exit_info.value.code or 0)


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_run_writes_three_files_and_prints_only_json(chain: None, tmp_path: Path, fmt: str) -> None:
    result = CliRunner().invoke(app, ["run", "--out", str(tmp_path), "--format", fmt, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert SUMMARY_KEYS <= summary.keys()
    assert summary["total_tmr_t"] == pytest.approx(34.768)
    assert summary["per_vehicle_tmr_t"] == {"BEV": pytest.approx(3.4768)}
    assert json.loads((tmp_path / "summary.json").read_text()) == summary
    read = pd.read_parquet if fmt == "parquet" else pd.read_csv
    flows = read(tmp_path / f"flows.{fmt}")
    assert list(flows.columns) == ["vehicle", "country", "mine", "material", "component", "stage", "stressor", "value", "unit"]
    assert flows.loc[flows.unit == "t", "value"].sum() == pytest.approx(34.768)
    coefficients = read(tmp_path / f"coefficients.{fmt}")
    assert {"node", "name", "kind", "country", "tmr_per_unit", "unit"} <= set(coefficients.columns)
    expected = ["summary.json", f"flows.{fmt}", f"coefficients.{fmt}", "datapackage.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(expected)


def test_run_prints_a_summary(chain: None) -> None:
    result = CliRunner().invoke(app, ["run", "--home", "Chile"])
    assert result.exit_code == 0, result.output
    assert "34.768" not in result.stdout  # shown in Mt
    assert "TMR" in result.stdout and "Chile" in result.stdout  # countries by name (--ids prints CHL)
    assert "share of hidden flows abroad (home Chile)" in result.stdout


def test_fleet_file_with_negative_count_is_a_clear_error(chain: None, tmp_path: Path, monkeypatch, capsys) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_text("vehicle,count\nBEV,-5\n")
    out = tmp_path / "out"
    assert _main(monkeypatch, "run", "--fleet", str(fleet), "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert "fleet.csv" in err and "row 2" in err and "count" in err
    assert not out.exists()


def test_fleet_file_is_used(chain: None, tmp_path: Path) -> None:
    fleet = tmp_path / "fleet.csv"
    fleet.write_text("vehicle,count\nBEV,1\n")
    result = CliRunner().invoke(app, ["run", "--fleet", str(fleet), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["total_tmr_t"] == pytest.approx(3.4768)


def test_failed_run_leaves_no_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setattr(api, "default_network", lambda: recycling_network(gain_to_refinery=2.0))
    monkeypatch.setattr(api, "default_fleet", lambda: pd.Series({"ICEV": 1.0}))
    assert _main(monkeypatch, "run", "--out", str(tmp_path)) == 2
    assert "loop" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_vehicle_breakdown(chain: None, monkeypatch, capsys) -> None:
    result = CliRunner().invoke(app, ["vehicle", "BEV", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["tmr_t"] == pytest.approx(3.4768)
    by_component = {row["component"]: row["tmr_t"] for row in report["by_component"]}
    assert by_component["component:motor"] == pytest.approx(2.2512)  # 2/3 of the copper-borne 3.3768
    assert _main(monkeypatch, "vehicle", "TRUCK") == 2
    assert "unknown vehicle 'TRUCK'" in capsys.readouterr().err


def test_coefficients_and_paths(chain: None, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["coefficients", "--kind", "vehicle", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)
    assert row["node"] == "BEV" and row["tmr_per_unit"] == pytest.approx(3.4768) and row["unit"] == "t/vehicle"
    assert (tmp_path / "coefficients.parquet").exists()
    result = CliRunner().invoke(app, ["paths", "--json", "--top", "2", "--cutoff", "0"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["total"] == pytest.approx(33.39)
    assert [p["path"][-1] for p in found["paths"]] == ["mine:CHL:copper", "mine:CHL:copper"]


def test_default_network_end_to_end(tmp_path: Path) -> None:
    """The README's main command on the bundled data: closed mass balance, every vehicle."""
    result = CliRunner().invoke(app, ["run", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    assert s["total_tmr_t"] > 0
    parts = s["by_stressor_t"]
    assert s["total_tmr_t"] == pytest.approx(sum(parts.values()), rel=1e-12)
    assert s["hidden_t"] == pytest.approx(parts["overburden"] + parts["waste_rock"] + parts["tailings"], rel=1e-12)
    assert set(s["per_vehicle_tmr_t"]) == set(api.default_fleet().index)
    flows = pd.read_parquet(tmp_path / "flows.parquet")
    assert flows.loc[flows.stressor.isin(list(parts)), "value"].sum() == pytest.approx(s["total_tmr_t"], rel=1e-9)
    assert 0 <= s["abroad_share"] <= 1


def test_unknown_home_country_is_a_clear_error(chain: None, monkeypatch, capsys) -> None:
    assert _main(monkeypatch, "run", "--home", "Atlantis") == 2
    assert "Atlantis" in capsys.readouterr().err


def test_paths_metal_view(chain: None) -> None:
    result = CliRunner().invoke(app, ["paths", "--view", "metal", "--json", "--cutoff", "0"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["coverage"] == pytest.approx(1.0)
    assert {p["path"][-1] for p in found["paths"]} == {"mine:copper"}
