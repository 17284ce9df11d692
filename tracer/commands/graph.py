"""`tracer graph`: inspect and export the supply-chain network (room: graphs)."""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from hfcommon.output import to_json

MinesOption = Annotated[Optional[Path], typer.Option("--mines", help="Mine table mine_db can read (default: bundled).")]
BomOption = Annotated[Optional[Path], typer.Option("--bom", help="Bill of materials CSV replacing graphs/data/bom.csv.")]
SourcingOption = Annotated[
    Optional[Path], typer.Option("--sourcing", help="Sourcing CSV replacing graphs/data/sourcing.csv.")
]


class ExportFormat(str, Enum):
    parquet = "parquet"
    graphml = "graphml"


def _build(mines: Path | None, bom: Path | None, sourcing: Path | None) -> tuple[Any, Any, float]:
    import graphs

    start = time.perf_counter()
    G = graphs.build_default_network(mines, bom=bom, sourcing=sourcing)
    seconds = time.perf_counter() - start
    return G, graphs.check(G), seconds


def register(app: typer.Typer) -> None:
    """Attach `tracer graph info` and `tracer graph export`."""
    graph_app = typer.Typer(help="The supply-chain network: summary and export.", no_args_is_help=True)
    app.add_typer(graph_app, name="graph")

    @graph_app.command("info")
    def info(
        json_: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
        mines: MinesOption = None,
        bom: BomOption = None,
        sourcing: SourcingOption = None,
    ) -> None:
        """Nodes per kind, countries, edges and the share of coefficients with a source."""
        from graphs.summary import summarise

        G, report, seconds = _build(mines, bom, sourcing)
        summary = summarise(G, report) | {"build_seconds": round(seconds, 3)}
        if json_:
            typer.echo(to_json(summary))
            return
        console = Console()
        console.print(f"[bold]{summary['name']}[/]: {summary['nodes']} nodes, {summary['edges']} edges, "
                      f"{len(summary['countries'])} countries, built in {summary['build_seconds']} s")
        table = Table("kind", "nodes")
        for kind, count in summary["nodes_by_kind"].items():
            table.add_row(kind, str(count))
        console.print(table)
        console.print(f"coefficients with a source: {summary['coefficients_with_source']} of "
                      f"{summary['coefficients']} ({summary['share_with_source']:.1%}); "
                      f"{summary['coefficients_citing_assumptions']} cite one of the "
                      f"{summary['assumptions']} modelling assumptions (graphs/data/assumptions.csv)")
        console.print(f"boundary nodes (upstream not traced): {len(summary['boundary_nodes'])}")
        for note in summary["notes"]:
            console.print(f"note: {note}")
        validation = summary["validation"]
        status = "[green]valid[/]" if not validation["errors"] else f"[red]{len(validation['errors'])} error(s)[/]"
        console.print(f"validation: {status}; cycles: {validation['cycles']}")
        for line in validation["errors"]:
            console.print(f"  {line}")

    @graph_app.command("export")
    def export(
        out: Annotated[Path, typer.Option("--out", help="Directory to write into.")],
        format_: Annotated[ExportFormat, typer.Option("--format", help="parquet (exact) or graphml.")] = (
            ExportFormat.parquet
        ),
        json_: Annotated[bool, typer.Option("--json", help="Print the written paths as JSON.")] = False,
        mines: MinesOption = None,
        bom: BomOption = None,
        sourcing: SourcingOption = None,
    ) -> None:
        """Write the validated network: nodes.parquet + edges.parquet, or network.graphml."""
        import graphs
        from graphs.io import GRAPHML_FILE

        G, _, _ = _build(mines, bom, sourcing)
        graphs.validate(G)
        if format_ is ExportFormat.parquet:
            paths = [str(p) for p in graphs.write_parquet(G, out)]
        else:
            paths = [str(graphs.write_graphml(G, out / GRAPHML_FILE))]
        if json_:
            typer.echo(to_json({"files": paths, "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}))
        else:
            for path in paths:
                typer.echo(path)
