"""How numbers and names are written for people: one format for the terminal, the report and the figures.

Why one module: a figure printed as `427541506.5087664` in one place, `427.5 Mt` in another and
`4.275…` in a third reads as three different results. Quantities are written to three
significant figures with a unit prefix chosen for the value (`624 Mt`, `33.0 t`, `461 kt`),
shares with one decimal (`3.2 %`), and network ids as the names a reader knows (`copper`,
`Peru`), never `material:copper`. Ids stay available: `--json` and `--ids` print them.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from hfcommon.vocabulary import KINDS, UNKNOWN_ORIGIN

#: Prefixes for mass-like units, largest first (a unit is mass-like when it starts with "t").
_PREFIXES: tuple[tuple[float, str], ...] = ((1e9, "G"), (1e6, "M"), (1e3, "k"))
#: Country names shorter than ISO 3166's formal ones where pycountry has no common name.
_SHORT_COUNTRY_NAMES = {
    "COD": "DR Congo",
    "COG": "Congo",
    "RUS": "Russia",
    "PRK": "North Korea",
    "LAO": "Laos",
    "SYR": "Syria",
    "MDA": "Moldova",
    "VNM": "Vietnam",
    "XKX": "Kosovo",
    UNKNOWN_ORIGIN: "World (unknown origin)",
}


#: Reader's names of the indicator keys of summaries and Monte Carlo tables.
INDICATOR_NAMES = {
    "tmr": "TMR (total material requirement)",
    "hidden": "hidden flows",
    "used": "used material",
    "hidden_to_used": "hidden-to-used ratio",
    "hidden_abroad_share": "share of hidden flows abroad",
    "total_tmr_t": "TMR (total material requirement)",
    "hidden_t": "hidden flows",
    "used_t": "used material",
    "abroad_share": "share of hidden flows abroad",
}


def sig(value: float | None, figures: int = 3) -> str:
    """`value` to `figures` significant figures, never in scientific notation: 624, 33.0, 0.0926, 1,086.

    Digits left of the decimal point are never rounded away (1,086 keeps four), so a
    number in a table is always the number, only less precise.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if abs(round(value, figures - 1 - magnitude)) >= 10 ** (magnitude + 1):
        magnitude += 1  # 9.996 rounds up to 10.0, not 10.00
    decimals = max(0, figures - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    return "0" if text.lstrip("-").strip("0.,") == "" else text


def scaled_unit(max_value: float, unit: str) -> tuple[float, str]:
    """A readable prefix for a mass-like unit (t, kt, Mt, Gt; also t CO2-eq): returns (divisor, label).

    Choose it from the largest value of a table so that a column shares one unit.
    """
    if not unit.startswith("t") or (len(unit) > 1 and unit[1] not in " /"):
        return 1.0, unit
    if "/" in unit:  # a ratio such as t/t or t/vehicle keeps its unit
        return 1.0, unit
    for divisor, prefix in _PREFIXES:
        if abs(max_value) >= divisor:
            return divisor, prefix + unit
    return 1.0, unit


def quantity(value: float | None, unit: str = "t", *, scale_by: float | None = None, figures: int = 3) -> str:
    """`value` with its unit, prefixed for readability: quantity(6.24e8) == '624 Mt'.

    `scale_by` picks the prefix from another value (a column's largest) so a column shares it.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    divisor, label = scaled_unit(value if scale_by is None else scale_by, unit)
    return f"{sig(value / divisor, figures)} {label}"


def percent(share: float | None) -> str:
    """A share (0-1) as a percentage with one decimal: 0.032 -> '3.2 %'; tiny non-zero shares '<0.1 %'."""
    if share is None or not math.isfinite(share):
        return "n/a"
    if 0 < abs(share) < 0.0005:
        return "<0.1 %" if share > 0 else ">-0.1 %"
    return f"{100 * share:.1f} %"


def count(value: float | None) -> str:
    """A count (vehicles, sites) exactly, with thousands separators: 19,880,000."""
    return "n/a" if value is None or not math.isfinite(value) else f"{value:,.0f}"


def ratio(value: float | None, suffix: str = "") -> str:
    """A dimensionless ratio to three significant figures: 25.9, 2.14x."""
    return "n/a" if value is None or not math.isfinite(value) else f"{sig(value)}{suffix}"


@lru_cache(maxsize=512)
def country_name(iso3: str) -> str:
    """A country's common English name ('Peru', 'DR Congo'); the code itself if unknown."""
    import pycountry

    if iso3 in _SHORT_COUNTRY_NAMES:
        return _SHORT_COUNTRY_NAMES[iso3]
    country = pycountry.countries.get(alpha_3=iso3)
    if country is None:
        return iso3
    return str(getattr(country, "common_name", None) or country.name)


def node_name(node_id: str) -> str:
    """The reader's name of a network id: 'material:copper_wire' -> 'copper wire'.

    Vehicle ids (BEV-NMC811) are the names users type and stay as they are; countries: `country_name`.
    """
    text = str(node_id)
    kind, sep, rest = text.partition(":")
    if sep and kind.isidentifier() and kind.islower():
        text = rest
    return text.replace("_", " ")


def parameter_name(name: str) -> str:
    """An uncertain coefficient's id, breakable at its parts: 'fill grade|global|copper|*' -> 'fill grade · global · copper · all'."""
    text = re.sub(rf"\b({'|'.join(KINDS)}):", "", str(name))  # 'edge material:copper -> ...' -> 'edge copper -> ...'
    text = re.sub(r":(?=\S)", " ", text)
    return " · ".join("all" if part == "*" else part.replace("_", " ") for part in text.split("|"))
