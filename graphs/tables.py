"""Reading the bundled (or a user's) CSV tables, with errors that point at the cell.

Why not plain `pandas.read_csv`: a user who edits a bill of materials must be told
"file bom.csv, row 14, column 'kg_per_unit': not a number", not a stack trace. Every
table is read as text and each cell is checked here, with 1-based spreadsheet rows
(header = row 1). Every table must carry a non-empty `source` on every row.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from graphs.model import Distribution
from hfcommon.errors import InputError, decimal_comma_hint, did_you_mean, separator_hint


@dataclass(frozen=True)
class Row:
    """One data row of a table: its cells by column, and where it came from."""

    file: str
    row: int
    cells: dict[str, str]

    def text(self, column: str, *, required: bool = True) -> str:
        """The stripped text of a cell; empty is an error when `required`."""
        value = self.cells.get(column, "").strip()
        if required and not value:
            raise self.error(column, "is empty")
        return value

    def number(self, column: str, *, minimum: float | None = 0.0) -> float:
        """A finite number, by default non-negative."""
        text = self.text(column)
        try:
            value = float(text)
        except ValueError:
            raise self.error(column, f"{text!r} is not a number{decimal_comma_hint(text)}") from None
        if not math.isfinite(value):
            raise self.error(column, f"{text!r} is not finite")
        if minimum is not None and value < minimum:
            raise self.error(column, f"{value} is below {minimum}")
        return value

    def flag(self, column: str) -> bool:
        """A yes/no cell (`true/false`, `yes/no`, `1/0`, empty = no)."""
        text = self.text(column, required=False).lower()
        if text in ("", "false", "no", "0"):
            return False
        if text in ("true", "yes", "1"):
            return True
        raise self.error(column, f"{text!r} is not yes/no")

    def distribution(self, column: str) -> Distribution | None:
        """An optional uncertainty spec such as `triangular(0.9, 1, 1.1)`."""
        text = self.text(column, required=False)
        if not text:
            return None
        try:
            return Distribution.from_text(text)
        except ValueError as exc:
            raise self.error(column, str(exc)) from None

    def error(self, column: str | None, message: str) -> InputError:
        """An `InputError` located at this row (and column)."""
        return InputError(message, file=self.file, row=self.row, column=column)


def data_dir() -> Path:
    """The folder of the tables shipped with the package."""
    return Path(str(resources.files("graphs") / "data"))


def bundled(name: str) -> Path:
    """Path of a table shipped in graphs/data."""
    return data_dir() / name


#: Optional columns every table may have (a cell's uncertainty, its source).
COMMON_OPTIONAL: tuple[str, ...] = ("source", "uncertainty")


def read_rows(
    path: str | Path, required: Sequence[str], *, require_source: bool = True, optional: Sequence[str] = ()
) -> list[Row]:
    """All data rows of a CSV file that has at least the `required` columns.

    Blank lines and lines whose first cell starts with `#` are comments. Every
    bundled table must have a `source` column with text on every row; a user's
    fleet file need not (`require_source=False`). A column that looks like a
    misspelling of a required or `optional` one (`uncertainity`) is an error, since
    it would be silently ignored; other extra columns (notes) are kept out of the way.
    """
    path = Path(path)
    label = f"graphs/data/{path.name}" if path.parent == data_dir() else str(path)
    columns = (*required, "source") if require_source else tuple(required)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")  # -sig: Excel's byte-order mark is not a column
    except OSError as exc:
        raise InputError(f"cannot read the table: {exc.strerror}", file=str(path)) from None
    with handle:
        reader = csv.reader(handle)
        header = next(_records(reader), None)
        if header is None:
            raise InputError("the table is empty", file=label)
        names = [h.strip() for h in header[1]]
        hint = separator_hint(names)
        if hint:
            raise InputError(hint, file=label, row=1)
        _check_near_misses(names, (*required, *optional, *COMMON_OPTIONAL), label)
        missing = [c for c in columns if c not in names]
        if missing:
            hints = "".join(did_you_mean(c, names, 0.6) for c in missing[:1])
            raise InputError(f"missing column(s) {', '.join(missing)}{hints}", file=label, row=1, column=missing[0])
        rows = []
        for number, cells in _records(reader):
            if len(cells) > len(names):
                raise InputError(f"{len(cells)} cells but {len(names)} columns (an unquoted comma, e.g. a decimal "
                                 "comma 1,5?)", file=label, row=number)
            row = Row(label, number, dict(zip(names, cells, strict=False)))
            if require_source:
                row.text("source")
            rows.append(row)
    return rows


def _check_near_misses(names: Sequence[str], known: Sequence[str], label: str) -> None:
    for name in names:
        hint = did_you_mean(name, known, 0.8) if name not in known else ""
        if hint:
            raise InputError(f"unknown column {name!r}{hint}", file=label, row=1, column=name)


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str]]]:
    """Non-comment, non-blank records with their 1-based line numbers."""
    for cells in reader:
        number = reader.line_num  # type: ignore[attr-defined]
        if not cells or all(not c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
            continue
        yield number, cells
