"""Monte Carlo over curb masses, lifetimes, prices and production factors, and the
lifespan sensitivity (every class one year longer or shorter).

Draws come from one seeded numpy Generator and run through the same vectorised core
as the central run, in chunks so that memory stays bounded; the spreads are those of
assumption A11 (hfcommon/data/assumptions.csv): triangular masses between the class range, mean
lifetimes and prices uniform +-20 %, energy and CO2 factors uniform +- their stated
relative uncertainty (20 % in issue 8).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields

import numpy as np
import pandas as pd

from tracer.stock.model import Draws, FleetSetup, Outcome, simulate, yearly_totals

LIFETIME_SPREAD = 0.20
PRICE_SPREAD = 0.20
QUANTILES = (0.05, 0.5, 0.95)
TOTALS = ("outflow_vehicles", "eol_mass_t", "recovered_t", "value_usd", "energy_avoided_gj",
          "co2_avoided_fixed_t", "co2_avoided_declining_t")


def sample(setup: FleetSetup, n: int, rng: np.random.Generator) -> Draws:
    """``n`` joint draws of the uncertain inputs."""
    classes = setup.classes
    low = np.array([c.mass_low_t for c in classes])[:, None]
    mode = np.array([c.mass_t for c in classes])[:, None]
    high = np.array([c.mass_high_t for c in classes])[:, None]
    # numpy's triangular needs low < high; a degenerate range is a constant.
    width = high - low
    mass = np.where(width > 0,
                    rng.triangular(low, np.clip(mode, low, high), np.where(width > 0, high, low + 1),
                                   size=(len(classes), n)), mode)
    life = np.array([c.lifetime_mean_years for c in classes])[:, None] * rng.uniform(
        1 - LIFETIME_SPREAD, 1 + LIFETIME_SPREAD, size=(len(classes), n))
    m = len(setup.materials)
    price = setup.eol.price_usd_per_t[:, None] * rng.uniform(1 - PRICE_SPREAD, 1 + PRICE_SPREAD,
                                                             size=(m, n))
    spread = np.nan_to_num(setup.eol.factor_uncertainty)[:, None]

    def factor(values: np.ndarray) -> np.ndarray:
        return values[:, None] * rng.uniform(1 - spread, 1 + spread, size=(m, n))

    return Draws(mass_t=mass, lifetime_mean_years=life, price_usd_per_t=price,
                 energy_primary=factor(setup.eol.energy_primary_gj_per_t),
                 energy_secondary=factor(setup.eol.energy_secondary_gj_per_t),
                 co2_primary=factor(setup.eol.co2_primary_t_per_t),
                 co2_secondary=factor(setup.eol.co2_secondary_t_per_t))


def _totals_by_draw(out: Outcome, keep: np.ndarray) -> dict[str, np.ndarray]:
    """Per-year totals for every draw: name -> (years, draws)."""
    def total(a: np.ndarray) -> np.ndarray:
        a = a[keep]
        return np.nansum(a.reshape(a.shape[0], -1, a.shape[-1]), axis=1)

    return {"outflow_vehicles": total(out.outflow), "eol_mass_t": total(out.eol_mass_t),
            "recovered_t": total(out.recovered_t), "value_usd": total(out.value_usd),
            "energy_avoided_gj": total(out.energy_avoided_gj),
            "co2_avoided_fixed_t": total(out.co2_avoided_fixed_t),
            "co2_avoided_declining_t": total(out.co2_avoided_declining_t)}


def monte_carlo(setup: FleetSetup, n: int, seed: int = 0, from_year: int = 2000,
                chunk: int = 250, progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Quantiles (5, 50, 95 %) of the yearly totals over ``n`` seeded draws.

    Returns a long table: year, variable, q05, q50, q95, mean. ``progress`` is called
    with the number of draws finished after each chunk.
    """
    if n < 2:
        raise ValueError("a Monte Carlo needs at least 2 draws")
    # Draw everything first (small arrays) so results do not depend on the chunk size.
    draws = sample(setup, n, np.random.default_rng(seed))
    years = setup.projection.years
    keep = years >= from_year
    parts: dict[str, list[np.ndarray]] = {k: [] for k in TOTALS}
    done = 0
    while done < n:
        size = min(chunk, n - done)
        part = Draws(**{f.name: getattr(draws, f.name)[:, done:done + size] for f in fields(Draws)})
        totals = _totals_by_draw(simulate(setup, part), keep)
        for k in TOTALS:
            parts[k].append(totals[k])
        done += size
        if progress is not None:
            progress(size)
    rows = []
    for k in TOTALS:
        values = np.concatenate(parts[k], axis=1)
        q = np.quantile(values, QUANTILES, axis=1)
        rows.append(pd.DataFrame({"year": years[keep], "variable": k, "q05": q[0], "q50": q[1],
                                  "q95": q[2], "mean": values.mean(axis=1)}))
    return pd.concat(rows, ignore_index=True)


def lifespan_sensitivity(setup: FleetSetup, from_year: int = 2000,
                         shifts: tuple[float, ...] = (-1.0, 0.0, 1.0)) -> pd.DataFrame:
    """Yearly totals with every class's mean lifetime shifted by each of ``shifts``."""
    years = setup.projection.years
    keep = years >= from_year
    frames = []
    for shift in shifts:
        table = yearly_totals(simulate(setup, setup.central(), shift), keep)
        table.insert(1, "lifetime_shift_years", shift)
        frames.append(table)
    return pd.concat(frames, ignore_index=True)
