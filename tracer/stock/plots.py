"""Figures of a fleet run, written atomically as PNG (matplotlib, no display needed)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from hfcommon.output import atomic_path
from tracer.stock.model import FleetResult
from tracer.stock.powertrains import VARIANTS

METALS_SHOWN = ("Fe", "Al", "Cu", "Pb")


def _save(fig: Figure, path: Path) -> Path:
    """Write without pyplot: no global state, no display backend needed."""
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format="png", dpi=130, bbox_inches="tight")
    return path


def eol_mass_by_class(result: FleetResult, path: Path, band: pd.DataFrame | None = None) -> Path:
    """Stacked end-of-life mass by class, with the Monte Carlo 90 % band if given."""
    wide = result.flows.pivot(index="year", columns="vehicle_class", values="eol_mass_t") / 1e6
    wide = wide[[c.name for c in result.setup.classes]]
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    ax.stackplot(wide.index, wide.T.to_numpy(), labels=wide.columns, alpha=0.85)
    if band is not None:
        b = band[band["variable"] == "eol_mass_t"]
        ax.plot(b["year"], b["q05"] / 1e6, "k--", lw=0.8, label="Monte Carlo 5 % / 95 %")
        ax.plot(b["year"], b["q95"] / 1e6, "k--", lw=0.8)
    last_obs = int(result.setup.projection.observed["year"].max())
    ax.axvline(last_obs, color="grey", lw=0.8, ls="--")
    ax.text(last_obs + 0.5, ax.get_ylim()[1] * 0.95, "projection", color="grey", va="top")
    ax.set_ylabel("end-of-life mass (Mt per year)")
    ax.set_title(f"{result.setup.config.name}: end-of-life vehicles by class")
    ax.legend(loc="upper left", frameon=False)
    ax.margins(x=0)
    return _save(fig, path)


def stock_and_flows(result: FleetResult, path: Path) -> Path:
    """Stock, inflow and outflow by class (vehicles)."""
    fig = Figure(figsize=(13, 4))
    axes = fig.subplots(1, 3)
    for ax, column, title in zip(axes, ("stock_vehicles", "inflow_vehicles", "outflow_vehicles"),
                                 ("stock", "inflow (new registrations)", "outflow (end of life)")):
        wide = result.flows.pivot(index="year", columns="vehicle_class", values=column) / 1e6
        for name in (c.name for c in result.setup.classes):
            ax.plot(wide.index, wide[name], label=name)
        ax.set_title(title)
        ax.set_ylabel("million vehicles")
    obs = result.setup.projection.observed
    total = obs[obs["vehicle_class"] == result.setup.config.total_class]
    axes[0].plot(total["year"], total["stock_units"] / 1e6, "k.", label="statistics (total)")
    axes[0].plot(result.summary["year"], result.summary["stock_vehicles"] / 1e6, "k-", lw=0.8,
                 label="fitted total")
    axes[0].legend(frameon=False, fontsize=8)
    return _save(fig, path)


def materials(result: FleetResult, path: Path) -> Path:
    """Recovered metal by material (Mt per year)."""
    by = result.materials.groupby(["year", "material"])["recovered_t"].sum().unstack() / 1e6
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    for m in METALS_SHOWN:
        if m in by.columns:
            ax.plot(by.index, by[m], label=m)
    ax.set_yscale("log")
    ax.set_ylabel("recovered (Mt per year, log scale)")
    ax.set_title("metal recovered from end-of-life vehicles")
    ax.legend(frameon=False)
    return _save(fig, path)


def benefits(result: FleetResult, path: Path) -> Path:
    """Value, energy and CO2 avoided (fixed and declining emission factors)."""
    s = result.summary
    fig = Figure(figsize=(13, 4))
    axes = fig.subplots(1, 3)
    axes[0].plot(s["year"], s["value_usd"] / 1e9)
    axes[0].set_title("value of recovered material")
    axes[0].set_ylabel("billion USD per year")
    axes[1].plot(s["year"], s["energy_avoided_gj"] / 1e6)
    axes[1].set_title("energy avoided (Fe, Al, Cu)")
    axes[1].set_ylabel("PJ per year")
    axes[2].plot(s["year"], s["co2_avoided_fixed_t"] / 1e6, label="fixed factors")
    axes[2].plot(s["year"], s["co2_avoided_declining_t"] / 1e6, label="declining factors")
    axes[2].set_title("CO2 avoided (Fe, Al, Cu)")
    axes[2].set_ylabel("Mt CO2 per year")
    axes[2].legend(frameon=False)
    return _save(fig, path)


def write_all(result: FleetResult, out: Path, band: pd.DataFrame | None = None) -> list[Path]:
    """Every figure of a run into ``out``."""
    return [eol_mass_by_class(result, out / "eol_mass_by_class.png", band),
            stock_and_flows(result, out / "stock_inflow_outflow.png"),
            materials(result, out / "materials_recovered.png"),
            benefits(result, out / "value_energy_co2.png")]


def car_eol(table: pd.DataFrame, path: Path) -> Path:
    """End-of-life cars by powertrain and chemistry, and the hidden flows avoided by metal."""
    wide = table.pivot(index="year", columns="variable", values="value")
    fig = Figure(figsize=(13, 4.5))
    left, right = fig.subplots(1, 2)
    left.stackplot(wide.index, (wide[[f"eol_cars_{v}" for v in VARIANTS]] / 1e6).T.to_numpy(),
                   labels=VARIANTS, alpha=0.85)
    left.set_ylabel("end-of-life cars (million per year)")
    left.set_title("by powertrain and battery chemistry")
    left.legend(loc="upper left", frameon=False, fontsize=8)
    by_metal = [v for v in table["variable"].unique() if v.startswith("hidden_avoided_t_")]
    right.stackplot(wide.index, (wide[by_metal] / 1e6).T.to_numpy(),
                    labels=[v.removeprefix("hidden_avoided_t_") for v in by_metal], alpha=0.85)
    total = table[table["variable"] == "hidden_avoided_t"]
    for column, style, label in (("lifetime_minus_1", "k:", "mean life -1 / +1 year"), ("lifetime_plus_1", "k:", None),
                                 ("q05", "k--", "Monte Carlo 5 % / 95 %"), ("q95", "k--", None)):
        if total[column].notna().any():
            right.plot(total["year"], total[column] / 1e6, style, lw=0.8, label=label)
    right.set_ylabel("hidden flows avoided (Mt per year)")
    right.set_title("when the recovered metal displaces primary metal")
    right.legend(loc="upper left", frameon=False, fontsize=8)
    for ax in (left, right):
        ax.margins(x=0)
    fig.suptitle("China's passenger cars at end of life, linked to the tracer's hidden flows")
    return _save(fig, path)
