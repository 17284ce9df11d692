"""The one table of modelling assumptions, read and validated for every layer.

Why in hfcommon: the network (graphs), mine_db's defaults and the stock model (tracer)
all rest on assumptions, and the project keeps them in one table, each with its reason
and range. hfcommon is the lowest layer, so every layer can read it without an upward
import. graphs evaluates the `network` rows as formula parameters; the others cite ids.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError, field_validator

from hfcommon.errors import InputError, RequiredText

#: The table as a user reads its name in citations, docs and reports.
TABLE = "hfcommon/data/assumptions.csv"
COLUMNS: tuple[str, ...] = ("id", "scope", "parameter", "value", "unit", "range", "reason", "source")
Scope = Literal["network", "mine_db", "stock"]

_REGISTER_ID = re.compile(r"^A\d{2}$")
_DISTRIBUTION = re.compile(r"^[a-z]+\(.+\)$")
_LOW_TO_HIGH = re.compile(r"^([-+]?\d+(?:\.\d*)?) to ([-+]?\d+(?:\.\d*)?)$")


class Assumption(BaseModel):
    """One row: a value with no published source, why it was taken, and its range."""

    id: RequiredText
    scope: Scope
    parameter: RequiredText
    value: RequiredText
    unit: str = ""
    range: str = ""
    reason: RequiredText
    source: str = ""

    @field_validator("range")
    @classmethod
    def _range(cls, text: str) -> str:
        """A distribution (`uniform(0.4, 1)`, checked where it is used) or `low to high`."""
        text = text.strip()
        match = _LOW_TO_HIGH.match(text)
        if match and float(match[1]) > float(match[2]):
            raise ValueError(f"{text!r}: low is above high")
        if text and not match and not _DISTRIBUTION.match(text):
            raise ValueError(f"{text!r} is neither a distribution such as uniform(0.4, 1) nor 'low to high'")
        return text

    @property
    def bounds(self) -> tuple[float, float] | None:
        """(low, high) of a `low to high` range; None for a distribution or no range."""
        match = _LOW_TO_HIGH.match(self.range)
        return (float(match[1]), float(match[2])) if match else None

    def check_id(self) -> None:
        """Network ids are the parameter names formulas use; the others are register ids A01, A02 ..."""
        if self.scope == "network" and not self.id.isidentifier():
            raise ValueError(f"{self.id!r} is not a parameter name (letters, digits, underscores)")
        if self.scope != "network" and not _REGISTER_ID.match(self.id):
            raise ValueError(f"{self.id!r} is not a register id such as A07")


def bundled() -> Path:
    """Path of the table shipped with the package."""
    return Path(str(resources.files("hfcommon") / "data" / "assumptions.csv"))


def load_assumptions(path: str | Path | None = None) -> dict[str, Assumption]:
    """Every assumption by id, validated; bad input raises InputError at its file, row and column."""
    path = Path(path) if path is not None else bundled()
    label = TABLE if path == bundled() else str(path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read the table: {exc.strerror}", file=label) from None
    with handle:
        records = _records(csv.reader(handle))
        header = next(records, None)
        if header is None:
            raise InputError("the table is empty", file=label)
        names = [h.strip() for h in header[1]]
        missing = [c for c in COLUMNS if c not in names]
        if missing:
            raise InputError(f"missing column(s) {', '.join(missing)}", file=label, row=1, column=missing[0])
        found: dict[str, Assumption] = {}
        for number, cells in records:
            if len(cells) > len(names):
                raise InputError(f"{len(cells)} cells but {len(names)} columns (an unquoted comma?)",
                                 file=label, row=number)
            item = _validated(dict(zip(names, cells, strict=False)), label, number)
            if item.id in found:
                raise InputError(f"id {item.id!r} is defined twice", file=label, row=number, column="id")
            found[item.id] = item
    return found


def assumption_ids(scope: Scope | None = None) -> frozenset[str]:
    """Ids of the bundled table (of one scope), for layers that cite assumptions by id."""
    return frozenset(i for i, a in load_assumptions().items() if scope is None or a.scope == scope)


def _validated(cells: dict[str, str], label: str, number: int) -> Assumption:
    try:
        item = Assumption.model_validate({k: v for k, v in cells.items() if k in COLUMNS})
    except ValidationError as exc:
        error = exc.errors()[0]
        column = str(error["loc"][0]) if error["loc"] else None
        raise InputError(error["msg"].removeprefix("Value error, "), file=label, row=number, column=column) from None
    try:
        item.check_id()
    except ValueError as exc:
        raise InputError(str(exc), file=label, row=number, column="id") from None
    return item


def _records(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Non-comment, non-blank records with their 1-based line numbers."""
    for cells in reader:
        if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        yield reader.line_num, cells
