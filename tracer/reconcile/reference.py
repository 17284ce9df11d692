"""A reference study as data: its published figures, read from a small CSV file.

Why a file and not constants: the published figures are someone else's numbers with a
place in their paper (or a note that nobody re-read them); keeping them as data with
those columns lets a user compare a run with another study, and lets the comparison
say where each figure was read. Every figure names an indicator this module knows how
to take from a run's summary, in a unit it can convert; anything else is an
`InputError` naming file, row and column.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from graphs.tables import read_rows
from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.vocabulary import UNKNOWN_ORIGIN

COLUMNS = ("indicator", "value", "unit", "relation", "published", "where", "note")
RELATIONS = {"=": "about", ">": "more than", "<": "less than"}
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "t": {"t": 1.0, "kt": 1e3, "Mt": 1e6, "Gt": 1e9},
    "share": {"share": 1.0, "%": 0.01},
    "ratio": {"ratio": 1.0},
    "ISO3": {"ISO3": 1.0},
}


def _top_abroad(summary: dict[str, Any], count: int) -> list[str]:
    """The `count` countries with the largest hidden flows outside home (WLD excluded)."""
    rows = [r for r in summary["top_countries"] if r["country"] not in (summary["home"], UNKNOWN_ORIGIN)]
    return [str(r["country"]) for r in rows[:count]]


@dataclass(frozen=True)
class Indicator:
    """A headline figure: its label, the unit it is compared in, how a run gives it."""

    label: str
    unit: str
    ours: Callable[[dict[str, Any]], Any]


def _key(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda summary: summary.get(name)


INDICATORS: dict[str, Indicator] = {
    "total_tmr_t": Indicator("material extracted (TMR)", "t", _key("total_tmr_t")),
    "hidden_t": Indicator("hidden flows (overburden + waste rock + tailings)", "t", _key("hidden_t")),
    "used_t": Indicator("resources finally used (mass in the cars)", "t", _key("used_t")),
    "hidden_to_used": Indicator("hidden flows / resources finally used", "ratio", _key("hidden_to_used")),
    "car_sector_share": Indicator("share of extraction that enters the car sector", "share", _key("car_sector_share")),
    "abroad_share": Indicator("share of hidden flows abroad", "share", _key("abroad_share")),
    "top_abroad": Indicator("largest countries abroad (hidden flows)", "ISO3", lambda s: s),
    "nev_to_conventional_hidden": Indicator(
        "hidden flows per new-energy / per conventional car", "ratio", _key("nev_to_conventional_hidden")
    ),
}


@dataclass(frozen=True)
class Figure:
    """One published figure, in the indicator's unit (countries: a tuple of ISO3)."""

    indicator: str
    value: float | tuple[str, ...]
    relation: str
    published: str
    where: str
    note: str
    source: str


@dataclass(frozen=True)
class Reference:
    """A study's published figures, in file order."""

    name: str
    file: str
    figures: tuple[Figure, ...]

    def figure(self, indicator: str) -> Figure | None:
        """The figure for `indicator`, or None when the study gives none."""
        return next((f for f in self.figures if f.indicator == indicator), None)


def bundled_dir() -> Path:
    """Folder of the bundled reference studies."""
    return Path(str(resources.files("tracer") / "data" / "references"))


def bundled_names() -> list[str]:
    """Names of the bundled reference studies (file stems)."""
    return sorted(p.stem for p in bundled_dir().glob("*.csv"))


def resolve(ref: str | Path | None) -> Path:
    """A bundled name (default `wang2025`) or a CSV path."""
    if ref is None:
        ref = "wang2025"
    path = Path(ref)
    if path.suffix.lower() == ".csv" or path.exists():
        return path
    if str(ref) in bundled_names():
        return bundled_dir() / f"{ref}.csv"
    raise InputError(f"unknown reference {str(ref)!r}: give a CSV file or one of {', '.join(bundled_names())}")


def load_reference(ref: str | Path | None = None) -> Reference:
    """Read and check a reference file (a bundled name or a path)."""
    path = resolve(ref)
    rows = read_rows(path, COLUMNS)
    if not rows:
        raise InputError("the reference file has no figures", file=str(path))
    figures: list[Figure] = []
    for row in rows:
        indicator = row.text("indicator")
        if indicator not in INDICATORS:
            raise row.error("indicator", f"unknown indicator {indicator!r}; known: {', '.join(INDICATORS)}")
        if any(f.indicator == indicator for f in figures):
            raise row.error("indicator", f"{indicator!r} is given twice")
        relation = row.text("relation")
        if relation not in RELATIONS:
            raise row.error("relation", f"{relation!r} is not one of {' '.join(RELATIONS)}")
        figures.append(Figure(indicator, _value(row, INDICATORS[indicator].unit), relation, row.text("published"),
                              row.text("where"), row.text("note", required=False), row.text("source")))
    return Reference(path.stem, str(path), tuple(figures))


def _value(row: Any, unit: str) -> float | tuple[str, ...]:
    """The row's value converted to the indicator's unit."""
    given = row.text("unit")
    factors = UNIT_FACTORS[unit]
    if given not in factors:
        raise row.error("unit", f"{given!r} is not a unit of this indicator; use one of {', '.join(factors)}")
    if unit == "ISO3":
        names = [n.strip() for n in row.text("value").split(";") if n.strip()]
        if not names:
            raise row.error("value", "no country given (separate ISO3 codes with ';')")
        return tuple(to_iso3(n, file=row.file, row=row.row, column="value") for n in names)
    value = row.number("value") * factors[given]
    if not math.isfinite(value):
        raise row.error("value", "is not finite")
    return value
