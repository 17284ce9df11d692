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


class ResultFormat(str, Enum):
    """File format of the written tables, or `iamc`: one IAMC long table (CSV) for scenario modellers."""

    parquet = "parquet"
    csv = "csv"
    iamc = "iamc"


FleetOption = Annotated[
    Path | None, typer.Option("--fleet", help="CSV with columns vehicle,count (default: China 2019 production).")
]
HomeOption = Annotated[str, typer.Option("--home", help="Home country (ISO3 or name) for the domestic/abroad split.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Directory for the output files.")]
FormatOption = Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")]
ResultFormatOption = Annotated[
    ResultFormat, typer.Option("--format", help="Table format for --out; iamc: the IAMC long table (CSV).")
]
