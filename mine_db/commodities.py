"""The twelve mined commodities the tracer follows and their sourced fall-back coefficients.

Why a registry: a tonne of "copper" means a tonne of Cu *content*, a tonne of
"bauxite" a tonne of *gross* ore, a tonne of "graphite" a tonne of marketable
concentrate. Hidden-flow arithmetic (ore = metal / (grade x recovery)) is only right
when production, grade and concentrate grade are stated on the same basis, so each
commodity declares that basis once, in `data/commodities.csv`, matching how national
2019 production is reported (/work/shared/domain/G_world_mine_production_2019.md, G0).
Graphite and rare earths are both kept: graphite is the anode of every lithium-ion
battery, rare earths the magnets of most EV traction motors.

The last rung of gap filling (`mine_db.gapfill`) is a default per commodity, mining
method (surface, underground, brine), where it matters deposit type (porphyry or
sediment-hosted copper, laterite or sulphide nickel, ...) and, for recovery, process route
(`flotation` concentrators; `leach`: heap, dump or tank leaching with SX-EW to cathode, which
recovers far less copper than a concentrator; `mixed` for both), declared in
`data/default_coefficients.csv`: value, published range (low, high), sample size, the
document and the table or page it was read in, and a quality label (`derived` from a
named dataset by a stated recipe, `read`, `weak` = read only as a second-hand quotation,
`lab`, `planned`, `definition`, or `assumption`, whose reason and range are in the one
assumptions table, hfcommon/data/assumptions.csv, under its `assumption_id`, checked on
load). Both tables are validated on load (pydantic); a bad cell names its file, row and
column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from hfcommon import assumptions
from hfcommon.errors import InputError

DATA_DIR = Path(__file__).parent / "data"
COMMODITY_TABLE = DATA_DIR / "commodities.csv"
COEFFICIENT_TABLE = DATA_DIR / "default_coefficients.csv"

StrippingWaste = Literal["overburden", "waste_rock"]
Method = Literal["surface", "underground", "brine"]
Process = Literal["flotation", "leach", "mixed", "direct_shipping", "concentrator", "dry_and_wet", "washed"]
PROCESSES: tuple[str, ...] = get_args(Process)
Variable = Literal["grade", "recovery", "strip_ratio", "concentrate_grade"]
Quality = Literal["derived", "read", "weak", "lab", "planned", "definition", "assumption"]
VARIABLES: tuple[str, ...] = ("grade", "recovery", "strip_ratio", "concentrate_grade")
#: `commodity` of a default that holds for every commodity mined by its method.
ANY_COMMODITY = "all"
#: A published range (low, high) is read as a 90 % interval of a lognormal (as national statistics are).
Z90 = 1.645


@dataclass(frozen=True)
class Sourced:
    """A number with the text that says where it comes from."""

    value: float
    source: str


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Coefficient(_Row):
    """One sourced default: a variable's value for a commodity, mining method, deposit type and process route."""

    commodity: str
    method: Method | None = None
    deposit_type: str | None = None
    process: Process | None = None
    variable: Variable
    value: float
    low: float | None = None
    high: float | None = None
    n: int | None = None
    quality: Quality
    source: str
    where_read: str
    assumption_id: str | None = None
    note: str | None = None

    @field_validator("method", "deposit_type", "process", "low", "high", "n", "assumption_id", "note", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @model_validator(mode="after")
    def _consistent(self) -> Coefficient:
        if self.variable == "strip_ratio":
            if self.value < 0:
                raise ValueError("value: a strip ratio cannot be negative")
            if self.method is None:
                raise ValueError("method: a strip ratio default must name its mining method")
        elif not 0 < self.value <= 1:
            raise ValueError(f"value: a {self.variable} is a fraction in (0, 1]")
        if self.low is not None and self.high is not None and not self.low <= self.value <= self.high:
            raise ValueError("value: must lie within low-high")
        if self.quality == "assumption" and self.assumption_id is None:
            raise ValueError(f"assumption_id: a modelling assumption must name its row in {assumptions.TABLE}")
        return self

    @property
    def sigma(self) -> float | None:
        """Spread (sd of log) of the published range read as a 90 % interval; None without a range."""
        if self.low is None or self.high is None or self.low <= 0 or self.high <= self.low:
            return None
        return math.log(self.high / self.low) / (2 * Z90)

    @property
    def citation(self) -> str:
        label = "" if self.quality in ("derived", "read", "definition") else f"{self.quality.upper()}: "
        text = f"{label}{self.source} ({self.where_read})"
        if self.n is not None:
            text += f", n = {self.n}"
        if self.low is not None and self.high is not None:
            text += f", range {self.low:.4g}-{self.high:.4g}"
        return text

    def sourced(self) -> Sourced:
        return Sourced(self.value, self.citation)


def _surface_default(variable: str) -> property:
    """A commodity's surface-mine default of `variable`, any deposit type (read from the table on use)."""
    return property(lambda self: default(self.code, "surface", None, variable).sourced())


class Commodity(_Row):
    """One mined commodity (a row of `data/commodities.csv`): its production basis and its generic defaults.

    `grade` is the mass fraction of the *graded substance* in run-of-mine ore;
    `basis_content` is the mass fraction of that substance in one tonne of the
    production basis (0.95 for graphite, reported as marketable concentrate), so
    ore = metal_t * basis_content / (grade * recovery). `direct_shipping` marks
    commodities often sold as mined (a high ore grade is then no concentrate figure).
    `grade`, `recovery`, `strip_ratio` and `concentrate_grade` are the surface-mine
    defaults of any deposit type; `default()` gives the method- and deposit-specific ones.
    """

    code: str
    name: str
    basis: str
    unit: str
    graded_substance: str
    stripping_waste: StrippingWaste
    direct_shipping: bool
    basis_content_value: float = Field(alias="basis_content")
    basis_content_source: str

    grade = _surface_default("grade")
    recovery = _surface_default("recovery")
    strip_ratio = _surface_default("strip_ratio")
    concentrate_grade = _surface_default("concentrate_grade")

    @property
    def basis_content(self) -> Sourced:
        """The graded substance's mass fraction of the basis, with its source."""
        return Sourced(self.basis_content_value, self.basis_content_source)

    @property
    def has_brine(self) -> bool:
        """Whether the commodity is also produced from brine (a brine grade default exists)."""
        return any(c.commodity == self.code and c.method == "brine" and c.variable == "grade" for c in coefficients())


def _read_rows(path: Path, model: type[_Row]) -> list:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            records = list(csv.DictReader(handle))
    except FileNotFoundError:
        raise InputError("bundled table missing", file=str(path)) from None
    rows = []
    for position, record in enumerate(records):
        try:
            rows.append(model.model_validate(record))
        except ValidationError as exc:
            error = exc.errors()[0]
            column = str(error["loc"][0]) if error["loc"] else str(error["msg"]).split(":")[0].removeprefix("Value error, ")
            raise InputError(f"{error['msg']}", file=str(path), row=position + 2, column=column) from None
    return rows


@cache
def _commodities() -> MappingProxyType[str, Commodity]:
    return MappingProxyType({c.code: c for c in _read_rows(COMMODITY_TABLE, Commodity)})


def read_coefficients(path: Path = COEFFICIENT_TABLE) -> tuple[Coefficient, ...]:
    """A defaults table (the bundled one by default), validated: known commodities, one row per key."""
    rows: list[Coefficient] = _read_rows(path, Coefficient)
    known = set(_commodities()) | {ANY_COMMODITY}
    listed = assumptions.assumption_ids("mine_db")
    keys = [(r.commodity, r.method, r.deposit_type, r.process, r.variable) for r in rows]
    for position, row in enumerate(rows):
        if row.commodity not in known:
            raise InputError(f"unknown commodity {row.commodity!r}", file=str(path), row=position + 2,
                             column="commodity")
        if row.assumption_id is not None and row.assumption_id not in listed:
            raise InputError(f"{row.assumption_id!r} is not a mine_db row of {assumptions.TABLE}", file=str(path),
                             row=position + 2, column="assumption_id")
        if keys.index(keys[position]) != position:
            raise InputError("duplicate default (commodity, method, deposit_type, process, variable)", file=str(path),
                             row=position + 2, column="variable")
    return tuple(rows)


@cache
def coefficients() -> tuple[Coefficient, ...]:
    """Every row of the bundled `data/default_coefficients.csv`, validated once."""
    return read_coefficients()


def default(code: str, method: str, deposit_type: str | None, variable: str,
            process: str | None = None) -> Coefficient:
    """The most specific default for a commodity, method, deposit type and process route.

    A row matches where each of its commodity (or `all`), method, deposit type and process
    is the asked one or empty; the best match is the commodity's own row before an `all`
    row, then a row naming the process (a leach recovery is not a concentrator's, whatever
    the mine), then one naming the method, then one naming the deposit type.
    """
    get(code)
    best = _best_row((code, ANY_COMMODITY), method, deposit_type, variable, process)
    if best is None:
        raise InputError(f"no default {variable} for {code} mined by {method}", file=str(COEFFICIENT_TABLE))
    return best


def wider_default(method: str, variable: str, process: str | None = None) -> Coefficient | None:
    """The all-commodity default of a variable for a mining method and process route, if the table has one:
    the wider sample a commodity's default of fewer than five mines is pooled with (`mine_db.gapfill`)."""
    return _best_row((ANY_COMMODITY,), method, None, variable, process)


def _best_row(codes: tuple[str, ...], method: str, deposit_type: str | None, variable: str,
              process: str | None) -> Coefficient | None:
    deposit_type = deposit_type or None
    process = process or None
    best: tuple[tuple[bool, bool, bool, bool], Coefficient] | None = None
    for row in coefficients():
        if row.variable != variable or row.commodity not in codes:
            continue
        if row.method not in (None, method) or row.deposit_type not in (None, deposit_type):
            continue
        if row.process not in (None, process):
            continue
        rank = (row.commodity == codes[0], row.process is not None, row.method is not None,
                row.deposit_type is not None)
        if best is None or rank > best[0]:
            best = (rank, row)
    return None if best is None else best[1]


def deposit_types() -> frozenset[str]:
    """Deposit types the defaults distinguish (a site's `deposit_type` must be one of them)."""
    return frozenset(r.deposit_type for r in coefficients() if r.deposit_type)


def get(code: str) -> Commodity:
    """The commodity registered under `code`; `InputError` for anything else."""
    try:
        return _commodities()[code]
    except KeyError:
        raise InputError(f"unknown commodity {code!r}; expected one of {', '.join(CODES)}") from None


COMMODITIES: MappingProxyType[str, Commodity] = _commodities()
CODES: tuple[str, ...] = tuple(COMMODITIES)
