"""Options and consoles every command shares, declared once so they read the same everywhere."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

stdout = Console()
"""Results (tables, or JSON only with --json)."""
stderr = Console(stderr=True)
"""Progress bars and notes, kept off stdout so --json output stays parseable."""


class TableFormat(str, Enum):
    """File format of the written tables."""

    parquet = "parquet"
    csv = "csv"


FleetOption = Annotated[
    Path | None, typer.Option("--fleet", help="CSV with columns vehicle,count (default: China 2019 production).")
]
HomeOption = Annotated[str, typer.Option("--home", help="Home country (ISO3 or name) for the domestic/abroad split.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Directory for the output files.")]
FormatOption = Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="Local dask worker processes (1 = no dask, the fastest on two cores).")
]
SchedulerOption = Annotated[
    str | None, typer.Option("--scheduler", help="Address of an existing dask scheduler (tcp://host:port).")
]
