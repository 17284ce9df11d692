"""Where do the hidden flows of China's 2019 car production lie? A world choropleth by producing country.

Run:  python examples/map_countries.py [OUT_DIR]
Writes hidden_by_country.png/.svg (log colour scale, Mt), hidden_by_country.gpkg for
GIS users, and one map per vehicle type (tailings only) to compare BEV with ICEV.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tracer import api
from tracer.maps import geodata, static


def main(out: Path) -> None:
    result = api.run()
    source = "hidden-flow tracer, China 2019 passenger cars"
    for path in static.save_figure(static.country_map(result.flows, "hidden", source=source), out / "hidden_by_country"):
        print("wrote", path)
    layer = geodata.country_layer(result.flows, home=result.summary["home"])
    print("wrote", geodata.write_layer(layer, out / "hidden_by_country", "gpkg", "countries"))
    print(layer[["iso3", "name", "hidden_t", "hidden_share"]].head(10).to_string(index=False))
    for vehicle in ("ICEV", "BEV"):
        if vehicle in set(result.flows["vehicle"]):
            figure = static.country_map(result.flows, "tailings", vehicles=[vehicle], source=source)
            print("wrote", static.save_figure(figure, out / f"tailings_by_country_{vehicle}", ["png"])[0])


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/maps"))
