"""Stock-driven population balance with age cohorts.

Given the stock S(t) and a survival curve, each year the surviving cohorts age one
year, the gap to S(t) is filled by new registrations, and what left is the outflow:
``F_in(t) = S(t) - S(t-1) + F_out(t)`` and ``F_out(t) = sum_k F_in(t-k) phi(k)``.

Why not flodym's ``StockDrivenDSM``: it solves the same balance, but (1) when the
stock falls faster than vehicles retire (China's medium trucks fell from 2.7 to 1.1
million in 2010-2020) it returns negative inflows and negative cohorts, which the
balance here forbids: inflow is set to zero and the surplus retires early, pro rata
over the cohorts; (2) it cannot start from an existing age structure; (3) it keeps a
year-by-cohort survival matrix, where ages suffice because survival depends on age
only, which lets one call run thousands of Monte Carlo draws at once. The tests check
that both agree where flodym's assumptions hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class StockResult:
    """Flows of a stock-driven run; arrays are ``(years, *extra)``.

    ``early_retirement`` is the part of ``outflow`` forced by a falling stock (zero
    while the survival curve alone can carry the decline). ``cohorts`` (only when
    asked for) is ``(years, ages, *extra)``: vehicles of each age at each year end.
    """

    stock: np.ndarray
    inflow: np.ndarray
    outflow: np.ndarray
    early_retirement: np.ndarray
    cohorts: np.ndarray | None = None


def _conditional_survival(survival: np.ndarray) -> np.ndarray:
    """Share of age-(a-1) vehicles that survive to age a: S(a) / S(a-1); h[0] = S(0)."""
    previous = np.concatenate([np.ones_like(survival[:1]), survival[:-1]], axis=0)
    return np.divide(survival, previous, out=np.zeros_like(survival), where=previous > 0)


def run_stock_driven(
    stock: np.ndarray,
    survival: np.ndarray,
    initial_cohorts: np.ndarray | None = None,
    keep_cohorts: bool = False,
) -> StockResult:
    """Solve inflow and outflow from a stock path.

    ``stock``: ``(years, *extra)`` vehicles at each year end, non-negative.
    ``survival``: ``(ages, *extra)`` (or broadcastable), the survival at the end of
    each year of age, from :meth:`Lifetime.survival_by_age`.
    ``initial_cohorts``: ``(ages, *extra)`` vehicles by age at the end of the year
    before the first one; default empty (the stock of the first year enters then).
    Vehicles older than the last age leave the stock.
    """
    stock = np.asarray(stock, dtype=float)
    if np.any(~np.isfinite(stock)) or np.any(stock < 0):
        raise ValueError("stock must be finite and non-negative")
    survival = np.asarray(survival, dtype=float)
    n_years, extra = stock.shape[0], stock.shape[1:]
    n_ages = survival.shape[0]
    survival = np.broadcast_to(survival, (n_ages, *extra))
    hazard = _conditional_survival(survival)
    first_year = survival[0]

    cohorts = np.zeros((n_ages, *extra)) if initial_cohorts is None else np.array(
        np.broadcast_to(np.asarray(initial_cohorts, dtype=float), (n_ages, *extra)))
    if np.any(cohorts < 0):
        raise ValueError("initial cohorts must be non-negative")

    inflow = np.zeros_like(stock)
    outflow = np.zeros_like(stock)
    early = np.zeros_like(stock)
    history = np.zeros((n_years, n_ages, *extra)) if keep_cohorts else None

    for t in range(n_years):
        before = cohorts.sum(axis=0)
        aged = cohorts[:-1] * hazard[1:]
        survivors = aged.sum(axis=0)
        gap = stock[t] - survivors
        new = np.where(gap > 0, gap / np.where(first_year > 0, first_year, 1.0), 0.0)
        # A falling stock that the survival curve cannot carry: retire the surplus early.
        keep = np.divide(stock[t], survivors, out=np.ones_like(survivors), where=gap < 0)
        early[t] = survivors * (1.0 - keep)
        aged = aged * keep
        cohorts = np.concatenate([(new * first_year)[None], aged], axis=0)
        inflow[t] = new
        outflow[t] = before - aged.sum(axis=0) + new * (1.0 - first_year)
        if history is not None:
            history[t] = cohorts

    return StockResult(stock=stock, inflow=inflow, outflow=outflow, early_retirement=early,
                       cohorts=history)


def steady_state_cohorts(stock: float | np.ndarray, survival: np.ndarray) -> np.ndarray:
    """Age structure of a constant stock fed by a constant inflow (used to start a run)."""
    survival = np.asarray(survival, dtype=float)
    total = survival.sum(axis=0)
    return survival * (np.asarray(stock, dtype=float) / total)
