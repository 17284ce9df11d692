"""`tracer graph info`, `tracer graph export`: inspect and export the supply-chain network.

Each command parses its options, calls one function of the graphs package
(`graphs.summary.network_info`, `graphs.io.export_network`) and prints. With --json
only JSON reaches stdout.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from hfcommon.assumptions import TABLE as ASSUMPTIONS_TABLE
from hfcommon.display import count
from hfcommon.output import to_json
from tracer.commands.options import JsonOption, out_dir_option
from tracer.commands.options import stdout as _out
from tracer.commands.render import Col, show

MinesOption = Annotated[Path | None, typer.Option("--mines", help="Mine table mine_db can read (default: bundled).")]
BomOption = Annotated[Path | None, typer.Option("--bom", help="Bill of materials CSV replacing graphs/data/bom.csv.")]
SourcingOption = Annotated[
    Path | None, typer.Option("--sourcing", help="Sourcing CSV replacing graphs/data/sourcing.csv.")
]


class ExportFormat(str, Enum):
    parquet = "parquet"
    graphml = "graphml"


def _print_info(summary: dict[str, Any]) -> None:
    _out.print(f"[bold]{summary['name']}[/]: {summary['nodes']} nodes, {summary['edges']} edges, "
               f"{len(summary['countries'])} countries, built in {summary['build_seconds']} s")
    show(None, [Col("kind"), Col("nodes", True)], [(k, count(n)) for k, n in summary["nodes_by_kind"].items()])
    _out.print(f"coefficients with a source: {summary['coefficients_with_source']} of "
               f"{summary['coefficients']} ({summary['share_with_source']:.1%}); "
               f"{summary['coefficients_citing_assumptions']} cite one of the "
               f"{summary['assumptions']} modelling assumptions ({ASSUMPTIONS_TABLE})")
    _out.print(f"boundary nodes (upstream not traced): {len(summary['boundary_nodes'])}")
    for note in summary["notes"]:
        _out.print(f"note: {note}")
    validation = summary["validation"]
    status = "[green]valid[/]" if not validation["errors"] else f"[red]{len(validation['errors'])} error(s)[/]"
    _out.print(f"validation: {status}; cycles: {validation['cycles']}")
    for line in validation["errors"]:
        _out.print(f"  {line}")


def info_command(
    as_json: JsonOption = False,
    mines: MinesOption = None,
    bom: BomOption = None,
    sourcing: SourcingOption = None,
) -> None:
    """Nodes per kind, countries, edges and the share of coefficients with a source."""
    from graphs.summary import network_info

    summary = network_info(mines, bom, sourcing)
    if as_json:
        typer.echo(to_json(summary))
        return
    _print_info(summary)


def export_command(
    out: Annotated[Path, out_dir_option("Directory to write into.")],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="parquet (exact) or graphml.")] = ExportFormat.parquet,
    as_json: Annotated[bool, typer.Option("--json", help="Print the written paths as JSON.")] = False,
    mines: MinesOption = None,
    bom: BomOption = None,
    sourcing: SourcingOption = None,
) -> None:
    """Write the validated network: nodes.parquet + edges.parquet, or network.graphml."""
    from graphs.io import export_network

    written = export_network(out, fmt.value, mines, bom, sourcing)
    if as_json:
        typer.echo(to_json(written))
        return
    for path in written["files"]:
        typer.echo(path)


def register(app: typer.Typer) -> None:
    """Attach `tracer graph info` and `tracer graph export`."""
    graph_app = typer.Typer(help="The supply-chain network: summary and export.", no_args_is_help=True)
    graph_app.command("info")(info_command)
    graph_app.command("export")(export_command)
    app.add_typer(graph_app, name="graph")
