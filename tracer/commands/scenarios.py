"""`tracer scenarios list|show|schema`, `tracer compare`, `tracer sweep`: what-ifs from the terminal.

Everything is computed before anything is written; files go through hfcommon.output's
atomic writers into --out only. With --json only JSON reaches stdout; the progress
bar goes to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from hfcommon.display import count, country_name, quantity, sig
from hfcommon.errors import InputError
from hfcommon.output import to_json, write_json, write_set, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api
from tracer.commands import render
from tracer.commands.options import (
    FleetOption,
    FormatOption,
    HomeOption,
    JsonOption,
    OutOption,
    ResultFormat,
    ResultFormatOption,
    SchedulerOption,
    TableFormat,
    WorkersOption,
)
from tracer.commands.options import stdout as _out
from tracer.commands.progress import progress_bar
from tracer.commands.render import Col, show
from tracer.parallel import DEFAULT_WORKERS, mapper_for
from tracer.scenarios.catalog import bundled_names, load_scenario
from tracer.scenarios.compare import Comparison, compare
from tracer.scenarios.schema import json_schema_text
from tracer.scenarios.spec import Scenario
from tracer.scenarios.sweep import SweepResult, sweep

scenarios_app = typer.Typer(help="Bundled what-if scenarios and their sourced assumptions.", no_args_is_help=True)


def _describe(s: Scenario) -> dict[str, object]:
    return {"name": s.name, "title": s.title, "description": s.description, "file": s.file,
            "includes": list(s.includes), "assumptions": s.assumptions()}


@scenarios_app.command("list")
def list_command(as_json: JsonOption = False) -> None:
    """Name the bundled scenarios (baseline first) and the levers each one sets."""
    scenarios = [load_scenario(name) for name in bundled_names()]
    if as_json:
        typer.echo(
            to_json(
                [
                    _describe(s)
                    for s in scenarios
                ]
            )
        )
        return
    show("Bundled scenarios", [Col("name"), Col("title"), Col("levers", drop=1)],
         [(s.name, s.title, ", ".join(row["key"] for row in s.assumptions()) or "(none)") for s in scenarios])
    _out.print("Show one with its sources: tracer scenarios show NAME")


@scenarios_app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of scenario files (for editors; a copy ships as data/scenarios/scenario.schema.json)."""
    typer.echo(json_schema_text(), nl=False)


@scenarios_app.command("show")
def show_command(
    scenario: Annotated[str, typer.Argument(help="Bundled name or path to a scenario TOML file.")],
    as_json: JsonOption = False,
) -> None:
    """Print one scenario's levers, settings and sources."""
    s = load_scenario(scenario)
    if as_json:
        typer.echo(to_json(_describe(s)))
        return
    _out.print(f"[bold]{s.name}[/]: {s.title}\n{s.description}\n")
    show("Assumptions", [Col("key"), Col("setting"), Col("source")],
         [(row["key"], row["setting"], row["source"]) for row in s.assumptions()])


def _pct(value: float) -> str:
    return "" if not np.isfinite(value) else f"{value:+.1f} %"


def _signed(value: float, unit: str = "t") -> str:
    return "n/a" if not np.isfinite(value) else ("+" if value > 0 else "") + quantity(value, unit)


_METRIC_NAMES = {"total_tmr_t": "TMR", "co2_t": "CO2e", "hidden_t": "hidden flows", "domestic_hidden_t": "hidden at home",
                 "abroad_hidden_t": "hidden abroad", "used_t": "used material", "tailings_t": "tailings"}


