"""`tracer fleet` end to end: JSON only on stdout, files only under --out, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from tracer.cli import app


def test_json_prints_only_json_with_per_year_totals(tmp_path):
    result = CliRunner().invoke(app, ["fleet", "--json", "--mc", "20", "--to", "2040",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    years = [row["year"] for row in report["totals_by_year"]]
    assert years == list(range(2000, 2041))
    row = report["totals_by_year"][-1]
    for key in ("stock_vehicles", "inflow_vehicles", "outflow_vehicles", "eol_mass_t", "value_usd",
                "energy_avoided_gj", "co2_avoided_fixed_t", "co2_avoided_declining_t"):
        assert row[key] > 0
    assert {r["lifetime_shift_years"] for r in report["lifespan_sensitivity"]} == {-1.0, 0.0, 1.0}
    written = {p.name for p in tmp_path.iterdir()}
    assert {"flows.parquet", "materials.parquet", "totals.parquet", "monte_carlo.parquet",
            "lifespan_sensitivity.parquet", "eol_mass_by_class.png", "fleet.json"} <= written
    totals = pd.read_parquet(tmp_path / "totals.parquet")
    assert totals["eol_mass_t"].iloc[-1] == report["totals_by_year"][-1]["eol_mass_t"]


def test_without_out_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["fleet", "--mc", "0", "--to", "2035"])
    assert result.exit_code == 0, result.output
    assert "end of life to 2035" in result.stdout
    assert list(tmp_path.iterdir()) == []


def test_bad_config_exits_2_with_a_located_message(tmp_path):
    bad = tmp_path / "study.toml"
    bad.write_text('name = "x"\nstock_file = "s.csv"\ntotal_class = "t"\nclasses = ["a"]\nmc = 3\n')
    proc = subprocess.run([sys.executable, "-c", "from tracer.cli import main; main()", "fleet",
                           "--config", str(bad), "--out", str(tmp_path / "out")],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "unknown setting" in proc.stderr and "mc" in proc.stderr
    assert not (tmp_path / "out").exists()
