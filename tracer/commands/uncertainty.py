"""`tracer mc` and `tracer sensitivity`: ranges and drivers of the headline numbers.

Everything is computed before anything is written; files go through hfcommon.output's
atomic writers under --out. With --json only JSON reaches stdout; the progress bar
goes to stderr.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from hfcommon.countries import to_iso3
from hfcommon.output import to_json, write_json, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api
from tracer.commands.options import FleetOption, JsonOption, OutOption
from tracer.commands.options import stderr as _err
from tracer.commands.options import stdout as _out
from tracer.scenarios import load_scenario
from tracer.scenarios.compare import scenario_inputs
from tracer.scenarios.spec import Scenario
from tracer.uncertainty import montecarlo
from tracer.uncertainty.distributed import connect, dask_executor, local_cluster

SeedOption = Annotated[int, typer.Option("--seed", help="Seed: the same seed gives identical results on any layout.")]
ScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario", help="Apply a scenario first (bundled name or TOML file), as `tracer compare` does."
    ),
]


@contextlib.contextmanager
def _bar(label: str, total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (silent with --json or when stderr is not a terminal)."""
    if quiet or not _err.is_terminal:
        yield lambda _n: None
        return
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
    )  # fmt: skip
    with Progress(*columns, console=_err, transient=True) as progress:
        task = progress.add_task(label, total=total)
        yield lambda n: progress.advance(task, n)


def _setup(
    fleet: Path | None, seed: int, quiet: bool, home: str | None = None, scenario: Scenario | None = None
) -> montecarlo.Setup:
    with _bar("building the network", 1, quiet):
        network = api.default_network()
        counts = api.load_fleet(fleet) if fleet else api.normalise_fleet(api.default_fleet())
        if scenario is not None:  # the network and fleet `tracer compare` traces for it
            network, counts = scenario_inputs(scenario, network, api.normalise_fleet(counts))
        setup = montecarlo.prepare(network, seed=seed, fleet=counts, home=to_iso3(home, column="home") if home else None)
    for warning in setup.params.warnings:
        _err.print(f"[yellow]warning:[/] {warning}")
    return setup


@contextlib.contextmanager
def _executor(workers: int, scheduler: str | None) -> Iterator[montecarlo.Executor | None]:
    """No dask for one local worker; a LocalCluster for more; the given scheduler if any."""
    if scheduler:
        with connect(scheduler) as client:
            yield dask_executor(client)
    elif workers > 1:
        with local_cluster(workers) as client:
            yield dask_executor(client)
    else:
        yield None


def _headline(table: pd.DataFrame) -> pd.DataFrame:
    """Totals of TMR and hidden flows per column (fleet first)."""
    rows = table[(table["split"] == "total") & table["stressor"].isin(HEADLINE)]
    return rows.assign(_fleet=rows["vehicle"] != "fleet").sort_values(["stressor", "_fleet", "vehicle"]).drop(columns="_fleet")


HEADLINE: tuple[str, ...] = ("tmr", "hidden", "hidden_to_used", "hidden_abroad_share")
RANGE_KEYS = {
    "tmr": "total_tmr_t",
    "hidden": "hidden_t",
    "used": "used_t",
    "hidden_to_used": "hidden_to_used",
    "hidden_abroad_share": "abroad_share",
}


def _report_ranges(result: montecarlo.MonteCarloResult, scenario: str | None = None) -> dict[str, Any]:
    """Fleet p5-p95 of the report's headline keys, in the form `tracer report --ranges` reads.

    Empty when p5 or p95 was not asked for. The label names the scenario, if any, so a
    report never shows a scenario's ranges as the baseline's.
    """
    table = result.table
    if not {"p5", "p95"} <= set(table.columns):
        return {"label": "Monte Carlo (no p5/p95 requested)", "ranges": {}}
    fleet = table[(table["vehicle"] == "fleet") & (table["split"] == "total")].set_index("stressor")
    ranges = {key: [fleet.at[s, "p5"], fleet.at[s, "p95"]] for s, key in RANGE_KEYS.items() if s in fleet.index}
    of = f", scenario {scenario}" if scenario else ""
    return {"label": f"Monte Carlo p5-p95, {result.iterations:,} draws, seed {result.seed}{of}", "ranges": ranges}


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict(orient="records")]


def _fmt(value: float) -> str:
    return "n/a" if pd.isna(value) else f"{value:,.4g}"


