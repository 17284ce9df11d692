"""Audit the default network's energy inputs: grid (whose) and fuels per process node kind (issue 19).

Prints a Markdown table per kind and commodity (nodes on their own country's grid, on the
world grid, on another country's, with none, and the fuels they burn), then the countries
whose nodes fall back to the world grid. `--json` prints the per-node rows instead.

    python tools/energy_audit.py [--json]
"""

from __future__ import annotations

import argparse
import json

from graphs.build import build_default_network
from graphs.energy_audit import audit_energy, summarise_audit, world_grid_countries


def main() -> None:
    """Build the default network and print its energy audit."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="per-node rows as JSON")
    args = parser.parse_args()
    audit = audit_energy(build_default_network())
    if args.json:
        print(json.dumps(audit.to_dict(orient="records"), indent=1))
        return
    print(summarise_audit(audit).to_markdown(index=False))
    world = world_grid_countries(audit)
    print(f"\nNodes on the world grid, by country ({int(world.sum())} nodes): "
          + ", ".join(f"{c} {n}" for c, n in world.items()))


if __name__ == "__main__":
    main()
