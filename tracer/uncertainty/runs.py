"""Monte Carlo and sensitivity runs of the default (or a scenario's) network, as reports.

What `tracer mc` and `tracer sensitivity` compute and write, callable without the CLI:
the network and fleet (those `tracer compare` traces for a scenario), the executor
(none, a local dask cluster, or a given scheduler), the run, and the JSON-ready
summary; `report_ranges` writes the ranges `tracer report --ranges` reads
(`tracer.indicators.RANGE_KEYS`).

Progress is reported through `progress(label, total)`, a context manager that yields
an `advance(n)` callback (the CLI passes a bar on stderr; the default is silent).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from tracer import api
from tracer.indicators import RANGE_KEYS
from tracer.parallel import DEFAULT_WORKERS, client_for, mapper_for
from tracer.scenarios import load_scenario
from tracer.scenarios.compare import scenario_inputs
from tracer.scenarios.spec import Scenario
from tracer.uncertainty import montecarlo
from tracer.uncertainty.distributed import dask_executor

Progress = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], None]]]

HEADLINE: tuple[str, ...] = ("tmr", "hidden", "hidden_to_used", "hidden_abroad_share")

@contextlib.contextmanager
def silent(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    """No progress display."""
    yield lambda _n: None


def prepare_setup(
    fleet: Path | None, seed: int, home: str | None = None, scenario: Scenario | None = None, progress: Progress = silent
) -> montecarlo.Setup:
    """The Monte Carlo setup of the default network and fleet (or the fleet file; or the scenario's)."""
    with progress("building the network", 1):
        network = api.default_network()
        counts = api.load_fleet(fleet) if fleet else api.normalise_fleet(api.default_fleet())
        if scenario is not None:  # the network and fleet `tracer compare` traces for it
            network, counts = scenario_inputs(scenario, network, api.normalise_fleet(counts))
        return montecarlo.prepare(network, seed=seed, fleet=counts, home=to_iso3(home, column="--home") if home else None)


@contextlib.contextmanager
def executor(workers: int, scheduler: str | None) -> Iterator[montecarlo.Executor | None]:
    """No dask for one local worker; a LocalCluster for more; the given scheduler if any."""
    with client_for(workers, scheduler) as client:
        yield None if client is None else dask_executor(client)


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """Totals of TMR and hidden flows per column (fleet first)."""
    rows = table[(table["split"] == "total") & table["stressor"].isin(HEADLINE)]
    return rows.assign(_fleet=rows["vehicle"] != "fleet").sort_values(["stressor", "_fleet", "vehicle"]).drop(columns="_fleet")


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (NaN -> None)."""
    return [{k: (None if pd.isna(v) else v) for k, v in row.items()} for row in table.to_dict(orient="records")]


def report_ranges(result: montecarlo.MonteCarloResult, scenario: str | None = None) -> dict[str, Any]:
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


@dataclass(frozen=True)
class MonteCarloReport:
    """A Monte Carlo run with what `tracer mc` prints and writes."""

    result: montecarlo.MonteCarloResult
    summary: dict[str, Any]
    ranges: dict[str, Any]
    scenario: Scenario | None


def monte_carlo_report(
    iterations: int,
    chunk_size: int = montecarlo.DEFAULT_CHUNK,
    percentiles: tuple[float, ...] = montecarlo.PERCENTILES,
    *,
    seed: int = 1,
    home: str | None = None,
    fleet: Path | None = None,
    scenario: str | None = None,
    workers: int = DEFAULT_WORKERS,
    scheduler: str | None = None,
    progress: Progress = silent,
) -> MonteCarloReport:
    """Run the Monte Carlo (checked first, the scenario loaded before the network is built)."""
    montecarlo.check_run(iterations, chunk_size)
    spec = load_scenario(scenario) if scenario is not None else None
    setup = prepare_setup(fleet, seed, home, spec, progress)
    with executor(workers, scheduler) as run_on, progress("Monte Carlo", iterations) as advance:
        result = montecarlo.run(setup, iterations, chunk_size, percentiles, progress=advance, executor=run_on)
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
        "headline": records(headline(result.table)),
    }
    ranges = report_ranges(result, spec.name if spec is not None else None)
    return MonteCarloReport(result=result, summary=summary, ranges=ranges, scenario=spec)


@dataclass(frozen=True)
class SensitivityReport:
    """Tornado and Sobol tables with what `tracer sensitivity` prints and writes."""

    tornado: pd.DataFrame
    sobol: pd.DataFrame
    top_rows: pd.DataFrame
    summary: dict[str, Any]


def sensitivity_report(
    samples: int = 512,
    top: int = 10,
    vehicle: str = "fleet",
    *,
    seed: int = 1,
    fleet: Path | None = None,
    scenario: str | None = None,
    workers: int = DEFAULT_WORKERS,
    scheduler: str | None = None,
    progress: Progress = silent,
) -> SensitivityReport:
    """One-at-a-time tornado and grouped Sobol indices of one indicator column (fleet or a vehicle)."""
    from tracer.uncertainty import (
        sensitivity,  # SALib and scipy.stats: loaded only when asked for
    )

    spec = load_scenario(scenario) if scenario is not None else None  # fails fast, before the network is built
    setup = prepare_setup(fleet, seed, scenario=spec, progress=progress)
    if vehicle not in setup.model.columns:
        raise InputError(f"choose one of {', '.join(setup.model.columns)}", column="--vehicle")
    indicator = sensitivity.Headline.of(setup, columns=(vehicle,))
    with mapper_for(workers, scheduler) as spread:
        with progress("tornado (one at a time)", 2 * setup.params.size) as advance:
            tornado = sensitivity.tornado(setup, indicator, progress=advance, spread=spread)
        with progress("Sobol indices", sensitivity.sobol_evaluations(setup, samples)) as advance:
            sobol = sensitivity.sobol(setup, indicator, n=samples, seed=seed, progress=advance, spread=spread)
    top_rows = tornado.groupby(["vehicle", "indicator"], sort=False).head(top)
    summary = {
        "uncertain_parameters": setup.params.size,
        "vehicle": vehicle,
        "scenario": spec.name if spec is not None else None,
        "scenario_file": spec.file if spec is not None else None,
        "sobol_samples": samples,
        "seed": seed,
        "data_warnings": list(setup.params.warnings),
        "tornado_top": records(top_rows),
        "sobol": records(sobol),
    }
    return SensitivityReport(tornado=tornado, sobol=sobol, top_rows=top_rows, summary=summary)
