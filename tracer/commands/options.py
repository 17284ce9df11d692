"""Options and consoles every command shares, declared once so they read the same everywhere.

Options that name a place to write are checked when the command line is parsed, before
any computation (`hfcommon.output.check_out`); `--home` is resolved to ISO3 the same
way. A bad value is a usage error (exit 2) that names the option.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.output import check_out

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


def _checked(check: Callable[[Any], Any]) -> Callable[[typer.Context, typer.CallbackParam, Any], Any]:
    """A typer callback that turns an `InputError` of `check` into a usage error naming the option."""

    def callback(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
        if value is None or ctx.resilient_parsing:
            return value
        try:
            check(value)
        except InputError as exc:
            raise typer.BadParameter(exc.message) from None
        return value

    return callback


check_out_dir = _checked(check_out)
check_out_file = _checked(lambda path: check_out(path, directory=False))
check_home = _checked(lambda name: to_iso3(name, column="--home"))


def out_dir_option(help: str = "Directory for the output files.") -> Any:
    """`--out DIR` for a command that writes a set of files (checked before anything runs)."""
    return typer.Option("--out", help=help, callback=check_out_dir)


def out_file_option(help: str) -> Any:
    """`--out FILE` for a command that writes one file (checked before anything runs)."""
    return typer.Option("--out", help=help, callback=check_out_file)


FleetOption = Annotated[
    Path | None, typer.Option("--fleet", help="CSV with columns vehicle,count (default: China 2019 production).")
]
HomeOption = Annotated[
    str, typer.Option("--home", help="Home country (ISO3 or name) for the domestic/abroad split.", callback=check_home)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON only.")]
OutOption = Annotated[Path | None, out_dir_option()]
FormatOption = Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")]
ResultFormatOption = Annotated[
    ResultFormat, typer.Option("--format", help="Table format for --out; iamc: the IAMC long table (CSV).")
]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="Local dask worker processes (1 = no dask, the fastest on two cores).")
]
SchedulerOption = Annotated[
    str | None, typer.Option("--scheduler", help="Address of an existing dask scheduler (tcp://host:port).")
]
