"""Hidden flows on worked examples computed by hand (arithmetic written out)."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hfcommon.errors import InputError
from mine_db.flows import derive_hidden_flows
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate


def _site(**values: object) -> pd.DataFrame:
    row: dict[str, object] = {
        "mine_id": "X-1",
        "name": "Example",
        "country": "Chile",
        "latitude": -24.0,
        "longitude": -69.0,
        "commodity": "copper",
        "mine_type": "open_pit",
        "year": 2019,
        "resolution": "mine",
        "metal_t": 10_000.0,
        "source": "worked example",
    }
    row.update(values)
    return pd.DataFrame([row])


def _derive(df: pd.DataFrame) -> pd.Series:
    return derive_hidden_flows(fill_gaps(validate(df, "example.csv")), "example.csv").iloc[0]


def test_open_pit_copper() -> None:
    # 10,000 t Cu at 0.8 % Cu, 85 % recovery, 25 % Cu concentrate, strip ratio 2:
    # ore = 10,000 / (0.008 * 0.85) = 10,000 / 0.0068 = 1,470,588.235 t
    # concentrate = 10,000 / 0.25 = 40,000 t; tailings = 1,470,588.235 - 40,000 = 1,430,588.235 t
    # waste rock = 2 * 1,470,588.235 = 2,941,176.471 t; overburden = 0 (hard-rock pit)
    r = _derive(_site(grade_pct=0.8, recovery=0.85, concentrate_grade=0.25, strip_ratio=2.0))
    assert r["ore_t"] == pytest.approx(1_470_588.235, abs=1e-3)
    assert r["concentrate_t"] == pytest.approx(40_000.0)
    assert r["tailings_t"] == pytest.approx(1_430_588.235, abs=1e-3)
    assert r["waste_rock_t"] == pytest.approx(2_941_176.471, abs=1e-3)
    assert r["overburden_t"] == 0.0
    # per t Cu: ore 147.0588, waste rock 294.1176, tailings 143.0588, hidden 437.1765
    assert r["ore_per_t"] == pytest.approx(147.0588, abs=1e-4)
    assert r["waste_rock_per_t"] == pytest.approx(294.1176, abs=1e-4)
    assert r["tailings_per_t"] == pytest.approx(143.0588, abs=1e-4)
    assert r["hidden_per_t"] == pytest.approx(437.1765, abs=1e-4)
    assert (r["ore_basis"], r["waste_basis"], r["tailings_basis"]) == ("derived", "derived", "derived")


def test_bauxite_is_overburden_and_has_no_tailings() -> None:
    # bauxite defaults: grade 1, recovery 1, concentrate 1 (direct shipping), strip ratio 1:
    # ore = 1,000,000 / (1 * 1) = 1,000,000 t; concentrate = 1,000,000 t; tailings = 0
    # overburden = 1 * 1,000,000 = 1,000,000 t; waste rock = 0
    r = _derive(_site(commodity="bauxite", country="Guinea", metal_t=1_000_000.0))
    assert r["ore_t"] == pytest.approx(1_000_000.0)
    assert r["tailings_t"] == pytest.approx(0.0)
    assert r["overburden_t"] == pytest.approx(1_000_000.0)
    assert r["waste_rock_t"] == 0.0
    assert (r["grade_fill"], r["recovery_fill"], r["strip_ratio_fill"]) == ("definition", "default", "default")


def test_graphite_basis_content() -> None:
    # 1,000 t marketable graphite at 95 % TGC = 950 t graphitic carbon
    # ore = 950 / (0.10 * 0.95) = 950 / 0.095 = 10,000 t; concentrate = 950 / 0.95 = 1,000 t
    # tailings = 10,000 - 1,000 = 9,000 t; waste rock = 0.5 * 10,000 = 5,000 t
    r = _derive(_site(commodity="graphite", country="Mozambique", metal_t=1_000.0, grade_pct=10,
                      recovery=0.95, concentrate_grade=0.95, strip_ratio=0.5))
    assert r["ore_t"] == pytest.approx(10_000.0)
    assert r["concentrate_t"] == pytest.approx(1_000.0)
    assert r["tailings_t"] == pytest.approx(9_000.0)
    assert r["waste_rock_t"] == pytest.approx(5_000.0)


def test_laterite_override_makes_overburden() -> None:
    # 20,000 t Ni at 1.5 % Ni, 90 %: ore = 20,000 / 0.0135 = 1,481,481.48 t
    # overburden = 1.5 * 1,481,481.48 = 2,222,222.22 t; concentrate = 20,000 / 0.119 = 168,067.23 t
    # tailings = 1,481,481.48 - 168,067.23 = 1,313,414.26 t
    r = _derive(_site(commodity="nickel", country="Indonesia", metal_t=20_000.0, grade_pct=1.5, recovery=0.9,
                      strip_ratio=1.5, stripping_waste="overburden"))
    assert r["overburden_t"] == pytest.approx(2_222_222.22, abs=0.01)
    assert r["waste_rock_t"] == 0.0
    assert r["tailings_t"] == pytest.approx(1_313_414.26, abs=0.01)


def test_underground_reported_ore() -> None:
    # underground zinc, ore reported 2,000,000 t, 100,000 t Zn, 50 % Zn concentrate, strip ratio 0.25:
    # concentrate = 100,000 / 0.5 = 200,000 t; tailings = 2,000,000 - 200,000 = 1,800,000 t
    # waste rock = 0.25 * 2,000,000 = 500,000 t (underground: always waste rock)
    r = _derive(_site(commodity="zinc", country="Peru", mine_type="underground", metal_t=100_000.0,
                      ore_t=2_000_000.0, concentrate_grade=0.5, strip_ratio=0.25))
    assert r["ore_t"] == 2_000_000.0
    assert r["ore_basis"] == "reported"
    assert r["tailings_t"] == pytest.approx(1_800_000.0)
    assert r["waste_rock_t"] == pytest.approx(500_000.0)


def test_reported_waste_gives_strip_ratio_and_keeps_tonnes() -> None:
    # ore 1,000,000 t and waste rock 3,000,000 t reported: strip ratio = 3,000,000 / 1,000,000 = 3 (mine's own)
    r = _derive(_site(commodity="iron_ore", country="Australia", metal_t=600_000.0, ore_t=1_000_000.0,
                      waste_rock_t=3_000_000.0))
    assert r["strip_ratio"] == pytest.approx(3.0)
    assert r["strip_ratio_fill"] == "mine"
    assert r["waste_rock_t"] == 3_000_000.0
    assert r["overburden_t"] == 0.0
    assert r["waste_basis"] == "reported"


def test_brine_has_no_hidden_flows() -> None:
    # 1,000 t Li at 0.2 % Li in brine, 50 % recovery: brine processed = 1,000 / 0.001 = 1,000,000 t
    r = _derive(_site(commodity="lithium", mine_type="brine", metal_t=1_000.0, grade_pct=0.2, recovery=0.5))
    assert r["ore_t"] == pytest.approx(1_000_000.0)
    assert r["overburden_t"] == r["waste_rock_t"] == r["tailings_t"] == r["hidden_t"] == 0.0
    assert math.isnan(r["concentrate_t"])


def test_zero_production_has_no_per_tonne_value() -> None:
    r = _derive(_site(metal_t=0.0))
    assert r["ore_t"] == 0.0
    assert math.isnan(r["hidden_per_t"])


def test_concentrate_heavier_than_ore_is_an_error() -> None:
    # grade 30 % Cu, recovery 1: ore = M / 0.3 is lighter than concentrate = M / 0.25
    with pytest.raises(InputError) as err:
        _derive(_site(grade_pct=30, recovery=1.0, concentrate_grade=0.25))
    assert (err.value.file, err.value.row, err.value.column) == ("example.csv", 2, "concentrate_grade")


@settings(max_examples=60, deadline=None)
@given(
    metal=st.floats(0.0, 1e7),
    grade=st.floats(1e-6, 0.6),
    recovery=st.floats(0.05, 1.0),
    excess=st.floats(0.0, 1.0),
    strip=st.floats(0.0, 20.0),
    mine_type=st.sampled_from(["open_pit", "underground", "mixed"]),
    commodity=st.sampled_from(["copper", "bauxite", "nickel", "graphite"]),
)
def test_mass_balance_invariants(metal: float, grade: float, recovery: float, excess: float, strip: float,
                                 mine_type: str, commodity: str) -> None:
    # any concentrate grade between g * r (no tailings) and 1 is consistent
    conc = grade * recovery + excess * (1 - grade * recovery)
    r = _derive(_site(commodity=commodity, mine_type=mine_type, metal_t=metal, grade=grade, recovery=recovery,
                      concentrate_grade=conc, strip_ratio=strip))
    assert r["ore_t"] >= r["concentrate_t"] * (1 - 1e-9)
    assert r["tailings_t"] == pytest.approx(max(r["ore_t"] - r["concentrate_t"], 0.0), rel=1e-9, abs=1e-6)
    assert r["overburden_t"] + r["waste_rock_t"] == pytest.approx(strip * r["ore_t"], rel=1e-9, abs=1e-6)
    assert r["hidden_t"] == pytest.approx(r["overburden_t"] + r["waste_rock_t"] + r["tailings_t"])
    if mine_type == "underground":
        assert r["overburden_t"] == 0.0
    if metal > 0:
        assert r["hidden_per_t"] * metal == pytest.approx(r["hidden_t"], rel=1e-9)
