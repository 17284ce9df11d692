"""China's passenger cars: the bundled study (china_cars.toml) and its NBS stock table."""

from __future__ import annotations

import json
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from tracer.cli import app
from tracer.stock import load_config, run_fleet
from tracer.stock.classes import load_composition
from tracer.stock.tables import DATA_DIR

CARS = DATA_DIR / "china_cars.toml"


def stock_table(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA_DIR / name).pivot(index="year", columns="vehicle_class",
                                              values="stock_10k_units")


def test_car_study_runs_conserves_vehicles_and_matches_the_nbs_stock():
    cfg = load_config(CARS)
    res = run_fleet(cfg, to_year=2050, from_year=2000)
    out = res.outcome
    np.testing.assert_allclose(np.diff(out.stock[:, :, 0], axis=0),
                               (out.inflow - out.outflow)[1:, :, 0], rtol=1e-9, atol=1e-3)
    assert (res.flows[["inflow_vehicles", "outflow_vehicles"]] >= 0).all().all()
    nbs = stock_table("china_car_stock.csv")
    totals = res.summary.set_index("year")
    # The fit passes its inflection within the data, so its saturation is fitted (A17).
    assert cfg.saturation_units is None
    assert res.setup.projection.fit.a > nbs.loc[2019, "cars"] * 1e4
    assert res.setup.projection.fit.a_se < 0.1 * res.setup.projection.fit.a
    assert totals.loc[2019, "stock_vehicles"] == pytest.approx(nbs.loc[2019, "cars"] * 1e4, rel=0.05)
    assert 0 < totals.loc[2020, "eol_mass_t"] < totals.loc[2050, "eol_mass_t"]
    assert set(res.materials["material"]) >= {"Fe", "Al", "Cu", "Pd"}


def test_car_composition_is_the_tracers_icev_bill_of_materials():
    graphs = pytest.importorskip("graphs")
    G = graphs.build_default_network()
    kg: dict[str, float] = defaultdict(float)
    for component, _, use in G.in_edges("ICEV", data=True):
        for material, _, e in G.in_edges(component, data=True):
            kg[material.split(":", 1)[1]] += use["amount"] * e["amount"] * 1000.0
    total = sum(kg.values())
    expected = {"Fe": kg["steel"] + kg["cast_iron"],
                "Al": kg["cast_aluminium"] + kg["wrought_aluminium"],
                "Cu": kg["copper"] + kg["copper_wire"], "Pb": kg["lead"],
                "plastics": kg["plastics"], "rubber": kg["rubber"], "glass": kg["glass"]}
    comp = load_composition(DATA_DIR / "composition.csv")
    car = comp[(comp["group"] == "car_icev") & (comp["basis"] == "mass_fraction")].set_index("material")
    for material, mass in expected.items():
        # Regenerate composition.csv's car_icev rows if the bill of materials moves.
        assert car.loc[material, "value"] == pytest.approx(mass / total, rel=0.05), material
    classes = pd.read_csv(DATA_DIR / "car_classes.csv").set_index("vehicle_class")
    assert classes.loc["small_passenger", "mass_t"] == pytest.approx(total / 1000.0, rel=0.05)


def test_stock_tables_add_up_by_class():
    trucks = stock_table("china_truck_stock.csv")
    by_class = trucks.loc[2002:2019, ["heavy", "medium", "light", "mini"]]
    assert not by_class.isna().any().any()
    np.testing.assert_allclose(by_class.sum(axis=1), trucks.loc[2002:2019, "all_trucks"], atol=0.05)
    assert set(pd.read_csv(DATA_DIR / "china_truck_stock.csv")["status"]) == {"yearbook"}
    cars = stock_table("china_car_stock.csv").loc[2002:2019]
    sizes = ["large_passenger", "medium_passenger", "small_passenger", "mini_passenger"]
    np.testing.assert_allclose(cars[sizes].sum(axis=1), cars["passenger_vehicles"], atol=0.05)
    np.testing.assert_allclose(cars[["small_passenger", "mini_passenger"]].sum(axis=1), cars["cars"],
                               atol=0.01)
    private = ["private_" + s for s in sizes]
    np.testing.assert_allclose(cars[private].sum(axis=1), cars["private_passenger_vehicles"], atol=0.05)
    assert (cars["private_passenger_vehicles"] <= cars["passenger_vehicles"]).all()


def test_cli_runs_the_car_config_as_json():
    result = CliRunner().invoke(app, ["fleet", "--config", str(CARS), "--json", "--mc", "10",
                                      "--to", "2030"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["study"] == "China passenger cars"
    assert report["logistic_fit"]["saturation_fixed"] is False
    assert [r["year"] for r in report["totals_by_year"]] == list(range(2000, 2031))
