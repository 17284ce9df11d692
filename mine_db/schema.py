"""The site table's schema, declared once and enforced on every load.

Why here: every loader (CSV, Excel, GeoPackage, GeoJSON, GeoParquet, FINEPRINT) and
the bundled default pass through `validate`, so a broken row is caught with its file,
row and column before it can become a wrong number downstream.

Grade units. Grades are stored as mass fractions (1 % = 0.01, 1 ppm = 1e-6). On input
a grade may be given in one of these ways, never two at once:

* `grade` plus a `grade_unit` column per row: `fraction`, `%` (or `percent`, `pct`),
  `ppm` or `g/t` (g/t = ppm by mass);
* a unit-suffixed column: `grade_pct`, `grade_ppm` or `grade_gpt`;
* a bare `grade` column, read as a mass fraction (a value above 1 is an error, not a
  guess that the user meant percent).

`recovery` and `concentrate_grade` accept the same `_pct` suffix. Row numbers in
errors are 1-based as a spreadsheet shows them: the header is row 1, the first data
row is row 2 (for GeoPackage/GeoJSON layers, feature k is row k + 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import numpy as np
import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError, decimal_comma_hint, did_you_mean
from mine_db import commodities
from mine_db.flows import DERIVED_COLUMNS

DType = Literal["str", "float", "int"]

MINE_TYPES: frozenset[str] = frozenset({"open_pit", "underground", "brine", "mixed"})
RESOLUTIONS: frozenset[str] = frozenset({"mine", "rest_of_country"})
STRIPPING_WASTES: frozenset[str] = frozenset({"overburden", "waste_rock"})
#: Gap-fill levels, best first (mine_db.gapfill). `definition`: a value true by the product's
#: definition (bauxite is sold as the ore itself: grade 1), not a fill of any sample.
FILL_ORDER: tuple[str, ...] = ("mine", "definition", "national", "country", "pooled", "global", "default")
#: Columns `mine_db.allocation.allocate` adds (a reloaded allocated table carries them).
ALLOCATION_COLUMNS: tuple[str, ...] = (
    "allocation_method", "allocation_share", "byproduct_host", "byproduct_share", "standalone_hidden_t",
)
FILL_LEVELS: frozenset[str] = frozenset(FILL_ORDER)
#: `allocated`: a share of an ore body's tonnage given by `mine_db.allocation` (kept on reload).
FLOW_BASES: frozenset[str] = frozenset({"reported", "derived", "allocated"})
#: How a mine's own strip ratio was read: a bound (`upper_bound`, `lower_bound`) serves its own row but no fill's
#: sample; a `plan` (an approved or life-of-mine plan, no actual year reachable) joins the samples like a reported
#: value.
REPORTED: str = "reported"
UPPER_BOUND: str = "upper_bound"
LOWER_BOUND: str = "lower_bound"
STRIP_RATIO_BOUNDS: frozenset[str] = frozenset({UPPER_BOUND, LOWER_BOUND})
PLAN: str = "plan"
#: Every basis, in the order reports list them (an empty cell reads as `reported`).
STRIP_RATIO_BASES: tuple[str, ...] = (REPORTED, PLAN, UPPER_BOUND, LOWER_BOUND)


@dataclass(frozen=True)
class Column:
    """One column of the canonical site table."""

    name: str
    dtype: DType
    required: bool
    unit: str
    description: str
    allowed: frozenset[str] | None = None
    low: float | None = None
    low_inclusive: bool = True
    high: float | None = None


def _fraction(name: str, unit: str, description: str) -> Column:
    """An optional column holding a share in (0, 1]."""
    return Column(name, "float", False, unit, description, low=0.0, low_inclusive=False, high=1.0)


_WHERE = "; empty only for rest_of_country rows"
_COLUMNS: tuple[Column, ...] = (
    Column("mine_id", "str", True, "", "unique site identifier"),
    Column("name", "str", True, "", "site name"),
    Column("country", "str", True, "ISO3", "producing country (any spelling on input, ISO3 stored)"),
    Column("latitude", "float", True, "degree", f"WGS84 latitude{_WHERE}", low=-90, high=90),
    Column("longitude", "float", True, "degree", f"WGS84 longitude{_WHERE}", low=-180, high=180),
    Column("commodity", "str", True, "", "commodity code (mine_db.commodities)", allowed=frozenset(commodities.CODES)),
    Column("mine_type", "str", True, "", "mining method", allowed=MINE_TYPES),
    Column("deposit_type", "str", False, "", "deposit type where it sets the defaults (porphyry, laterite, ...)",
           allowed=commodities.deposit_types()),
    Column("process", "str", False, "", "process route where it sets the recovery (flotation, leach: SX-EW "
           "cathode from heap, dump or tank leaching, mixed, direct_shipping: ore crushed, screened or dried and "
           "sold as mined, concentrator: iron ore ground and separated, dry_and_wet: iron ore partly sold as mined, "
           "partly concentrated, washed: bauxite washed free of clay, as a document reads it); empty = a concentrator",
           allowed=frozenset(commodities.PROCESSES)),
    Column("year", "int", True, "year", "production year", low=1900, high=2100),
    Column("resolution", "str", True, "", "a named mine or the rest of a country", allowed=RESOLUTIONS),
    Column("metal_t", "float", True, "t (commodity basis)", "production in the commodity's basis", low=0),
    Column("source", "str", True, "", "where the row's numbers come from"),
    Column("ore_t", "float", False, "t", "ore mined or processed", low=0),
    _fraction("grade", "mass fraction", "head grade of the graded substance"),
    _fraction("recovery", "fraction", "share of the graded substance recovered"),
    Column("strip_ratio", "float", False, "t/t", "stripping waste per t ore", low=0),
    Column("strip_ratio_basis", "str", False, "", "own strip ratio as reported (empty), a mine plan's (plan) "
           "or a bound (upper_bound, lower_bound), which serves its own row but no fill's sample",
           allowed=frozenset(STRIP_RATIO_BASES)),
    _fraction("concentrate_grade", "mass fraction", "graded substance in concentrate"),
    Column("overburden_t", "float", False, "t", "overburden removed", low=0),
    Column("waste_rock_t", "float", False, "t", "waste rock mined", low=0),
    Column("tailings_t", "float", False, "t", "tailings (ore minus concentrate)", low=0),
    Column("stripping_waste", "str", False, "", "override of the commodity's stripping waste kind",
           allowed=STRIPPING_WASTES),
    Column("grade_fill", "str", False, "", "gap-fill level of grade", allowed=FILL_LEVELS),
    Column("recovery_fill", "str", False, "", "gap-fill level of recovery", allowed=FILL_LEVELS),
    Column("strip_ratio_fill", "str", False, "", "gap-fill level of strip ratio", allowed=FILL_LEVELS),
    Column("concentrate_grade_fill", "str", False, "", "gap-fill level of concentrate grade", allowed=FILL_LEVELS),
    *(column
      for var in ("grade", "recovery", "strip_ratio")
      for column in (
          Column(f"{var}_fill_n", "float", False, "mines", f"mines behind a filled {var} (empty: the mine's own)",
                 low=0),
          Column(f"{var}_fill_sigma", "float", False, "log", f"spread (sd of log) of a filled {var}", low=0),
          Column(f"{var}_fill_group", "str", False, "", f"rows sharing one filled {var} (one unknown)"),
      )),
    Column("ore_basis", "str", False, "", "ore_t reported, derived or allocated", allowed=FLOW_BASES),
    Column("waste_basis", "str", False, "", "overburden/waste rock reported, derived or allocated",
           allowed=FLOW_BASES),
    Column("tailings_basis", "str", False, "", "tailings reported, derived or allocated", allowed=FLOW_BASES),
)

COLUMNS: MappingProxyType[str, Column] = MappingProxyType({c.name: c for c in _COLUMNS})
REQUIRED: tuple[str, ...] = tuple(c.name for c in _COLUMNS if c.required)

#: Input spellings of grade units -> factor to a mass fraction.
GRADE_UNITS: MappingProxyType[str, float] = MappingProxyType(
    {"fraction": 1.0, "%": 0.01, "percent": 0.01, "pct": 0.01, "ppm": 1e-6, "g/t": 1e-6}
)
_SUFFIXES: MappingProxyType[str, float] = MappingProxyType({"pct": 0.01, "ppm": 1e-6, "gpt": 1e-6})
_SUFFIXED = {"grade": ("pct", "ppm", "gpt"), "recovery": ("pct",), "concentrate_grade": ("pct",)}
#: Every column name a site file may use for a schema column (suffixed spellings included).
INPUT_NAMES: tuple[str, ...] = (*COLUMNS, "grade_unit", *(f"{b}_{s}" for b, ss in _SUFFIXED.items() for s in ss))
#: How alike (difflib ratio) an unknown column must be to a schema name to count as a misspelling.
NEAR_MISS = 0.8


def _row(position: int) -> int:
    """Spreadsheet row of the 0-based data position (header = row 1)."""
    return position + 2


def _first_bad(mask: pd.Series) -> int | None:
    positions = np.flatnonzero(mask.to_numpy(dtype=bool))
    return int(positions[0]) if positions.size else None


def _resolve_units(df: pd.DataFrame, file: str | None, origin: dict[str, tuple[str, float]]) -> pd.DataFrame:
    """Turn unit-suffixed and grade_unit columns into mass-fraction columns.

    `origin` records, per converted column, the user's column and its factor, so a
    range error is blamed on what the user wrote (grade_pct = 150), not on `grade`.
    """
    for base, suffixes in _SUFFIXED.items():
        present = [c for c in (base, *(f"{base}_{s}" for s in suffixes)) if c in df.columns]
        if len(present) > 1:
            raise InputError(
                f"{base} is given twice ({', '.join(present)}); keep one column", file=file, row=1, column=present[1]
            )
        if present and present[0] != base:
            col = present[0]
            values = _numeric(df[col], col, file)
            df = df.drop(columns=col)
            df[base] = values * _SUFFIXES[col.rsplit("_", 1)[1]]
            origin[base] = (col, _SUFFIXES[col.rsplit("_", 1)[1]])
    if "grade_unit" in df.columns:
        if "grade" not in df.columns:
            raise InputError("grade_unit given without a grade column", file=file, row=1, column="grade_unit")
        units = df["grade_unit"].astype("object").where(df["grade_unit"].notna(), "fraction")
        units = units.map(lambda u: str(u).strip().lower())
        bad = _first_bad(~units.isin(list(GRADE_UNITS)))
        if bad is not None:
            raise InputError(
                f"unknown grade unit {df['grade_unit'].iloc[bad]!r}; use one of {', '.join(GRADE_UNITS)}",
                file=file, row=_row(bad), column="grade_unit",
            )
        df["grade"] = _numeric(df["grade"], "grade", file) * units.map(GRADE_UNITS).astype(float)
        df = df.drop(columns="grade_unit")
    elif "grade" in df.columns and "grade" not in origin:  # a converted grade is range-checked as written
        grade = _numeric(df["grade"], "grade", file)
        bad = _first_bad(grade > 1)
        if bad is not None:
            raise InputError(
                f"grade {grade.iloc[bad]} is above 100 % as a mass fraction; give percent in grade_pct, "
                "ppm in grade_ppm, or set grade_unit",
                file=file, row=_row(bad), column="grade",
            )
    return df


def _numeric(series: pd.Series, column: str, file: str | None) -> pd.Series:
    values = pd.to_numeric(series, errors="coerce").astype(float)
    bad = _first_bad(values.isna() & series.notna() & (series.astype("object").map(lambda v: str(v).strip()) != ""))
    if bad is not None:
        raise InputError(f"not a number: {series.iloc[bad]!r}{decimal_comma_hint(series.iloc[bad])}", file=file,
                         row=_row(bad), column=column)
    return values


def _check_range(values: pd.Series, col: Column, file: str | None, origin: tuple[str, float] | None = None) -> None:
    """Range checks of one numeric column; errors name the user's column and value (`origin`)."""
    name, factor = origin or (col.name, 1.0)
    bad = _first_bad(np.isinf(values))
    if bad is not None:
        raise InputError(f"{name} is infinite", file=file, row=_row(bad), column=name)
    if col.low is not None:
        too_low = values < col.low if col.low_inclusive else values <= col.low
        bad = _first_bad(too_low)
        if bad is not None:
            relation = ">=" if col.low_inclusive else ">"
            what = "negative tonnage" if col.unit.startswith("t") and col.low == 0 else "out of range"
            raise InputError(
                f"{what}: {name} = {values.iloc[bad] / factor:g}, must be {relation} {col.low / factor:g}",
                file=file, row=_row(bad), column=name,
            )
    if col.high is not None:
        bad = _first_bad(values > col.high)
        if bad is not None:
            limit = "100 %" if col.unit in {"mass fraction", "fraction"} else f"{col.high / factor:g}"
            raise InputError(
                f"out of range: {name} = {values.iloc[bad] / factor:g}, must be <= {limit}",
                file=file, row=_row(bad), column=name,
            )


