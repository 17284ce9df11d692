"""One HTML page that a reader can open offline: headline numbers, per-vehicle bars, map, Sankey, tables, sources.

Run:  python examples/map_report.py [OUT_FILE]
Same as `tracer report --out OUT_FILE`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import mine_db
from tracer import api
from tracer.maps import interactive, report


def main(out: Path) -> None:
    result = api.run()
    page = report.build_report(result.flows, result.summary, mines=mine_db.load_default(), fleet=result.fleet,
                               title="Hidden material flows of China's 2019 passenger cars")
    path = interactive.write_html(page, out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("out/report.html"))
