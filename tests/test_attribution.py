"""Attribution, indicators and path analysis: hand-solved values and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_engine_networks import chain_network, random_network, recycling_network

from hfcommon.vocabulary import (
    FLOW_COLUMNS,
    FLOW_LABEL_COLUMNS,
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
)
from tracer import indicators
from tracer.attribution import NONE_LABEL, attribute, attribute_demand, prepare
from tracer.engine import compile_network, multipliers, solve
from tracer.paths import top_paths


def _value(table: pd.DataFrame, **where: str) -> float:
    mask = np.ones(len(table), dtype=bool)
    for column, value in where.items():
        mask &= table[column].to_numpy() == value
    return float(table.loc[mask, "value"].sum())


def test_chain_split_by_hand() -> None:
    table = attribute(compile_network(chain_network()), {"BEV": 10})
    assert list(table.columns) == list(FLOW_COLUMNS)
    # motor takes 0.2 of the 0.3 t copper, the direct copper 0.1 t
    assert _value(table, component="component:motor", mine="A", stressor="overburden") == pytest.approx(12.6)
    assert _value(table, component=NONE_LABEL, mine="A", stressor="overburden") == pytest.approx(6.3)
    assert _value(table, country="AUS", stressor="waste_rock") == pytest.approx(6.3)
    assert _value(table, stage="refining", stressor="process_residue") == pytest.approx(0.063)
    # the vehicle's own assembly residue passes no material and no component
    assert _value(table, material=NONE_LABEL, component=NONE_LABEL, stage="vehicle") == pytest.approx(1.0)
    assert _value(table, material=NONE_LABEL) == pytest.approx(1.0)
    assert _value(table, stressor="energy") == pytest.approx(30 * 0.315)
    assert set(table.loc[table.stressor == "energy", "unit"]) == {"GJ"}
    mass = table[table.stressor.isin(MASS_STRESSORS)]
    assert mass["value"].sum() == pytest.approx(34.768)
    assert set(table.loc[table.stage == "mine", "mine"]) == {"A", "B"}
    assert set(table.loc[table.stage != "mine", "mine"]) == {""}


def test_chain_indicators_by_hand() -> None:
    c = compile_network(chain_network())
    flows = attribute(c, {"BEV": 10})
    coefficients = indicators.coefficients_table(c, multipliers(c))
    s = indicators.summarise(flows, coefficients, {"BEV": 10.0}, "CHN")
    hidden = 18.9 + 6.3 + 8.19
    assert s["hidden_t"] == pytest.approx(hidden)
    assert s["total_tmr_t"] == pytest.approx(34.768)
    assert s["used_t"] == pytest.approx(0.3)
    assert s["hidden_to_used"] == pytest.approx(hidden / 0.3)
    assert s["car_sector_share"] == pytest.approx(0.3 / 34.768)
    assert s["abroad_share"] == pytest.approx(1.0)  # both mines abroad, China has no hidden flows here
    assert s["per_vehicle_tmr_t"] == {"BEV": pytest.approx(3.4768)}
    assert s["per_vehicle_material_efficiency"] == {"BEV": pytest.approx(0.03 / 3.4768)}
    assert s["top_countries"][0]["country"] == "CHL"
    assert s["top_countries"][0]["hidden_t"] == pytest.approx(100 * 0.189 + 30 * 0.189)
    assert s["top_mines"][1] == {"mine": "B", "country": "AUS", "hidden_t": pytest.approx(8.82),
                                  "tmr_t": pytest.approx(8.82), "share_of_hidden": pytest.approx(8.82 / hidden)}
    chile = indicators.domestic_abroad(flows, "CHL")
    assert chile["domestic_hidden_t"] == pytest.approx(24.57)
    assert chile["abroad_share"] == pytest.approx(8.82 / hidden)
    coef = coefficients.set_index("node")
    assert coef.at["material:copper", "tmr_per_unit"] == pytest.approx(
        1.05 * (0.6 * 130 + 0.4 * 70 + 0.2) + 0.05 + 1.0
    )
    assert coef.at["BEV", "unit"] == "t/vehicle"
    assert coef.at["mine:A", "material_efficiency"] == 0.0
    efficiency = indicators.material_efficiency(flows, "vehicle")
    assert efficiency["BEV"] == pytest.approx(0.3 / 34.768)


def test_nev_ratio_is_fleet_weighted() -> None:
    ratio = indicators.nev_to_conventional(
        {"ICEV": 10.0, "HEV": 20.0, "BEV-LFP": 40.0, "PHEV": 25.0}, {"ICEV": 3, "HEV": 1, "BEV-LFP": 1, "PHEV": 1}
    )
    assert ratio == pytest.approx(((40 + 25) / 2) / ((30 + 20) / 4))
    assert indicators.nev_to_conventional({"BEV": 1.0}, {"BEV": 1}) is None


def test_recycling_loop_attribution_by_hand() -> None:
    table = attribute(compile_network(recycling_network()), {"ICEV": 2})
    assert _value(table, stressor="overburden", mine="C") == pytest.approx(2 * 10 * 0.8 / 0.85)
    assert _value(table, stage="recycling") == pytest.approx(2 * 0.1 * 0.3 / 0.85)
    assert _value(table, material="material:copper", stressor="used") == pytest.approx(2.0)


def _check_invariants(G, fleet_scale: float) -> None:
    c = compile_network(G)
    fleet = {v: fleet_scale * (i + 1) for i, v in enumerate(c.vehicles)}
    table = attribute(c, fleet)
    y = c.demand(fleet)
    x = solve(c, y, "lu")
    expected = c.B @ x  # exact totals per stressor
    for s, stressor in enumerate(c.stressors):
        got = table.loc[table.stressor == stressor, "value"].sum()
        assert got == pytest.approx(expected[s], rel=1e-9, abs=1e-9 * max(1.0, abs(expected).max()))
    assert (table.loc[table.stressor.isin(MASS_STRESSORS), "value"] >= -1e-12 * max(1.0, expected.max())).all()
    BL = multipliers(c)
    mass_rows = c.mass_rows()
    for v, count in fleet.items():
        per_vehicle = table.loc[(table.vehicle == v) & table.stressor.isin(MASS_STRESSORS), "value"].sum()
        assert per_vehicle == pytest.approx(count * BL[mass_rows, c.index[v]].sum(), rel=1e-9)
    # every split sums to the same total; TMR = its named categories
    total = table.loc[table.stressor.isin(MASS_STRESSORS), "value"].sum()
    for by in ("vehicle", "country", "mine", "material", "component", "stage"):
        split = table[table.stressor.isin(MASS_STRESSORS)].groupby(by)["value"].sum()
        assert split.sum() == pytest.approx(total, rel=1e-12)
    hidden = table.loc[table.stressor.isin(HIDDEN_STRESSORS), "value"].sum()
    residue = table.loc[table.stressor == "process_residue", "value"].sum()
    used = table.loc[table.stressor == "used", "value"].sum()
    assert hidden + residue + used == pytest.approx(total, rel=1e-12)
    # used mass only at material nodes, and there it equals their activity
    assert set(table.loc[table.stressor == "used", "stage"]) <= {"material"}
    assert used == pytest.approx(x[c.indices_of_kind("material")].sum(), rel=1e-9)
    # one row per label combination
    assert table.duplicated(list(FLOW_COLUMNS[:7])).sum() == 0


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), cyclic=st.booleans(), scale=st.floats(1e-3, 1e7))
def test_invariants_on_random_networks(seed: int, cyclic: bool, scale: float) -> None:
    _check_invariants(random_network(seed, cyclic=cyclic), scale)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_invariants_hold_when_a_material_feeds_another(seed: int) -> None:
    _check_invariants(random_network(seed, cyclic=True, material_loop=True), 100.0)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_material_split_matches_material_multipliers(seed: int) -> None:
    """Without material-to-material routes, flows via material k = x_k times k's own multiplier."""
    c = compile_network(random_network(seed, cyclic=True))
    fleet = {v: 7.0 for v in c.vehicles}
    table = attribute(c, fleet)
    x = solve(c, c.demand(fleet))
    BL = multipliers(c)
    for k in c.indices_of_kind("material"):
        via = table.loc[(table.material == c.nodes[k]) & (table.stressor == "overburden"), "value"].sum()
        row = c.stressors.index("overburden") if "overburden" in c.stressors else None
        expected = 0.0 if row is None else x[k] * BL[row, k]
        assert via == pytest.approx(expected, rel=1e-9, abs=1e-9)  # flows of order 1-100 t: below 1e-9 is round-off


