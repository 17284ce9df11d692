"""Tornado figure of `tracer sensitivity`: how far each coefficient alone moves an indicator.

One panel per indicator (TMR, hidden flows); one bar per coefficient, from the indicator
with that coefficient at its 5th percentile to the one at its 95th, around the nominal
run (a vertical line). Largest swing on top, so the drivers read first; the axis carries
the unit (t for the fleet, t per vehicle for one vehicle).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from hfcommon.display import INDICATOR_NAMES, parameter_name, scaled_unit, sig

LOW_COLOUR, HIGH_COLOUR = "#0072B2", "#D55E00"  # Okabe-Ito blue and vermillion (colour-blind safe)


def _wrap(text: str, width: int = 48) -> str:
    """Break a long coefficient name at its ' · ' parts so the bar labels stay in the margin."""
    lines, line = [], ""
    for part in text.split(" · "):
        candidate = f"{line} · {part}" if line else part
        if len(candidate) > width and line:
            lines.append(line)
            candidate = part
        line = candidate
    return "\n".join([*lines, line])


def tornado_figure(top_rows: pd.DataFrame, vehicle: str = "fleet", source: str | None = None) -> Figure:
    """Matplotlib tornado of `top_rows` (columns indicator, parameter, indicator_nominal, indicator_at_low/high)."""
    panels = list(dict.fromkeys(top_rows["indicator"]))
    counts = [int((top_rows["indicator"] == p).sum()) for p in panels]
    fig = Figure(figsize=(10, 1.2 + 0.42 * sum(counts) + 0.9 * len(panels)))
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": counts or [1]})[:, 0]
    for ax, indicator in zip(axes, panels, strict=True):
        part = top_rows[top_rows["indicator"] == indicator].sort_values("swing")
        nominal = float(part["indicator_nominal"].iloc[0])
        divisor, unit = scaled_unit(max(abs(nominal), 1e-12), "t")
        unit = unit if vehicle == "fleet" else f"{unit} per vehicle"
        y = np.arange(len(part))
        low = part["indicator_at_low"].to_numpy(dtype=float) / divisor
        high = part["indicator_at_high"].to_numpy(dtype=float) / divisor
        base = nominal / divisor
        ax.barh(y, low - base, left=base, color=LOW_COLOUR, height=0.6)
        ax.barh(y, high - base, left=base, color=HIGH_COLOUR, height=0.6)
        ax.axvline(base, color="#222222", linewidth=1)
        ax.set_yticks(y, [_wrap(parameter_name(p)) for p in part["parameter"]], fontsize=7.5)
        ax.set_xlabel(f"{INDICATOR_NAMES.get(str(indicator), str(indicator))}, {vehicle} ({unit}); "
                      f"nominal {sig(base)} {unit}", fontsize=9)
        ax.spines[["top", "right"]].set_visible(False)
        ax.tick_params(axis="x", labelsize=8)
    handles = [Patch(color=LOW_COLOUR, label="coefficient at its 5th percentile"),
               Patch(color=HIGH_COLOUR, label="coefficient at its 95th percentile")]
    fig.legend(handles=handles, loc="upper right", fontsize=8, frameon=False, ncols=2)
    fig.suptitle(f"What moves the result: each coefficient alone from p5 to p95 ({vehicle})",
                 x=0.01, ha="left", fontsize=11)
    if source:
        fig.text(0.01, 0.005, f"Source: {source}", fontsize=6.5, color="#555555", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.02, 1, 0.95))
    return fig
