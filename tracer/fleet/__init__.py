"""Fleet dynamics: a stock-driven cohort model of vehicles, their end of life to 2050,
what recycling them is worth, and the secondary metal it supplies to the tracer."""

from tracer.fleet.config import FleetConfig, load_config
from tracer.fleet.coupling import fleet_metal_demand, hidden_flows_by_year, recycled_shares, secondary_supply
from tracer.fleet.lifetimes import Lifetime
from tracer.fleet.model import FleetResult, prepare, run_fleet
from tracer.fleet.stock_model import StockResult, run_stock_driven
from tracer.fleet.uncertainty import lifespan_sensitivity, monte_carlo

__all__ = [
    "FleetConfig", "FleetResult", "Lifetime", "StockResult", "fleet_metal_demand",
    "hidden_flows_by_year", "lifespan_sensitivity", "load_config", "monte_carlo", "prepare",
    "recycled_shares", "run_fleet", "run_stock_driven", "secondary_supply",
]
