"""The commodity registry: the contract's twelve codes, sourced and self-consistent defaults."""

from __future__ import annotations

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
