"""A strip ratio read only as an upper bound (`strip_ratio_basis` = `upper_bound`, e.g. Escondida's
material moved over ore milled while leach ore is also mined) or a lower bound (`lower_bound`, e.g. Oyu
Tolgoi's material mined over ore treated while stockpiles feed the mill) is its own row's value but joins
no fill's sample; hand-computed on six Chilean pits."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcommon.errors import InputError
from mine_db.gapfill import fill_gaps
from mine_db.schema import validate

COLUMNS = ["mine_id", "country", "commodity", "mine_type", "metal_t", "strip_ratio", "strip_ratio_basis"]
PITS = [(f"C{i}", "Chile", "copper", "open_pit", 100.0 * i, float(i), None) for i in range(1, 6)]
NO_NATIONAL = pd.DataFrame(columns=["country", "commodity", "variable", "value", "sigma", "source_id"])


def _fill(rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=COLUMNS).assign(
        name="n", latitude=0.0, longitude=0.0, year=2019, resolution="mine", source="test")
    return fill_gaps(validate(df, "strip.csv"), NO_NATIONAL).set_index("mine_id")


def test_an_upper_bound_is_its_rows_own_value_but_not_in_the_country_mean() -> None:
    big = ("BIG", "Chile", "copper", "open_pit", 1000.0, 9.0, "upper_bound")
    gap = ("GAP", "Chile", "copper", "open_pit", 10.0, None, None)
    out = _fill([*PITS, big, gap])
    assert out.loc["BIG", ["strip_ratio", "strip_ratio_fill"]].tolist() == [9.0, "mine"]
    # C1..C5 only (100 i t Cu, strip i): sum(100 i^2) / 1500 = 5500 / 1500
    assert out.loc["GAP", ["strip_ratio", "strip_ratio_fill", "strip_ratio_fill_n"]].tolist() == [
        pytest.approx(5500 / 1500), "country", 5]
    # the same row read as reported joins the sample: (5500 + 9000) / 2500, six mines
    reported = _fill([*PITS, (*big[:6], None), gap])
    assert reported.loc["GAP", ["strip_ratio", "strip_ratio_fill_n"]].tolist() == [pytest.approx(14500 / 2500), 6]


def test_a_lower_bound_is_its_rows_own_value_but_in_no_sample_either() -> None:
    low = ("LOW", "Chile", "copper", "open_pit", 1000.0, 0.5, "lower_bound")
    gap = ("GAP", "Chile", "copper", "open_pit", 10.0, None, None)
    out = _fill([*PITS, low, gap])
    assert out.loc["LOW", ["strip_ratio", "strip_ratio_fill"]].tolist() == [0.5, "mine"]
    # C1..C5 only: 5500 / 1500, as without the row; read as reported it would pull the mean to (5500 + 500) / 2500
    assert out.loc["GAP", ["strip_ratio", "strip_ratio_fill_n"]].tolist() == [pytest.approx(5500 / 1500), 5]
    reported = _fill([*PITS, (*low[:6], None), gap])
    assert reported.loc["GAP", ["strip_ratio", "strip_ratio_fill_n"]].tolist() == [pytest.approx(6000 / 2500), 6]


def test_an_unknown_basis_is_bad_input_named_by_row_and_column() -> None:
    with pytest.raises(InputError) as info:
        _fill([*PITS, ("X", "Chile", "copper", "open_pit", 10.0, 2.0, "guess")])
    assert info.value.column == "strip_ratio_basis"
