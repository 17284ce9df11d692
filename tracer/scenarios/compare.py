"""Run several scenarios on the same base network and fleet and tabulate the differences.

Every scenario is traced by the engine in full (`tracer.api.run`), so its totals obey
the same closed mass balance as `tracer run`. The first scenario is the reference:
each row carries its change against the first, absolute and in per cent.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
from tracer.scenarios.catalog import load_scenario
from tracer.scenarios.levers import apply_fleet, apply_network
from tracer.scenarios.spec import Scenario

# summary.json key -> unit, in the order a reader wants them
TOTAL_METRICS: tuple[tuple[str, str], ...] = (
    ("total_tmr_t", "t"),
    ("hidden_t", "t"),
    ("overburden_t", "t"),
    ("waste_rock_t", "t"),
    ("tailings_t", "t"),
    ("process_residue_t", "t"),
    ("used_t", "t"),
    ("domestic_hidden_t", "t"),
    ("abroad_hidden_t", "t"),
    ("unknown_origin_hidden_t", "t"),
    ("hidden_to_used", "t/t"),
    ("abroad_share", "fraction"),
    ("energy_GJ", "GJ"),
    ("co2_t", "t CO2-eq"),
    ("vehicles", "vehicle"),
)
BREAKDOWN_COLUMNS = ("scenario", "dimension", "key", "measure", "value", "unit", "change", "change_pct")
TOTALS_COLUMNS = ("scenario", "metric", "value", "unit", "change", "change_pct")


@dataclass(frozen=True, eq=False)
class ScenarioRun:
    """One scenario traced: its label (unique in a comparison), spec and engine result."""

    label: str
    scenario: Scenario
    result: api.RunResult


@dataclass(frozen=True, eq=False)
class Comparison:
    """Totals and breakdowns of several scenarios, each against the first."""

    home: str
    runs: tuple[ScenarioRun, ...]
    totals: pd.DataFrame
    breakdown: pd.DataFrame
    assumptions: pd.DataFrame

    @property
    def labels(self) -> list[str]:
        """Scenario labels in the order given (the first is the reference)."""
        return [run.label for run in self.runs]

    def tradeoff(self) -> pd.DataFrame:
        """Hidden flows and CO2e per vehicle of the fleet, and their change against the first scenario.

        One row per scenario: the two columns a procurement lever trades against each other.
        """
        wide = self.totals.pivot(index="scenario", columns="metric", values="value").reindex(self.labels)
        out = pd.DataFrame({
            "scenario": self.labels,
            "hidden_t_per_vehicle": (wide["hidden_t"] / wide["vehicles"]).to_numpy(),
            "co2_t_per_vehicle": (wide["co2_t"] / wide["vehicles"]).to_numpy(),
        })
        for name, column in (("hidden", "hidden_t_per_vehicle"), ("co2", "co2_t_per_vehicle")):
            base = float(out[column].iloc[0])
            out[f"{name}_change_t"] = out[column] - base
            out[f"{name}_change_pct"] = 100.0 * out[f"{name}_change_t"] / base if base else np.nan
        return out

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: per scenario its totals, changes vs the first and assumptions."""
        out: dict[str, Any] = {"home": self.home, "reference": self.labels[0], "scenarios": [],
                               "tradeoff": self.tradeoff().to_dict("records")}
        for run in self.runs:
            t = self.totals[self.totals["scenario"] == run.label].set_index("metric")
            out["scenarios"].append(
                {
                    "name": run.label,
                    "title": run.scenario.title,
                    "file": run.scenario.file,
                    "totals": {m: t.at[m, "value"] for m in t.index},
                    "change": {m: t.at[m, "change"] for m in t.index},
                    "change_pct": {m: t.at[m, "change_pct"] for m in t.index},
                    "per_vehicle_tmr_t": run.result.summary["per_vehicle_tmr_t"],
                    "per_vehicle_hidden_t": run.result.summary["per_vehicle_hidden_t"],
                    "per_vehicle_co2_t": run.result.summary.get("per_vehicle_co2_t", {}),
                    "assumptions": run.scenario.assumptions(),
                }
            )
        return out


def scenario_inputs(
    scenario: Scenario, network: nx.DiGraph, fleet: pd.Series
) -> tuple[nx.DiGraph, pd.Series]:
    """The network and fleet a scenario stands for (the base ones where it has no lever)."""
    graph = apply_network(network, scenario) if scenario.changes_network else network
    return graph, apply_fleet(fleet, scenario)


def trace_scenario(
    scenario: str | Path | Scenario,
    fleet: Mapping[str, float] | pd.Series | None = None,
    home: str = DEFAULT_HOME,
    on_step: Callable[[str], None] | None = None,
    mines: str | Path | None = None,
) -> api.RunResult:
    """Trace the default network (on `mines` if given) and `fleet` as `scenario` changes them."""
    spec = load_scenario(scenario) if isinstance(scenario, (str, Path)) else scenario
    base = api.normalise_fleet(api.default_fleet() if fleet is None else fleet)
    graph = api.default_network() if mines is None else api.default_network(mines)
    network, fleet_series = scenario_inputs(spec, graph, base)
    return api.run(fleet=fleet_series, home=home, network=network, on_step=on_step)


