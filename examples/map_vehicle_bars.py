"""How much rock does one car of each type move? Hidden flows per vehicle, stacked by overburden, waste rock and tailings.

Run:  python examples/map_vehicle_bars.py [OUT_DIR]
Writes hidden_by_vehicle.png/.svg (t per vehicle, from the run's fleet totals divided
by the vehicles produced) for papers; the report shows the same bars interactively.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tracer import api
from tracer.maps import static


def main(out: Path) -> None:
    result = api.run()
    produced = result.fleet[result.fleet > 0]
    figure = static.vehicle_bars(result.flows, produced, source="hidden-flow tracer, China 2019 passenger cars")
    for path in static.save_figure(figure, out / "hidden_by_vehicle"):
        print("wrote", path)
    for vehicle, hidden in result.summary["per_vehicle_hidden_t"].items():
        if vehicle in produced.index:
            print(f"{vehicle:>12}: {hidden:,.1f} t hidden flows per vehicle")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/maps"))
