"""`tracer mc` and `tracer sensitivity`: ranges and drivers of the headline numbers.

Everything is computed before anything is written; files go through hfcommon.output's
atomic writers under --out. With --json only JSON reaches stdout; the progress bar
goes to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from hfcommon.display import INDICATOR_NAMES, parameter_name, percent, quantity, sig
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
from tracer.commands.render import Col, show
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


NOMINAL_NOTE = ("nominal: the deterministic run, every value at its best estimate; p50: the median of the draws. "
                "Skewed (lognormal) inputs put the nominal off the interval's centre; that is expected.")


def _value(value: float, unit: str, scale_by: float) -> str:
    """One cell of a range table in the shared number format."""
    if pd.isna(value):
        return "n/a"
    if unit == "share":
        return percent(value)
    return quantity(value, unit, scale_by=scale_by) if unit == "t" else sig(value)


def _range_tables(rows: pd.DataFrame, numbers: list[str]) -> None:
    """One table per indicator (vehicles as rows), so no column has to be cut to fit."""
    order = {key: i for i, key in enumerate(INDICATOR_NAMES)}
    for stressor, part in sorted(rows.groupby("stressor", sort=False), key=lambda item: order.get(str(item[0]), 99)):
        unit = "share" if str(stressor).endswith("_share") else str(part["unit"].iloc[0])
        unit_note = "" if unit in ("t", "share") else f" ({unit})"
        show(f"{INDICATOR_NAMES.get(str(stressor), str(stressor))}{unit_note}",
             [Col("vehicle"), *(Col(c, True, drop=3 if c == "sd" else 2 if c == "mean" else 0) for c in numbers)],
             [(r["vehicle"], *(_value(r[c], unit, abs(r["nominal"]) if pd.notna(r["nominal"]) else 0.0) for c in numbers))
              for r in part.to_dict(orient="records")])
    _out.print(NOMINAL_NOTE)


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
    _out.print(f"[bold]Headline ranges[/] ({result.iterations:,} draws, seed {result.seed}{scenario_note})")
    _range_tables(headline(result.table), ["nominal", "mean", "sd", *(montecarlo.percentile_column(q) for q in qs)])
    _out.print(
        f"{result.iterations:,} draws of {result.parameters:,} uncertain coefficients in {result.seconds:.1f} s "
        f"({result.iterations / result.seconds:,.0f} draws/s, {result.workers} worker(s))"
    )
    for path in written:
        _out.print(f"wrote {path}")


def _tornado_images(top_rows: pd.DataFrame, vehicle: str, out: Path) -> list[Path]:
    """tornado.png and tornado.svg (matplotlib is imported only when a figure is asked for)."""
    from tracer.maps.static import save_figure
    from tracer.maps.tornado import tornado_figure

    return save_figure(tornado_figure(top_rows, vehicle, "hidden-flow tracer, tracer sensitivity"), out / "tornado")


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
    """One-at-a-time tornado and grouped Sobol indices of TMR and hidden flows (fleet or one vehicle).

    With --out: tornado.parquet, sobol.parquet, sensitivity.json and the tornado figure (PNG, SVG).
    """
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
            *_tornado_images(top_rows, vehicle, stage),
        ])
    if as_json:
        typer.echo(to_json(summary))
        return
    for indicator, part in top_rows.groupby("indicator", sort=False):
        largest = float(part[["indicator_at_low", "indicator_at_high"]].abs().to_numpy().max()) if len(part) else 0.0
        unit = "t" if vehicle == "fleet" else "t per vehicle"
        show(f"Tornado: {vehicle} {INDICATOR_NAMES.get(str(indicator), str(indicator))}, {unit} "
             "(each coefficient alone at its p5 / p95)",
             [Col("coefficient"), Col("at p5", True), Col("at p95", True), Col("swing", True)],
             [(parameter_name(r.parameter), *(quantity(v, scale_by=largest) for v in
               (r.indicator_at_low, r.indicator_at_high, r.swing))) for r in part.itertuples()])
    for indicator, part in sobol.groupby("indicator", sort=False):
        show(f"Sobol indices: {vehicle} {INDICATOR_NAMES.get(str(indicator), str(indicator))} (by kind of coefficient)",
             [Col("group"), Col("S1 (first order)", True), Col("ST (total)", True)],
             [(r.group, f"{r.S1:.3f} ± {r.S1_conf:.3f}", f"{r.ST:.3f} ± {r.ST_conf:.3f}") for r in part.itertuples()])
    for path in written:
        _out.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Attach `mc` and `sensitivity` to the root app."""
    app.command("mc")(mc_command)
    app.command("sensitivity")(sensitivity_command)