def _text(series: pd.Series, col: Column, file: str | None) -> pd.Series:
    missing = series.isna() | (series.astype("object").map(lambda v: str(v).strip()) == "")
    if col.required:
        bad = _first_bad(missing)
        if bad is not None:
            raise InputError(f"{col.name} is empty", file=file, row=_row(bad), column=col.name)
    text = series.astype("object").where(~missing, None).map(lambda v: None if v is None else str(v).strip())
    if col.allowed is not None:
        bad = _first_bad(text.notna() & ~text.isin(list(col.allowed)))
        if bad is not None:
            raise InputError(
                f"unknown {col.name} {text.iloc[bad]!r}{did_you_mean(text.iloc[bad], col.allowed, 0.6)}; "
                f"expected one of {', '.join(sorted(col.allowed))}",
                file=file, row=_row(bad), column=col.name,
            )
    return text.astype("str") if col.required else text.astype("object")


def validate(df: pd.DataFrame, file: str | None = None) -> pd.DataFrame:
    """Check a site table and return it canonical: ISO3 countries, fractions, typed columns.

    Raises `InputError` naming `file`, the spreadsheet row and the column of the first
    problem. Columns outside the schema are kept, after the schema's own.
    """
    out = pd.DataFrame(df).reset_index(drop=True).copy()
    out.columns = [str(c).strip().lower() for c in out.columns]
    dupes = out.columns[out.columns.duplicated()]
    if len(dupes):
        raise InputError("column appears twice", file=file, row=1, column=str(dupes[0]))
    _check_names(list(out.columns), file)
    origin: dict[str, tuple[str, float]] = {}
    out = _resolve_units(out, file, origin)

    for col in _COLUMNS:
        if col.name not in out.columns:
            continue
        if col.dtype == "str":
            out[col.name] = _text(out[col.name], col, file)
            continue
        values = _numeric(out[col.name], col.name, file)
        _check_range(values, col, file, origin.get(col.name))
        if col.dtype == "int":
            bad = _first_bad(values.isna() | (values != values.round()))
            if bad is not None:
                raise InputError(f"{col.name} must be a whole number", file=file, row=_row(bad), column=col.name)
            out[col.name] = values.astype("int64")
        else:
            out[col.name] = values
    for col in _COLUMNS:
        if not col.required and col.name not in out.columns:
            out[col.name] = np.nan if col.dtype == "float" else pd.Series([None] * len(out), dtype="object")

    _check_required_numbers(out, file)
    _check_coordinates(out, file)
    _check_brine(out, file)
    out["country"] = _countries(out["country"], file)
    _check_unique_ids(out["mine_id"], file)
    extras = [c for c in out.columns if c not in COLUMNS]
    return out[[*COLUMNS, *extras]]


