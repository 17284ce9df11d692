"""Fleet dynamics: a stock-driven cohort model of vehicles, their end of life to 2050,
and what recycling them is worth.

The coupling to the tracer engine lives in :mod:`tracer.fleet.coupling`, imported on
its own so that the fleet model does not load the supply-chain engine.
"""

from tracer.fleet.config import FleetConfig, load_config
from tracer.fleet.lifetimes import Lifetime
from tracer.fleet.model import FleetResult, prepare, run_fleet
from tracer.fleet.stock_model import StockResult, run_stock_driven
from tracer.fleet.uncertainty import lifespan_sensitivity, monte_carlo

__all__ = [
    "FleetConfig", "FleetResult", "Lifetime", "StockResult", "lifespan_sensitivity",
    "load_config", "monte_carlo", "prepare", "run_fleet", "run_stock_driven",
]
