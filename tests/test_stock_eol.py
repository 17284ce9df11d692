"""End-of-life accounting, configs and bundled data of the fleet model."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hfcommon.assumptions import assumption_ids
from hfcommon.errors import InputError
from tracer import stock
from tracer.stock.config import load_config
from tracer.stock.eol import GRAMS_PER_TROY_OUNCE, emission_path, price_index
from tracer.stock.logistic import logistic
from tracer.stock.model import prepare, run_fleet
from tracer.stock.tables import DATA_DIR
from tracer.stock.uncertainty import lifespan_sensitivity, monte_carlo

A, K, TC = 1_000_000.0, 0.2, 2000.0


def write_study(tmp: Path, **overrides: str) -> Path:
    """A one-class study whose stock is an exact logistic, with round-number data."""
    years = list(range(1980, 2021))
    rows = [f"{y},total,{float(logistic(y, A, K, TC)) / 1e4!r},yearbook,synthetic" for y in years]
    rows += ["1990,box,1.0,yearbook,synthetic"]
    files = {
        "stock.csv": "year,vehicle_class,stock_10k_units,status,source\n" + "\n".join(rows) + "\n",
        "classes.csv": (
            "vehicle_class,group,mass_t,mass_low_t,mass_high_t,mass_with_trailer_t,"
            "mass_with_trailer_low_t,mass_with_trailer_high_t,lifetime_mean_years,weibull_shape\n"
            "box,lorry,2.0,1.0,3.0,5.0,4.0,6.0,10,3.0\n"),
        "composition.csv": ("group,material,basis,value,unit,source\n"
                            "lorry,Fe,mass_fraction,0.5,kg/kg,synthetic\n"
                            "lorry,Pd,kg_per_vehicle,0.002,kg/vehicle,synthetic\n"),
        "prices.csv": ("material,price,unit,price_year,basis,source\n"
                       "Fe,100,USD/t,2023,scrap,synthetic\nPd,1000,USD/toz,2023,metal,synthetic\n"),
        "factors.csv": ("material,energy_primary_mj_per_kg,energy_secondary_mj_per_kg,"
                        "co2_primary_t_per_t,co2_secondary_t_per_t,relative_uncertainty,source\n"
                        "Fe,14,5,1.67,0.70,0.2,synthetic\n"),
        "recovery.csv": "material,recovery_rate,source\nFe,0.8,synthetic\nPd,0.5,synthetic\n",
    }
    files.update(overrides)
    for name, text in files.items():
        (tmp / name).write_text(text)
    (tmp / "study.toml").write_text(
        'name = "synthetic"\nstock_file = "stock.csv"\ntotal_class = "total"\nclasses = ["box"]\n'
        'classes_file = "classes.csv"\ncomposition_file = "composition.csv"\n'
        'prices_file = "prices.csv"\nfactors_file = "factors.csv"\nrecovery_file = "recovery.csv"\n'
        'lifetime_kind = "fixed"\ncollection_rate = 0.5\ninflation_rate = 0.02\n')
    return tmp / "study.toml"


def test_end_of_life_accounting_matches_hand_computation(tmp_path):
    cfg = load_config(write_study(tmp_path))
    res = run_fleet(cfg, to_year=2040, from_year=1990)
    flows, mats = res.flows.set_index("year"), res.materials
    fe = mats[mats["material"] == "Fe"].set_index("year")
    pd_ = mats[mats["material"] == "Pd"].set_index("year")
    out = flows["outflow_vehicles"]
    np.testing.assert_allclose(flows["eol_mass_t"], 2.0 * out)
    np.testing.assert_allclose(fe["content_t"], 2.0 * 0.5 * out)
    np.testing.assert_allclose(fe["recovered_t"], 2.0 * 0.5 * out * 0.8 * 0.5)
    growth = 1.02 ** (fe.index.to_numpy() - 2023)
    np.testing.assert_allclose(fe["value_usd"], fe["recovered_t"] * 100 * growth)
    np.testing.assert_allclose(pd_["recovered_t"], 0.002e-3 * out * 0.5 * 0.5)
    np.testing.assert_allclose(pd_["value_usd"],
                               pd_["recovered_t"] * 1000 * 1e6 / GRAMS_PER_TROY_OUNCE * growth)
    np.testing.assert_allclose(fe["energy_avoided_gj"], fe["recovered_t"] * 9.0)
    np.testing.assert_allclose(fe["co2_avoided_fixed_t"], fe["recovered_t"] * 0.97)
    assert pd_["energy_avoided_gj"].eq(0).all()
    # The fitted stock is the exact logistic; a fixed 10-year life: outflow = inflow 10 years on.
    np.testing.assert_allclose(flows["stock_vehicles"], logistic(flows.index, A, K, TC), rtol=1e-6)
    inflow = res.outcome.inflow[:, 0, 0]
    outflow = res.outcome.outflow[:, 0, 0]
    np.testing.assert_allclose(outflow[10:], inflow[:-10], rtol=1e-9, atol=1e-6)
    # Totals are the sums of the parts.
    totals = res.summary.set_index("year")
    np.testing.assert_allclose(totals["value_usd"], fe["value_usd"] + pd_["value_usd"])


def test_trailer_basis_uses_trailer_masses(tmp_path):
    cfg = load_config(write_study(tmp_path)).with_changes(weight_basis="with_trailer")
    res = run_fleet(cfg, to_year=2030)
    np.testing.assert_allclose(res.flows["eol_mass_t"], 5.0 * res.flows["outflow_vehicles"])


def test_emission_path_and_price_index():
    years = np.array([2020, 2023, 2036.5, 2050, 2060])
    np.testing.assert_allclose(emission_path(years, 2023, 2050, 0.5), [1, 1, 0.75, 0.5, 0.5])
    np.testing.assert_allclose(price_index(np.array([2023, 2024]), 2023, 0.1), [1.0, 1.1])


def test_monte_carlo_is_seeded_and_brackets_the_centre(tmp_path):
    setup = prepare(load_config(write_study(tmp_path)), 2040)
    a = monte_carlo(setup, 200, seed=3, from_year=2000, chunk=64)
    b = monte_carlo(setup, 200, seed=3, from_year=2000, chunk=200)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(monte_carlo(setup, 200, seed=4, from_year=2000))
    assert (a["q05"] <= a["q50"]).all() and (a["q50"] <= a["q95"]).all()


def test_longer_lifetimes_mean_fewer_end_of_life_vehicles_in_a_growing_fleet(tmp_path):
    setup = prepare(load_config(write_study(tmp_path)), 2040)
    sens = lifespan_sensitivity(setup, from_year=2000).set_index(["year", "lifetime_shift_years"])
    out = sens["outflow_vehicles"].unstack()
    assert (out.loc[2000:2030, -1.0] > out.loc[2000:2030, 0.0]).all()
    assert (out.loc[2000:2030, 0.0] > out.loc[2000:2030, 1.0]).all()


def test_bundled_china_trucks_study_runs_and_conserves_vehicles():
    res = run_fleet(load_config(), to_year=2050, from_year=1951)
    out = res.outcome
    stock = out.stock[:, :, 0]
    change = np.diff(stock, axis=0)
    np.testing.assert_allclose(change, (out.inflow - out.outflow)[1:, :, 0], rtol=1e-9, atol=1e-3)
    assert (res.flows[["inflow_vehicles", "outflow_vehicles"]] >= 0).all().all()
    totals = res.summary.set_index("year")
    assert totals.loc[2050, "stock_vehicles"] < load_config().saturation_units


def test_every_bundled_number_has_a_source_and_every_assumption_is_listed():
    ids = assumption_ids()
    cited: set[str] = set()
    for path in DATA_DIR.glob("*.csv"):
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        source_cols = [c for c in df.columns if "source" in c or c == "why"]
        assert source_cols, f"{path.name} has no source column"
        for col in source_cols:
            assert (df[col].str.len() > 10).all(), f"{path.name}: short or empty {col}"
            cited |= {m for text in df[col] for m in re.findall(r"\bA\d\d\b", text)}
    for path in [*DATA_DIR.glob("*.toml"), *Path(stock.__file__).parent.glob("*.py")]:
        cited |= set(re.findall(r"\bA\d\d\b", path.read_text(encoding="utf-8")))
    assert cited <= ids, f"cited but not listed: {cited - ids}"


@pytest.mark.parametrize(
    ("name", "text", "row", "column"),
    [
        ("classes.csv", "vehicle_class,group,mass_t,mass_low_t,mass_high_t,mass_with_trailer_t,"
         "mass_with_trailer_low_t,mass_with_trailer_high_t,lifetime_mean_years,weibull_shape\n"
         "box,lorry,2.0,2.5,3.0,5.0,4.0,6.0,10,3.0\n", 2, "mass_t"),
        ("classes.csv", "vehicle_class,group,mass_t,mass_low_t,mass_high_t,mass_with_trailer_t,"
         "mass_with_trailer_low_t,mass_with_trailer_high_t,lifetime_mean_years,weibull_shape\n"
         "box,lorry,2.0,1.0,3.0,5.0,4.0,6.0,ten,3.0\n", 2, "lifetime_mean_years"),
        ("recovery.csv", "material,recovery_rate,source\nFe,0.8,x\nPd,1.5,x\n", 3, "recovery_rate"),
        ("prices.csv", "material,price,unit,price_year,basis,source\nFe,-100,USD/t,2023,s,x\n", 2,
         "price"),
        ("prices.csv", "material,price,unit,price_year,basis,source\nFe,100,EUR/t,2023,s,x\n", 2,
         "unit"),
        ("composition.csv", "group,material,basis,value,unit,source\nlorry,Fe,per_wheel,1,kg,x\n", 2,
         "basis"),
        ("stock.csv", "year,vehicle_class,stock_10k_units,status,source\n1990,box,1,yearbook,x\n"
         "1990,box,2,yearbook,x\n", 3, "year"),
    ],
)
def test_bad_tables_name_file_row_and_column(tmp_path, name, text, row, column):
    cfg = load_config(write_study(tmp_path, **{name: text}))
    with pytest.raises(InputError) as err:
        run_fleet(cfg, to_year=2040)
    assert err.value.file is not None and err.value.file.endswith(name)
    assert (err.value.row, err.value.column) == (row, column)


def test_bad_configs_are_reported(tmp_path):
    path = write_study(tmp_path)
    text = path.read_text()
    path.write_text(text + "colection_rate = 0.5\n")
    with pytest.raises(InputError, match="unknown setting") as err:
        load_config(path)
    assert err.value.column == "colection_rate"
    path.write_text(text.replace("collection_rate = 0.5", "collection_rate = 1.5"))
    with pytest.raises(InputError, match="collection_rate"):
        load_config(path)
    path.write_text(text.replace('lifetime_kind = "fixed"', 'lifetime_kind = "gamma"'))
    with pytest.raises(InputError, match="lifetime_kind"):
        load_config(path)
    path.write_text("name = [\n")
    with pytest.raises(InputError, match="invalid TOML"):
        load_config(path)
    with pytest.raises(InputError, match="not found"):
        load_config(tmp_path / "missing.toml")
