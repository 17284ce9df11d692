"""`tracer export brightway`: the supply-chain network in the field's LCA tool.

A thin layer over `tracer.exchange.brightway.export`: tables under --out (one set, with
its datapackage.json), databases and impact methods in a Brightway project with --project.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import typer

from hfcommon.output import to_json
from tracer.commands.options import FormatOption, JsonOption, OutOption, TableFormat
from tracer.commands.options import stdout as _out
from tracer.commands.progress import progress_bar
from tracer.exchange.brightway import DATABASE, export

export_app = typer.Typer(help="Write the network or results in the field's exchange formats.", no_args_is_help=True)


class Backend(str, Enum):
    """Brightway database backend."""

    iotable = "iotable"
    sqlite = "sqlite"


ProjectOption = Annotated[str | None, typer.Option(
    "--project", help="Brightway project to write into (needs pip install hidden-flow-tracer\\[brightway]).")]
BackendOption = Annotated[Backend, typer.Option(
    "--backend", help="iotable: exact float64 amounts; sqlite: browsable exchanges with sources, float32 amounts.")]
ScenarioOption = Annotated[str | None, typer.Option(
    "--scenario", help="Export the network as this scenario changes it (name or TOML).")]


@export_app.command("brightway")
def brightway_command(
    out: OutOption = None,
    project: ProjectOption = None,
    database: Annotated[str, typer.Option("--database", help="Name of the Brightway database.")] = DATABASE,
    backend: BackendOption = Backend.iotable,
    scenario: ScenarioOption = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace databases of that name.")] = False,
    fmt: FormatOption = TableFormat.parquet,
    as_json: JsonOption = False,
) -> None:
    """The network as a Brightway 2.5 database: activities, technosphere and biosphere exchanges, TMR methods."""
    with progress_bar("building the network", None, as_json):
        summary = export(out, project, database=database, backend=backend.value, fmt=fmt.value,
                         scenario=scenario, overwrite=overwrite)
    if as_json:
        typer.echo(to_json(summary))
        return
    _out.print(f"{summary['activities']:,} activities, {summary['biosphere_flows']} biosphere flows, "
               f"exchanges {summary['exchanges']}, {len(summary['methods'])} impact methods")
    if project:
        _out.print(f"wrote databases {summary['database']!r} and {summary['biosphere']!r} "
                   f"({summary['backend']}) into Brightway project {project!r}")
    for path in summary["files"]:
        _out.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Attach `tracer export` to the root app."""
    app.add_typer(export_app, name="export")