def _check_names(columns: list[str], file: str | None) -> None:
    """Missing required columns, and unknown columns that look like misspelled schema names, are errors.

    Other unknown columns (notes, source ids, derived flows) are kept as they are.
    """
    known = {*INPUT_NAMES, *DERIVED_COLUMNS, *ALLOCATION_COLUMNS}
    unknown = [c for c in columns if c not in known]
    for column in unknown:
        hint = did_you_mean(column, INPUT_NAMES, NEAR_MISS)
        if hint:
            raise InputError(f"unknown column {column!r}{hint}", file=file, row=1, column=column)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        hints = "".join(f"; {c}{did_you_mean(c, unknown, 0.6)}" for c in missing if did_you_mean(c, unknown, 0.6))
        raise InputError(f"missing required column(s): {', '.join(missing)}{hints}", file=file, row=1,
                         column=missing[0])


def _check_required_numbers(df: pd.DataFrame, file: str | None) -> None:
    bad = _first_bad(df["metal_t"].isna())
    if bad is not None:
        raise InputError("metal_t is empty", file=file, row=_row(bad), column="metal_t")


def _check_coordinates(df: pd.DataFrame, file: str | None) -> None:
    is_mine = (df["resolution"] == "mine").to_numpy()
    for column in ("latitude", "longitude"):
        bad = _first_bad(df[column].isna() & is_mine)
        if bad is not None:
            raise InputError(
                f"{column} is missing; only rest_of_country rows may lack coordinates",
                file=file, row=_row(bad), column=column,
            )


def _check_brine(df: pd.DataFrame, file: str | None) -> None:
    """Brine is only a deposit type where the commodity has a brine profile (lithium)."""
    no_brine = {c.code for c in commodities.COMMODITIES.values() if not c.has_brine}
    bad = _first_bad((df["mine_type"] == "brine") & df["commodity"].isin(list(no_brine)))
    if bad is not None:
        raise InputError(
            f"mine_type 'brine' is not possible for {df['commodity'].iloc[bad]}", file=file, row=_row(bad),
            column="mine_type",
        )


def _countries(series: pd.Series, file: str | None) -> pd.Series:
    codes: dict[str, str] = {}
    for position, name in enumerate(series):
        if name not in codes:
            codes[name] = to_iso3(name, file=file, row=_row(position), column="country")
    return series.map(codes).astype("str")


def _check_unique_ids(ids: pd.Series, file: str | None) -> None:
    duplicated = ids.duplicated()
    bad = _first_bad(duplicated)
    if bad is not None:
        first = int(np.flatnonzero((ids == ids.iloc[bad]).to_numpy())[0])
        raise InputError(
            f"duplicate mine_id {ids.iloc[bad]!r} (first on row {_row(first)})", file=file, row=_row(bad),
            column="mine_id",
        )
