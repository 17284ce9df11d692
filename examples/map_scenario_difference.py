"""Which countries gain or lose hidden flows when the fleet changes? A map of the difference between two runs.

Run:  python examples/map_scenario_difference.py [OUT_DIR]
Compares the default 2019 fleet with the same number of cars where every battery-electric
car is an LFP BEV (a fleet-level what-if that needs no scenario file), and writes
hidden_difference_lfp.png/.svg: red where hidden flows grow, blue where they shrink.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tracer import api
from tracer.maps import aggregate, static


def main(out: Path) -> None:
    baseline = api.run()
    fleet = baseline.fleet.copy()
    bevs = [v for v in fleet.index if v.startswith("BEV") and v != "BEV-LFP" and fleet[v] > 0]
    if "BEV-LFP" not in fleet.index or not bevs:
        raise SystemExit("the default fleet has no non-LFP BEVs to swap")
    fleet["BEV-LFP"] += fleet[bevs].sum()
    fleet[bevs] = 0.0
    lfp = api.run(fleet=fleet)
    figure = static.difference_map(lfp.flows, baseline.flows, "hidden", source="hidden-flow tracer; all BEVs as LFP")
    for path in static.save_figure(figure, out / "hidden_difference_lfp"):
        print("wrote", path)
    change = aggregate.difference(lfp.flows, baseline.flows, "hidden")
    print((change.set_index("country").head(10) / 1e6).round(2).to_string())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/maps"))
