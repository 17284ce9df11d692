"""End-of-life passenger cars by powertrain and chemistry, linked to the network's
hidden flows (`tracer fleet-cars`, tracer.stock.powertrains / car_network / car_eol)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from hfcommon.errors import InputError
from tracer.cli import app
from tracer.stock import load_config, prepare
from tracer.stock.car_eol import (
    SHARES,
    car_eol_table,
    load_inputs,
    per_vehicle_table,
)
from tracer.stock.car_network import LFP, _variant_demands
from tracer.stock.model import survival
from tracer.stock.powertrains import (
    VARIANTS,
    _triangular_quantile,
    load_sales_shares,
    share_path,
    split_outflow,
    variant_shares,
)
from tracer.stock.stock_model import run_stock_driven
from tracer.stock.tables import DATA_DIR


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(2050)


@pytest.fixture(scope="module")
def table(inputs):
    return car_eol_table(inputs, from_year=2000, mc=40, seed=3)


def test_variant_shares_follow_the_table_and_sum_to_one():
    shares = load_sales_shares(SHARES)
    years = np.array([2010, 2019, 2026, 2040])
    plugin = share_path(shares, "plugin_share", years)[:, 0]
    # 0 before the first stated year (A18); linear 2024 -> 2030; held after 2030
    assert plugin == pytest.approx([0.0, 0.05, 0.476 + (0.80 - 0.476) * 2 / 6, 0.80])
    s = variant_shares(shares, years)[:, :, 0]
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    # 2019 by hand: plug-in 5 %, of which BEV 78.3 %, LFP 4.8 %; HEV 2.1 % of the rest
    row = dict(zip(VARIANTS, s[1]))
    assert row["BEV-LFP"] == pytest.approx(0.05 * 0.783 * 0.048)
    assert row["PHEV-NMC/NCA"] == pytest.approx(0.05 * (1 - 0.783) * (1 - 0.048))
    assert row["HEV"] == pytest.approx(0.95 * 0.021)


def test_triangular_draws_span_the_stated_range():
    q = _triangular_quantile(np.array(0.6), np.array(0.8), np.array(0.95), np.array([0.0, 0.5 ** 0, 0.2 / 0.35]))
    assert q == pytest.approx([0.6, 0.95, 0.8])


def test_split_outflow_by_hand_on_a_three_year_life():
    # survival at the end of age 0, 1, 2: one third leaves in each year of age
    surv = np.array([2 / 3, 1 / 3, 0.0])[:, None, None]
    stock = np.array([3.0, 6.0, 6.0, 6.0])[:, None, None]
    flows = run_stock_driven(stock, surv, keep_cohorts=True)
    # year 0: 4.5 enter (3 stay); year 1: 3 * 1/2 survive, 4.5 / (2/3) = 6.75 enter ...
    assert flows.inflow[:2, 0, 0] == pytest.approx([4.5, 6.75])
    shares = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])[:, :, None]
    out = split_outflow(flows, shares)[:, 0, :, 0]
    np.testing.assert_allclose(out.sum(axis=1), flows.outflow[:, 0, 0])
    # cohort 0 (variant 0): 1.5 leave in year 0, 1.5 in year 1, 1.5 in year 2
    assert out[:, 0] == pytest.approx([1.5, 1.5, 1.5, 0.0])


def test_variants_add_up_to_the_stock_models_outflow_every_year():
    setup = prepare(load_config(DATA_DIR / "china_cars.toml"), 2050)
    draws = setup.central()
    stock = setup.projection.stock[:, :, None]
    flows = run_stock_driven(stock, survival(setup, draws), keep_cohorts=True)
    split = split_outflow(flows, variant_shares(load_sales_shares(SHARES), setup.projection.years))
    np.testing.assert_allclose(split.sum(axis=2), flows.outflow, rtol=1e-9, atol=1e-3)
    # stock balance of every year: S_t = S_(t-1) + inflow - outflow
    np.testing.assert_allclose(np.diff(flows.stock[:, :, 0], axis=0),
                               (flows.inflow - flows.outflow)[1:, :, 0], rtol=1e-9, atol=1e-3)


def test_chemistry_variants_average_back_to_the_networks_mix(inputs):
    coef = inputs.coefficients
    nodes = list(coef.metals["material_node"])
    content = pd.DataFrame(coef.content_t, index=VARIANTS, columns=nodes)
    assert content.loc["BEV-LFP", "material:cobalt_sulfate"] == 0
    assert content.loc["BEV-NMC/NCA", "material:lfp_cathode"] == 0
    # the ICEV keeps the bill of materials' 675 kg of steel and cast iron (composition.csv car_icev)
    assert content.loc["ICEV", ["material:steel", "material:cast_iron"]].sum() == pytest.approx(0.675)
    from tracer import api
    from tracer.engine import compile_network, solver_for

    G = api.default_network()
    s_lfp = G.edges["component:traction_battery_BEV_LFP", "BEV"]["amount"]
    compiled = compile_network(G)
    y = np.zeros(compiled.n)
    y[compiled.index["BEV"]] = 1
    x = solver_for(compiled).solve(y)
    mix = s_lfp * content.loc["BEV-LFP"] + (1 - s_lfp) * content.loc["BEV-NMC/NCA"]
    np.testing.assert_allclose(mix.to_numpy(), x[[compiled.index[n] for n in nodes]], rtol=1e-9, atol=1e-12)
    assert set(_variant_demands(G)) == set(VARIANTS) and LFP == "LFP"


def test_hidden_flows_avoided_are_recovered_metal_times_the_net_coefficient(inputs, table):
    coef, metals = inputs.coefficients, inputs.coefficients.metals
    wide = table.pivot(index="year", columns="variable", values="value")
    eol = wide.loc[2040, [f"eol_cars_{v}" for v in VARIANTS]].to_numpy()
    cu = (metals["metal"] == "copper").to_numpy()
    recovered = eol @ coef.content_t[:, cu] * metals.loc[cu, "recovery_rate"].to_numpy()
    assert wide.loc[2040, "recovered_t_copper"] == pytest.approx(recovered.sum())
    # copper is net of the network's secondary copper route (graphs/secondary.py): well under 1 t per t
    assert 0 < coef.route_hidden_per_t[cu].max() < 1.0
    net = coef.hidden_per_t[cu] - coef.route_hidden_per_t[cu]
    assert wide.loc[2040, "hidden_avoided_t_copper"] == pytest.approx((recovered * net).sum())
    parts = wide.loc[:, [c for c in wide.columns if c.startswith("hidden_avoided_t_")]].sum(axis=1)
    np.testing.assert_allclose(parts, wide["hidden_avoided_t"], rtol=1e-12)
    cars = wide[[f"eol_cars_{v}" for v in VARIANTS]].sum(axis=1)
    np.testing.assert_allclose(cars, wide["eol_cars"], rtol=1e-12)


def test_ranges_bracket_and_move_the_right_way(table):
    h = table[(table["variable"] == "hidden_avoided_t") & (table["year"] == 2050)].iloc[0]
    # a longer life retires fewer cars from a saturating stock
    assert h["lifetime_plus_1"] < h["value"] < h["lifetime_minus_1"]
    assert h["q05"] < h["q50"] < h["q95"]


def test_per_vehicle_metals_come_from_the_network(inputs):
    per = per_vehicle_table(inputs).set_index("variant")
    assert per.loc["ICEV", ["lithium", "cobalt", "nickel"]].sum() == 0
    assert per.loc["BEV-NMC/NCA", "cobalt"] > 0 and per.loc["BEV-LFP", "cobalt"] == 0
    # Li of the LFP pack: its LiFePO4 times the stoichiometric Li fraction
    lfp_kg = inputs.coefficients.content_t[VARIANTS.index("BEV-LFP"),
                                           list(inputs.coefficients.metals["material_node"]).index("material:lfp_cathode")]
    assert per.loc["BEV-LFP", "lithium"] == pytest.approx(lfp_kg * 1000 * 6.941 / 157.757)


@pytest.mark.parametrize(("edit", "column"), [
    (lambda df: df.assign(high=df["high"].where(df.index != 12, 0.7)), "value"),
    (lambda df: df.assign(variable=df["variable"].where(df.index != 0, "ev_share")), "variable"),
])
def test_bad_share_tables_name_file_row_and_column(tmp_path, edit, column):
    path = tmp_path / "shares.csv"
    edit(pd.read_csv(SHARES)).to_csv(path, index=False)
    with pytest.raises(InputError) as err:
        load_sales_shares(path)
    assert err.value.column == column and err.value.row in (2, 14) and str(path) in str(err.value)


def test_cli_json_and_out(tmp_path):
    runner = CliRunner()
    res = runner.invoke(app, ["fleet-cars", "--json", "--mc", "0", "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    last = report["totals_by_year"][-1]
    assert last["year"] == 2050 and last["hidden_avoided_t"] > 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "cars_eol.csv", "cars_eol.json", "cars_eol.png", "datapackage.json", "per_vehicle.csv"]
    written = pd.read_csv(tmp_path / "o" / "cars_eol.csv")
    assert set(written.columns) >= {"year", "variable", "value", "lifetime_minus_1", "q05"}
