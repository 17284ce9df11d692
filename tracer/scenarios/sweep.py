"""Sweep one scenario parameter over a range in one call.

The parameter is a dotted key of a scenario file (`recycled_content.copper.share`,
`fleet.nev_share`), set on a base scenario that defines it. When only the demand
changes (a `fleet.*` key) the network is compiled and factorised once and every step
is one column of a single multi-column solve; otherwise each step rebuilds and solves
its own network. Both give the same totals as `compare` for the same scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.vocabulary import (
    DEFAULT_HOME,
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
    UNKNOWN_ORIGIN,
)
from tracer import api
from tracer.engine import CompiledNetwork, compile_network, solver_for
from tracer.parallel import Mapper, local_map
from tracer.scenarios.catalog import load_scenario
from tracer.scenarios.compare import scenario_inputs
from tracer.scenarios.levers import apply_fleet, apply_network
from tracer.scenarios.spec import Scenario


def _trace_step(shared: tuple[nx.DiGraph, pd.Series, str], step: tuple[float, Scenario]) -> pd.DataFrame:
    """Totals of one step: its scenario's network and fleet, compiled and solved."""
    base_network, base_fleet, home_iso3 = shared
    value, scenario = step
    graph, vehicles = scenario_inputs(scenario, base_network, base_fleet)
    compiled = compile_network(graph)
    x = solver_for(compiled).solve(compiled.demand(vehicles))
    return _totals(compiled, x, home_iso3, value, vehicles)


SWEEP_COLUMNS = ("value", "metric", "amount", "unit", "change", "change_pct")


@dataclass(frozen=True, eq=False)
class SweepResult:
    """Totals at each value of one parameter, with the change against the first value."""

    parameter: str
    base: str
    home: str
    values: tuple[float, ...]
    reused_factorisation: bool
    table: pd.DataFrame

    def to_dict(self) -> dict[str, object]:
        """JSON form: one record per step with every metric."""
        wide = self.table.pivot(index="value", columns="metric", values="amount").reindex(list(self.values))
        return {
            "parameter": self.parameter,
            "base": self.base,
            "home": self.home,
            "reused_factorisation": self.reused_factorisation,
            "steps": [{"value": v, **{m: row[m] for m in wide.columns}} for v, row in wide.iterrows()],
        }


def sweep(
    parameter: str,
    values: Sequence[float],
    base: str | Path = "baseline",
    network: nx.DiGraph | None = None,
    fleet: pd.Series | None = None,
    home: str = DEFAULT_HOME,
    on_step: Callable[[str], None] | None = None,
    spread: Mapper = local_map,
) -> SweepResult:
    """Totals of the base scenario with `parameter` set to each of `values`.

    Steps that rebuild the network run through `spread` (tracer.parallel: here, or one
    task per step on dask workers); each step is traced on its own, so the numbers are
    the same wherever they run.
    """
    if not values:
        raise InputError("give at least one value to sweep", column=parameter)
    if len({float(v) for v in values}) != len(values):
        raise InputError(f"sweep values must be distinct, got {list(values)}", column=parameter)
    step = on_step or (lambda _name: None)
    home_iso3 = to_iso3(home, column="--home")
    scenarios = [load_scenario(base, {parameter: float(v)}) for v in values]  # all validated first
    base_network = api.default_network() if network is None else network
    base_fleet = api.normalise_fleet(api.default_fleet() if fleet is None else fleet)
    demand_only = parameter.split(".", 1)[0] == "fleet"
    frames = []
    if demand_only:
        step("compiling and factorising once")
        compiled = compile_network(apply_network(base_network, scenarios[0]))
        Y = np.column_stack([compiled.demand(apply_fleet(base_fleet, s)) for s in scenarios])
        X = solver_for(compiled).solve(Y)
        for j, (value, s) in enumerate(zip(values, scenarios, strict=True)):
            frames.append(_totals(compiled, X[:, j], home_iso3, float(value), apply_fleet(base_fleet, s)))
    else:
        steps = [(float(v), s) for v, s in zip(values, scenarios, strict=True)]
        frames = spread(
            _trace_step, (base_network, base_fleet, home_iso3), steps, lambda i: step(f"{parameter} = {values[i]:g}")
        )
    table = pd.concat(frames, ignore_index=True)
    first = table[table["value"] == float(values[0])].set_index("metric")["amount"]
    reference = table["metric"].map(first).to_numpy()
    table["change"] = table["amount"].to_numpy() - reference
    with np.errstate(divide="ignore", invalid="ignore"):
        table["change_pct"] = np.where(reference != 0, 100.0 * table["change"] / reference, np.nan)
    return SweepResult(
        parameter=parameter,
        base=str(base),
        home=home_iso3,
        values=tuple(float(v) for v in values),
        reused_factorisation=demand_only,
        table=table[list(SWEEP_COLUMNS)],
    )


def _totals(compiled: CompiledNetwork, x: np.ndarray, home: str, value: float, fleet: pd.Series) -> pd.DataFrame:
    """Headline totals of one solved activity vector (same definitions as `tracer run`)."""
    per_node = compiled.B.multiply(x[np.newaxis, :]).tocsr()  # stressor x node
    by_stressor = dict(zip(compiled.stressors, np.asarray(per_node.sum(axis=1)).ravel(), strict=True))
    hidden_rows = [i for i, s in enumerate(compiled.stressors) if s in HIDDEN_STRESSORS]
    hidden_by_node = np.asarray(per_node[hidden_rows].sum(axis=0)).ravel()
    domestic = float(hidden_by_node[compiled.country == home].sum())
    unknown = float(hidden_by_node[compiled.country == UNKNOWN_ORIGIN].sum()) if home != UNKNOWN_ORIGIN else 0.0
    hidden = float(hidden_by_node.sum())
    used = float(by_stressor.get("used", 0.0))
    metrics: list[tuple[str, float, str]] = [
        ("total_tmr_t", float(sum(by_stressor.get(s, 0.0) for s in MASS_STRESSORS)), "t"),
        ("hidden_t", hidden, "t"),
        *((f"{s}_t", float(by_stressor.get(s, 0.0)), "t") for s in MASS_STRESSORS),
        ("domestic_hidden_t", domestic, "t"),
        ("abroad_hidden_t", hidden - domestic - unknown, "t"),
        ("hidden_to_used", hidden / used if used else float("nan"), "t/t"),
        ("energy_GJ", float(by_stressor.get("energy", np.nan)), "GJ"),
        ("co2_t", float(by_stressor.get("co2", np.nan)), "t CO2-eq"),
        ("vehicles", float(fleet.sum()), "vehicle"),
    ]
    return pd.DataFrame(
        {"value": value, "metric": [m[0] for m in metrics], "amount": [m[1] for m in metrics],
         "unit": [m[2] for m in metrics]}
    )
