"""How much of the car fleet's mining waste lies abroad? China highlighted, other countries by their share.

Run:  python examples/map_domestic_abroad.py [OUT_DIR]
Writes hidden_domestic_abroad.png/.svg and prints the domestic / abroad / unknown-origin
split of each hidden flow type in Mt.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tracer import api
from tracer.maps import aggregate, static


def main(out: Path) -> None:
    result = api.run()
    home = result.summary["home"]
    figure = static.domestic_abroad_map(result.flows, home, source="hidden-flow tracer, China 2019 passenger cars")
    for path in static.save_figure(figure, out / "hidden_domestic_abroad"):
        print("wrote", path)
    split = aggregate.domestic_abroad(result.flows, home)
    print((split / 1e6).round(1).to_string())


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/maps"))
