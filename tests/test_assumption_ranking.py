"""The assumption ranking (`tracer assumptions`): which moves it makes and what a move gives."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from hfcommon.assumptions import load_assumptions
from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer import api
from tracer import assumption_ranking as ranking_module
from tracer.assumption_ranking import (
    HIGH,
    LOW,
    MINUS,
    PLUS,
    RANGE_MOVES,
    STEP_MOVES,
    Move,
    planned_moves,
    rank_assumptions,
    ranking,
    stepped,
)
from tracer.cli import app

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def moves() -> list[Move]:
    return planned_moves()


def test_values_near_one_move_their_loss() -> None:
    assert stepped(0.975) == pytest.approx({MINUS: 0.97, PLUS: 0.98})  # loss 0.025 -> 0.03 / 0.02
    assert stepped(0.75) == pytest.approx({MINUS: 0.7, PLUS: 0.8})
    assert stepped(0.5) == pytest.approx({MINUS: 0.4, PLUS: 0.6})
    assert stepped(400) == pytest.approx({MINUS: 320, PLUS: 480})
    assert stepped(1) == {MINUS: 0.8}  # a routing share of 1 only moves down
    assert stepped(0) == {}


def test_the_rows_are_the_network_assumptions(moves: list[Move]) -> None:
    network = {i: a for i, a in load_assumptions().items() if a.scope == "network"}
    moved = {m.assumption for m in moves}
    assert moved <= set(network)
    rules = {i for i, a in network.items() if a.unit.startswith("rule")}
    assert not moved & rules and "other_power_co2" not in moved  # a rule or a 0 does not move
    unmoved = set(network) - moved - rules - {"other_power_co2"}
    assert not unmoved, f"network assumptions left out of the ranking: {sorted(unmoved)}"
    by_name: dict[str, set[str]] = {}
    for m in moves:
        by_name.setdefault(m.assumption, set()).add(m.move)
    assert all(kinds <= set(RANGE_MOVES) for name, kinds in by_name.items() if name.endswith("_factor"))
    assert by_name["bom_glider_mass_factor"] == {LOW, HIGH}
    assert by_name["cu_smelt_recovery"] == {MINUS, PLUS, LOW, HIGH}
    assert by_name["cobalt_african_rest_to_cod"] == {MINUS, LOW}  # value 1 = the range's high end
    tried = {(m.assumption, m.move): m.tried for m in moves}
    assert tried["bom_motor_mass_factor", HIGH] == 2.7 and tried["cu_smelt_recovery", PLUS] == pytest.approx(0.98)


@pytest.fixture(scope="module")
def pgm_runs() -> tuple[dict, pd.DataFrame, float]:
    """The PGM loading moved +-20 %: it scales the catalyst's PGM, and so the PGM chain, linearly."""
    value = 4.5
    moves = [Move("pgm_per_catalyst_g", "g", value, MINUS, value * 0.8), Move("pgm_per_catalyst_g", "g", value, PLUS,
                                                                                value * 1.2)]
    reference, runs = rank_assumptions(moves=moves)
    flows = api.run().flows
    pgm_hidden = flows.loc[(flows["material"] == "material:pgm") & flows["stressor"].isin(HIDDEN_STRESSORS),
                           "value"].sum()
    return reference, runs, float(pgm_hidden)


def test_a_linear_assumption_moves_hidden_flows_by_its_share(pgm_runs) -> None:
    reference, runs, pgm_hidden = pgm_runs
    assert pgm_hidden > 1e6
    plus = runs.set_index("move").loc[PLUS]
    minus = runs.set_index("move").loc[MINUS]
    assert plus["delta_hidden_t"] == pytest.approx(0.2 * pgm_hidden, rel=1e-6)
    assert minus["delta_hidden_t"] == pytest.approx(-0.2 * pgm_hidden, rel=1e-6)
    assert plus["delta_hidden_pct"] == pytest.approx(100 * plus["delta_hidden_t"] / reference["hidden_t"])
    assert plus["hidden_t"] == pytest.approx(reference["hidden_t"] + plus["delta_hidden_t"])
    assert plus["vehicle"] in reference["per_vehicle_tmr_t"] and plus["delta_vehicle_tmr_pct"] > 0


def test_ranking_takes_the_largest_move_of_each_assumption() -> None:
    runs = pd.DataFrame([
        ("a", "", 0.5, MINUS, 0.4, 0.0, -1.0, -0.1, -1.0, "ICEV", -0.2, -5.0),
        ("a", "", 0.5, PLUS, 0.6, 0.0, 3.0, 0.3, 3.0, "BEV", 0.5, 5.0),
        ("b", "", 1.0, MINUS, 0.8, 0.0, -2.0, -0.2, -2.0, "ICEV", -0.9, 0.0),
        ("b", "", 1.0, LOW, 0.5, 0.0, -9.0, -0.9, -9.0, "ICEV", -4.0, 0.0),
    ], columns=list(ranking_module.COLUMNS))
    table = ranking(runs, STEP_MOVES)
    assert table["assumption"].tolist() == ["a", "b"]
    assert table["abs_delta_hidden_t"].tolist() == [3.0, 2.0]
    assert table.loc[0, "vehicle"] == "BEV" and table.loc[0, "abs_delta_vehicle_tmr_pct"] == 0.5
    assert pd.isna(table.loc[1, "high"]) and table.loc[1, "low"] == 0.8  # b only moved down
    assert ranking(runs, RANGE_MOVES)["assumption"].tolist() == ["b"]


@pytest.mark.parametrize("top", ["0", "-3", "many"])
def test_bad_top_is_a_usage_error(top: str) -> None:
    result = CliRunner().invoke(app, ["assumptions", "--top", top])
    assert result.exit_code == 2
    assert "--top" in result.output


def test_cli_json_and_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    few = [m for m in planned_moves() if m.assumption in ("pgm_recovery", "bom_glider_mass_factor")]
    monkeypatch.setattr(ranking_module, "planned_moves", lambda: few)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["assumptions", "--json", "--top", "1", "--out", str(out), "--format", "csv"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["runs"] == len(few) == 6
    assert [r["assumption"] for r in report["ranking_20_percent"]] == ["pgm_recovery"]
    assert len(report["ranking_range_ends"]) == 1  # top 1 of 2
    table = pd.read_csv(out / "assumption_runs.csv")
    assert len(table) == 6 and set(table["assumption"]) == {"pgm_recovery", "bom_glider_mass_factor"}
    assert set(table["move"]) == {MINUS, PLUS, LOW, HIGH}


def _readme_figures():
    spec = importlib.util.spec_from_file_location("readme_figures", REPO / "tools" / "readme_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_stock_assumptions_are_the_table() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- figures:assumptiontable:start -->\n(.*?)\n<!-- figures:assumptiontable:end -->", text,
                      re.S)
    assert block, "README.md lost its assumptiontable block"
    rendered = _readme_figures().assumption_table_block()
    assert block.group(1) == rendered, "README out of date: run python tools/readme_figures.py --only assumptiontable"
    stock = [i for i, a in load_assumptions().items() if a.scope == "stock"]
    assert [line.split(" | ")[0].lstrip("| ") for line in rendered.splitlines()[2:]] == stock
