"""Country names -> ISO3: exact names, codes and aliases; unknown names are errors."""

from __future__ import annotations

import pytest

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Chile", "CHL"), ("CL", "CHL"), ("chl", "CHL"), ("152", "CHL"),
        ("DR Congo", "COD"), ("Congo (Kinshasa)", "COD"), ("Congo, D.R.", "COD"), ("Congo", "COG"),
        ("Congo, Brazzaville", "COG"), ("Russia", "RUS"), ("Laos", "LAO"), ("Bolivia", "BOL"),
        ("Iran", "IRN"), ("Korea, North", "PRK"), ("Korea, South", "KOR"), ("Korea, Republic of", "KOR"),
        ("Türkiye", "TUR"), ("Turkey", "TUR"), ("Côte d'Ivoire", "CIV"), ("Cote d'Ivoire", "CIV"), ("Côte d’Ivoire", "CIV"),
        ("Kosovo", "XKX"), ("Burma", "MMR"), ("Myanmar", "MMR"), ("Vietnam", "VNM"), ("Tanzania", "TZA"),
        ("Venezuela", "VEN"), ("Czechia", "CZE"), ("Bosnia-Herzegovina", "BIH"), ("Macedonia", "MKD"),
        ("United States", "USA"), ("  Australia ", "AUS"), ("World", "WLD"), ("WLD", "WLD"),
        ("XKX", "XKX"), ("xkx", "XKX"), (" XKX ", "XKX"),
    ],
)
def test_known_spellings(name: str, iso3: str) -> None:
    assert to_iso3(name) == iso3


@pytest.mark.parametrize("name", ["Kosovo and Metohija", "Chilee", "Serbia and Kosovo", "", "Congo Republic of"])
def test_no_fuzzy_matching(name: str) -> None:
    with pytest.raises(InputError) as err:
        to_iso3(name, file="f.csv", row=3, column="country")
    assert (err.value.file, err.value.row, err.value.column) == ("f.csv", 3, "country")


def test_every_code_it_returns_is_accepted_back() -> None:
    """A code to_iso3 produced (Kosovo's user-assigned XKX included) must round-trip unchanged."""
    for name in ("Kosovo", "Chile", "DR Congo", "World"):
        code = to_iso3(name)
        assert to_iso3(code) == code


@pytest.mark.parametrize("code", ["XKK", "XAA", "XXX"])
def test_unlisted_user_assigned_codes_are_unknown(code: str) -> None:
    with pytest.raises(InputError):
        to_iso3(code)
