"""`tracer reconcile` choices: each equals a run on the mine table or parameter it names, rows
without site data keep their fills, choices never enter the waterfall, bad names exit 2."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_mine_db_gapfill import COLUMNS, NO_NATIONAL, ROWS, _fill
from typer.testing import CliRunner

from graphs.build import build_default_network
from hfcommon.errors import InputError
from mine_db.default import build_default, build_standalone
from mine_db.gapfill import MIN_SAMPLE
from tracer import api
from tracer.cli import app, main
from tracer.reconcile import reconcile
from tracer.reconcile.choices import (
    FIGURES,
    Choice,
    choice_network,
    choice_table,
    load_choices,
    mine_table,
    select,
)

HEADER = "choice,label,allocation,site_data,parameter,end,changes,why\n"
#: The same with the columns of a rest-of-country split choice (tests/test_rest_split_choices.py).
SPLIT_HEADER = "choice,label,allocation,site_data,parameter,rest_split,assumption,end,changes,why\n"
FILLED = ("grade", "recovery", "strip_ratio")


@pytest.fixture(scope="module")
def base() -> api.RunResult:
    return api.run(network=api.default_network())


@pytest.fixture(scope="module")
def declared() -> dict[str, Choice]:
    return {c.name: c for c in load_choices()}


def test_mass_allocation_choice_equals_a_run_on_the_mass_allocated_table(base, declared) -> None:
    table, _ = build_default(allocation="mass")
    expected = api.run(network=build_default_network(table)).summary
    row = choice_table((declared["allocation_mass"],), base).iloc[0]
    for key in FIGURES:
        assert row[key] == pytest.approx(expected[key], rel=1e-9)
        assert row[f"delta_{key}"] == pytest.approx(expected[key] - base.summary[key], rel=1e-9, abs=1e-3)
    assert abs(row["delta_hidden_t"]) > 1e6  # the choice moves the fleet's hidden flows by more than 1 Mt


def test_no_allocation_choice_traces_the_standalone_table(base, declared) -> None:
    table, _ = build_standalone()
    expected = api.run(network=build_default_network(table)).summary["hidden_t"]
    assert choice_table((declared["allocation_none"],), base).iloc[0]["hidden_t"] == pytest.approx(expected, rel=1e-9)


def test_site_data_choice_leaves_rows_without_own_values_unchanged() -> None:
    own, fill = build_standalone(site_data=True)[0], build_standalone(site_data=False)[0]
    has_own = (own[[f"{v}_fill" for v in FILLED]] == "mine").any(axis=1) | (own["ore_basis"] == "reported")
    assert 0 < has_own.sum() < len(own)
    columns = [*FILLED, *(f"{v}_fill" for v in FILLED), "ore_t", "hidden_t"]
    pd.testing.assert_frame_equal(own.loc[~has_own, columns], fill.loc[~has_own, columns])
    assert not (fill[[f"{v}_fill" for v in FILLED]] == "mine").any().any()
    assert (fill["ore_basis"] == "derived").all() and fill["mine_ore_t"].isna().all()
    assert not own.loc[has_own, "hidden_t"].equals(fill.loc[has_own, "hidden_t"])


def test_own_values_off_takes_the_fill_with_the_rows_own_value_left_out() -> None:
    kept, off = _fill(ROWS), fill_without_own()
    grade = {f"C{i}": (100.0 * i, 0.004 + 0.001 * i) for i in range(1, 6)}
    # C1 left out: Chile has 4 surface copper mines (< 5) -> pooled with the world's other 5 (C2-C5, P1)
    chile = sum(w * g for k, (w, g) in grade.items() if k != "C1") / 1400
    world = (1400 * chile + 100 * 0.016) / 1500
    assert off.loc["C1", ["grade_fill", "grade_fill_n"]].tolist() == ["pooled", 4 + 5]
    assert off.loc["C1", "grade"] == pytest.approx((4 * chile + MIN_SAMPLE * world) / (4 + MIN_SAMPLE), rel=1e-12)
    # P1 left out: Peru has no other surface copper mine -> the global mean of the five Chilean mines
    assert off.loc["P1", ["grade_fill", "grade_fill_n"]].tolist() == ["global", 5]
    assert off.loc["P1", "grade"] == pytest.approx(sum(w * g for w, g in grade.values()) / 1500, rel=1e-12)
    assert off.loc["P1", "recovery_fill"] != "mine"
    without = [m for m in kept.index if not (kept.loc[m, [f"{v}_fill" for v in FILLED]] == "mine").any()]
    pd.testing.assert_frame_equal(kept.loc[without], off.loc[without])


def fill_without_own() -> pd.DataFrame:
    from mine_db.gapfill import fill_gaps
    from mine_db.schema import validate

    df = pd.DataFrame(ROWS, columns=COLUMNS).assign(name="n", latitude=0.0, longitude=0.0, year=2019,
                                                    resolution="mine", source="test")
    return fill_gaps(validate(df, "gaps.csv"), NO_NATIONAL, own_values=False).set_index("mine_id")


def test_a_range_end_choice_equals_the_override_of_that_end(base, declared) -> None:
    from graphs.build import default_parameters

    choice = declared["steel_yield_low"]
    low = default_parameters()["steel_fabrication_yield"].uncertainty.params[0]
    assert low == pytest.approx(0.6)  # triangular(0.6, 0.74, 0.8) in graphs/data/parameters.csv
    expected = api.run(network=build_default_network(mine_table("value", True),
                                                     overrides={"steel_fabrication_yield": low})).summary
    row = choice_table((choice,), base).iloc[0]
    assert row["total_tmr_t"] == pytest.approx(expected["total_tmr_t"], rel=1e-9)
    assert row["delta_hidden_t"] > 0  # a lower yield needs more liquid steel per car


def test_choices_sit_beside_the_waterfall_never_in_it(declared) -> None:
    chosen = (declared["allocation_mass"], declared["steel_yield_high"])
    with_choices, without = reconcile(choices=chosen), reconcile(choices=())
    pd.testing.assert_frame_equal(with_choices.waterfall, without.waterfall)
    assert list(with_choices.choices["choice"]) == ["allocation_mass", "steel_yield_high"]
    assert without.choices.empty
    report = with_choices.as_dict()
    total = with_choices.summary["hidden_t"]
    for row in report["choices"]:
        assert row["delta_hidden_t"] == pytest.approx(row["hidden_t"] - total, rel=1e-12)
        assert row["changes"] and row["why"]


def test_a_given_network_gets_no_choice_by_default() -> None:
    from test_engine_networks import chain_network

    result = reconcile(network=chain_network(), fleet={"BEV": 10})
    assert result.choices.empty


def test_choices_work_on_a_scenario(declared) -> None:
    from tracer.scenarios import load_scenario
    from tracer.scenarios.compare import scenario_inputs

    spec = load_scenario("lfp")
    fleet = api.normalise_fleet(api.default_fleet())
    base_network, counts = scenario_inputs(spec, api.default_network(), fleet)
    base = api.run(fleet=counts, network=base_network)

    def levers(G):
        return scenario_inputs(spec, G, fleet)[0]

    mass_network = levers(build_default_network(mine_table("mass", True)))
    expected = api.run(fleet=counts, network=mass_network).summary["hidden_t"]
    row = choice_table((declared["allocation_mass"],), base, levers).iloc[0]
    assert row["hidden_t"] == pytest.approx(expected, rel=1e-9)
    assert choice_network(declared["allocation_mass"], levers).number_of_edges() == mass_network.number_of_edges()


def test_cli_json_and_choice_selection() -> None:
    out = CliRunner().invoke(app, ["reconcile", "--json", "--choice", "steel_yield_high"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert [row["choice"] for row in report["choices"]] == ["steel_yield_high"]
    assert set(report["choices"][0]) >= {"label", "hidden_t", "delta_hidden_t", "delta_total_tmr_t", "changes", "why"}
    none = json.loads(CliRunner().invoke(app, ["reconcile", "--json", "--choice", "none"]).stdout)
    assert none["choices"] == []


def test_unknown_choice_name_exits_2_and_writes_nothing(tmp_path: Path, monkeypatch, capsys) -> None:
    out = tmp_path / "out"
    monkeypatch.setattr(sys, "argv", ["tracer", "reconcile", "--choice", "allocation_mas", "--out", str(out)])
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    message = capsys.readouterr().err.replace("\n", " ")
    assert "allocation_mas" in message and "--choice" in message and "allocation_mass" in message
    assert not out.exists()
    with pytest.raises(InputError):
        select(load_choices(), ["none", "allocation_mass"])


@pytest.mark.parametrize(
    ("header", "row", "column", "needle"),
    [
        (HEADER, "a,A,share,,,,c,w\n", "allocation", "'value', 'mass' or 'none'"),
        (HEADER, "a,A,,mine,,,c,w\n", "site_data", "'own' or 'fill'"),
        (HEADER, "a,A,,,steel_fabrication_yield,,c,w\n", "end", "go together"),
        (HEADER, "a,A,,,no_such_parameter,low,c,w\n", "parameter", "not a parameter"),
        (HEADER, "a,A,,,,,,w\n", "changes", "is empty"),
        (HEADER, "allocation_mass,A,mass,,,,c,w\nallocation_mass,B,mass,,,,c,w\n", "choice", "declared twice"),
        (HEADER, "none,A,mass,,,,c,w\n", "choice", "reserved"),
        (HEADER, "a,A,value,own,,,c,w\n", "choice", "changes nothing"),
        (SPLIT_HEADER, "a,A,,,,nickel,A40,low,c,w\n", "rest_split", "not a rest-of-country split"),
        (SPLIT_HEADER, "a,A,,,,zinc,A99,low,c,w\n", "rest_split", "not a mine_db assumption"),
        (SPLIT_HEADER, "a,A,,,,CHN:copper,A40,low,c,w\n", "rest_split", "another assumption than A40"),
        (SPLIT_HEADER, "a,A,,,,zinc,A31,low,c,w\n", "rest_split", "another assumption"),
        (SPLIT_HEADER, "a,A,,,,zinc,,low,c,w\n", "assumption", "go together"),
        (SPLIT_HEADER, "a,A,,,,zinc,A40,,c,w\n", "end", "go together"),
        (SPLIT_HEADER, "a,A,,,steel_fabrication_yield,zinc,A40,low,c,w\n", "rest_split", "not both"),
    ],
)
def test_bad_choices_file_names_file_row_and_column(tmp_path: Path, header: str, row: str, column: str,
                                                    needle: str) -> None:
    path = tmp_path / "choices.csv"
    path.write_text(header + row, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_choices(path)
    message = str(info.value)
    # the last row of the file is the one at fault
    assert "choices.csv" in message and f"row {1 + row.count(chr(10))}" in message
    assert column in message and needle in message


def test_a_parameter_without_a_range_is_refused(tmp_path: Path) -> None:
    from graphs.build import default_parameters

    fixed = next(name for name, p in default_parameters().items() if p.uncertainty is None)
    path = tmp_path / "choices.csv"
    path.write_text(HEADER + f"a,A,,,{fixed},high,c,w\n", encoding="utf-8")
    with pytest.raises(InputError, match="no uniform or triangular range"):
        load_choices(path)
