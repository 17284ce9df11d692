"""The stock model: a stock-driven cohort model of vehicles, their end of life to 2050,
and what recycling them is worth (the `tracer fleet` command).

Not to be confused with `graphs.fleet`, which holds the vehicle counts a trace runs on.

The coupling to the tracer engine lives in :mod:`tracer.stock.coupling`, imported on
its own so that the stock model does not load the supply-chain engine.
"""

from tracer.stock.config import FleetConfig, load_config
from tracer.stock.lifetimes import Lifetime
from tracer.stock.model import FleetResult, prepare, run_fleet
from tracer.stock.stock_model import StockResult, run_stock_driven
from tracer.stock.uncertainty import lifespan_sensitivity, monte_carlo

__all__ = [
    "FleetConfig", "FleetResult", "Lifetime", "StockResult", "lifespan_sensitivity",
    "load_config", "monte_carlo", "prepare", "run_fleet", "run_stock_driven",
]