def _print_comparison(c: Comparison, top: int = 8) -> None:
    reference = c.labels[0]
    totals = c.totals.set_index(["scenario", "metric"])
    metrics = ("total_tmr_t", "hidden_t", "overburden_t", "waste_rock_t", "tailings_t", "process_residue_t",
               "used_t", "domestic_hidden_t", "abroad_hidden_t", "co2_t", "vehicles")
    rows = []
    for metric in metrics:
        base = float(totals.at[(reference, metric), "value"])
        changes = [_pct(float(totals.at[(label, metric), "change_pct"])) for label in c.labels[1:]]
        rows.append((_METRIC_NAMES.get(metric, metric.removesuffix("_t").replace("_", " ")),
                     count(base) if metric == "vehicles" else quantity(base, "t CO2-eq" if metric == "co2_t" else "t"),
                     *changes))
    show(f"Totals: {reference}, the others as change against it (home {country_name(c.home)})",
         [Col("metric"), Col(reference, True), *(Col(label, True) for label in c.labels[1:])], rows)
    _print_levers(c)
    _print_dimension(c, "per_vehicle", "hidden", "Hidden flows per vehicle", None, absolute=True)
    _print_dimension(c, "per_vehicle", "co2", "CO2e per vehicle (t CO2-eq)", None, absolute=True)
    _print_dimension(c, "country", "hidden", f"Hidden flows by country: top {top}, change against {reference}", top)
    _print_dimension(c, "material", "hidden", f"Hidden flows by material: top {top}, change against {reference}", top)


def _print_levers(c: Comparison) -> None:
    """Each scenario's change in hidden flows and in CO2e per vehicle, side by side (the trade-off)."""
    show(f"Trade-off against {c.labels[0]}: change per vehicle of the fleet",
         [Col("scenario"), Col("hidden", True), Col("hidden %", True), Col("CO2e", True), Col("CO2e %", True)],
         [(r.scenario, _signed(r.hidden_change_t), _pct(r.hidden_change_pct), _signed(r.co2_change_t, "t CO2-eq"),
           _pct(r.co2_change_pct)) for r in c.tradeoff().itertuples()])


def _print_dimension(
    c: Comparison, dimension: str, measure: str, title: str, top: int | None, absolute: bool = False
) -> None:
    """One row per key (largest in the reference first), one column per scenario."""
    rows = c.breakdown[(c.breakdown["dimension"] == dimension) & (c.breakdown["measure"] == measure)]
    column = "value" if absolute else "change"
    wide = rows.pivot(index="key", columns="scenario", values=column).reindex(columns=c.labels)
    order = rows[rows["scenario"] == c.labels[0]].set_index("key")["value"].sort_values(ascending=False)
    keys = list(order.index[:top] if top else order.index)
    named = render.country if dimension == "country" else render.name
    show(title, [Col(dimension.replace("_", " ")), *(Col(label, True) for label in c.labels)],
         [(named(str(key)), quantity(order[key]),
           *((quantity(v) if absolute else _signed(v)) for v in wide.loc[key, c.labels[1:]])) for key in keys])


def _write_comparison(c: Comparison, out: Path, fmt: ResultFormat) -> list[Path]:
    if fmt is ResultFormat.iamc:  # the IAMC long table and the JSON instead of the tables and the plot
        from tracer.exchange.iamc import comparison_iamc

        return [write_table(comparison_iamc(c), out / "comparison_iamc", "csv"),
                write_json(c.to_dict(), out / "comparison.json")]
    from tracer.maps.static import save_figure
    from tracer.maps.tradeoff import tradeoff_figure

    return [
        write_table(c.totals, out / "comparison_totals", fmt.value),
        write_table(c.breakdown, out / "comparison_breakdown", fmt.value),
        write_table(c.assumptions, out / "comparison_assumptions", fmt.value),
        write_table(c.tradeoff(), out / "comparison_tradeoff", fmt.value),
        *save_figure(tradeoff_figure(c.tradeoff(), c.labels[0]), out / "comparison_tradeoff", ["png"]),
        write_json(c.to_dict(), out / "comparison.json"),
    ]


