"""What end-of-life vehicles hold and what recycling it is worth.

Recovered metal = content x collection rate x recovery rate. Its value is the
recovered tonnage at the stated price (optionally inflated from the price year).
Energy and CO2 avoided are the recovered Fe, Al and Cu times the difference between
primary (ore) and secondary (scrap) production; for CO2 both a fixed path and a path
in which both factors decline linearly towards a stated fraction are reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hfcommon.errors import InputError
from tracer.stock.config import FleetConfig
from tracer.stock.tables import read_checked_csv

GRAMS_PER_TROY_OUNCE = 31.1034768
PRICE_UNITS_TO_USD_PER_T = {"USD/t": 1.0, "USD/toz": 1e6 / GRAMS_PER_TROY_OUNCE}


@dataclass(frozen=True)
class EolParameters:
    """Per-material parameters, aligned with ``materials``; NaN where none is known."""

    materials: tuple[str, ...]
    recovery_rate: np.ndarray
    price_usd_per_t: np.ndarray
    energy_primary_gj_per_t: np.ndarray
    energy_secondary_gj_per_t: np.ndarray
    co2_primary_t_per_t: np.ndarray
    co2_secondary_t_per_t: np.ndarray
    factor_uncertainty: np.ndarray


def load_eol_parameters(config: FleetConfig, materials: tuple[str, ...]) -> EolParameters:
    """Read recovery rates, prices and production factors for ``materials``."""
    index = {m: i for i, m in enumerate(materials)}
    nan = np.full(len(materials), np.nan)

    rec_path = config.path(config.recovery_file)
    rec = read_checked_csv(rec_path, text=("material", "source"), numbers=("recovery_rate",),
                     key=("material",))
    recovery = np.zeros(len(materials))  # no rate stated: nothing is recovered
    for i, row in rec.iterrows():
        if row["recovery_rate"] > 1:
            raise InputError("recovery_rate must lie in [0, 1]", file=str(rec_path),
                             row=int(i) + 2, column="recovery_rate")
        if row["material"] in index:
            recovery[index[row["material"]]] = row["recovery_rate"]

    price_path = config.path(config.prices_file)
    prices = read_checked_csv(price_path, text=("material", "unit", "source"),
                        numbers=("price", "price_year"), key=("material",))
    price = nan.copy()
    for i, row in prices.iterrows():
        if row["unit"] not in PRICE_UNITS_TO_USD_PER_T:
            raise InputError(f"unit must be one of {', '.join(PRICE_UNITS_TO_USD_PER_T)}",
                             file=str(price_path), row=int(i) + 2, column="unit")
        if int(row["price_year"]) != config.price_year:
            raise InputError(f"price_year {int(row['price_year'])} differs from the config's "
                             f"price_year {config.price_year}", file=str(price_path),
                             row=int(i) + 2, column="price_year")
        if row["material"] in index:
            price[index[row["material"]]] = row["price"] * PRICE_UNITS_TO_USD_PER_T[row["unit"]]

    fac_path = config.path(config.factors_file)
    columns = ("energy_primary_mj_per_kg", "energy_secondary_mj_per_kg", "co2_primary_t_per_t",
               "co2_secondary_t_per_t", "relative_uncertainty")
    fac = read_checked_csv(fac_path, text=("material", "source"), numbers=columns, key=("material",))
    arrays = {c: nan.copy() for c in columns}
    for _, row in fac.iterrows():
        if row["material"] in index:
            for c in columns:
                arrays[c][index[row["material"]]] = row[c]
    # MJ per kg equals GJ per t.
    return EolParameters(
        materials=materials, recovery_rate=recovery, price_usd_per_t=price,
        energy_primary_gj_per_t=arrays["energy_primary_mj_per_kg"],
        energy_secondary_gj_per_t=arrays["energy_secondary_mj_per_kg"],
        co2_primary_t_per_t=arrays["co2_primary_t_per_t"],
        co2_secondary_t_per_t=arrays["co2_secondary_t_per_t"],
        factor_uncertainty=arrays["relative_uncertainty"])


def emission_path(years: np.ndarray, start: int, end: int, end_fraction: float) -> np.ndarray:
    """Multiplier on CO2 factors: 1 up to ``start``, linear to ``end_fraction`` at ``end``."""
    years = np.asarray(years, dtype=float)
    ramp = np.clip((years - start) / (end - start), 0.0, 1.0)
    return 1.0 - ramp * (1.0 - end_fraction)


def price_index(years: np.ndarray, price_year: int, inflation_rate: float) -> np.ndarray:
    """Nominal price multiplier for each year at a constant inflation rate."""
    return (1.0 + inflation_rate) ** (np.asarray(years, dtype=float) - price_year)
