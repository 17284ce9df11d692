"""Logistic extrapolation of a vehicle stock: S(t) = a / (1 + exp(-k (t - t_c))).

Vehicle ownership tends to saturate; the logistic curve is the usual way fleet
studies extend a historical stock to 2050. The fit is a plain non-linear least
squares (scipy.optimize.curve_fit) with its standard errors reported, so a user can
judge how well the saturation level is pinned down by the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import curve_fit


def logistic(t: np.ndarray, a: float, k: float, t_c: float) -> np.ndarray:
    """Stock at time ``t`` for saturation ``a``, growth rate ``k`` (1/yr), midpoint ``t_c``."""
    return a / (1.0 + np.exp(-k * (np.asarray(t, dtype=float) - t_c)))


@dataclass(frozen=True)
class LogisticFit:
    """Fitted parameters, their standard errors and the data they came from."""

    a: float
    k: float
    t_c: float
    a_se: float
    k_se: float
    t_c_se: float
    n_points: int
    rmse: float

    def __call__(self, t: np.ndarray) -> np.ndarray:
        return logistic(t, self.a, self.k, self.t_c)

    def as_dict(self) -> dict[str, float]:
        return {"a": self.a, "k": self.k, "t_c": self.t_c, "a_se": self.a_se,
                "k_se": self.k_se, "t_c_se": self.t_c_se, "n_points": self.n_points,
                "rmse": self.rmse}


def fit_logistic(years: np.ndarray, stock: np.ndarray, saturation: float | None = None
                 ) -> LogisticFit:
    """Least-squares logistic fit; raises ValueError when the data cannot support one.

    A series that falls (its last third below its first) gets k < 0. With
    ``saturation`` given, ``a`` is held at that value and only ``k`` and ``t_c``
    are fitted (its standard error is then reported as 0): the way to state a
    saturation level when the data are all before the curve's inflection.
    """
    years = np.asarray(years, dtype=float)
    stock = np.asarray(stock, dtype=float)
    if years.shape != stock.shape or years.size < 4:
        raise ValueError("a logistic fit needs at least 4 (year, stock) points")
    if np.any(stock <= 0):
        raise ValueError("a logistic fit needs positive stocks")
    if saturation is not None and saturation <= stock.max():
        raise ValueError(f"saturation {saturation:g} must exceed the largest observed stock "
                         f"{stock.max():g}")
    lo_t, hi_t = years.min() - 200.0, years.max() + 200.0
    third = max(years.size // 3, 1)
    order = np.argsort(years)
    if saturation is None and stock[order][-third:].mean() < stock[order][:third].mean():
        # A falling stock (China's medium and mini trucks): k < 0, the curve runs from a to 0.
        model = logistic
        p0 = (1.5 * stock.max(), -0.1, float(np.median(years)))
        bounds = ([stock.max(), -5.0, lo_t], [1e3 * stock.max(), -1e-4, hi_t])
    elif saturation is None:
        # Start from a saturation twice the last value, midpoint at the last year.
        model = logistic
        p0 = (2.0 * stock.max(), 0.1, years.max())
        bounds = ([stock.max(), 1e-4, lo_t], [1e3 * stock.max(), 5.0, hi_t])
    else:
        def model(t: np.ndarray, k: float, t_c: float) -> np.ndarray:
            return logistic(t, saturation, k, t_c)

        p0 = (0.1, years.max())
        bounds = ([1e-4, lo_t], [5.0, hi_t])
    params, cov = curve_fit(model, years, stock, p0=p0, bounds=bounds, maxfev=20000)
    se = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    if saturation is not None:
        params, se = np.concatenate([[saturation], params]), np.concatenate([[0.0], se])
    rmse = float(np.sqrt(np.mean((logistic(years, *params) - stock) ** 2)))
    return LogisticFit(*map(float, params), *map(float, se), n_points=int(years.size), rmse=rmse)
