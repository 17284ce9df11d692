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
from rich.text import Text
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


def _span(console: Console, cells: Sequence[str], numeric: bool) -> tuple[int, int]:
    """(narrowest, widest) a column can be without breaking a word or a number."""
    widths = [Measurement.get(console, console.options, Text(cell)) for cell in cells]
    widest = max((m.maximum for m in widths), default=1)
    if numeric:
        narrowest = max((m.maximum for m in widths[1:]), default=1)  # numbers whole; the header may wrap
        return max(narrowest, max((m.minimum for m in widths[:1]), default=1)), widest
    return max((m.minimum for m in widths), default=1), widest


def _widths(console: Console, columns: Sequence[Col], rows: list[Sequence[str]]) -> list[int] | None:
    """Column widths that fit the console without cutting a word, or None when even the narrowest do not."""
    spans = [_span(console, [col.header, *(row[i] for row in rows)], col.numeric) for i, col in enumerate(columns)]
    room = console.width - (3 * len(columns) + 1)  # borders and one space of padding either side
    narrow = [lo for lo, _ in spans]
    if sum(narrow) > room:
        return None
    if sum(hi for _, hi in spans) <= room:
        return [hi for _, hi in spans]
    spare, want = room - sum(narrow), [hi - lo for lo, hi in spans]
    extra = [spare * w // sum(want) for w in want]
    return [lo + e for lo, e in zip(narrow, extra)]


def _build(title: str | None, columns: Sequence[Col], rows: list[Sequence[str]], widths: Sequence[int | None],
           caption: str | None) -> Table:
    table = Table(title=title, title_justify="left", caption=caption, caption_justify="left")
    for col, width in zip(columns, widths):
        table.add_column(col.header, justify="right" if col.numeric else "left", overflow="fold", width=width)
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
    """A table no wider than the console: droppable columns go (named in the caption) until it fits.

    Should even the essential columns not fit (a very narrow window), long words fold rather than
    being cut with an ellipsis.
    """
    rows = [tuple(str(cell) for cell in row) for row in rows]
    keep = list(range(len(columns)))
    dropped: list[str] = []
    while True:
        shown, cells = [columns[i] for i in keep], [[row[i] for i in keep] for row in rows]
        widths = _widths(console, shown, cells)
        candidates = [i for i in keep if columns[i].drop > 0]
        if widths is not None or not candidates:
            break
        victim = max(candidates, key=lambda i: (columns[i].drop, i))
        keep.remove(victim)
        dropped.insert(0, columns[victim].header)
    note = f"not shown at {console.width} columns: {', '.join(dropped)} (wider window or --json)" if dropped else None
    text = "\n".join(filter(None, (caption, note))) or None
    return _build(title, shown, cells, widths or [None] * len(shown), text)


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
