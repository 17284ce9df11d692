"""Gap filling: mine -> country -> global -> default, with hand-computed weighted means."""

from __future__ import annotations

import pandas as pd
import pytest

from mine_db import commodities
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "grade_pct", "recovery"]
ROWS = [
    ("A", "Chile", "copper", "open_pit", 100.0, 1.0, 0.90),
    ("B", "Chile", "copper", "open_pit", 300.0, 0.6, None),
    ("C", "Chile", "copper", "mixed", 50.0, None, None),
    ("D", "Peru", "copper", "open_pit", 80.0, None, None),
    ("E", "Peru", "copper", "underground", 50.0, 2.0, None),
    ("F", "Peru", "copper", "underground", 20.0, None, None),
    ("G", "Argentina", "copper", "underground", 10.0, None, None),
    ("H", "Peru", "zinc", "open_pit", 10.0, None, None),
    ("I", "Chile", "lithium", "brine", 10.0, None, None),
]


@pytest.fixture()
def filled() -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test"
    )
    return fill_gaps(validate(df, "gaps.csv")).set_index("mine_id")


def test_grade_levels(filled: pd.DataFrame) -> None:
    # Chile surface copper, metal-weighted: (0.010 * 100 + 0.006 * 300) / 400 = 2.8 / 400 = 0.007
    assert filled.loc["C", "grade"] == pytest.approx(0.007)
    assert filled.loc["C", "grade_fill"] == "country"
    # Peru has no surface copper grade: global surface copper = the same 0.007
    assert filled.loc["D", "grade"] == pytest.approx(0.007)
    assert filled.loc["D", "grade_fill"] == "global"
    # Peru underground: E's own 2 % is the country mean; Argentina underground takes it as global
    assert filled.loc["F", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.02), "country"]
    assert filled.loc["G", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.02), "global"]
    assert filled.loc["A", ["grade", "grade_fill"]].tolist() == [pytest.approx(0.01), "mine"]
    # no zinc data at all: commodity default
    assert filled.loc["H", "grade"] == commodities.get("zinc").grade.value
    assert filled.loc["H", "grade_fill"] == "default"


def test_recovery_and_strip_ratio_levels(filled: pd.DataFrame) -> None:
    # only A reports recovery (0.90): every other Chile surface copper row takes it at country level
    assert filled.loc["B", ["recovery", "recovery_fill"]].tolist() == [pytest.approx(0.90), "country"]
    # underground copper has no recovery data anywhere: default
    assert filled.loc["E", ["recovery", "recovery_fill"]].tolist() == [commodities.get("copper").recovery.value,
                                                                       "default"]
    # strip ratio defaults depend on the method: surface copper 1.28, underground 0.2, brine 0
    assert filled.loc["A", "strip_ratio"] == pytest.approx(1.28)
    assert filled.loc["E", "strip_ratio"] == pytest.approx(commodities.UNDERGROUND_STRIP_RATIO)
    assert filled.loc["I", "strip_ratio"] == 0.0
    # brine lithium takes the brine grade, not the hard-rock one
    assert filled.loc["I", "grade"] == commodities.get("lithium").brine_grade.value


def test_existing_flags_survive_a_reload(filled: pd.DataFrame) -> None:
    again = fill_gaps(validate(filled.reset_index(), "again.parquet")).set_index("mine_id")
    pd.testing.assert_series_equal(again["grade_fill"], filled["grade_fill"])
    pd.testing.assert_series_equal(again["grade"], filled["grade"])


def test_zero_weights_fall_back_to_plain_mean() -> None:
    df = pd.DataFrame(
        [("A", 0.0, 1.0), ("B", 0.0, 3.0), ("C", 5.0, None)], columns=["mine_id", "metal_t", "grade_pct"]
    ).assign(name="n", country="Chile", commodity="copper", mine_type="open_pit", latitude=0.0, longitude=0.0,
             year=2019, resolution="mine", source="test")
    out = fill_gaps(validate(df)).set_index("mine_id")
    # weights 0 and 0: plain mean (0.01 + 0.03) / 2 = 0.02
    assert out.loc["C", "grade"] == pytest.approx(0.02)
