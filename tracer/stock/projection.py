"""The stock path by class: historical statistics, logistic fit, class split.

The total stock is fitted with a logistic curve over every observed year (one fit on
22 points is far better determined than four fits on the two to four points each
class has), then split by the class shares observed in the years where all classes
are known: a monotone cubic (PCHIP) between those years, so that new registrations
do not jump at every observed year, and constant outside them (assumption A03).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.interpolate import PchipInterpolator

from hfcommon.errors import InputError
from tracer.stock.config import FleetConfig
from tracer.stock.logistic import LogisticFit, fit_logistic
from tracer.stock.tables import read_checked_csv

UNITS_PER_ROW_UNIT = 1e4  # the yearbooks count vehicles in units of 10 000


@dataclass(frozen=True)
class StockProjection:
    """Stock by year and class (vehicles), with the fit and the shares behind it."""

    years: np.ndarray
    classes: tuple[str, ...]
    stock: np.ndarray  # (years, classes)
    shares: np.ndarray  # (years, classes)
    fit: LogisticFit
    observed: pd.DataFrame  # the rows of the stock table, in vehicles
    class_fits: Mapping[str, LogisticFit] = field(default_factory=dict)  # fit_per_class only


def load_stock(path: str | Path) -> pd.DataFrame:
    """Read a stock table (year, vehicle_class, stock_10k_units, status, source)."""
    df = read_checked_csv(path, text=("vehicle_class", "status", "source"),
                    numbers=("year", "stock_10k_units"), key=("year", "vehicle_class"))
    frac = np.flatnonzero((df["year"] % 1 != 0).to_numpy())
    if frac.size:
        raise InputError("year must be a whole number", file=str(path), row=int(frac[0]) + 2,
                         column="year")
    df["year"] = df["year"].astype(int)
    df["stock_units"] = df["stock_10k_units"] * UNITS_PER_ROW_UNIT
    return df.sort_values(["vehicle_class", "year"]).reset_index(drop=True)


def class_shares(observed: pd.DataFrame, classes: tuple[str, ...], years: np.ndarray,
                 file: str | None = None) -> np.ndarray:
    """Share of each class in the stock, from the years where every class is known."""
    wide = observed.pivot(index="year", columns="vehicle_class", values="stock_units")
    missing = [c for c in classes if c not in wide.columns]
    if missing:
        raise InputError(f"no stock rows for class(es) {', '.join(missing)}", file=file,
                         column="vehicle_class")
    complete = wide[list(classes)].dropna()
    totals = complete.sum(axis=1)
    complete = complete[totals > 0]
    if complete.empty:
        raise InputError("no year in which every class has a stock figure", file=file,
                         column="vehicle_class")
    shares = complete.div(complete.sum(axis=1), axis=0)
    known = shares.index.to_numpy(dtype=float)
    inside = np.clip(years, known.min(), known.max())
    if known.size == 1:
        return np.tile(shares.to_numpy(), (years.size, 1))
    # PCHIP keeps each share within its observed range; renormalise the small drift.
    out = np.column_stack([PchipInterpolator(known, shares[c].to_numpy())(inside) for c in classes])
    return out / out.sum(axis=1, keepdims=True)


def project_stock(config: FleetConfig, to_year: int) -> StockProjection:
    """Fit the total, split it by class and return the stock from ``first_year``."""
    path = config.path(config.stock_file)
    observed = load_stock(path)
    if config.extra_stock_file is not None:
        extra = load_stock(config.path(config.extra_stock_file))
        observed = pd.concat([observed, extra], ignore_index=True)
        dup = observed.duplicated(["year", "vehicle_class", "status"])
        if dup.any():
            raise InputError("the extra stock table repeats a (year, vehicle_class, status) row of the stock table",
                             file=str(config.path(config.extra_stock_file)), column="year")
    total = observed[(observed["vehicle_class"] == config.total_class)
                     & observed["status"].isin(config.fit_statuses)]
    if len(total) < 4:
        raise InputError(f"need at least 4 rows of class {config.total_class!r} with status in "
                         f"{list(config.fit_statuses)} to fit the logistic, found {len(total)}",
                         file=str(path), column="vehicle_class")
    if to_year <= int(total["year"].max()):
        raise InputError(f"--to {to_year} must lie after the last observed year "
                         f"{int(total['year'].max())}")
    try:
        fit = fit_logistic(total["year"].to_numpy(), total["stock_units"].to_numpy(),
                           saturation=config.saturation_units)
    except ValueError as exc:
        raise InputError(str(exc), file=str(path), column="stock_10k_units") from exc
    years = np.arange(config.first_year, to_year + 1)
    class_fits: dict[str, LogisticFit] = {}
    if config.fit_per_class:
        class_fits = {c: _fit_class(observed, c, config, str(path)) for c in config.classes}
        stock = np.column_stack([class_fits[c](years) for c in config.classes])
        shares = stock / stock.sum(axis=1, keepdims=True)
    else:
        shares = class_shares(observed[observed["vehicle_class"] != config.total_class],
                              config.classes, years.astype(float), file=str(path))
        stock = fit(years)[:, None] * shares
    return StockProjection(years=years, classes=config.classes, stock=stock, shares=shares,
                           fit=fit, observed=observed, class_fits=class_fits)


def _fit_class(observed: pd.DataFrame, name: str, config: FleetConfig, file: str) -> LogisticFit:
    """One class's own logistic (``fit_per_class``: the method of Xu et al. 2025)."""
    rows = observed[(observed["vehicle_class"] == name) & observed["status"].isin(config.fit_statuses)]
    try:
        return fit_logistic(rows["year"].to_numpy(), rows["stock_units"].to_numpy())
    except ValueError as exc:
        raise InputError(f"class {name!r}: {exc}", file=file, column="stock_10k_units") from exc
