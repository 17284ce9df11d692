"""Compare a run with a reference study and measure what each boundary element explains.

The side-by-side table takes our figures from the run's own summary (what `tracer run`
prints), never recomputed. The waterfall starts from the run with every declared
boundary element switched off (the "core"), adds each element's contribution measured
by switching that element alone off, then the overlap (paths that cross two elements
are removed by both; the overlap makes the steps add up exactly), reaching our total;
the last step is what is left unexplained against the published figure. Beside the
waterfall, the declared choices (`tracer.reconcile.choices`) each give the total had that
one choice been made differently; they are alternatives, never summed into the steps.
Nothing is fitted: the published figures only sit beside ours.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from hfcommon.errors import InputError
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api
from tracer.reconcile.choices import Choice, choice_table, load_choices
from tracer.reconcile.elements import Element, load_elements, switched_off
from tracer.reconcile.reference import (
    INDICATORS,
    RELATIONS,
    Figure,
    Reference,
    _top_abroad,
    load_reference,
)

METRICS = {"hidden_t": "hidden flows", "total_tmr_t": "TMR"}


@dataclass(frozen=True, eq=False)
class Reconciliation:
    """The comparison, the elements' contributions, the waterfall of one metric and the choices."""

    reference: Reference
    metric: str
    comparison: pd.DataFrame
    elements: pd.DataFrame
    waterfall: pd.DataFrame
    summary: dict[str, Any]
    scenario: str | None = None
    notes: list[str] = field(default_factory=list)
    choices: pd.DataFrame = field(default_factory=lambda: choice_table((), None))

    def as_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready records (what `tracer reconcile --json` prints)."""
        return {
            "reference": {"name": self.reference.name, "file": self.reference.file},
            "scenario": self.scenario,
            "metric": self.metric,
            "home": self.summary["home"],
            "comparison": _records(self.comparison),
            "elements": _records(self.elements),
            "waterfall": _records(self.waterfall),
            "choices": _records(self.choices),
            "notes": list(self.notes),
        }


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()}
            for row in df.to_dict(orient="records")]


def reconcile(
    reference: str | Reference | None = None,
    network: nx.DiGraph | None = None,
    fleet: Mapping[str, float] | pd.Series | None = None,
    home: str = DEFAULT_HOME,
    metric: str = "hidden_t",
    elements: tuple[Element, ...] | None = None,
    scenario: str | None = None,
    choices: tuple[Choice, ...] | None = None,
    levers: Callable[[nx.DiGraph], nx.DiGraph] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> Reconciliation:
    """Trace the fleet, compare it with `reference`, switch each element off in turn, measure each choice.

    `network`: the network traced (the bundled one, through `levers`, when None). `levers`
    (a scenario's network levers) is applied to each choice's rebuilt network too. Choices
    rebuild the bundled network, so by default they are measured only when `network` is None.
    `on_step(name)` is told as each run begins: the run, each element, the core, each choice.
    """
    step = on_step or (lambda _name: None)
    if metric not in METRICS:
        raise InputError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}", column="metric")
    ref = reference if isinstance(reference, Reference) else load_reference(reference)
    declared = load_elements() if elements is None else elements
    alternatives = (load_choices() if network is None else ()) if choices is None else choices
    if network is None:
        network = api.default_network() if levers is None else levers(api.default_network())
    step("tracing the run")
    base = api.run(fleet=fleet, home=home, network=network)
    comparison = comparison_table(ref, base.summary)
    contributions, core = element_table(network, base, declared, step)
    published = ref.figure(metric)
    waterfall = waterfall_table(metric, base.summary[metric], core, contributions,
                                None if published is None else float(published.value))  # type: ignore[arg-type]
    notes = [f"element {row.element!r} ({row.label}) has no node in this network: contribution 0"
             for row in contributions.itertuples() if not row.present]
    return Reconciliation(ref, metric, comparison, contributions, waterfall, base.summary, scenario, notes,
                          choice_table(alternatives, base, levers, step))


def comparison_table(ref: Reference, summary: dict[str, Any]) -> pd.DataFrame:
    """One row per published figure: published, ours (from the run summary), difference."""
    return pd.DataFrame([_compare(f, summary) for f in ref.figures])


def _compare(fig: Figure, summary: dict[str, Any]) -> dict[str, Any]:
    indicator = INDICATORS[fig.indicator]
    row: dict[str, Any] = {
        "indicator": fig.indicator, "label": indicator.label, "unit": indicator.unit,
        "relation": fig.relation, "published": fig.published,
    }
    if isinstance(fig.value, tuple):
        ours_list = _top_abroad(summary, len(fig.value))
        shares = {r["country"]: r["share_of_hidden"] for r in summary["top_countries"]}
        common = [c for c in fig.value if c in ours_list]
        row.update(published_value=math.nan, ours_value=math.nan, difference=math.nan, ratio=math.nan,
                   ours=", ".join(f"{c} ({100 * shares[c]:.1f} %)" for c in ours_list),
                   agreement=f"{len(common)} of {len(fig.value)} in our top {len(fig.value)}")
    else:
        ours = indicator.ours(summary)
        ours_value = math.nan if ours is None else float(ours)
        published = float(fig.value)
        row.update(published_value=published, ours_value=ours_value, ours=format_value(ours_value, indicator.unit),
                   difference=ours_value - published,
                   ratio=ours_value / published if published else math.nan,
                   agreement=_agreement(fig.relation, ours_value, published))
    row.update(where=fig.where, note=fig.note)
    return row


def _agreement(relation: str, ours: float, published: float) -> str:
    if math.isnan(ours):
        return "not computed"
    if relation == "=":
        return f"ours = {ours / published:.2f} x published" if published else "published is 0"
    holds = ours > published if relation == ">" else ours < published
    return f"ours {'is' if holds else 'is not'} {RELATIONS[relation]} {format_value(published, 'ratio')}"


def format_value(value: float, unit: str) -> str:
    """A figure as the README prints it (Mt, %, ratio with one decimal)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if unit == "t":
        return f"{value / 1e6:,.0f} Mt"
    if unit == "share":
        return f"{100 * value:.1f} %"
    return f"{value:,.1f}"


def element_table(graph: nx.DiGraph, base: api.RunResult, elements: tuple[Element, ...],
                  on_step: Callable[[str], None] | None = None) -> tuple[pd.DataFrame, dict]:
    """Each element's contribution (run minus run without it) and the all-off core summary."""
    step = on_step or (lambda _name: None)
    rows, union = [], set()
    for element in elements:
        step(f"without {element.label}")
        members = element.members(graph)
        union |= members
        off = _trace_without(graph, base, members)
        row = {"element": element.name, "label": element.label, "nodes": len(members), "present": bool(members)}
        row.update({k: base.summary[k] - off[k] for k in ("hidden_t", "total_tmr_t", "domestic_hidden_t",
                                                           "abroad_hidden_t")})
        row["source"] = element.source
        rows.append(row)
    step("core network (every element off)")
    return pd.DataFrame(rows), _trace_without(graph, base, union)


def _trace_without(graph: nx.DiGraph, base: api.RunResult, members: set | frozenset) -> dict[str, Any]:
    if not members:
        return base.summary
    return api.run(fleet=base.fleet, home=base.summary["home"], network=switched_off(graph, members)).summary


def waterfall_table(metric: str, total: float, core: dict[str, Any], contributions: pd.DataFrame,
                    published: float | None) -> pd.DataFrame:
    """Steps from the all-off core to our total, then to the published figure; they add up exactly."""
    steps = [("core", "core network (every element off)", "start", float(core[metric]))]
    present = contributions[contributions["present"]]
    steps += [(r.element, r.label, "element", float(getattr(r, metric))) for r in present.itertuples()]
    overlap = total - float(core[metric]) - float(present[metric].sum())
    steps.append(("overlap", "overlap of elements (removed by more than one)", "overlap", overlap))
    steps.append(("this_tool", "this tool", "total", total))
    if published is not None:
        steps.append(("unexplained", "left unexplained", "unexplained", published - total))
        steps.append(("published", "published", "total", published))
    rows, level = [], 0.0
    for name, label, kind, value in steps:
        start = 0.0 if kind in ("start", "total") else level
        end = value if kind in ("start", "total") else level + value
        rows.append({"step": name, "label": label, "kind": kind, "metric": metric,
                     "value": value, "start": start, "end": end, "unit": "t"})
        level = end
    return pd.DataFrame(rows)
