"""`tracer reconcile`: this tool beside a published study, what each boundary element explains,
and how much each declared alternative choice moves the result.

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

from hfcommon.display import INDICATOR_NAMES, quantity
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
from tracer.commands.progress import progress_bar
from tracer.commands.render import Col, show


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
ChoiceOption = Annotated[
    list[str] | None,
    typer.Option("--choice", help="Measure only this declared choice (repeat for more; `none` for no choice). "
                 "Default: every choice in tracer/data/reconcile/choices.csv."),
]


def _inputs(fleet: Path | None, scenario: str | None):
    """The fleet to trace and the scenario's network levers (none without a scenario), as `tracer compare` applies them."""
    from tracer.scenarios import load_scenario
    from tracer.scenarios.compare import scenario_inputs
    from tracer.scenarios.levers import apply_fleet

    spec = load_scenario(scenario) if scenario is not None else None  # fails fast, before the network is built
    counts = api.load_fleet(fleet) if fleet else api.normalise_fleet(api.default_fleet())
    if spec is None:
        return counts, None, None
    counts = api.normalise_fleet(counts)
    return apply_fleet(counts, spec), (lambda G: scenario_inputs(spec, G, counts)[0]), spec


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
    choice: ChoiceOption = None,
) -> None:
    """Compare a run with a reference study; measure each boundary element by switching it off.

    Beside the waterfall, each declared choice (tracer/data/reconcile/choices.csv) is measured by
    rebuilding the network with that one choice changed; choices are alternatives, never added up.
    """
    from tracer.reconcile import load_elements, load_reference, reconcile
    from tracer.reconcile.choices import load_choices, select
    from tracer.reconcile.figure import (
        choices_markdown,
        elements_markdown,
        markdown,
        waterfall_figure,
    )

    ref = load_reference(reference)  # a bad reference file or choice name fails before anything is traced
    choices = select(load_choices(), choice or [])
    counts, levers, spec = _inputs(fleet, scenario)
    runs = 2 + len(load_elements()) + len(choices)  # the run, each element, the core, each choice
    with progress_bar("reconciling", runs, quiet=as_json or as_markdown) as bar:
        result = reconcile(ref, fleet=counts, home=home, metric=metric.value,
                           scenario=spec.name if spec is not None else None, choices=choices, levers=levers,
                           on_step=bar.stage)
    report = result.as_dict()
    report["scenario_file"] = spec.file if spec is not None else None
    written: list[Path] = []
    if out is not None:
        figure = waterfall_figure(result)
        with output_set(out) as stage:
            write_table(result.comparison, stage / "comparison", fmt.value)
            write_table(result.elements, stage / "elements", fmt.value)
            write_table(result.waterfall, stage / "waterfall", fmt.value)
            write_table(result.choices, stage / "choices", fmt.value)
            write_json(report, stage / "reconcile.json")
            figure.savefig(stage / "waterfall.png", format="png", dpi=150)
            written = sorted(out / p.name for p in stage.iterdir())
    if as_json:
        typer.echo(to_json(report))
    elif as_markdown:
        typer.echo("\n\n".join(filter(None, [markdown(result), elements_markdown(result.elements),
                                               choices_markdown(result)])))
    else:
        _print(result)
        for path in written:
            _out.print(f"wrote {path}")


def _signed(value: float) -> str:
    """A change with its sign; below half a tonne it is rounding noise of the solve, shown as 0."""
    return "0 t" if abs(value) < 0.5 else ("+" if value > 0 else "") + quantity(value)


def _print(result) -> None:
    scenario = f", scenario {result.scenario}" if result.scenario else ""
    show(f"This tool against {result.reference.name}{scenario}",
         [Col("indicator"), Col("published"), Col("this tool"), Col("ours against published"), Col("where", drop=1)],
         [(r.label, r.published, r.ours, r.agreement, r.where) for r in result.comparison.itertuples()])
    show(f"Waterfall of {INDICATOR_NAMES.get(result.metric, result.metric)} (each element switched off alone)",
         [Col("step"), Col("change", True), Col("running total", True)],
         [(r.label, quantity(r.value) if r.kind in ("start", "total") else _signed(r.value), quantity(r.end))
          for r in result.waterfall.itertuples()])
    if len(result.choices):
        metric = result.metric
        show("Choices, each made alone (alternatives to this tool's run, not added to the waterfall)",
             [Col("choice"), Col(INDICATOR_NAMES.get(metric, metric), True), Col("change", True),
              Col("change, %", True, drop=2), Col("hidden abroad, change", True, drop=1), Col("setting", drop=3)],
             [(r["label"], quantity(r[metric]), _signed(r[f"delta_{metric}"]),
               f"{100 * r[f'delta_{metric}'] / result.summary[metric]:+.1f} %", _signed(r["delta_abroad_hidden_t"]),
               r["setting"])
              for r in result.choices.to_dict(orient="records")])
    for note in result.notes:
        _out.print(f"[dim]{note}[/]")


def register(app: typer.Typer) -> None:
    """Attach this module's command to the root app."""
    app.command("reconcile")(reconcile_command)
