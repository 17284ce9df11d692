"""The Python entry point: trace a fleet through a supply-chain network in one call.

`run()` is what `tracer run` does, without the terminal: compile the network, solve
it, attribute every flow and compute the indicators. The result keeps the compiled
network and the attribution plan so that follow-up questions (one vehicle's
breakdown, structural paths, another fleet) reuse the same factorisation.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import attribution, carbon, indicators, paths
from tracer.engine import CompiledNetwork, compile_network, multipliers


@dataclass(frozen=True, eq=False)
class RunResult:
    """Flows (long table, fleet totals), node coefficients, headline summary, inputs."""

    flows: pd.DataFrame
    coefficients: pd.DataFrame
    summary: dict[str, Any]
    network: nx.DiGraph
    fleet: pd.Series
    compiled: CompiledNetwork
    plan: attribution.AttributionPlan
    attribution: attribution.Attribution
    """The factorised flows: `.split(["country", "vehicle"])` gives any split cheaply."""


def default_network(mines: str | os.PathLike[str] | None = None) -> nx.DiGraph:
    """The bundled default network (China 2019), built by the graphs package.

    `mines`: a user's mine table (any format mine_db reads) traced instead of the bundled one.
    """
    from graphs import build_default_network

    return build_default_network() if mines is None else build_default_network(Path(mines))


def default_fleet() -> pd.Series:
    """The bundled default fleet: passenger cars produced in China in 2019."""
    from graphs import default_fleet as graphs_default_fleet

    return graphs_default_fleet()


def normalise_fleet(fleet: Mapping[str, float] | pd.Series, file: str | None = None) -> pd.Series:
    """Fleet as a float Series keyed by vehicle id; negative or non-finite counts are errors."""
    series = pd.Series(fleet, dtype=object) if not isinstance(fleet, pd.Series) else fleet
    if series.empty:
        raise InputError("the fleet is empty: give at least one vehicle id and count", file=file)
    if series.index.has_duplicates:
        dup = series.index[series.index.duplicated()][0]
        raise InputError(f"vehicle {dup!r} appears more than once in the fleet", file=file, column="vehicle")
    counts: dict[str, float] = {}
    for vehicle, count in series.items():
        try:
            value = float(count)
        except (TypeError, ValueError):
            raise InputError(f"count for vehicle {vehicle!r} is not a number: {count!r}", file=file, column="count") from None
        if not math.isfinite(value) or value < 0:
            raise InputError(f"count for vehicle {vehicle!r} must be finite and >= 0, got {count!r}", file=file, column="count")
        counts[str(vehicle)] = value
    return pd.Series(counts, dtype=float, name="vehicles")


def load_fleet(path: str | os.PathLike[str]) -> pd.Series:
    """A fleet CSV (columns vehicle, count), read and checked by the graphs package."""
    from graphs import load_fleet as graphs_load_fleet

    return graphs_load_fleet(path)


def run(
    fleet: Mapping[str, float] | pd.Series | None = None,
    home: str = DEFAULT_HOME,
    network: nx.DiGraph | None = None,
    on_step: Callable[[str], None] | None = None,
) -> RunResult:
    """Trace `fleet` (vehicle id -> vehicles produced) through `network`.

    Defaults: the bundled China 2019 network and fleet. `home` is the country whose
    domestic vs abroad split is reported (any spelling, stored as ISO3). `on_step`
    is told each stage's name, for progress display.
    """
    step = on_step or (lambda _name: None)
    home_iso3 = to_iso3(home, column="--home")
    step("building the supply-chain network")
    graph = _validated(default_network() if network is None else network)
    fleet_series = normalise_fleet(default_fleet() if fleet is None else fleet)
    step("compiling and factorising")
    compiled = compile_network(graph)
    # a zero count for a vehicle type this network lacks demands nothing: drop it
    fleet_series = fleet_series[(fleet_series > 0) | fleet_series.index.isin(compiled.vehicles)]
    y = compiled.demand(fleet_series)
    plan = attribution.prepare(compiled)
    step("attributing flows")
    factors = attribution.attribute_demand(plan, y)
    flows = factors.table()
    coefficients = indicators.coefficients_table(compiled, multipliers(compiled, plan.solver))
    step("computing indicators")
    summary = indicators.summarise(flows, coefficients, fleet_series.to_dict(), home_iso3)
    if not np.isfinite(flows["value"].to_numpy(dtype=float)).all():  # an overflow is an error, not `inf` in a table
        raise InputError(f"the traced flows overflow to infinity: a fleet count (largest {fleet_series.max():g}) or "
                         "an amount in the network is absurdly large")
    summary.update(carbon.summary(_unit_co2(plan, flows, fleet_series), graph, list(compiled.vehicles), flows))
    return RunResult(
        flows=flows,
        coefficients=coefficients,
        summary=summary,
        network=graph,
        fleet=fleet_series,
        compiled=compiled,
        plan=plan,
        attribution=factors,
    )


#: Labels of the CO2 rows `tracer.carbon.summary` groups (a unit attribution needs no more).
_UNIT_LABELS = ["vehicle", "material", "component", "country", "stressor"]


def _unit_co2(plan: attribution.AttributionPlan, flows: pd.DataFrame, fleet: pd.Series) -> pd.DataFrame:
    """CO2 flow rows of one of each vehicle of the network (`tracer.carbon.summary` groups them).

    Why not a second attribution of one of each: flows are linear in the demand, so a
    produced vehicle's rows are the fleet's flow table divided by its count (exact to
    rounding, tested); only the types the fleet does not produce need a demand of their own.
    """
    vehicles = list(plan.compiled.vehicles)
    counts = fleet.reindex(vehicles).fillna(0.0)
    produced = counts[counts > 0]
    table = flows[(flows["stressor"] == carbon.CO2) & flows["vehicle"].isin(produced.index)]
    table = table.assign(value=table["value"].to_numpy() / table["vehicle"].map(produced).to_numpy(dtype=float))
    unproduced = [v for v in vehicles if v not in produced.index]
    if not unproduced:
        return table
    each = attribution.attribute_demand(plan, plan.compiled.demand(dict.fromkeys(unproduced, 1.0))).split(_UNIT_LABELS)
    return pd.concat([table, each[each["stressor"] == carbon.CO2]], ignore_index=True)


#: Checks of `graphs.validate` a caller's network must pass: without them a number is silently wrong
#: (an unknown country counted as abroad, a negative or infinite amount). Structural checks
#: (dangling boundaries, mass balance) stay with `graphs.validate`, as test and study networks differ.
_REQUIRED_CHECKS = frozenset({"kind", "unit", "country", "amount", "stressor"})


def _validated(network: nx.DiGraph) -> nx.DiGraph:
    """The network as given, once it passes `_REQUIRED_CHECKS`; else `InputError` naming each node."""
    from graphs.validate import check

    errors = [f for f in check(network).errors if f.check in _REQUIRED_CHECKS]
    if errors:
        lines = "\n  ".join(str(f) for f in errors[:20])
        raise InputError(f"the network has {len(errors)} error(s):\n  {lines}")
    return network


def trace(
    fleet_file: str | os.PathLike[str] | None = None,
    *,
    vehicles: Mapping[str, float] | None = None,
    home: str = DEFAULT_HOME,
    on_step: Callable[[str], None] | None = None,
    mines: str | os.PathLike[str] | None = None,
) -> RunResult:
    """What the CLI traces: `vehicles`, else the fleet file, else the default fleet.

    `mines`: a user's mine table instead of the bundled one. Under a scenario:
    `tracer.scenarios.compare.trace_scenario`.
    """
    chosen = vehicles if vehicles is not None else (load_fleet(fleet_file) if fleet_file else None)
    network = None if mines is None else default_network(mines)
    return run(fleet=chosen, home=home, network=network, on_step=on_step)


def vehicle_report(
    vehicle_id: str, home: str = DEFAULT_HOME, on_step: Callable[[str], None] | None = None,
    mines: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """One vehicle's TMR, hidden flows and CO2e, by flow type, material, first-tier component and country."""
    result = trace(vehicles={vehicle_id: 1.0}, home=home, on_step=on_step, mines=mines)
    return {
        "vehicle": vehicle_id,
        "tmr_t": result.summary["total_tmr_t"],
        "hidden_t": result.summary["hidden_t"],
        "used_t": result.summary["used_t"],
        "abroad_share": result.summary["abroad_share"],
        "by_stressor_t": result.summary["by_stressor_t"],
        "co2_t": result.summary["co2_t"],
        "co2_by_group_t": result.summary["co2_by_group_t"],
        "co2_shares": result.summary["per_vehicle_co2_shares"][vehicle_id],
        "co2_by_country_t": result.summary["co2_by_country_t"],
        **{f"by_{by}": indicators.breakdown(result.flows, by) for by in ("material", "component", "country")},
    }


def coefficients(kind: str | None = None, on_step: Callable[[str], None] | None = None) -> pd.DataFrame:
    """TMR coefficient of every node of the default network (only nodes of `kind` if given)."""
    table = trace(on_step=on_step).coefficients
    return table if kind is None else table[table["kind"] == kind]


def supply_paths(
    vehicle_id: str | None = None,
    view: str = "country",
    top: int = 15,
    cutoff: float = 1e-4,
    on_step: Callable[[str], None] | None = None,
) -> paths.PathResult:
    """The largest supply paths of hidden flows behind the fleet (or one vehicle)."""
    result = trace(vehicles=None if vehicle_id is None else {vehicle_id: 1.0}, on_step=on_step)
    return paths.top_paths(result.compiled, result.compiled.demand(result.fleet), view=view, top=top, cutoff=cutoff)
