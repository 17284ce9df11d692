"""Terminal tables that fit the window: every command's tables go through `show`.

Why: rich shrinks a too-wide table by cutting cells to `BEV-N…` and `4.275…`, which reads
as a different vehicle or number. Here a cell is never cut: text wraps at spaces, numbers
keep their full width, and when even that does not fit, the columns a command marked as
least important are left out with a note saying which (`--json` has everything).
Numbers are written by `hfcommon.display`, the format the report and figures share.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table
from typer.core import TyperOption

from hfcommon.display import country_name, node_name
from tracer.commands.options import stdout

IdsOption = Annotated[bool, typer.Option("--ids", help="Show network ids (material:copper, PER) instead of names.")]


@dataclass(frozen=True)
class Col:
    """One column: its header, whether it holds numbers (right-aligned, never wrapped) and its drop order.

    `drop` 0 means always shown; among the others the highest is left out first when the
    window is too narrow.
    """

    header: str
    numeric: bool = False
    drop: int = 0


def _build(title: str | None, columns: Sequence[Col], rows: list[Sequence[str]], caption: str | None) -> Table:
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    for i, col in enumerate(columns):
        widest = max((len(row[i]) for row in rows), default=0)
        table.add_column(
            col.header,
            justify="right" if col.numeric else "left",
            overflow="fold",
            min_width=widest if col.numeric else None,
        )
    for row in rows:
        table.add_row(*row)
    return table


def fit(
    title: str | None,
    columns: Sequence[Col],
    rows: Iterable[Sequence[str]],
    console: Console = stdout,
    caption: str | None = None,
) -> Table:
    """A table no wider than the console: droppable columns go (named in the caption) until it fits."""
    rows = [tuple(str(cell) for cell in row) for row in rows]
    keep = list(range(len(columns)))
    dropped: list[str] = []
    while True:
        note = f"not shown at {console.width} columns: {', '.join(dropped)} (wider window or --json)" if dropped else None
        text = "\n".join(filter(None, (caption, note))) or None
        table = _build(title, [columns[i] for i in keep], [[row[i] for i in keep] for row in rows], text)
        width = Measurement.get(console, console.options, table).minimum
        candidates = [i for i in keep if columns[i].drop > 0]
        if width <= console.width or not candidates:
            return table
        victim = max(candidates, key=lambda i: (columns[i].drop, i))
        keep.remove(victim)
        dropped.insert(0, columns[victim].header)


def show(
    title: str | None,
    columns: Sequence[Col],
    rows: Iterable[Sequence[str]],
    console: Console = stdout,
    caption: str | None = None,
) -> None:
    """Print `fit(...)`."""
    console.print(fit(title, columns, rows, console, caption))


def name(node_id: str, ids: bool = False) -> str:
    """A network id as a reader's name, or the id itself with --ids."""
    return str(node_id) if ids else node_name(node_id)


def country(iso3: str, ids: bool = False) -> str:
    """An ISO3 code as the country's name, or the code with --ids."""
    return str(iso3) if ids else country_name(str(iso3))


def _flag_type(self: TyperOption, ctx: typer.Context) -> str | None:
    """Flags take no value, so --help shows no `<bool>` after them (typer 0.29 prints one)."""
    return None if self.is_flag else _typed(self, ctx)


_typed = TyperOption.display_type_rich
TyperOption.display_type_rich = _flag_type  # type: ignore[method-assign]
