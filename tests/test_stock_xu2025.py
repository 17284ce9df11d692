"""The bundled study xu2025 (Xu, Xiong et al. 2025 inputs, as summarised in issue 11)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from hfcommon.errors import InputError
from tracer.cli import app
from tracer.stock import load_config, run_fleet
from tracer.stock.stock_model import run_stock_driven
from tracer.stock.tables import DATA_DIR


@pytest.fixture(scope="module")
def result():
    return run_fleet(load_config("xu2025"), to_year=2050, from_year=1951)


def test_bundled_name_and_path_give_the_same_study():
    assert load_config("xu2025") == load_config(DATA_DIR / "xu2025.toml")
    with pytest.raises(InputError, match="xu2025"):
        load_config("no_such_study")


def test_stock_balance_holds_every_year_and_class(result):
    out = result.outcome
    np.testing.assert_allclose(np.diff(out.stock[:, :, 0], axis=0), (out.inflow - out.outflow)[1:, :, 0],
                               rtol=1e-9, atol=1e-3)
    assert (out.inflow >= 0).all() and (out.outflow >= 0).all()


def test_cohort_arithmetic_by_hand():
    # half of a cohort leaves in its first year, the rest in its second; stock held at 10
    flows = run_stock_driven(np.array([10.0, 10.0, 10.0])[:, None], np.array([0.5, 0.0])[:, None])
    assert flows.inflow[:, 0] == pytest.approx([20.0, 20.0, 20.0])
    assert flows.outflow[:, 0] == pytest.approx([10.0, 20.0, 20.0])


def test_each_class_has_its_own_logistic_rising_or_falling(result):
    fits = result.setup.projection.class_fits
    assert set(fits) == {"heavy", "medium", "light", "mini"}
    assert fits["heavy"].k > 0 and fits["light"].k > 0
    assert fits["medium"].k < 0 and fits["mini"].k < 0
    stock = result.flows.pivot(index="year", columns="vehicle_class", values="stock_vehicles")
    np.testing.assert_allclose(stock.loc[2050, "medium"], fits["medium"](np.array([2050.0]))[0])
    # the issue-11 rows (2020, mini 2021) enter the fits; the default study ignores them
    assert fits["heavy"].n_points == 19 and fits["mini"].n_points == 19


def test_trucks_weighed_with_trailer_down_to_the_unit(result):
    classes = pd.read_csv(DATA_DIR / "vehicle_classes.csv").set_index("vehicle_class")
    heavy = next(c for c in result.setup.classes if c.name == "heavy")
    assert heavy.mass_t == classes.loc["heavy", "mass_with_trailer_t"]
    assert heavy.mass_low_t == classes.loc["heavy", "mass_t"]


def test_value_at_both_inflation_rates(result):
    s = result.summary.set_index("year")
    ratio = s["value_usd_alt_inflation"] / s["value_usd"]
    np.testing.assert_allclose(ratio.loc[[2023, 2050]], [1.0, 1.02 ** 27])


def test_cli_json_keeps_the_totals_by_year():
    res = CliRunner().invoke(app, ["fleet", "--config", "xu2025", "--json", "--mc", "0"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    row = report["totals_by_year"][-1]
    assert row["year"] == 2050
    assert {"eol_mass_t", "value_usd", "value_usd_alt_inflation", "co2_avoided_fixed_t",
            "co2_avoided_declining_t"} <= set(row)
    assert report["class_fits"]["medium"]["k"] < 0
