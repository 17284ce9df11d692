"""Every bad input of issue 2 gets an InputError naming file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from hfcommon.errors import InputError
from mine_db.schema import validate


def _error(df: pd.DataFrame) -> InputError:
    with pytest.raises(InputError) as err:
        validate(df, "sites.csv")
    return err.value


def test_fixture_is_valid_and_canonical(sites: pd.DataFrame) -> None:
    out = validate(sites, "sites.csv")
    assert out["country"].tolist() == ["CHL", "CHL", "PER", "GIN", "MOZ", "CHL", "PER", "AUS"]
    # grade_pct 0.8 -> 0.008, 10 -> 0.10
    assert out.loc[0, "grade"] == pytest.approx(0.008)
    assert out.loc[4, "grade"] == pytest.approx(0.10)
    assert "grade_pct" not in out.columns
    assert out["year"].dtype == "int64"


def test_missing_column(sites: pd.DataFrame) -> None:
    err = _error(sites.drop(columns="commodity"))
    assert (err.file, err.row, err.column) == ("sites.csv", 1, "commodity")


@pytest.mark.parametrize(("grade_pct", "message"), [(0.0, "must be > 0"), (-1.0, "must be > 0"), (101.0, "100 %")])
def test_grade_out_of_range(sites: pd.DataFrame, grade_pct: float, message: str) -> None:
    sites.loc[2, "grade_pct"] = grade_pct
    err = _error(sites)
    assert (err.row, err.column) == (4, "grade_pct")
    assert message in err.message


def test_bare_grade_above_one_is_not_guessed_as_percent(sites: pd.DataFrame) -> None:
    sites = sites.rename(columns={"grade_pct": "grade"})
    err = _error(sites)  # row 2 holds 0.8 (fine as a fraction); row 6 holds 10
    assert (err.row, err.column) == (6, "grade")
    assert "grade_pct" in err.message


def test_grade_unit_column(sites: pd.DataFrame) -> None:
    sites = sites.rename(columns={"grade_pct": "grade"})
    sites["grade_unit"] = ["%", "percent", None, None, "%", "%", "ppm", "g/t"]
    sites.loc[6, "grade"] = 50_000  # 50,000 ppm = 5 %
    out = validate(sites)
    assert out.loc[0, "grade"] == pytest.approx(0.008)
    assert out.loc[6, "grade"] == pytest.approx(0.05)
    sites.loc[3, "grade_unit"] = "lb/t"
    err = _error(sites)
    assert (err.row, err.column) == (5, "grade_unit")


def test_two_grade_columns(sites: pd.DataFrame) -> None:
    sites["grade_ppm"] = 1.0
    assert _error(sites).column == "grade_ppm"


def test_negative_tonnage(sites: pd.DataFrame) -> None:
    sites.loc[7, "waste_rock_t"] = -5
    err = _error(sites)
    assert (err.row, err.column) == (9, "waste_rock_t")
    assert "negative" in err.message


def test_recovery_out_of_range(sites: pd.DataFrame) -> None:
    sites.loc[1, "recovery"] = 1.2
    assert (_error(sites).row, _error(sites).column) == (3, "recovery")


def test_unknown_country(sites: pd.DataFrame) -> None:
    sites.loc[5, "country"] = "Atlantis"
    err = _error(sites)
    assert (err.file, err.row, err.column) == ("sites.csv", 7, "country")


def test_duplicate_mine_id(sites: pd.DataFrame) -> None:
    sites.loc[6, "mine_id"] = "CU-A"
    err = _error(sites)
    assert (err.row, err.column) == (8, "mine_id")
    assert "row 2" in err.message


@pytest.mark.parametrize(("column", "value"), [("latitude", None), ("longitude", None), ("latitude", 91.0),
                                               ("longitude", -181.0)])
def test_bad_coordinates(sites: pd.DataFrame, column: str, value: float | None) -> None:
    sites.loc[1, column] = value
    err = _error(sites)
    assert (err.row, err.column) == (3, column)


def test_rest_of_country_may_lack_coordinates(sites: pd.DataFrame) -> None:
    assert validate(sites)["latitude"].isna().sum() == 1


@pytest.mark.parametrize(("column", "value"), [("commodity", "gold"), ("mine_type", "quarry"),
                                               ("resolution", "province")])
def test_unknown_category(sites: pd.DataFrame, column: str, value: str) -> None:
    sites.loc[3, column] = value
    err = _error(sites)
    assert (err.row, err.column) == (5, column)


def test_brine_only_for_lithium(sites: pd.DataFrame) -> None:
    sites.loc[0, "mine_type"] = "brine"
    assert (_error(sites).row, _error(sites).column) == (2, "mine_type")


def test_not_a_number(sites: pd.DataFrame) -> None:
    sites["metal_t"] = sites["metal_t"].astype(object)
    sites.loc[4, "metal_t"] = "lots"
    err = _error(sites)
    assert (err.row, err.column) == (6, "metal_t")


def test_empty_required_text(sites: pd.DataFrame) -> None:
    sites.loc[2, "source"] = "  "
    assert (_error(sites).row, _error(sites).column) == (4, "source")


def test_fractional_year(sites: pd.DataFrame) -> None:
    sites["year"] = sites["year"].astype(float)
    sites.loc[0, "year"] = 2019.5
    assert (_error(sites).row, _error(sites).column) == (2, "year")
