"""`tracer map`, `tracer sankey`, `tracer report`: pictures, GIS files and the run report.

Each command parses its options and calls one writer of `tracer.maps.outputs`, which
traces the default (or a given) fleet, or reads the tables a previous `tracer run --out
DIR` wrote (`--flows`, `--summary`), so maps of a long run need not recompute it. Files
go under `--out` through atomic writers; with `--json` only JSON reaches stdout.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from hfcommon.output import output_set, to_json
from hfcommon.vocabulary import DEFAULT_HOME
from tracer.commands.options import (
    FleetOption,
    HomeOption,
    JsonOption,
    out_dir_option,
    out_file_option,
)
from tracer.commands.options import stdout as _out
from tracer.maps import aggregate
from tracer.maps.outputs import (
    MAP_FORMATS,
    SANKEY_FORMATS,
    Written,
    write_map,
    write_report,
    write_sankey,
)


class By(str, Enum):
    """What a map shows: producing countries (choropleth) or mine sites (points)."""

    country = "country"
    mine = "mine"


class View(str, Enum):
    """Which country map: plain, home vs abroad, or the change from a baseline run."""

    standard = "standard"
    domestic = "domestic"
    difference = "difference"


FlowsOption = Annotated[
    Path | None,
    typer.Option("--flows", help="flows.parquet (or .csv) written by `tracer run --out`; default: trace now."),
]
MinesOption = Annotated[
    Path | None, typer.Option("--mines", help="Mine table (any mine_db format); default: the bundled database.")
]
FlowOption = Annotated[str, typer.Option("--flow", help=f"One of {', '.join(aggregate.FLOW_GROUPS)}.")]
ScenarioOption = Annotated[
    str | None, typer.Option("--scenario", help="Trace under this scenario (bundled name or TOML file).")
]
VehicleOption = Annotated[
    list[str] | None, typer.Option("--vehicle", help="Only this vehicle type (repeatable); default: all.")
]


def _committed(written: Written, stage: Path, out: Path) -> Written:
    """The same files at their committed place in `out`."""
    return Written([out / path.relative_to(stage) for path in written.files], written.extra)


def _report_files(written: Written, as_json: bool) -> None:
    if as_json:
        typer.echo(to_json({"files": [str(f) for f in written.files], **written.extra}))
        return
    for path in written.files:
        _out.print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    for key, value in written.extra.items():
        if value or value == 0:
            _out.print(f"{key}: {value}")


def map_command(
    out: Annotated[Path, out_dir_option("Directory for the files.")],
    by: Annotated[By, typer.Option("--by", help="country (choropleth) or mine (points).")] = By.country,
    flow: FlowOption = "hidden",
    vehicle: VehicleOption = None,
    fmt: Annotated[str, typer.Option("--format", help=f"Comma-separated: {','.join(MAP_FORMATS)}.")] = "png,svg",
    view: Annotated[View, typer.Option("--view", help="Country maps: standard, domestic (home vs abroad), difference.")] = View.standard,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Baseline flows file for --view difference (default with --scenario: no scenario)."),
    ] = None,
    scenario: ScenarioOption = None,
    flows_path: FlowsOption = None,
    mines_path: MinesOption = None,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    as_json: JsonOption = False,
) -> None:
    """World map of hidden flows by producing country or mine: PNG, SVG, GeoJSON, GeoPackage, GeoParquet, HTML."""
    with output_set(out) as stage:
        written = write_map(stage, by.value, flow, vehicle, fmt, view.value, baseline, scenario, flows_path, mines_path,
                            fleet, home)  # fmt: skip
    _report_files(_committed(written, stage, out), as_json)


def sankey_command(
    out: Annotated[Path, out_dir_option("Directory for the files.")],
    flow: FlowOption = "hidden",
    vehicle: VehicleOption = None,
    fmt: Annotated[str, typer.Option("--format", help=f"Comma-separated: {','.join(SANKEY_FORMATS)}.")] = "html,png,svg",
    top_countries: Annotated[int, typer.Option("--top-countries", min=1, help="Countries shown; the rest pooled.")] = 8,
    top_components: Annotated[int, typer.Option("--top-components", min=1, help="Components shown; the rest pooled.")] = 8,
    top_materials: Annotated[int, typer.Option("--top-materials", min=1, help="Materials shown; the rest pooled.")] = 10,
    scenario: ScenarioOption = None,
    flows_path: FlowsOption = None,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    as_json: JsonOption = False,
) -> None:
    """Sankey diagram producing country -> material -> component -> vehicle (HTML, PNG, SVG, links CSV)."""
    with output_set(out) as stage:
        written = write_sankey(stage, flow, vehicle, fmt, (top_countries, top_components, top_materials), scenario,
                               flows_path, fleet, home)  # fmt: skip
    _report_files(_committed(written, stage, out), as_json)


def report_command(
    out: Annotated[Path, out_file_option("The HTML file to write.")] = Path("report.html"),
    flows_path: FlowsOption = None,
    summary_path: Annotated[
        Path | None, typer.Option("--summary", help="summary.json written by `tracer run --out` (with --flows).")
    ] = None,
    ranges_path: Annotated[
        Path | None,
        typer.Option(
            "--ranges",
            help='montecarlo.json of `tracer mc --out`, or JSON {"ranges": {"hidden_t": [low, high], ...}, "label": ...}.',
        ),
    ] = None,
    scenario: ScenarioOption = None,
    mines_path: MinesOption = None,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    title: Annotated[str, typer.Option("--title", help="Page title.")] = "Hidden material flows of the traced fleet",
    as_json: JsonOption = False,
) -> None:
    """One self-contained HTML report: headline numbers, per-vehicle bars, map, Sankey, tables, sources."""
    written = write_report(out, flows_path, summary_path, ranges_path, scenario, mines_path, fleet, home, title)
    _report_files(written, as_json)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("map")(map_command)
    app.command("sankey")(sankey_command)
    app.command("report")(report_command)
