"""How do hidden flows fall as the recycled content of copper rises from 0 to 60 %?

Sweeps one scenario key over a range in one call (`tracer sweep
recycled_content.copper.share --from 0 --to 0.6 --steps 7 --scenario copper_recycling`),
then the NEV share of the fleet from 5 % to 60 %: a demand-only parameter, solved for
all steps with a single factorisation of the network.

    python examples/scenario_sweep.py

Output: two tables, one row per step. Hidden flows fall linearly with the recycled
content of copper (each 10 points remove the same tonnage; tailings and hidden flows
abroad fall fastest because the copper mines are mostly in Peru and Chile). Raising
the NEV share raises hidden flows, mostly abroad, because a BEV's battery metals
carry about twice a conventional car's.
"""

from __future__ import annotations

import numpy as np

from tracer.scenarios.sweep import SweepResult, sweep


def show(result: SweepResult, metrics: tuple[str, ...]) -> None:
    """Print one row per step: each metric in Mt and its change against the first step."""
    wide = result.table.pivot(index="value", columns="metric", values="amount")
    change = result.table.pivot(index="value", columns="metric", values="change_pct")
    print(f"\n{result.parameter} (base scenario {result.base}; one factorisation: {result.reused_factorisation})")
    print(f"{'value':>8}" + "".join(f"{m.removesuffix('_t'):>26}" for m in metrics))
    for value in result.values:
        cells = "".join(f"{wide.at[value, m] / 1e6:>16,.1f} ({change.at[value, m]:+5.1f} %)" for m in metrics)
        print(f"{value:>8.2f}{cells}")


def main() -> None:
    """Run both sweeps and print their tables."""
    copper = sweep("recycled_content.copper.share", list(np.linspace(0.0, 0.6, 7)), base="copper_recycling")
    show(copper, ("hidden_t", "tailings_t", "abroad_hidden_t"))
    fleet = sweep("fleet.nev_share", [0.05, 0.2, 0.4, 0.6], base="nev_2030")
    show(fleet, ("hidden_t", "total_tmr_t", "abroad_hidden_t"))


if __name__ == "__main__":
    main()