def mc_command(
    iterations: Annotated[int, typer.Option("--iterations", "-n", help="Monte Carlo draws.")] = 10_000,
    workers: Annotated[
        int, typer.Option("--workers", help="Local dask worker processes (1 = no dask).")
    ] = os.cpu_count() or 1,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Address of an existing dask scheduler (tcp://host:port).")
    ] = None,
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
    montecarlo.check_run(iterations, chunk_size)
    qs = tuple(sorted(set(percentiles))) if percentiles else montecarlo.PERCENTILES
    if any(not 0 < q < 100 for q in qs):
        raise typer.BadParameter("percentiles must lie strictly between 0 and 100", param_hint="--percentile")
    spec = load_scenario(scenario) if scenario is not None else None  # fails fast, before the network is built
    setup = _setup(fleet, seed, as_json, home, spec)
    with _executor(workers, scheduler) as executor, _bar("Monte Carlo", iterations, as_json) as advance:
        result = montecarlo.run(setup, iterations, chunk_size, qs, progress=advance, executor=executor)
    summary = {
        "iterations": result.iterations,
        "seed": result.seed,
        "chunk_size": result.chunk_size,
        "workers": result.workers,
        "scenario": spec.name if spec is not None else None,
        "scenario_file": spec.file if spec is not None else None,
        "uncertain_parameters": result.parameters,
        "seconds": round(result.seconds, 3),
        "percentiles_outside_grid": result.outside_grid,
        "data_warnings": list(setup.params.warnings),
        "headline": _records(_headline(result.table)),
    }
    written = []
    if out is not None:
        written = [
            write_table(result.table, out / "montecarlo"),
            write_json(summary, out / "montecarlo.json"),
            write_json(_report_ranges(result, spec.name if spec is not None else None), out / "ranges.json"),
        ]
    if as_json:
        typer.echo(to_json(summary))
        return
    scenario_note = f", scenario {spec.name}" if spec is not None else ""
    title = f"Headline ranges ({result.iterations:,} draws, seed {result.seed}{scenario_note})"
    table = Table(title=title, title_justify="left")
    numbers = ["nominal", "mean", "sd", *(montecarlo.percentile_column(q) for q in qs)]
    for column in ("vehicle", "indicator", "unit", *numbers):
        table.add_column(column, justify="left" if column in ("vehicle", "indicator", "unit") else "right")
    for row in _headline(result.table).to_dict(orient="records"):
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
    out: OutOption = None,
    as_json: JsonOption = False,
) -> None:
    """One-at-a-time tornado and grouped Sobol indices of TMR and hidden flows (fleet or one vehicle)."""
    from tracer.uncertainty import (
        sensitivity,  # SALib and scipy.stats: loaded only when asked for
    )
    if samples < 2 or samples & (samples - 1):
        raise typer.BadParameter(f"--samples must be a power of 2, got {samples}", param_hint="--samples")
    spec = load_scenario(scenario) if scenario is not None else None  # fails fast, before the network is built
    setup = _setup(fleet, seed, as_json, scenario=spec)
    if vehicle not in setup.model.columns:
        raise typer.BadParameter(f"choose one of {', '.join(setup.model.columns)}", param_hint="--vehicle")
    headline = sensitivity.Headline.of(setup, columns=(vehicle,))
    with _bar("tornado (one at a time)", 2 * setup.params.size, as_json) as advance:
        tornado = sensitivity.tornado(setup, headline, progress=advance)
    with _bar("Sobol indices", sensitivity.sobol_evaluations(setup, samples), as_json) as advance:
        sobol = sensitivity.sobol(setup, headline, n=samples, seed=seed, progress=advance)
    top_rows = tornado.groupby(["vehicle", "indicator"], sort=False).head(top)
    summary = {
        "uncertain_parameters": setup.params.size,
        "vehicle": vehicle,
        "scenario": spec.name if spec is not None else None,
        "scenario_file": spec.file if spec is not None else None,
        "sobol_samples": samples,
        "seed": seed,
        "data_warnings": list(setup.params.warnings),
        "tornado_top": _records(top_rows),
        "sobol": _records(sobol),
    }
    written = []
    if out is not None:
        written = [
            write_table(tornado, out / "tornado"),
            write_table(sobol, out / "sobol"),
            write_json(summary, out / "sensitivity.json"),
        ]
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
