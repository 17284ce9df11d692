"""The commodity registry: the contract's twelve codes, sourced and self-consistent defaults."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from hfcommon.errors import InputError
from mine_db import commodities

CONTRACT_CODES = {"iron_ore", "bauxite", "copper", "nickel", "cobalt", "lithium", "manganese", "lead", "zinc",
                  "pgm", "graphite", "rare_earths"}


def test_codes_match_contract() -> None:
    assert set(commodities.CODES) == CONTRACT_CODES


@pytest.mark.parametrize("code", sorted(CONTRACT_CODES))
def test_defaults_are_sourced_and_consistent(code: str) -> None:
    c = commodities.get(code)
    for value in (c.grade, c.recovery, c.concentrate_grade, c.strip_ratio, c.basis_content):
        assert value.source.strip()
    assert 0 < c.grade.value <= 1 and 0 < c.recovery.value <= 1 and 0 < c.concentrate_grade.value <= 1
    # the default concentrate must not outweigh the default ore: c >= g * r
    assert c.concentrate_grade.value >= c.grade.value * c.recovery.value


def test_bases_follow_national_statistics() -> None:
    assert commodities.get("copper").unit == "t Cu"
    assert commodities.get("bauxite").unit == "t bauxite"
    assert commodities.get("bauxite").stripping_waste == "overburden"
    assert commodities.get("rare_earths").unit == "t REO"
    assert commodities.get("graphite").basis_content.value == 0.95
    assert commodities.get("lithium").has_brine
    assert not commodities.get("copper").has_brine


def test_unknown_code() -> None:
    with pytest.raises(InputError):
        commodities.get("gold")


@pytest.mark.parametrize(("column", "cell", "message"), [
    ("basis_content", "abc", "valid number"),
    ("stripping_waste", "slag", "'overburden' or 'waste_rock'"),
    ("direct_shipping", "maybe", "valid boolean"),
])
def test_a_bad_commodity_row_names_file_row_and_column(tmp_path: Path, column: str, cell: str, message: str) -> None:
    """One declaration (the pydantic `Commodity`) reads the table: the basis content stays one sourced number."""
    lines = commodities.COMMODITY_TABLE.read_text(encoding="utf-8").splitlines()
    header = next(csv.reader([lines[0]]))
    row = next(csv.reader([lines[3]]))
    row[header.index(column)] = cell
    bad = tmp_path / "commodities.csv"
    with bad.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, row])
    with pytest.raises(InputError, match=message) as caught:
        commodities._read_rows(bad, commodities.Commodity)
    assert (caught.value.file, caught.value.row, caught.value.column) == (str(bad), 2, column)
    copper = commodities.get("copper")
    assert copper.basis_content == commodities.Sourced(1.0, copper.basis_content_source)
