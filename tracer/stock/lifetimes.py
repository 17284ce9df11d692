"""Lifetime distributions of vehicles and the yearly survival they imply.

A stock-driven model needs, for every age, the share of a cohort still in use. The
distributions themselves come from scipy.stats (maintained, vectorised); this module
only fixes the parametrisation used in fleet studies (Weibull shape and scale, normal
and lognormal by mean and standard deviation, a fixed lifetime) and the timing
convention: vehicles enter the stock in the middle of their registration year, so at
the end of year ``t`` a cohort registered in year ``c`` is ``t - c + 0.5`` years old.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy import special, stats

LifetimeKind = Literal["weibull", "normal", "lognormal", "fixed"]
KINDS: tuple[str, ...] = ("weibull", "normal", "lognormal", "fixed")


@dataclass(frozen=True)
class Lifetime:
    """A lifetime distribution in years.

    ``weibull``: ``shape`` (beta) and ``scale`` (eta). ``normal`` and ``lognormal``:
    ``mean`` and ``std`` of the lifetime itself (not of its logarithm). ``fixed``:
    every vehicle leaves at age ``mean``. Parameters may be numpy arrays (one value
    per class or per Monte Carlo draw); they broadcast against the ages.
    """

    kind: LifetimeKind
    shape: float | np.ndarray | None = None
    scale: float | np.ndarray | None = None
    mean: float | np.ndarray | None = None
    std: float | np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown lifetime kind {self.kind!r}; use one of {', '.join(KINDS)}")
        needed = {"weibull": ("shape", "scale"), "normal": ("mean", "std"),
                  "lognormal": ("mean", "std"), "fixed": ("mean",)}[self.kind]
        for name in needed:
            value = getattr(self, name)
            if value is None or not np.all(np.asarray(value, dtype=float) > 0):
                raise ValueError(f"{self.kind} lifetime needs a positive {name}, got {value!r}")

    @classmethod
    def weibull_from_mean(cls, mean: float | np.ndarray, shape: float | np.ndarray) -> Lifetime:
        """Weibull with a given mean lifetime: scale = mean / Gamma(1 + 1/shape)."""
        mean_a, shape_a = np.asarray(mean, dtype=float), np.asarray(shape, dtype=float)
        return cls("weibull", shape=shape_a, scale=mean_a / special.gamma(1.0 + 1.0 / shape_a))

    def expected(self) -> np.ndarray:
        """Mean lifetime in years."""
        if self.kind == "weibull":
            return np.asarray(self.scale) * special.gamma(1.0 + 1.0 / np.asarray(self.shape))
        return np.asarray(self.mean, dtype=float)

    def survival(self, age: np.ndarray) -> np.ndarray:
        """Share of a cohort still in the stock at ``age`` years (1 for age <= 0)."""
        age = np.asarray(age, dtype=float)
        if self.kind == "weibull":
            sf = stats.weibull_min.sf(age, c=self.shape, scale=self.scale)
        elif self.kind == "normal":
            # A normal lifetime puts mass on negative ages; renormalise on age > 0 so
            # that a cohort is complete at registration and mass is conserved.
            mean, std = np.asarray(self.mean, float), np.asarray(self.std, float)
            sf = stats.norm.sf(age, loc=mean, scale=std) / stats.norm.sf(0.0, loc=mean, scale=std)
        elif self.kind == "lognormal":
            mean, std = np.asarray(self.mean, float), np.asarray(self.std, float)
            sigma = np.sqrt(np.log1p((std / mean) ** 2))
            mu = np.log(mean) - 0.5 * sigma**2
            sf = stats.lognorm.sf(age, s=sigma, scale=np.exp(mu))
        else:
            sf = (age < np.asarray(self.mean, float)).astype(float)
        return np.where(age <= 0, 1.0, sf)

    def survival_by_age(self, max_age: int) -> np.ndarray:
        """Survival at the end of each year of age 0..max_age (mid-year entry).

        Shape ``(max_age + 1, *parameter_shape)``; entry ``a`` is the share of a cohort
        still present at the end of its ``a``-th year after registration.
        """
        params = [np.asarray(p, float) for p in (self.shape, self.scale, self.mean, self.std)
                  if p is not None]
        extra = np.broadcast_shapes(*(p.shape for p in params)) if params else ()
        ages = (np.arange(max_age + 1, dtype=float) + 0.5).reshape((-1,) + (1,) * len(extra))
        return self.survival(ages)


def weibull_cv(shape: float | np.ndarray) -> np.ndarray:
    """Coefficient of variation of a Weibull lifetime; it depends on the shape only.

    Lets the normal and lognormal alternatives keep the Weibull's relative spread.
    """
    shape = np.asarray(shape, dtype=float)
    g1, g2 = special.gamma(1 + 1 / shape), special.gamma(1 + 2 / shape)
    return np.sqrt(g2 - g1**2) / g1
