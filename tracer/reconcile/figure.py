"""The reconciliation drawn and printed: a waterfall figure and Markdown tables.

The figure is built with `matplotlib.figure.Figure` (no pyplot, no GUI backend). The
Markdown is what the README's "Against the published study" section shows, so the
section is regenerated from a run, never typed in.
"""

from __future__ import annotations

import math

import pandas as pd
from matplotlib.figure import Figure

from tracer.reconcile.core import METRICS, Reconciliation, format_value

COLOURS = {"start": "#4d4d4d", "element": "#2166ac", "overlap": "#999999", "total": "#1a1a1a",
           "unexplained": "#d6604d"}


def waterfall_figure(result: Reconciliation) -> Figure:
    """Bars from the core network, through each element, to our total and the published figure."""
    steps = result.waterfall
    fig = Figure(figsize=(max(6.0, 1.0 + 0.9 * len(steps)), 4.2))
    ax = fig.add_subplot()
    for i, row in enumerate(steps.itertuples()):
        low, high = sorted((row.start, row.end))
        colour = COLOURS[row.kind] if row.value >= 0 or row.kind == "total" else "#67a9cf"
        ax.bar(i, (high - low) / 1e6, bottom=low / 1e6, color=colour, width=0.7)
        sign = "" if row.kind in ("start", "total") or row.value < 0 else "+"
        ax.text(i, high / 1e6, f"{sign}{row.value / 1e6:,.0f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(steps)), [_wrap(label) for label in steps["label"]], fontsize=7)
    ax.set_ylabel(f"{METRICS[result.metric]}, Mt")
    scenario = f", scenario {result.scenario}" if result.scenario else ""
    ax.set_title(f"{METRICS[result.metric].capitalize()}: this tool against {result.reference.name}{scenario}",
                 fontsize=9, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    fig.text(0.01, 0.005, "Each element measured by switching it off alone; nothing fitted to the published figure.",
             fontsize=6.5, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _wrap(label: str, width: int = 14) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])


def markdown(result: Reconciliation) -> str:
    """The side-by-side table and the waterfall as Markdown (the README section's tables)."""
    lines = ["| indicator | published | this tool | ours against published |", "| --- | ---: | ---: | --- |"]
    for row in result.comparison.itertuples():
        lines.append(f"| {row.label} | {row.published} | {row.ours} | {row.agreement} |")
    lines += ["", f"| step ({METRICS[result.metric]}) | Mt | running total, Mt |", "| --- | ---: | ---: |"]
    for row in result.waterfall.itertuples():
        value = row.value / 1e6
        shown = f"{value:,.1f}" if row.kind in ("start", "total") else f"{value:+,.1f}"
        lines.append(f"| {row.label} | {shown} | {row.end / 1e6:,.1f} |")
    absent = result.elements[~result.elements["present"]]
    if len(absent):
        lines += ["", "Declared but not in this network (contribution 0): "
                  + ", ".join(absent["label"]) + "."]
    return "\n".join(lines)


def elements_markdown(elements: pd.DataFrame) -> str:
    """Each present element's contribution to hidden flows and TMR, at home and abroad."""
    lines = ["| element | nodes | hidden flows | of which in China | abroad | TMR |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for row in elements[elements["present"]].itertuples():
        cells = [_mt(row.hidden_t), _mt(row.domestic_hidden_t), _mt(row.abroad_hidden_t), _mt(row.total_tmr_t)]
        lines.append(f"| {row.label} | {row.nodes} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{round(value / 1e6, 1) + 0.0:,.1f} Mt"


__all__ = ["elements_markdown", "format_value", "markdown", "waterfall_figure"]
