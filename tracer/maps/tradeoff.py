"""The procurement trade-off: each scenario's change in hidden flows against its change in CO2e.

Why a picture: a lever that cuts CO2 may move more rock, or the reverse; the four
quadrants around the reference show which, at a glance, for every scenario compared.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

matplotlib.use("Agg")


def tradeoff_figure(table: pd.DataFrame, reference: str) -> Figure:
    """Scatter of `Comparison.tradeoff()`: x = hidden flows, y = CO2e, % change per vehicle."""
    fig = Figure(figsize=(7.0, 5.0))
    ax = fig.subplots()
    others = table[table["scenario"] != reference]
    ax.axhline(0.0, color="0.6", lw=0.8)
    ax.axvline(0.0, color="0.6", lw=0.8)
    ax.scatter(others["hidden_change_pct"], others["co2_change_pct"], color="tab:blue", zorder=3)
    ax.scatter([0.0], [0.0], color="black", marker="x", zorder=3)
    # labels alternate above and below along x: levers near the origin crowd together
    for i, row in enumerate(others.sort_values("hidden_change_pct").itertuples()):
        ax.annotate(row.scenario, (row.hidden_change_pct, row.co2_change_pct), textcoords="offset points",
                    xytext=(5, 4 if i % 2 == 0 else -11), fontsize=8)
    for axis, column in ((ax.set_xlim, "hidden_change_pct"), (ax.set_ylim, "co2_change_pct")):
        reach = 1.2 * max(1.0, float(others[column].abs().max()) if len(others) else 1.0)
        axis(-reach, reach)  # symmetric, so each quadrant sits where its label says
    ax.set_xlabel(f"hidden flows per vehicle, % change against {reference}")
    ax.set_ylabel(f"CO2e per vehicle, % change against {reference}")
    ax.set_title("Procurement levers: rock moved against CO2 emitted", loc="left", fontsize=10)
    for x, y, text in ((0.02, 0.02, "cuts both"), (0.98, 0.98, "raises both"),
                       (0.02, 0.98, "less rock, more CO2e"), (0.98, 0.02, "more rock, less CO2e")):
        ax.text(x, y, text, transform=ax.transAxes, ha="left" if x < 0.5 else "right",
                va="bottom" if y < 0.5 else "top", fontsize=8, color="0.4")
    fig.tight_layout()
    return fig
