"""Which mines carry the hidden flows? Mine sites as circles sized by their overburden, waste rock and tailings.

Run:  python examples/map_mines.py [OUT_DIR]
Writes hidden_by_mine.png/.svg, an offline interactive hidden_by_mine.html (hover a
circle for the mine's name, commodity and flows) and hidden_by_mine.geojson.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mine_db
from tracer import api
from tracer.maps import aggregate, geodata, interactive, static


def main(out: Path) -> None:
    result = api.run()
    mines = mine_db.load_default()
    source = "hidden-flow tracer, China 2019 passenger cars; mine_db default database"
    for path in static.save_figure(static.mine_map(result.flows, mines, source=source), out / "hidden_by_mine"):
        print("wrote", path)
    page = interactive.map_page(result.flows, mines, source=source)
    print("wrote", interactive.write_html(page, out / "hidden_by_mine.html"))
    print("wrote", geodata.write_layer(geodata.mine_layer(result.flows, mines), out / "hidden_by_mine", "geojson", "mines"))
    unplaced = aggregate.unmapped_mines(result.flows, mines)
    print(f"{len(unplaced)} mine ids in the flows could not be placed on the map: {unplaced[:10]}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/maps"))