def test_plan_is_reusable_across_fleets() -> None:
    c = compile_network(chain_network())
    plan = prepare(c)
    one = attribute(c, {"BEV": 1}, plan)
    many = attribute(c, {"BEV": 1000}, plan)
    assert many["value"].sum() == pytest.approx(1000 * one["value"].sum())
    assert attribute(c, {"BEV": 0}, plan).empty


@pytest.mark.parametrize("view", ["country", "metal"])
def test_paths_cover_the_total_without_cutoff(view: str) -> None:
    c = compile_network(chain_network())
    result = top_paths(c, c.demand({"BEV": 10}), view=view, top=100, cutoff=0.0)
    assert result.total == pytest.approx(18.9 + 6.3 + 8.19)
    assert result.coverage == pytest.approx(1.0)
    assert sum(p.value for p in result.paths) == pytest.approx(result.total)
    assert all(p.labels[0] == "BEV" for p in result.paths)


def test_paths_country_view_by_hand() -> None:
    c = compile_network(chain_network())
    result = top_paths(c, c.demand({"BEV": 10}), view="country", top=1, cutoff=0.0)
    (best,) = result.paths
    assert best.labels == ("BEV", "component:motor", "material:copper", "refining:CHN:copper", "mine:CHL:copper")
    assert best.value == pytest.approx(130 * 0.189 * 2 / 3)
    assert result.coverage == pytest.approx(best.value / result.total)


