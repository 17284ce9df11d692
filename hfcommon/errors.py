"""One error type for bad input, shared by every layer (mine_db -> graphs -> tracer).

A user who feeds the tool a broken file must learn *where* it is broken: the file,
the row (1-based, as a spreadsheet shows it, header = row 1) and the column; a
command-line option is given as the column with its dashes ("--home"). The hints below
say *why* a file that opens fine in a spreadsheet reads wrong here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")


@dataclass(eq=False)
class InputError(ValueError):
    """Bad input data, located as precisely as the caller knows."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(f"file {self.file}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:  # a command-line option is named as such (--home), not as a column
            where.append(f"option {self.column}" if self.column.startswith("--") else f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class NonFiniteOutputError(InputError):
    """A result overflowed (inf) or is undefined where a number must be written."""


def did_you_mean(name: str, candidates: Iterable[str], cutoff: float = 0.75) -> str:
    """' (did you mean 'x' or 'y'?)' for near misses of `name` among `candidates`, else ''."""
    by_lower = {str(c).lower(): str(c) for c in candidates}
    close = [by_lower[c] for c in difflib.get_close_matches(str(name).strip().lower(), by_lower, n=3, cutoff=cutoff)]
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def decimal_comma_hint(text: object) -> str:
    """A hint when a cell that failed to parse as a number looks like a decimal comma ('1,5')."""
    return "; a decimal comma? write numbers with a point (1.5)" if _DECIMAL_COMMA.match(str(text).strip()) else ""


def separator_hint(header: Sequence[str]) -> str | None:
    """Why a CSV header came out as one column: semicolons or tabs as separators (Excel in many locales)."""
    if len(header) != 1:
        return None
    for separator, name in ((";", "semicolons"), ("\t", "tabs")):
        if separator in str(header[0]):
            return (f"the columns are separated by {name}, not commas (Excel saves CSV this way in many "
                    "locales); save as 'CSV UTF-8 (comma delimited)' or replace the separators with commas")
    return None


def _required(text: str) -> str:
    text = text.strip()
    if not text:
        raise ValueError("is empty")
    return text


#: A text cell a declared table requires: stripped, and "is empty" (named by the table's
#: row and column) where it holds nothing.
RequiredText = Annotated[str, AfterValidator(_required)]