def compare(
    refs: Sequence[str | Path | Scenario],
    network: nx.DiGraph | None = None,
    fleet: pd.Series | None = None,
    home: str = DEFAULT_HOME,
    on_step: Callable[[str], None] | None = None,
) -> Comparison:
    """Trace each scenario (bundled name, file or parsed `Scenario`) and compare to the first.

    All scenarios are parsed and their levers applied before any is traced, so a typo
    or a lever the network cannot take in the last file fails fast.
    """
    if not refs:
        raise InputError("give at least one scenario to compare")
    step = on_step or (lambda _name: None)
    home_iso3 = to_iso3(home, column="--home")
    scenarios = [r if isinstance(r, Scenario) else load_scenario(r) for r in refs]
    labels = _unique_labels([s.name for s in scenarios])
    base_network = api.default_network() if network is None else network
    base_fleet = api.normalise_fleet(api.default_fleet() if fleet is None else fleet)
    inputs = [scenario_inputs(s, base_network, base_fleet) for s in scenarios]
    runs = []
    for label, scenario, (graph, vehicles) in zip(labels, scenarios, inputs, strict=True):
        step(label)
        runs.append(ScenarioRun(label, scenario, api.run(vehicles, home_iso3, graph)))
    return Comparison(
        home=home_iso3,
        runs=tuple(runs),
        totals=_with_change(
            pd.concat([_totals(r) for r in runs], ignore_index=True), ["metric"], TOTALS_COLUMNS, fill=False
        ),
        breakdown=_with_change(
            pd.concat([_breakdown(r, home_iso3) for r in runs], ignore_index=True),
            ["dimension", "key", "measure"],
            BREAKDOWN_COLUMNS,
            fill=True,
        ),
        assumptions=pd.DataFrame(
            [{"scenario": r.label, **row} for r in runs for row in r.scenario.assumptions()],
            columns=["scenario", "key", "setting", "source"],
        ),
    )


def _unique_labels(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}#{seen[name]}")
    return out


def _totals(run: ScenarioRun) -> pd.DataFrame:
    summary = run.result.summary
    by_stressor = summary.get("by_stressor_t", {})
    values: dict[str, Any] = {
        **{f"{s}_t": by_stressor.get(s, 0.0) for s in MASS_STRESSORS},
        **summary,
        "vehicles": float(run.result.fleet.sum()),
    }
    rows = [
        {"scenario": run.label, "metric": metric, "value": _number(values.get(metric)), "unit": unit}
        for metric, unit in TOTAL_METRICS
    ]
    return pd.DataFrame(rows)


def _number(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _breakdown(run: ScenarioRun, home: str) -> pd.DataFrame:
    """Long table of TMR and hidden flows by vehicle, country, material and location."""
    flows = run.result.flows
    parts = [
        flows.groupby(["stressor", "unit"], as_index=False)["value"].sum()
        .rename(columns={"stressor": "key"})
        .assign(dimension="flow_type", measure="total")
    ]
    located = flows.assign(
        location=np.where(
            flows["country"] == home,
            "domestic",
            np.where(flows["country"] == UNKNOWN_ORIGIN, "unknown origin", "abroad"),
        )
    )
    for measure, stressors in (("tmr", MASS_STRESSORS), ("hidden", HIDDEN_STRESSORS)):
        subset = located[located["stressor"].isin(stressors)]
        for dimension in ("vehicle", "country", "material", "location"):
            grouped = subset.groupby(dimension, as_index=False)["value"].sum().rename(columns={dimension: "key"})
            parts.append(grouped.assign(dimension=dimension, measure=measure, unit="t"))
    for measure, column in (("tmr", "per_vehicle_tmr_t"), ("hidden", "per_vehicle_hidden_t"),
                            ("co2", "per_vehicle_co2_t")):
        per = run.result.summary.get(column, {})
        parts.append(
            pd.DataFrame(
                {"key": list(per), "value": [float(v) for v in per.values()]}
            ).assign(dimension="per_vehicle", measure=measure, unit="t CO2-eq/vehicle" if measure == "co2" else "t/vehicle")
        )
    table = pd.concat(parts, ignore_index=True)
    return table.assign(scenario=run.label)


def _with_change(table: pd.DataFrame, keys: list[str], columns: tuple[str, ...], fill: bool) -> pd.DataFrame:
    """Add change and change_pct against the first scenario.

    With `fill`, a row that one scenario lacks counts as 0 there (additive flows: a
    flow that vanishes shows as -100 %); ratios are never filled.
    """
    labels = list(dict.fromkeys(table["scenario"]))
    order = pd.MultiIndex.from_frame(table[[*keys, "unit"]].drop_duplicates())
    wide = table.pivot(index=[*keys, "unit"], columns="scenario", values="value").reindex(
        index=order, columns=labels
    )
    if fill:
        wide = wide.fillna(0.0)
    base = wide[labels[0]]
    long = wide.reset_index().melt(id_vars=[*keys, "unit"], var_name="scenario", value_name="value")
    reference = long[[*keys, "unit"]].merge(
        base.rename("base").reset_index(), on=[*keys, "unit"], how="left"
    )["base"].to_numpy()
    long["change"] = long["value"].to_numpy() - reference
    with np.errstate(divide="ignore", invalid="ignore"):
        long["change_pct"] = np.where(reference != 0, 100.0 * long["change"] / reference, np.nan)
    return long[list(columns)].reset_index(drop=True)
