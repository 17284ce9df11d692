"""`tracer mc --scenario` and `tracer sensitivity --scenario` on the tiny scenario network.

The default network and fleet are swapped for the hand-built one of the scenario
tests, with a lognormal on every edge, so a bundled scenario runs through the real CLI.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from test_scenarios_network import tiny_network
from typer.testing import CliRunner

from graphs.model import Distribution
from tracer import cli
from tracer.cli import app

runner = CliRunner()
MC = ["mc", "--iterations", "256", "--workers", "1", "--chunk-size", "128", "--seed", "3"]


def uncertain_tiny_network() -> nx.DiGraph:
    """The tiny network with a lognormal (sigma 0.1) around every edge's amount."""
    G = tiny_network()
    for _u, _v, data in G.edges(data=True):
        data["uncertainty"] = Distribution("lognormal", (math.log(data["amount"]), 0.1))
    return G


TINY_NETWORK = uncertain_tiny_network  # what conftest's tiny_defaults makes the default network
pytestmark = pytest.mark.usefixtures("tiny_defaults")


def _mc(tmp_path: Path, *extra: str) -> tuple[pd.DataFrame, dict]:
    result = runner.invoke(app, [*MC, *extra, "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    return pd.read_parquet(tmp_path / "montecarlo.parquet"), json.loads((tmp_path / "montecarlo.json").read_text())


def _fleet_hidden(table: pd.DataFrame) -> pd.Series:
    rows = table[(table["vehicle"] == "fleet") & (table["split"] == "total") & (table["stressor"] == "hidden")]
    assert len(rows) == 1
    return rows.iloc[0]


def test_mc_baseline_scenario_equals_plain_mc(tmp_path: Path) -> None:
    plain, plain_settings = _mc(tmp_path / "plain")
    base, base_settings = _mc(tmp_path / "base", "--scenario", "baseline")
    pd.testing.assert_frame_equal(plain, base, check_exact=True)
    assert plain_settings["scenario"] is None
    assert base_settings["scenario"] == "baseline"
    assert base_settings["scenario_file"].endswith("baseline.toml")
    assert base_settings["headline"] == plain_settings["headline"]


def test_mc_lfp_nominal_equals_compare(tmp_path: Path) -> None:
    table, settings = _mc(tmp_path / "lfp", "--scenario", "lfp")
    assert settings["scenario"] == "lfp"
    assert json.loads((tmp_path / "lfp" / "ranges.json").read_text())["label"].endswith(", scenario lfp")
    compared = runner.invoke(app, ["compare", "baseline", "lfp", "--json"])
    assert compared.exit_code == 0, compared.output
    totals = {s["name"]: s["totals"] for s in json.loads(compared.stdout)["scenarios"]}
    assert totals["lfp"]["hidden_t"] != pytest.approx(totals["baseline"]["hidden_t"], rel=1e-6)  # the lever acts
    hidden = _fleet_hidden(table)
    assert hidden["nominal"] == pytest.approx(totals["lfp"]["hidden_t"], rel=1e-6)
    assert hidden["p5"] < hidden["p95"]
    plain, _ = _mc(tmp_path / "plain")
    assert _fleet_hidden(plain)["nominal"] == pytest.approx(totals["baseline"]["hidden_t"], rel=1e-6)


def test_mc_user_scenario_file(tmp_path: Path) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text('include = ["lfp"]\n[scenario]\nname = "mine"\ntitle = "Mine"\n', encoding="utf-8")
    table, settings = _mc(tmp_path / "out", "--scenario", str(mine))
    lfp, _ = _mc(tmp_path / "lfp", "--scenario", "lfp")
    assert settings["scenario"] == "mine"
    assert _fleet_hidden(table)["nominal"] == pytest.approx(_fleet_hidden(lfp)["nominal"], rel=1e-12)


def test_sensitivity_with_scenario(tmp_path: Path) -> None:
    result = runner.invoke(app, ["sensitivity", "--samples", "8", "--scenario", "lfp", "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["scenario"] == "lfp"
    assert json.loads((tmp_path / "sensitivity.json").read_text())["scenario"] == "lfp"


@pytest.mark.parametrize("command", ["mc", "sensitivity"])
def test_unknown_scenario_exits_2_naming_it(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["tracer", command, "--scenario", "no_such_scenario", "--out", str(out)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "no_such_scenario" in err and "unknown scenario" in err
    assert not out.exists()


def test_missing_scenario_file_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.toml"
    monkeypatch.setattr(sys, "argv", ["tracer", "mc", "--scenario", str(missing)])
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    assert "missing.toml" in capsys.readouterr().err.replace("\n", "")
