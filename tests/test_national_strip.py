"""A national strip ratio (material moved vs ore, `country_values_2019.csv`, variable `strip_ratio`) fills the
rows of its country, commodity and mining method that report none, ahead of a country mean of five pits;
hand-computed values, spreads and shared-fill groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mine_db.gapfill import fill_gaps, read_national
from mine_db.schema import validate

COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "strip_ratio", "waste_rock_t", "ore_t"]
# five Chilean copper pits with their own strip ratio 1..5: enough for a country mean without a national value
PITS = [(f"C{i}", "Chile", "copper", "open_pit", 100.0 * i, float(i), None, None) for i in range(1, 6)]
ROWS = [
    *PITS,
    ("C6", "Chile", "copper", "mixed", 50.0, None, None, None),  # surface, no strip ratio
    ("C7", "Chile", "copper", "open_pit", 40.0, None, 3.0e6, 1.0e6),  # its own waste / ore = 3.0
    ("U1", "Chile", "copper", "underground", 30.0, None, None, None),
    ("P1", "Peru", "copper", "open_pit", 20.0, None, None, None),
]
HEADER = "country,commodity,mine_type,variable,value,low,high,year,source_id,where_read,note\n"


def _fill(national: pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(ROWS, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test"
    )
    return fill_gaps(validate(df, "strip.csv"), national).set_index("mine_id")


@pytest.fixture()
def national(tmp_path) -> pd.DataFrame:
    table = tmp_path / "national.csv"
    # material moved 600 Mt over 200 Mt ore: strip (600 - 200) / 200 = 2.0, read as range 1.5-3.0
    table.write_text(HEADER + "Chile,copper,open_pit,strip_ratio,2.0,1.5,3.0,2019,s,here,derived\n")
    return read_national(table)


def test_without_a_national_value_the_surface_gap_takes_the_country_mean_of_six_pits() -> None:
    empty = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])
    out = _fill(empty)
    # C1..C5 (100 i t Cu, strip i) and C7 (40 t Cu, strip 3.0 from its own waste / ore): weighted mean
    mean = (sum(100 * i * i for i in range(1, 6)) + 40 * 3.0) / (1500 + 40)
    assert out.loc["C6", ["strip_ratio", "strip_ratio_fill", "strip_ratio_fill_n"]].tolist() == [
        pytest.approx(mean), "country", 6]


def test_a_national_strip_ratio_beats_the_country_mean_for_surface_rows_only(national) -> None:
    out = _fill(national)
    sigma = np.log(3.0 / 1.5) / (2 * 1.645)  # the published range read as a 90 % interval of a lognormal
    assert out.loc["C6", ["strip_ratio", "strip_ratio_fill"]].tolist() == [pytest.approx(2.0), "national"]
    assert out.loc["C6", "strip_ratio_fill_sigma"] == pytest.approx(sigma)
    assert np.isnan(out.loc["C6", "strip_ratio_fill_n"])
    assert out.loc["C6", "strip_ratio_fill_group"] == "strip_ratio|national|copper|surface|*|CHL"
    # the underground row and another country's pit are not touched
    assert out.loc["U1", "strip_ratio_fill"] != "national"
    assert out.loc["P1", "strip_ratio_fill"] != "national"


def test_a_national_strip_ratio_leaves_every_mine_own_value(national) -> None:
    out = _fill(national)
    assert out.loc[[f"C{i}" for i in range(1, 6)], "strip_ratio"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    # C7's ratio follows from its reported waste rock and ore: the mine's own, not the national value
    assert out.loc["C7", ["strip_ratio", "strip_ratio_fill"]].tolist() == [pytest.approx(3.0), "mine"]
