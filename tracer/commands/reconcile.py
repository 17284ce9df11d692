"""`tracer reconcile`: this tool beside a published study, and what each boundary element explains.

Thin: the work is in `tracer.reconcile`. Everything (tables, JSON, the PNG) is computed
and rendered before anything is written; `--out` receives the files as one set through
`hfcommon.output.output_set`, so a failure leaves none of them. With --json only JSON
reaches stdout.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hfcommon.output import output_set, to_json, write_json, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api
from tracer.commands.options import (
    FleetOption,
    HomeOption,
    JsonOption,
    OutOption,
    TableFormat,
)
from tracer.commands.options import stdout as _out


class Metric(str, Enum):
    """The total the waterfall decomposes."""

    hidden_t = "hidden_t"
    total_tmr_t = "total_tmr_t"


ReferenceOption = Annotated[
    str | None, typer.Option("--reference", help="Reference study: bundled name (default wang2025) or CSV file.")
]
ScenarioOption = Annotated[
    str | None, typer.Option("--scenario", help="Apply a scenario first (bundled name or TOML file), as `tracer compare` does.")
]


def _inputs(fleet: Path | None, scenario: str | None):
    """The network and fleet to trace: the defaults, or a scenario's (levers applied as `tracer compare` does)."""
    from tracer.scenarios import load_scenario
    from tracer.scenarios.compare import scenario_inputs

    spec = load_scenario(scenario) if scenario is not None else None  # fails fast, before the network is built
    network = api.default_network()
    counts = api.load_fleet(fleet) if fleet else api.normalise_fleet(api.default_fleet())
    if spec is not None:
        network, counts = scenario_inputs(spec, network, api.normalise_fleet(counts))
    return network, counts, spec


def reconcile_command(
    reference: ReferenceOption = None,
    scenario: ScenarioOption = None,
    metric: Annotated[Metric, typer.Option("--metric", help="Total the waterfall decomposes.")] = Metric.hidden_t,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    out: OutOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")] = TableFormat.parquet,
    as_json: JsonOption = False,
    as_markdown: Annotated[bool, typer.Option("--markdown", help="Print the README's Markdown tables only.")] = False,
) -> None:
    """Compare a run with a reference study; measure each boundary element by switching it off."""
    from tracer.reconcile import load_reference, reconcile
    from tracer.reconcile.figure import elements_markdown, markdown, waterfall_figure

    ref = load_reference(reference)  # a bad reference file fails before anything is traced
    network, counts, spec = _inputs(fleet, scenario)
    result = reconcile(ref, network=network, fleet=counts, home=home, metric=metric.value,
                       scenario=spec.name if spec is not None else None)
    report = result.as_dict()
    report["scenario_file"] = spec.file if spec is not None else None
    written: list[Path] = []
    if out is not None:
        figure = waterfall_figure(result)
        with output_set(out) as stage:
            write_table(result.comparison, stage / "comparison", fmt.value)
            write_table(result.elements, stage / "elements", fmt.value)
            write_table(result.waterfall, stage / "waterfall", fmt.value)
            write_json(report, stage / "reconcile.json")
            figure.savefig(stage / "waterfall.png", format="png", dpi=150)
            written = sorted(out / p.name for p in stage.iterdir())
    if as_json:
        typer.echo(to_json(report))
    elif as_markdown:
        typer.echo(markdown(result) + "\n\n" + elements_markdown(result.elements))
    else:
        _print(result)
        for path in written:
            _out.print(f"wrote {path}")


def _print(result) -> None:
    scenario = f", scenario {result.scenario}" if result.scenario else ""
    side = Table(title=f"This tool against {result.reference.name}{scenario}", title_justify="left")
    for column in ("indicator", "published", "this tool", "ours against published", "where"):
        side.add_column(column)
    for row in result.comparison.itertuples():
        side.add_row(row.label, row.published, row.ours, row.agreement, row.where)
    _out.print(side)
    steps = Table(title=f"Waterfall of {result.metric} (each element switched off alone)", title_justify="left")
    for column in ("step", "Mt", "running total, Mt"):
        steps.add_column(column, justify="left" if column == "step" else "right")
    for row in result.waterfall.itertuples():
        value = row.value / 1e6
        steps.add_row(row.label, f"{value:,.1f}" if row.kind in ("start", "total") else f"{value:+,.1f}",
                      f"{row.end / 1e6:,.1f}")
    _out.print(steps)
    for note in result.notes:
        _out.print(f"[dim]{note}[/]")


def register(app: typer.Typer) -> None:
    """Attach this module's command to the root app."""
    app.command("reconcile")(reconcile_command)
