"""Which supply routes carry the hidden flows of a BEV?

Structural path analysis on a country-aggregated view: the ten largest paths from the
vehicle up to the mines, and the share of the (exactly solved) total they cover.
Paths only explain; the totals come from the matrix solve.

    python examples/supply_paths.py
"""

from __future__ import annotations

from tracer.api import run
from tracer.paths import top_paths


def main(vehicle: str = "BEV") -> None:
    """Print the top paths of one vehicle's hidden flows."""
    result = run(fleet={vehicle: 1.0})
    found = top_paths(result.compiled, result.compiled.demand(result.fleet), view="country", top=10, cutoff=1e-4)
    print(f"{vehicle}: {found.total:.2f} t hidden flows per vehicle; top 10 paths cover {100 * found.coverage:.1f} %")
    for path in found.paths:
        print(f"  {path.value:7.3f} t  {' <- '.join(path.labels)}")


if __name__ == "__main__":
    main()
