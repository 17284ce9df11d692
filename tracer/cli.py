"""The `tracer` command: a root Typer app that each room's module extends."""

from __future__ import annotations

import sys

import typer
from rich.console import Console

from hfcommon.errors import InputError
from tracer.commands import (
    db,
    export,
    fleet,
    graph,
    maps,
    reconcile,
    run,
    scenarios,
    uncertainty,
)

app = typer.Typer(
    name="tracer",
    help="Trace the hidden material flows (overburden, waste rock, tailings) behind vehicles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)



@app.callback()
def _root() -> None:
    """Trace the hidden material flows (overburden, waste rock, tailings) behind vehicles."""


@app.command()
def version() -> None:
    """Print the tracer version."""
    from tracer import __version__

    typer.echo(__version__)


for _module in (db, graph, run, scenarios, uncertainty, maps, fleet, reconcile, export):
    _module.register(app)


def main() -> None:
    """Entry point that turns bad-input errors into a clear message and exit code 2."""
    try:
        app()
    except InputError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
