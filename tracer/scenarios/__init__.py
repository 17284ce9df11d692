"""What-if scenarios: declared in TOML files, applied as levers, compared side by side.

    from tracer.scenarios import load_scenario, apply_network, apply_fleet
    lfp = load_scenario("lfp")            # a bundled name or a path to a .toml file
"""

from tracer.scenarios.catalog import bundled_names, load_all_bundled, load_scenario
from tracer.scenarios.levers import apply_fleet, apply_network
from tracer.scenarios.spec import Scenario

__all__ = [
    "Scenario",
    "apply_fleet",
    "apply_network",
    "bundled_names",
    "load_all_bundled",
    "load_scenario",
]
