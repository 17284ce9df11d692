"""Vehicle classes: curb mass (with its range), lifetime and material content.

A class ties the stock statistics (China's heavy, medium, light and mini trucks) to
what one vehicle weighs, how long it lasts and what it is made of, so that units
leaving the fleet can be turned into tonnes of steel, aluminium, copper and so on.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from tracer.stock.tables import read_checked_csv


@dataclass(frozen=True)
class VehicleClass:
    """One class of vehicles; masses in tonnes per vehicle, lifetime in years."""

    name: str
    group: str
    mass_t: float
    mass_low_t: float
    mass_high_t: float
    lifetime_mean_years: float
    weibull_shape: float


def load_classes(path: str | Path, weight_basis: str = "unit") -> dict[str, VehicleClass]:
    """Read the class table; ``weight_basis``: ``unit``, ``with_trailer`` (the trailer
    masses) or ``trailer_to_unit`` (with trailer, low end the truck unit's own mass)."""
    prefix = "mass" if weight_basis == "unit" else "mass_with_trailer"
    df = read_checked_csv(
        path, text=("vehicle_class", "group"),
        numbers=("mass_t", f"{prefix}_t", f"{prefix}_low_t", f"{prefix}_high_t", "lifetime_mean_years",
                 "weibull_shape"),
        key=("vehicle_class",))
    low_column = "mass_t" if weight_basis == "trailer_to_unit" else f"{prefix}_low_t"
    classes = {}
    for i, row in df.iterrows():
        low, mid, high = row[low_column], row[f"{prefix}_t"], row[f"{prefix}_high_t"]
        if not low <= mid <= high:
            raise InputError(f"need low <= central <= high mass, got {low}, {mid}, {high}",
                             file=str(path), row=int(i) + 2, column=f"{prefix}_t")
        for column in ("lifetime_mean_years", "weibull_shape"):
            if row[column] <= 0:
                raise InputError("must be positive", file=str(path), row=int(i) + 2, column=column)
        classes[row["vehicle_class"]] = VehicleClass(
            name=row["vehicle_class"], group=row["group"], mass_t=mid, mass_low_t=low,
            mass_high_t=high, lifetime_mean_years=row["lifetime_mean_years"],
            weibull_shape=row["weibull_shape"])
    return classes


def load_composition(path: str | Path) -> pd.DataFrame:
    """Material composition by vehicle group: mass fractions and fixed kg per vehicle."""
    df = read_checked_csv(path, text=("group", "material", "basis", "unit", "source"),
                    numbers=("value",), key=("group", "material"))
    bad = np.flatnonzero(~df["basis"].isin(["mass_fraction", "kg_per_vehicle"]).to_numpy())
    if bad.size:
        raise InputError("basis must be 'mass_fraction' or 'kg_per_vehicle'", file=str(path),
                         row=int(bad[0]) + 2, column="basis")
    for group, sub in df[df["basis"] == "mass_fraction"].groupby("group"):
        if sub["value"].sum() > 1.0 + 1e-9:
            raise InputError(f"mass fractions of group {group!r} add up to more than 1",
                             file=str(path), column="value")
    return df
