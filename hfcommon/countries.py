"""Country names in any common spelling -> ISO 3166-1 alpha-3.

Why not a fuzzy matcher: pycountry's `search_fuzzy` maps "Kosovo" to Serbia, and a
silently wrong country moves hidden flows across borders. So the rule is exact:
pycountry's own lookup (alpha-2, alpha-3, numeric, official, common and short names,
case-insensitive), then a small explicit alias table for the spellings statistical
agencies use (USGS "Congo (Kinshasa)", World Mining Data "Congo, D.R.", ...). Anything
else is an `InputError`. country_converter is not used: 1.3.2 fails under pandas 3.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from types import MappingProxyType

import pycountry

from hfcommon.errors import InputError, did_you_mean

#: Region codes accepted besides ISO 3166 countries (see docs/CONTRACTS.md).
REGION_CODES: frozenset[str] = frozenset({"WLD"})
#: Codes from ISO 3166's user-assigned range (XAA-XZZ) in common use for territories pycountry does not
#: list: XKX is Kosovo's code at the European Commission, IMF, World Bank and Natural Earth. A code is
#: returned as it is given (upper-cased), like the ISO 3166 codes pycountry knows.
USER_ASSIGNED_CODES: MappingProxyType[str, str] = MappingProxyType({"XKX": "Kosovo"})


def _key(name: str) -> str:
    """Normalise a spelling: no accents, lower case, any punctuation (’ too) as one space."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_ALIASES: MappingProxyType[str, str] = MappingProxyType(
    {
        _key(alias): iso3
        for alias, iso3 in {
            "World": "WLD",
            "DR Congo": "COD",
            "D.R. Congo": "COD",
            "DRC": "COD",
            "Democratic Republic of Congo": "COD",
            "Democratic Republic of the Congo": "COD",
            "Congo, Democratic Republic of the": "COD",
            "Congo (Kinshasa)": "COD",
            "Congo, Kinshasa": "COD",
            "Congo, D.R.": "COD",
            "Congo-Kinshasa": "COD",
            "Zaire": "COD",
            "Congo (Brazzaville)": "COG",
            "Congo, Brazzaville": "COG",
            "Congo, Rep.": "COG",
            "Republic of the Congo": "COG",
            "Russia": "RUS",
            "Russian Federation": "RUS",
            "Laos": "LAO",
            "Lao PDR": "LAO",
            "Bolivia": "BOL",
            "Iran": "IRN",
            "South Korea": "KOR",
            "Korea, South": "KOR",
            "Korea, Rep.": "KOR",
            "Republic of Korea": "KOR",
            "North Korea": "PRK",
            "Korea, North": "PRK",
            "Korea, DPR": "PRK",
            "Korea, Dem. People's Rep.": "PRK",
            "DPRK": "PRK",
            "Turkey": "TUR",
            "Türkiye": "TUR",
            "Cote d'Ivoire": "CIV",
            "Ivory Coast": "CIV",
            "Kosovo": "XKX",
            "Burma": "MMR",
            "Myanmar (Burma)": "MMR",
            "Vietnam": "VNM",
            "Viet Nam": "VNM",
            "Tanzania": "TZA",
            "Venezuela": "VEN",
            "Czechia": "CZE",
            "Czech Republic": "CZE",
            "Macedonia": "MKD",
            "FYR Macedonia": "MKD",
            "Bosnia-Herzegovina": "BIH",
            "Bosnia & Herzegovina": "BIH",
            "Brunei": "BRN",
            "Cape Verde": "CPV",
            "Swaziland": "SWZ",
            "Syria": "SYR",
            "Moldova": "MDA",
            "Palestine": "PSE",
            "United States of America": "USA",
            "UK": "GBR",
            "Great Britain": "GBR",
            "UAE": "ARE",
            "Kyrgyz Republic": "KGZ",
            "Slovak Republic": "SVK",
            "Micronesia": "FSM",
            "East Timor": "TLS",
            "Vatican": "VAT",
            "Fiji Islands": "FJI",
        }.items()
    }
)


@lru_cache(maxsize=1)
def _known_names() -> tuple[str, ...]:
    """Names a suggestion may offer: pycountry's common and short names."""
    return tuple(sorted({getattr(c, "common_name", c.name) for c in pycountry.countries}))


@lru_cache(maxsize=4096)
def _lookup(name: str) -> str | None:
    if name.upper() in REGION_CODES or name.upper() in USER_ASSIGNED_CODES:
        return name.upper()
    alias = _ALIASES.get(_key(name))
    if alias is not None:
        return alias
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        return None


def to_iso3(name: str, *, file: str | None = None, row: int | None = None, column: str | None = None) -> str:
    """ISO3 code of `name` (exact match or alias, never fuzzy); `InputError` if unknown.

    `file`, `row` and `column` only locate the error for the user.
    """
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"missing country (got {name!r})", file=file, row=row, column=column)
    iso3 = _lookup(name.strip())
    if iso3 is None:
        raise InputError(
            f"unknown country {name!r}{did_you_mean(name, _known_names(), 0.8)}: not an ISO 3166 name or code, "
            "nor a known alias (names are matched exactly, never fuzzily)",
            file=file,
            row=row,
            column=column,
        )
    return iso3
