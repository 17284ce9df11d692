"""The bundled scenarios on the default China 2019 network: each lever moves the
results the way its physics says, and the combined scenario is the sum of its parts'
directions. (Sizes are reported in the README; here only directions and invariants.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import graphs
from tracer.scenarios import apply_network, load_scenario
from tracer.scenarios.compare import Comparison, compare

NAMES = ["baseline", "copper_recycling", "lfp", "clean_energy", "combined", "nev_2030", "copper_grade_2030"]


@pytest.fixture(scope="module")
def result() -> Comparison:
    return compare(NAMES)


def change(c: Comparison, scenario: str, metric: str) -> float:
    t = c.totals
    return float(t[(t["scenario"] == scenario) & (t["metric"] == metric)]["change"].iloc[0])


def split(c: Comparison, scenario: str, dimension: str, key: str, column: str = "change") -> float:
    b = c.breakdown
    rows = b[(b["scenario"] == scenario) & (b["dimension"] == dimension) & (b["measure"] == "hidden")
             & (b["key"] == key)]
    return float(rows[column].sum())


def test_copper_recycling_cuts_copper_mining_abroad(result: Comparison) -> None:
    assert change(result, "copper_recycling", "hidden_t") < 0
    assert change(result, "copper_recycling", "tailings_t") < 0
    assert change(result, "copper_recycling", "abroad_hidden_t") < change(result, "copper_recycling", "domestic_hidden_t")
    assert split(result, "copper_recycling", "country", "PER") < 0
    assert change(result, "copper_recycling", "used_t") == pytest.approx(0.0, abs=1e-6)


def test_lfp_removes_the_cobalt_of_the_congo(result: Comparison) -> None:
    assert change(result, "lfp", "hidden_t") < 0
    cod = split(result, "lfp", "country", "COD")
    assert cod < 0 and -cod > 0.5 * split(result, "baseline", "country", "COD", "value")
    b = result.breakdown
    per = b[(b["dimension"] == "per_vehicle") & (b["measure"] == "hidden") & (b["key"] == "BEV")]
    per = per.set_index("scenario")["value"]
    assert per["lfp"] < per["baseline"]


def test_clean_energy_cuts_coal_overburden_and_gangue_not_ore(result: Comparison) -> None:
    overburden = change(result, "clean_energy", "overburden_t")
    assert overburden < 0
    # China's coal leaves 0.15 t of gangue (waste rock) per t: less coal, less gangue, less than its overburden
    assert overburden < change(result, "clean_energy", "waste_rock_t") < 0
    # no ore moves; only the washery rejects of the coal mined abroad for smelters' power go
    assert overburden < change(result, "clean_energy", "tailings_t") < 0
    assert change(result, "clean_energy", "domestic_hidden_t") < 0


def test_combined_goes_further_than_each_part(result: Comparison) -> None:
    for part in ("copper_recycling", "lfp", "clean_energy"):
        assert change(result, "combined", "hidden_t") < change(result, part, "hidden_t")


def test_nev_fleet_raises_hidden_flows_at_the_same_vehicle_count(result: Comparison) -> None:
    assert change(result, "nev_2030", "vehicles") == pytest.approx(0.0)
    assert change(result, "nev_2030", "hidden_t") > 0
    assert change(result, "nev_2030", "abroad_hidden_t") > change(result, "nev_2030", "domestic_hidden_t")


def test_every_split_adds_up_in_every_scenario(result: Comparison) -> None:
    b, t = result.breakdown, result.totals.set_index(["scenario", "metric"])["value"]
    for label in result.labels:
        rows = b[(b["scenario"] == label) & (b["measure"] == "hidden")]
        for dimension in ("country", "material", "vehicle", "location"):
            total = rows[rows["dimension"] == dimension]["value"].sum()
            assert total == pytest.approx(t[(label, "hidden_t")], rel=1e-9)
    assert isinstance(result.assumptions, pd.DataFrame) and len(result.assumptions) == 8


def test_falling_copper_grades_move_more_rock_per_car(result: Comparison) -> None:
    factor = 1 / (1 - 0.0284) ** 11 - 1  # extra ore per t copper
    copper = split(result, "baseline", "material", "material:copper", "value")
    grown = split(result, "copper_grade_2030", "material", "material:copper")
    # tailings grow by all the extra ore, so faster than the ore itself
    assert grown > factor * copper * 0.9
    assert change(result, "copper_grade_2030", "tailings_t") > 0
    assert change(result, "copper_grade_2030", "waste_rock_t") > 0
    assert change(result, "copper_grade_2030", "used_t") == pytest.approx(0.0, abs=1e-6)


def test_every_scenario_network_still_validates(result: Comparison) -> None:
    """New recycling and clean-power nodes are boundaries; markets still sum to 1."""
    base = result.runs[0].result.network
    for name in [*NAMES[1:], str(Path(__file__).parents[1] / "examples" / "scenario_custom.toml")]:
        graphs.validate(apply_network(base, load_scenario(name)))
