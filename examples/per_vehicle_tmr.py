"""Which vehicle type carries the most hidden flows, and which materials drive it?

Prints the TMR and hidden flows per vehicle for every vehicle type (ICEV, HEV, PHEV,
BEV by battery chemistry, FCV), then, for one BEV, the five materials and first-tier
components that contribute most. Splits are multiplied out from the factorised
attribution, so asking for another split costs no new solve.

    python examples/per_vehicle_tmr.py [VEHICLE_ID]
"""

from __future__ import annotations

import sys

from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer.api import run


def main(vehicle: str = "BEV-NMC811") -> None:
    """Print per-vehicle TMR and one vehicle's largest materials and components."""
    coefficients = run().coefficients
    vehicles = coefficients[coefficients["kind"] == "vehicle"].sort_values("tmr_per_unit")
    print("t per vehicle        TMR   hidden")
    for row in vehicles.itertuples():
        print(f"{row.node:14s} {row.tmr_per_unit:10.1f} {row.hidden_per_unit:8.1f}")

    flows = run(fleet={vehicle: 1.0}).flows  # one vehicle: values are t per vehicle
    hidden = flows[flows["stressor"].isin(HIDDEN_STRESSORS)]
    for label in ("material", "component"):
        top = hidden.groupby(label, observed=True)["value"].sum().nlargest(5)
        print(f"\n{vehicle}: hidden flows by {label} (t per vehicle)")
        for name, tonnes in top.items():
            print(f"  {name:40s} {tonnes:8.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
