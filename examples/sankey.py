"""How do the hidden flows travel from the producing countries, through materials and components, into each vehicle?

Run:  python examples/sankey.py [OUT_DIR]
Writes sankey_hidden.html (interactive, offline), sankey_hidden.png/.svg (matplotlib)
and sankey_hidden_links.csv; every column of the diagram sums to the same total.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hfcommon.output import write_table
from tracer import api
from tracer.maps import interactive, sankey, static


def main(out: Path) -> None:
    result = api.run()
    links = sankey.sankey_links(result.flows, "hidden", top_countries=10, top_components=8)
    print("column totals (Mt):", (sankey.check_balance(links) / 1e6).round(3))
    page = interactive.html_page("Sankey", interactive.figure_div(sankey.sankey_figure(links)))
    print("wrote", interactive.write_html(page, out / "sankey_hidden.html"))
    for path in static.save_figure(sankey.sankey_static(links, source="hidden-flow tracer, China 2019"), out / "sankey_hidden"):
        print("wrote", path)
    print("wrote", write_table(links, out / "sankey_hidden_links", "csv"))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/maps"))
