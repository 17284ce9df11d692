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
           "unexplained": "#d6604d", "choice_up": "#8073ac", "choice_down": "#b2abd2"}


def waterfall_figure(result: Reconciliation) -> Figure:
    """Bars from the core network, through each element, to our total and the published figure;
    beside them, each choice's change of the total (alternatives, not steps)."""
    steps, choices = result.waterfall, result.choices
    width = max(6.0, 1.0 + 0.9 * len(steps))
    fig = Figure(figsize=(width + (4.5 if len(choices) else 0.0), 4.2))
    grid = fig.add_gridspec(1, 2, width_ratios=(width, 4.5)) if len(choices) else fig.add_gridspec(1, 1)
    ax = fig.add_subplot(grid[0, 0])
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
    if len(choices):
        _choices_panel(fig.add_subplot(grid[0, 1]), result)
    fig.text(0.01, 0.005, "Each element measured by switching it off alone, each choice by changing it alone; "
             "nothing fitted to the published figure.", fontsize=6.5, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig


def _choices_panel(ax, result: Reconciliation) -> None:
    """Horizontal bars: each choice's change of the metric against this tool's run."""
    deltas = result.choices[f"delta_{result.metric}"] / 1e6
    rows = range(len(deltas))
    ax.barh(rows, deltas, color=[COLOURS["choice_up" if d >= 0 else "choice_down"] for d in deltas], height=0.6)
    for i, delta in zip(rows, deltas, strict=True):
        ax.text(delta, i, f" {delta:+,.0f} ", ha="left" if delta >= 0 else "right", va="center", fontsize=7)
    ax.set_yticks(rows, [_wrap(label, 26) for label in result.choices["label"]], fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0, color="#1a1a1a", linewidth=0.8)
    ax.margins(x=0.25)
    ax.set_xlabel(f"change of {METRICS[result.metric]}, Mt", fontsize=8)
    ax.set_title("Choices, each alone (not added up)", fontsize=9, loc="left")
    ax.spines[["top", "right"]].set_visible(False)


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


def choices_markdown(result: Reconciliation) -> str:
    """Each choice's hidden flows and its changes against this tool's run (empty when none was measured)."""
    if not len(result.choices):
        return ""
    header = "| choice (each alone; not added up) | setting | hidden flows | change | of which abroad | TMR change |"
    lines = [header + " what it changes |", "| --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for row in result.choices.to_dict(orient="records"):
        cells = [_mt(row["hidden_t"]), _signed_mt(row["delta_hidden_t"]), _signed_mt(row["delta_abroad_hidden_t"]),
                 _signed_mt(row["delta_total_tmr_t"])]
        lines.append(f"| {row['label']} | {row['setting']} | " + " | ".join(cells) + f" | {row['changes']} |")
    return "\n".join(lines)


def _signed_mt(value: float) -> str:
    return f"{round(value / 1e6, 1) + 0.0:+,.1f} Mt"


def _mt(value: float) -> str:
    return "n/a" if math.isnan(value) else f"{round(value / 1e6, 1) + 0.0:,.1f} Mt"


__all__ = ["choices_markdown", "elements_markdown", "format_value", "markdown", "waterfall_figure"]
