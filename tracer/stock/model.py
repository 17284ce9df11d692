"""One fleet run: stock path -> cohorts -> end-of-life units, materials and benefits.

The same vectorised core serves the central run (one draw) and the Monte Carlo
(thousands of draws along a trailing axis), so both always compute the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from tracer.stock.classes import VehicleClass, load_classes, load_composition
from tracer.stock.config import FleetConfig
from tracer.stock.eol import (
    EolParameters,
    emission_path,
    load_eol_parameters,
    price_index,
)
from tracer.stock.lifetimes import Lifetime, weibull_cv
from tracer.stock.projection import StockProjection, project_stock
from tracer.stock.stock_model import run_stock_driven

MAX_AGE = 80  # years a vehicle may stay; beyond it every survivor leaves


@dataclass(frozen=True)
class Draws:
    """Uncertain inputs with a trailing draw axis of length n (n = 1: central run)."""

    mass_t: np.ndarray  # (classes, n)
    lifetime_mean_years: np.ndarray  # (classes, n)
    price_usd_per_t: np.ndarray  # (materials, n)
    energy_primary: np.ndarray  # (materials, n), GJ/t
    energy_secondary: np.ndarray
    co2_primary: np.ndarray  # (materials, n), t CO2/t
    co2_secondary: np.ndarray


@dataclass(frozen=True)
class FleetSetup:
    """Everything a run needs that does not vary between draws."""

    config: FleetConfig
    projection: StockProjection
    classes: tuple[VehicleClass, ...]
    materials: tuple[str, ...]
    fraction: np.ndarray  # (classes, materials) kg per kg of curb mass
    fixed_t: np.ndarray  # (classes, materials) t per vehicle regardless of mass
    eol: EolParameters

    def central(self) -> Draws:
        """The central values as a single draw."""
        def col(values: object) -> np.ndarray:
            return np.asarray(values, dtype=float)[:, None]

        return Draws(
            mass_t=col([c.mass_t for c in self.classes]),
            lifetime_mean_years=col([c.lifetime_mean_years for c in self.classes]),
            price_usd_per_t=col(self.eol.price_usd_per_t),
            energy_primary=col(self.eol.energy_primary_gj_per_t),
            energy_secondary=col(self.eol.energy_secondary_gj_per_t),
            co2_primary=col(self.eol.co2_primary_t_per_t),
            co2_secondary=col(self.eol.co2_secondary_t_per_t))


@dataclass(frozen=True)
class Outcome:
    """Arrays of a run: (years, classes[, materials], draws)."""

    years: np.ndarray
    stock: np.ndarray
    inflow: np.ndarray
    outflow: np.ndarray
    early_retirement: np.ndarray
    eol_mass_t: np.ndarray
    content_t: np.ndarray
    recovered_t: np.ndarray
    value_usd: np.ndarray
    energy_avoided_gj: np.ndarray
    co2_avoided_fixed_t: np.ndarray
    co2_avoided_declining_t: np.ndarray


def prepare(config: FleetConfig, to_year: int) -> FleetSetup:
    """Load and fit everything for a study up to ``to_year``."""
    projection = project_stock(config, to_year)
    all_classes = load_classes(config.path(config.classes_file), config.weight_basis)
    missing = [c for c in config.classes if c not in all_classes]
    if missing:
        raise InputError(f"class(es) {', '.join(missing)} not in the class table",
                         file=str(config.path(config.classes_file)), column="vehicle_class")
    classes = tuple(all_classes[c] for c in config.classes)
    composition = load_composition(config.path(config.composition_file))
    groups = {c.group for c in classes}
    used = composition[composition["group"].isin(groups)]
    materials = tuple(dict.fromkeys(used["material"]))
    fraction = np.zeros((len(classes), len(materials)))
    fixed = np.zeros_like(fraction)
    for row in used.itertuples():
        j = materials.index(row.material)
        for i, vc in enumerate(classes):
            if vc.group == row.group:
                if row.basis == "mass_fraction":
                    fraction[i, j] = row.value
                else:
                    fixed[i, j] = row.value / 1000.0
    eol = load_eol_parameters(config, materials)
    return FleetSetup(config, projection, classes, materials, fraction, fixed, eol)


def survival(setup: FleetSetup, draws: Draws, lifetime_shift_years: float = 0.0) -> np.ndarray:
    """Survival by age of every class and draw, ``(ages, classes, n)``."""
    kind = setup.config.lifetime_kind
    shapes = np.array([c.weibull_shape for c in setup.classes])[:, None]
    mean = draws.lifetime_mean_years + lifetime_shift_years
    if kind == "weibull":
        lifetime = Lifetime.weibull_from_mean(mean, shapes)
    elif kind == "fixed":
        lifetime = Lifetime("fixed", mean=mean)
    else:  # normal or lognormal with the Weibull's relative spread
        lifetime = Lifetime(kind, mean=mean, std=mean * weibull_cv(shapes))
    return lifetime.survival_by_age(MAX_AGE)


def simulate(setup: FleetSetup, draws: Draws, lifetime_shift_years: float = 0.0) -> Outcome:
    """Run the cohort model and the end-of-life accounting for every draw at once."""
    cfg = setup.config
    years = setup.projection.years
    n = draws.mass_t.shape[1]
    stock = np.repeat(setup.projection.stock[:, :, None], n, axis=2)
    flows = run_stock_driven(stock, survival(setup, draws, lifetime_shift_years))

    eol_mass = flows.outflow * draws.mass_t[None]
    per_vehicle = (setup.fraction[:, :, None] * draws.mass_t[:, None, :]
                   + setup.fixed_t[:, :, None])  # (classes, materials, n)
    content = flows.outflow[:, :, None, :] * per_vehicle[None]
    rate = setup.eol.recovery_rate[None, None, :, None] * cfg.collection_rate
    recovered = content * rate

    prices = draws.price_usd_per_t[None, None] * price_index(
        years, cfg.price_year, cfg.inflation_rate)[:, None, None, None]
    value = recovered * prices
    d_energy = np.nan_to_num(draws.energy_primary - draws.energy_secondary)
    d_co2 = np.nan_to_num(draws.co2_primary - draws.co2_secondary)
    energy = recovered * d_energy[None, None]
    co2_fixed = recovered * d_co2[None, None]
    path = emission_path(years, cfg.emission_path_start_year, cfg.emission_path_end_year,
                         cfg.emission_path_end_fraction)
    co2_declining = co2_fixed * path[:, None, None, None]
    return Outcome(years, flows.stock, flows.inflow, flows.outflow, flows.early_retirement,
                   eol_mass, content, recovered, value, energy, co2_fixed, co2_declining)


@dataclass(frozen=True)
class FleetResult:
    """Tidy tables of a central run, plus the fit and the setup behind them."""

    setup: FleetSetup
    outcome: Outcome
    flows: pd.DataFrame
    materials: pd.DataFrame
    summary: pd.DataFrame


def run_fleet(config: FleetConfig, to_year: int = 2050, from_year: int = 2000,
              lifetime_shift_years: float = 0.0, setup: FleetSetup | None = None) -> FleetResult:
    """Central run of a study, reported from ``from_year`` to ``to_year``."""
    setup = setup or prepare(config, to_year)
    out = simulate(setup, setup.central(), lifetime_shift_years)
    keep = out.years >= from_year
    years = out.years[keep]
    names = [c.name for c in setup.classes]

    def by_class(arr: np.ndarray) -> np.ndarray:
        return arr[keep, :, 0].ravel()

    flows = pd.DataFrame({
        "year": np.repeat(years, len(names)),
        "vehicle_class": np.tile(names, len(years)),
        "stock_vehicles": by_class(out.stock),
        "inflow_vehicles": by_class(out.inflow),
        "outflow_vehicles": by_class(out.outflow),
        "early_retirement_vehicles": by_class(out.early_retirement),
        "eol_mass_t": by_class(out.eol_mass_t),
    })
    m = len(setup.materials)
    shape = (len(years), len(names), m)
    materials = pd.DataFrame({
        "year": np.repeat(years, len(names) * m),
        "vehicle_class": np.tile(np.repeat(names, m), len(years)),
        "material": np.tile(setup.materials, len(years) * len(names)),
        "content_t": out.content_t[keep, ..., 0].reshape(shape).ravel(),
        "recovered_t": out.recovered_t[keep, ..., 0].reshape(shape).ravel(),
        "value_usd": out.value_usd[keep, ..., 0].reshape(shape).ravel(),
        "energy_avoided_gj": out.energy_avoided_gj[keep, ..., 0].reshape(shape).ravel(),
        "co2_avoided_fixed_t": out.co2_avoided_fixed_t[keep, ..., 0].reshape(shape).ravel(),
        "co2_avoided_declining_t": out.co2_avoided_declining_t[keep, ..., 0].reshape(shape).ravel(),
    })
    summary = yearly_totals(out, keep)
    if config.alt_inflation_rate is not None:  # value at a second inflation rate (xu2025: 0 and 2 %/yr)
        ratio = (price_index(years, config.price_year, config.alt_inflation_rate)
                 / price_index(years, config.price_year, config.inflation_rate))
        summary.insert(summary.columns.get_loc("value_usd") + 1, "value_usd_alt_inflation",
                       summary["value_usd"].to_numpy() * ratio)
    return FleetResult(setup, out, flows, materials, summary)


def yearly_totals(out: Outcome, keep: np.ndarray | None = None) -> pd.DataFrame:
    """Per-year totals over classes and materials (first draw), as printed by --json."""
    keep = np.ones(out.years.shape, bool) if keep is None else keep

    def total(a: np.ndarray) -> np.ndarray:
        return np.nansum(a[keep, ..., 0].reshape(int(keep.sum()), -1), axis=1)

    return pd.DataFrame({
        "year": out.years[keep],
        "stock_vehicles": total(out.stock),
        "inflow_vehicles": total(out.inflow),
        "outflow_vehicles": total(out.outflow),
        "eol_mass_t": total(out.eol_mass_t),
        "recovered_t": total(out.recovered_t),
        "value_usd": total(out.value_usd),
        "energy_avoided_gj": total(out.energy_avoided_gj),
        "co2_avoided_fixed_t": total(out.co2_avoided_fixed_t),
        "co2_avoided_declining_t": total(out.co2_avoided_declining_t),
    })
