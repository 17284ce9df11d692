"""The `tracer` command: a root Typer app whose commands are imported only when they run.

Why lazy: importing every command module pulls in pandas, scipy, matplotlib, geopandas,
plotly and dask (about 2 s) before `tracer --help` can print a line. The root group
lists the commands from `COMMANDS` (name, module, one-line help) and imports a module
only when one of its commands is run or asked for its own help. A test pins `COMMANDS`
to what the modules really register, so the listing cannot drift from the commands.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, NamedTuple

import typer
from typer.core import TyperCommand, TyperGroup

from hfcommon.errors import InputError


class LazyCommand(NamedTuple):
    """Where a root command lives and the one line `tracer --help` shows for it."""

    module: str
    summary: str


COMMANDS: dict[str, LazyCommand] = {
    "run": LazyCommand(
        "run", "Trace the fleet's hidden flows and CO2e: TMR, per-vehicle, domestic vs abroad, top countries."
    ),
    "vehicle": LazyCommand(
        "run", "One vehicle's TMR and CO2e: by flow type, group, material, first-tier component and country."
    ),
    "coefficients": LazyCommand(
        "run", "TMR coefficient (t per unit of output) of every node: ore, metal, battery, vehicle."
    ),
    "paths": LazyCommand(
        "run", "The largest supply paths of hidden flows (for explanation; totals come from the solve)."
    ),
    "compare": LazyCommand(
        "scenarios", "Compare scenarios: totals and change against the first by flow type, vehicle, country, material."
    ),
    "sweep": LazyCommand(
        "scenarios", "Sweep one scenario parameter over a range (e.g. copper recycled content 0 to 0.6)."
    ),
    "mc": LazyCommand("uncertainty", "Monte Carlo ranges (mean, sd, percentiles) of every indicator and split."),
    "sensitivity": LazyCommand(
        "uncertainty",
        "One-at-a-time tornado and grouped Sobol indices of TMR and hidden flows (fleet or one vehicle).",
    ),
    "map": LazyCommand(
        "maps",
        "World map of hidden flows by producing country or mine: PNG, SVG, GeoJSON, GeoPackage, GeoParquet, HTML.",
    ),
    "sankey": LazyCommand(
        "maps", "Sankey diagram producing country -> material -> component -> vehicle (HTML, PNG, SVG, links CSV)."
    ),
    "report": LazyCommand(
        "maps", "One self-contained HTML report: headline numbers, per-vehicle bars, map, Sankey, tables, sources."
    ),
    "fleet": LazyCommand(
        "fleet",
        "The stock model (tracer.stock): stock, inflow, outflow, end-of-life materials, value, energy and CO2 avoided.",
    ),
    "fleet-cars": LazyCommand(
        "fleet",
        "China's end-of-life passenger cars by powertrain and battery chemistry: metal returned, hidden flows and "
        "CO2 avoided.",
    ),
    "assumptions": LazyCommand(
        "assumptions", "Move every network assumption alone (+-20 % and to its range ends) and rank what it changes."
    ),
    "reconcile": LazyCommand(
        "reconcile", "Compare a run with a reference study; measure each boundary element by switching it off."
    ),
    "db": LazyCommand("db", "The mine-site database: info, validate, import."),
    "graph": LazyCommand("graph", "The supply-chain network: summary and export."),
    "scenarios": LazyCommand("scenarios", "Bundled what-if scenarios and their sourced assumptions."),
    "export": LazyCommand("export", "Write the network or results in the field's exchange formats."),
}


def load_module_commands(module: str) -> dict[str, TyperCommand]:
    """Import `tracer.commands.<module>` and return the commands its `register` attaches."""
    commands_module = importlib.import_module(f"tracer.commands.{module}")
    holder = typer.Typer()
    commands_module.register(holder)
    return dict(typer.main.get_group(holder).commands)


class LazyGroup(TyperGroup):
    """Root group holding placeholders (for listing and typo hints) until a command is used."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        self._placeholders = {
            name: TyperCommand(name, help=lazy.summary, short_help=lazy.summary) for name, lazy in COMMANDS.items()
        }
        self.commands.update(self._placeholders)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is not None and command is self._placeholders.get(cmd_name) and not self._listing:
            self.commands.update(load_module_commands(COMMANDS[cmd_name].module))
            command = self.commands[cmd_name]
        return command

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="tracer",
    cls=LazyGroup,
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


def main() -> None:
    """Entry point that turns bad-input errors into a clear message and exit code 2."""
    try:
        app()
    except InputError as exc:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