def compare_command(
    scenarios: Annotated[list[str], typer.Argument(help="Bundled names or TOML files; the first is the reference.")],
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    out: OutOption = None,
    fmt: ResultFormatOption = ResultFormat.parquet,
    as_json: JsonOption = False,
) -> None:
    """Compare scenarios: totals and change against the first by flow type, vehicle, country, material."""
    base_fleet = api.load_fleet(fleet) if fleet else None
    with progress_bar("starting", len(scenarios), as_json) as bar:
        result = compare(scenarios, fleet=base_fleet, home=home, on_step=bar.stage)
    written = write_set(out, lambda stage: _write_comparison(result, stage, fmt)) if out is not None else []
    if as_json:
        typer.echo(to_json(result.to_dict()))
        return
    _print_comparison(result)
    for path in written:
        _out.print(f"wrote {path}")


def _values(start: float | None, stop: float | None, steps: int, values: str | None) -> list[float]:
    if values is not None:
        try:
            return [float(v) for v in values.split(",") if v.strip()]
        except ValueError:
            raise InputError(f"--values must be numbers separated by commas, got {values!r}", column="--values") from None
    if start is None or stop is None:
        raise InputError("give --from and --to (and --steps), or --values", column="--values")
    if steps < 2:
        raise InputError(f"--steps must be at least 2, got {steps}", column="--steps")
    return [float(v) for v in np.linspace(start, stop, steps)]


def _print_sweep(s: SweepResult) -> None:
    wide = s.table.pivot(index="value", columns="metric", values="amount").reindex(list(s.values))
    change = s.table.pivot(index="value", columns="metric", values="change_pct").reindex(list(s.values))
    how = "one factorisation, all steps in one solve" if s.reused_factorisation else "one network per step"
    metrics = ("total_tmr_t", "hidden_t", "tailings_t", "domestic_hidden_t", "abroad_hidden_t")
    show(f"Sweep of {s.parameter} on {s.base} ({how})",
         [Col(s.parameter, True), *(Col(_METRIC_NAMES.get(m, m), True, drop=i) for i, m in enumerate(metrics))],
         [(sig(value), *(f"{quantity(wide.at[value, m])} ({_pct(change.at[value, m])})" for m in metrics))
          for value in s.values])


def sweep_command(
    parameter: Annotated[str, typer.Argument(help="Dotted scenario key, e.g. recycled_content.copper.share.")],
    start: Annotated[float | None, typer.Option("--from", help="First value.")] = None,
    stop: Annotated[float | None, typer.Option("--to", help="Last value.")] = None,
    steps: Annotated[int, typer.Option("--steps", help="Number of evenly spaced values.")] = 7,
    values: Annotated[str | None, typer.Option("--values", help="Explicit values, comma-separated.")] = None,
    scenario: Annotated[
        str, typer.Option("--scenario", help="Base scenario that sets the parameter (name or file).")
    ] = "baseline",
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    out: OutOption = None,
    fmt: FormatOption = TableFormat.parquet,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sweep one scenario parameter over a range (e.g. copper recycled content 0 to 0.6)."""
    grid = _values(start, stop, steps, values)
    base_fleet = api.load_fleet(fleet) if fleet else None
    with progress_bar("starting", len(grid), as_json) as bar, mapper_for(workers, scheduler) as spread:
        result = sweep(parameter, grid, base=scenario, fleet=base_fleet, home=home, on_step=bar.stage, spread=spread)
    written = []
    if out is not None:
        written = write_set(out, lambda stage: [
            write_table(result.table, stage / "sweep", fmt.value),
            write_json(result.to_dict(), stage / "sweep.json"),
        ])
    if as_json:
        typer.echo(to_json(result.to_dict()))
        return
    _print_sweep(result)
    for path in written:
        _out.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Attach `scenarios`, `compare` and `sweep` to the root app."""
    app.add_typer(scenarios_app, name="scenarios")
    app.command("compare")(compare_command)
    app.command("sweep")(sweep_command)

