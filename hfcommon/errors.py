"""One error type for bad input, shared by every layer (mine_db -> graphs -> tracer).

A user who feeds the tool a broken file must learn *where* it is broken: the file,
the row (1-based, as a spreadsheet shows it, header = row 1) and the column.
"""

from __future__ import annotations

from dataclasses import dataclass


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
        if self.column is not None:
            where.append(f"column '{self.column}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
