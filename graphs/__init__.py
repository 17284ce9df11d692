"""graphs: the supply chain as a directed weighted network (networkx).

Public interface (docs/CONTRACTS.md, graphs -> tracer): `build_default_network`,
`default_fleet`, `load_fleet`, `validate`, the model (`Distribution`; node kinds,
stressors and vehicle ids are `hfcommon.vocabulary`'s) and Parquet / GraphML input and output.
"""

from graphs.build import build_default_network, default_parameters
from graphs.fleet import default_fleet, fleet_table, load_fleet
from graphs.io import read_parquet, write_graphml, write_parquet
from graphs.model import Distribution
from graphs.validate import ValidationReport, check, validate

__all__ = [
    "Distribution",
    "ValidationReport",
    "build_default_network",
    "check",
    "default_fleet",
    "default_parameters",
    "fleet_table",
    "load_fleet",
    "read_parquet",
    "validate",
    "write_graphml",
    "write_parquet",
]
