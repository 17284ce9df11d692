"""New cars by powertrain and battery chemistry, and the year each cohort leaves the fleet.

The stock model gives the number of new cars each year (inflow); the sales shares of
``china_car_sales_shares.csv`` (history, a published outlook, then held: assumptions
A18, A19) split every cohort into ICEV, HEV and plug-in cars by battery chemistry;
each cohort then retires along the class's survival curve, the same curve that
produced the inflow, so the variants add up to the stock model's outflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from tracer.stock.stock_model import StockResult
from tracer.stock.tables import read_checked_csv

VARIANTS = ("ICEV", "HEV", "PHEV-LFP", "PHEV-NMC/NCA", "BEV-LFP", "BEV-NMC/NCA")
VARIABLES = ("plugin_share", "bev_share_of_plugin", "hev_share_of_non_plugin", "lfp_share")


def load_sales_shares(path: str | Path) -> pd.DataFrame:
    """Read the share table (year, variable, value, low, high, status, source)."""
    df = read_checked_csv(path, text=("variable", "status", "source"), numbers=("year", "value"),
                          optional_numbers=("low", "high"), key=("year", "variable"))
    for i, row in df.iterrows():
        where = {"file": str(path), "row": int(i) + 2}
        if row["variable"] not in VARIABLES:
            raise InputError(f"variable must be one of {', '.join(VARIABLES)}", column="variable", **where)
        low = row["value"] if np.isnan(row["low"]) else row["low"]
        high = row["value"] if np.isnan(row["high"]) else row["high"]
        if not low <= row["value"] <= high <= 1.0:
            raise InputError(f"need low <= value <= high <= 1, got {low}, {row['value']}, {high}",
                             column="value", **where)
    missing = [v for v in VARIABLES if v not in set(df["variable"])]
    if missing:
        raise InputError(f"no rows for variable(s) {', '.join(missing)}", file=str(path), column="variable")
    df["year"] = df["year"].astype(int)
    return df.sort_values(["variable", "year"]).reset_index(drop=True)


def share_path(table: pd.DataFrame, variable: str, years: np.ndarray,
               draw: np.ndarray | None = None) -> np.ndarray:
    """One share by year, linear between the stated years and held outside them.

    ``draw`` (values in [0, 1], one per draw) moves every row that states a range
    along triangular(low, value, high) by the same quantile; without it, the values.
    The plug-in share is 0 before its first stated year (A18).
    """
    rows = table[table["variable"] == variable]
    value = rows["value"].to_numpy(float)
    low = np.where(np.isnan(rows["low"]), value, rows["low"])
    high = np.where(np.isnan(rows["high"]), value, rows["high"])
    points = value[:, None] if draw is None else _triangular_quantile(
        low[:, None], value[:, None], high[:, None], np.asarray(draw, float)[None, :])
    known = rows["year"].to_numpy(float)
    out = np.stack([np.interp(years, known, points[:, k]) for k in range(points.shape[1])], axis=1)
    if variable == "plugin_share":
        out[np.asarray(years) < known.min()] = 0.0
    return out  # (years, draws)


def _triangular_quantile(low: np.ndarray, mode: np.ndarray, high: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse CDF of triangular(low, mode, high); a degenerate range gives the mode."""
    width = high - low
    safe = np.where(width > 0, width, 1.0)
    cut = np.where(width > 0, (mode - low) / safe, 0.5)
    left = low + np.sqrt(u * safe * (mode - low))
    right = high - np.sqrt((1 - u) * safe * (high - mode))
    return np.where(width > 0, np.where(u < cut, left, right), mode)


def variant_shares(table: pd.DataFrame, years: np.ndarray,
                   draws: Mapping[str, np.ndarray] | None = None) -> np.ndarray:
    """Share of each variant (``VARIANTS``) in each year's new cars: ``(years, variants, n)``."""
    draws = draws or {}
    s = {v: share_path(table, v, years, draws.get(v)) for v in VARIABLES}
    plugin, bev_part, lfp = s["plugin_share"], s["bev_share_of_plugin"], s["lfp_share"]
    bev, phev = plugin * bev_part, plugin * (1 - bev_part)
    hev = (1 - plugin) * s["hev_share_of_non_plugin"]
    parts = np.broadcast_arrays(1 - plugin - hev, hev, phev * lfp, phev * (1 - lfp), bev * lfp, bev * (1 - lfp))
    return np.stack(parts, axis=1)


def split_outflow(result: StockResult, shares: np.ndarray) -> np.ndarray:
    """Outflow of a stock run split by the variant shares of each cohort's entry year.

    ``result`` must keep its cohorts (``keep_cohorts=True``): ``(years, ages, *extra)``;
    ``shares``: ``(years, variants, n)`` with ``extra`` = ``(classes, n)``. Early
    retirement scales all cohorts alike, so a cohort keeps its entry-year mix; the
    variants therefore add up to ``result.outflow`` in every year. Returns
    ``(years, classes, variants, n)``.
    """
    held = result.cohorts
    if held is None:
        raise ValueError("the stock run must keep its cohorts (keep_cohorts=True)")
    n_years, n_ages = held.shape[:2]
    before = np.concatenate([np.zeros_like(held[:1]), held[:-1]])  # cohorts at the end of t-1
    out = np.zeros((n_years, held.shape[2], shares.shape[1], held.shape[3]))
    for age in range(min(n_ages + 1, n_years)):
        if age == 0:
            leaving = result.inflow - held[:, 0]
        elif age < n_ages:
            leaving = before[:, age - 1] - held[:, age]
        else:
            leaving = before[:, n_ages - 1]
        out[age:] += leaving[age:, :, None, :] * shares[:n_years - age, None, :, :]
    return out
