"""`tracer mc` and `tracer sensitivity`: ranges and drivers of the headline numbers.

Everything is computed before anything is written; files go through hfcommon.output's
atomic writers under --out. With --json only JSON reaches stdout; the progress bar
goes to stderr.
"""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from hfcommon.output import to_json, write_json, write_set, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer.commands.options import (
    FleetOption,
    JsonOption,
    OutOption,
    SchedulerOption,
    WorkersOption,
)
from tracer.commands.options import stderr as _err
from tracer.commands.options import stdout as _out
from tracer.commands.progress import bars
from tracer.parallel import DEFAULT_WORKERS
from tracer.uncertainty import montecarlo
from tracer.uncertainty.runs import headline, monte_carlo_report, sensitivity_report

SeedOption = Annotated[int, typer.Option("--seed", help="Seed: the same seed gives identical results on any layout.")]
ScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario", help="Apply a scenario first (bundled name or TOML file), as `tracer compare` does."
    ),
]


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        _err.print(f"[yellow]warning:[/] {warning}")


def _fmt(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:,.4g}"


def mc_command(
    iterations: Annotated[int, typer.Option("--iterations", "-n", help="Monte Carlo draws.")] = 10_000,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    seed: SeedOption = 1,
    chunk_size: Annotated[
        int, typer.Option("--chunk-size", help=f"Draws per task, a multiple of {montecarlo.BLOCK}.")
    ] = montecarlo.DEFAULT_CHUNK,
    percentiles: Annotated[
        list[float] | None, typer.Option("--percentile", help="Percentile to report (repeat; default 5, 50, 95).")
    ] = None,
    home: Annotated[str, typer.Option("--home", help="Home country (ISO3 or name) for the share of hidden flows abroad.")] = DEFAULT_HOME,
    fleet: FleetOption = None,
    scenario: ScenarioOption = None,
    out: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """Monte Carlo ranges (mean, sd, percentiles) of every indicator and split."""
    qs = tuple(sorted(set(percentiles))) if percentiles else montecarlo.PERCENTILES
    if any(not 0 < q < 100 for q in qs):
        raise typer.BadParameter("percentiles must lie strictly between 0 and 100", param_hint="--percentile")
    report = monte_carlo_report(iterations, chunk_size, qs, seed=seed, home=home, fleet=fleet, scenario=scenario,
                                workers=workers, scheduler=scheduler, progress=bars(as_json))
    result, summary, spec = report.result, report.summary, report.scenario
    _warn(summary["data_warnings"])
    written = []
    if out is not None:
        written = write_set(out, lambda stage: [
            write_table(result.table, stage / "montecarlo"),
            write_json(summary, stage / "montecarlo.json"),
            write_json(report.ranges, stage / "ranges.json"),
        ])
    if as_json:
        typer.echo(to_json(summary))
        return
    scenario_note = f", scenario {spec.name}" if spec is not None else ""
    title = f"Headline ranges ({result.iterations:,} draws, seed {result.seed}{scenario_note})"
    table = Table(title=title, title_justify="left")
    numbers = ["nominal", "mean", "sd", *(montecarlo.percentile_column(q) for q in qs)]
    for column in ("vehicle", "indicator", "unit", *numbers):
        table.add_column(column, justify="left" if column in ("vehicle", "indicator", "unit") else "right")
    for row in headline(result.table).to_dict(orient="records"):
        table.add_row(row["vehicle"], row["stressor"], row["unit"], *(_fmt(row[c]) for c in numbers))
    _out.print(table)
    _out.print(
        f"{result.iterations:,} draws of {result.parameters:,} uncertain coefficients in {result.seconds:.1f} s "
        f"({result.iterations / result.seconds:,.0f} draws/s, {result.workers} worker(s))"
    )
    for path in written:
        _out.print(f"wrote {path}")


def sensitivity_command(
    samples: Annotated[int, typer.Option("--samples", help="Sobol base sample size (a power of 2).")] = 512,
    top: Annotated[int, typer.Option("--top", help="Coefficients shown per indicator in the tornado.")] = 10,
    vehicle: Annotated[
        str, typer.Option("--vehicle", help="Indicator column: a vehicle id (per vehicle) or 'fleet'.")
    ] = "fleet",
    seed: SeedOption = 1,
    fleet: FleetOption = None,
    scenario: ScenarioOption = None,
    workers: WorkersOption = DEFAULT_WORKERS,
    scheduler: SchedulerOption = None,
    out: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """One-at-a-time tornado and grouped Sobol indices of TMR and hidden flows (fleet or one vehicle)."""
    if samples < 2 or samples & (samples - 1):
        raise typer.BadParameter(f"--samples must be a power of 2, got {samples}", param_hint="--samples")
    report = sensitivity_report(samples, top, vehicle, seed=seed, fleet=fleet, scenario=scenario, workers=workers,
                                scheduler=scheduler, progress=bars(as_json))  # fmt: skip
    tornado, sobol, top_rows, summary = report.tornado, report.sobol, report.top_rows, report.summary
    _warn(summary["data_warnings"])
    written = []
    if out is not None:
        written = write_set(out, lambda stage: [
            write_table(tornado, stage / "tornado"),
            write_table(sobol, stage / "sobol"),
            write_json(summary, stage / "sensitivity.json"),
        ])
    if as_json:
        typer.echo(to_json(summary))
        return
    for indicator, part in top_rows.groupby("indicator", sort=False):
        table = Table(title=f"Tornado: {vehicle} {indicator} (each coefficient alone at p5 / p95)", title_justify="left")
        for column in ("coefficient", "at p5", "at p95", "swing"):
            table.add_column(column, justify="left" if column == "coefficient" else "right")
        for row in part.itertuples():
            table.add_row(row.parameter, _fmt(row.indicator_at_low), _fmt(row.indicator_at_high), _fmt(row.swing))
        _out.print(table)
    for indicator, part in sobol.groupby("indicator", sort=False):
        table = Table(title=f"Sobol indices: {vehicle} {indicator} (by kind of coefficient)", title_justify="left")
        for column in ("group", "S1", "ST"):
            table.add_column(column, justify="left" if column == "group" else "right")
        for row in part.itertuples():
            table.add_row(row.group, f"{row.S1:.3f} ± {row.S1_conf:.3f}", f"{row.ST:.3f} ± {row.ST_conf:.3f}")
        _out.print(table)
    for path in written:
        _out.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Attach `mc` and `sensitivity` to the root app."""
    app.command("mc")(mc_command)
    app.command("sensitivity")(sensitivity_command)
