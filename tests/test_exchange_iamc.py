"""`--format iamc` of `tracer compare` and `tracer fleet`: the IAMC long table, its declared
variable hierarchy and its sums; read with pyam where it is installed."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tracer.cli import app
from tracer.exchange.iamc import COLUMNS, VARIABLES, label


def _undeclared(table: pd.DataFrame) -> list[tuple[str, str]]:
    pairs = table[["variable", "unit"]].drop_duplicates().itertuples(index=False)
    return [(v, u) for v, u in pairs if not any(d.matches(v, u) for d in VARIABLES)]


def _children_sum(table: pd.DataFrame, parent: str) -> pd.Series:
    """Per (scenario, year): the sum of `parent|<one more level>`."""
    below = table["variable"].str[len(parent) + 1:]
    child = table["variable"].str.startswith(parent + "|") & ~below.str.contains("|", regex=False)
    return table[child].groupby(["scenario", "year"])["value"].sum()


def _value(table: pd.DataFrame, variable: str) -> pd.Series:
    return table[table["variable"] == variable].set_index(["scenario", "year"])["value"]


@pytest.fixture(scope="module")
def compare_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, dict]:
    out = tmp_path_factory.mktemp("compare")
    result = CliRunner().invoke(app, ["compare", "baseline", "lfp", "--format", "iamc", "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return pd.read_csv(out / "comparison_iamc.csv", keep_default_na=False), json.loads(result.stdout)


def test_compare_iamc_columns_and_declared_variables(compare_out: tuple[pd.DataFrame, dict]) -> None:
    table, _ = compare_out
    assert tuple(table.columns) == COLUMNS
    assert set(table["scenario"]) == {"baseline", "lfp"} and set(table["region"]) == {"CHN"}
    assert set(table["year"]) == {2019} and table["model"].str.startswith("hidden-flow-tracer ").all()
    assert not table.duplicated(["scenario", "region", "variable", "year"]).any()
    assert _undeclared(table) == []
    assert "Hidden Flows|Waste Rock|Copper" in set(table["variable"])


def test_compare_iamc_parents_are_the_sum_of_their_children(compare_out: tuple[pd.DataFrame, dict]) -> None:
    table, report = compare_out
    for parent in ("Total Material Requirement", "Hidden Flows", "Hidden Flows|Overburden", "Hidden Flows|Waste Rock",
                   "Hidden Flows|Tailings", "Hidden Flows by Origin|Abroad", "Hidden Flows by Vehicle",
                   "Total Material Requirement by Vehicle", "Vehicles Produced"):
        expected = _value(table, parent) if parent in set(table["variable"]) else _value(table, parent.split(" by ")[0])
        pd.testing.assert_series_equal(_children_sum(table, parent), expected, check_names=False, rtol=1e-9)
    origin = _children_sum(table, "Hidden Flows by Origin")  # Domestic + Abroad + Unknown Origin
    pd.testing.assert_series_equal(origin, _value(table, "Hidden Flows"), check_names=False, rtol=1e-9)
    for scenario in report["scenarios"]:
        tmr = _value(table, "Total Material Requirement")[(scenario["name"], 2019)]
        assert tmr == pytest.approx(scenario["totals"]["total_tmr_t"] / 1e6, rel=1e-12)


def test_compare_iamc_reads_with_pyam(compare_out: tuple[pd.DataFrame, dict], tmp_path: Path) -> None:
    try:  # pyam is an optional extra; some releases of its database dependency fail on import
        import pyam
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"pyam is not importable here: {exc!r}")
    table, _ = compare_out
    path = tmp_path / "iamc.csv"
    table.to_csv(path, index=False)
    df = pyam.IamDataFrame(path)
    assert set(df.scenario) == {"baseline", "lfp"} and df.region == ["CHN"]
    for variable in ("Hidden Flows", "Hidden Flows|Waste Rock", "Total Material Requirement"):
        assert df.check_aggregate(variable, rtol=1e-9) is None, variable


def test_fleet_iamc(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["fleet", "--mc", "0", "--to", "2030", "--format", "iamc", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "fleet_iamc.csv")
    assert tuple(table.columns) == COLUMNS and _undeclared(table) == []
    assert set(table["year"]) == set(range(2000, 2031)) and set(table["region"]) == {"CHN"}
    assert set(table["scenario"]) == {"China civil trucks"}
    assert not (tmp_path / "flows.parquet").exists()  # the IAMC table replaces the model's own tables
    for parent in ("Vehicle Stock", "Vehicle Sales", "End-of-Life Vehicles", "End-of-Life Mass", "Recovered Material"):
        pd.testing.assert_series_equal(_children_sum(table, parent), _value(table, parent),
                                       check_names=False, rtol=1e-9)
    report = json.loads((tmp_path / "fleet.json").read_text())
    last = report["totals_by_year"][-1]
    assert _value(table, "Vehicle Stock")[("China civil trucks", 2030)] == pytest.approx(last["stock_vehicles"] / 1e6)
    value_units = table.loc[table["variable"] == "Value of Recovered Material", "unit"].unique().tolist()
    assert value_units == ["billion USD_2023/yr"]


def test_labels() -> None:
    assert label("material:ndfeb_magnet") == "NdFeB Magnet"
    assert label("material:copper_wire") == "Copper Wire"
    assert label("heavy") == "Heavy"
