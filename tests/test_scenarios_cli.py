"""`tracer scenarios`, `tracer compare`, `tracer sweep` end to end on the tiny network.

The default network and fleet are swapped for the hand-built one, so the bundled
scenario files run through the real CLI and every lever acts on known numbers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hfcommon.errors import InputError
from tracer.cli import app

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("tiny_defaults")  # conftest: the tiny network and fleet as defaults


def test_list_json_names_baseline_first() -> None:
    result = runner.invoke(app, ["scenarios", "list", "--json"])
    assert result.exit_code == 0, result.output
    names = [s["name"] for s in json.loads(result.stdout)]
    assert names[0] == "baseline"
    assert {"copper_recycling", "lfp", "clean_energy", "combined", "nev_2030"} <= set(names)


def test_show_prints_sources() -> None:
    result = runner.invoke(app, ["scenarios", "show", "copper_recycling", "--json"])
    assert result.exit_code == 0
    (row,) = json.loads(result.stdout)["assumptions"]
    assert "UNEP" in row["source"]


def test_compare_bundled_scenarios_move_the_expected_way(tmp_path: Path) -> None:
    names = ["baseline", "copper_recycling", "lfp", "clean_energy", "combined", "nev_2030"]
    result = runner.invoke(app, ["compare", *names, "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    change = {s["name"]: s["change"] for s in doc["scenarios"]}
    assert change["copper_recycling"]["tailings_t"] < 0
    assert change["copper_recycling"]["abroad_hidden_t"] < 0
    assert change["clean_energy"]["overburden_t"] < 0 and change["clean_energy"]["tailings_t"] == 0
    # LFP packs carry more copper than NMC111 packs in the tiny network: hidden flows rise
    assert change["lfp"]["tailings_t"] > 0
    assert change["nev_2030"]["vehicles"] == pytest.approx(0.0)
    assert change["combined"]["hidden_t"] < change["lfp"]["hidden_t"]
    for name in ("comparison_totals.parquet", "comparison_breakdown.parquet", "comparison_assumptions.parquet",
                 "comparison.json"):
        assert (tmp_path / name).is_file()
    breakdown = pd.read_parquet(tmp_path / "comparison_breakdown.parquet")
    assert set(breakdown["dimension"]) == {"flow_type", "vehicle", "country", "material", "location", "per_vehicle"}


def test_compare_rich_table_and_user_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('[scenario]\nname = "half_lfp"\n[battery_mix]\nshares = { LFP = 0.5, NMC111 = 0.5 }\n'
                    'source = "test"\n', encoding="utf-8")
    result = runner.invoke(app, ["compare", "baseline", str(mine)])
    assert result.exit_code == 0, result.output
    assert "half_lfp" in result.stdout and "tailings" in result.stdout


def test_compare_bad_file_is_an_input_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nname = "bad"\n[recycled_content.copper]\nshare = 0.5\ncountry = "ZAF"\nsource = "x"\n',
                   encoding="utf-8")
    result = runner.invoke(app, ["compare", "baseline", str(bad), "--out", str(tmp_path / "out")])
    assert isinstance(result.exception, InputError)
    assert result.exception.column == "recycled_content.copper.secondary_stressors"
    assert not (tmp_path / "out").exists()


def test_sweep_json_and_files(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sweep", "recycled_content.copper.share", "--from", "0", "--to", "0.6",
                                 "--steps", "4", "--scenario", "copper_recycling", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert [s["value"] for s in steps] == pytest.approx([0.0, 0.2, 0.4, 0.6])
    tailings = [s["tailings_t"] for s in steps]
    assert tailings == sorted(tailings, reverse=True)
    assert (tmp_path / "sweep.parquet").is_file() and (tmp_path / "sweep.json").is_file()


def test_sweep_fleet_table_and_bad_values() -> None:
    result = runner.invoke(app, ["sweep", "fleet.nev_share", "--values", "0.1,0.4", "--scenario", "nev_2030"])
    assert result.exit_code == 0, result.output
    assert "one factorisation" in result.stdout
    result = runner.invoke(app, ["sweep", "fleet.nev_share", "--values", "a,b", "--scenario", "nev_2030"])
    assert isinstance(result.exception, InputError)
    result = runner.invoke(app, ["sweep", "fleet.nev_share", "--scenario", "nev_2030"])
    assert isinstance(result.exception, InputError)