def test_paths_through_a_loop_stop_at_the_cutoff() -> None:
    c = compile_network(recycling_network())
    result = top_paths(c, c.demand({"ICEV": 1}), view="country", top=50, cutoff=1e-6)
    assert result.complete
    assert 0.99 < result.coverage <= 1.0 + 1e-12
    values = [p.value for p in result.paths]
    assert values == sorted(values, reverse=True)
    assert result.paths[0].value == pytest.approx(8.0)  # ICEV <- copper <- refining <- mine, no recycling


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), mask=st.integers(0, 2**6 - 1))
def test_split_equals_grouped_full_table(seed: int, mask: int) -> None:
    """A marginal computed from the factors equals the full table summed over the rest."""
    c = compile_network(random_network(seed, cyclic=seed % 2 == 0))
    result = attribute_demand(prepare(c), c.demand({v: 3.0 for v in c.vehicles}))
    by = [label for bit, label in enumerate(FLOW_LABEL_COLUMNS[:6]) if mask >> bit & 1]
    full = result.table()
    expected = full.groupby([*by, "stressor"], observed=True)["value"].sum()
    expected = expected[expected != 0]
    got = result.split(by).set_index([*by, "stressor"])["value"]
    assert len(got) == len(expected)
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index(), check_names=False, check_index_type=False, rtol=1e-9, atol=1e-12
    )
    assert list(result.split(by).columns) == [*by, "stressor", "value", "unit"]


def test_split_rejects_unknown_labels() -> None:
    c = compile_network(chain_network())
    with pytest.raises(ValueError, match="cannot split by"):
        attribute_demand(prepare(c), c.demand({"BEV": 1})).split(["colour"])


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), view=st.sampled_from(["country", "metal"]))
def test_all_paths_sum_to_the_solved_total(seed: int, view: str) -> None:
    """On an acyclic network, enumerating every path without cut-off recovers the exact total."""
    c = compile_network(random_network(seed))
    y = c.demand({v: 2.0 for v in c.vehicles})
    result = top_paths(c, y, view=view, top=10**6, cutoff=0.0)
    assert result.complete
    assert sum(p.value for p in result.paths) == pytest.approx(result.total, rel=1e-9)
    assert result.coverage == pytest.approx(1.0 if result.total else 0.0, rel=1e-9)


@pytest.mark.parametrize("seed", [3, 4])
def test_cached_groupings_never_leak_between_splits(seed: int) -> None:
    """Splits reuse groupings cached per label combination; every split after others equals it on a fresh fleet."""
    c = compile_network(random_network(seed, cyclic=seed % 2 == 0))
    y = c.demand({v: 2.0 for v in c.vehicles})
    plan = prepare(c)
    warm = attribute_demand(plan, y)
    combos = [["vehicle"], ["country"], ["component", "mine"], ["material"], ["vehicle", "component", "stage"], []]
    for by in combos:
        warm.split(by)
    for by in reversed(combos):
        fresh = attribute_demand(prepare(c), y).split(by)
        pd.testing.assert_frame_equal(warm.split(by), fresh, check_exact=True)
    assert len(warm.pair_cache) == 4  # (vehicle,), (), (component,), (vehicle, component)
