"""End-of-life passenger cars by powertrain and battery chemistry, the metal they
return, and the hidden flows and CO2 avoided when it displaces primary metal.

Pipeline: the car study's stock model (``china_cars.toml``) -> new cars per year ->
split by powertrain and chemistry (:mod:`tracer.stock.powertrains`) -> cohorts retire
along the same survival curve -> per-vehicle contents of the tracer's network
(:mod:`tracer.stock.car_network`) x recovery rates -> metal returned -> times the
network's hidden flows and CO2 per tonne of the primary material it displaces, less
the secondary route where one is known (assumption A20).

Ranges: every mean lifetime one year shorter and longer, and a seeded Monte Carlo
over mean lifetime (+-20 %, A11), the sales-share outlook (A18), the LFP share (A19)
and the recovery rates (uniform between their low and high, A19).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from hfcommon.assumptions import TABLE as ASSUMPTIONS_TABLE
from tracer.stock.car_network import CarCoefficients, car_coefficients, load_metals
from tracer.stock.config import load_config
from tracer.stock.model import FleetSetup, prepare, survival
from tracer.stock.powertrains import (
    VARIABLES,
    VARIANTS,
    load_sales_shares,
    split_outflow,
    variant_shares,
)
from tracer.stock.stock_model import run_stock_driven
from tracer.stock.tables import DATA_DIR
from tracer.stock.uncertainty import LIFETIME_SPREAD, QUANTILES

CONFIG = DATA_DIR / "china_cars.toml"
SHARES = DATA_DIR / "china_car_sales_shares.csv"
METALS_FILE = DATA_DIR / "car_metals.csv"
METALS = ("lithium", "cobalt", "nickel", "copper", "aluminium", "steel")
HEADLINE = ("eol_cars", "eol_mass_t", "hidden_avoided_t", "co2_avoided_t")


@dataclass(frozen=True)
class CarInputs:
    """Everything the accounting needs that does not vary between draws."""

    setup: FleetSetup
    shares: pd.DataFrame
    coefficients: CarCoefficients


def load_inputs(to: int = 2050) -> CarInputs:
    """The bundled passenger-car study, sales shares, metals table and network coefficients."""
    setup = prepare(load_config(CONFIG), to)
    return CarInputs(setup, load_sales_shares(SHARES), car_coefficients(load_metals(METALS_FILE)))


def _account(inp: CarInputs, life: np.ndarray, share_draws: dict[str, np.ndarray] | None,
             recovery: np.ndarray, shift: float = 0.0) -> dict[str, np.ndarray]:
    """Yearly arrays for n draws: eol by variant (years, variants, n), metals by node (years, nodes, n)."""
    setup, coef = inp.setup, inp.coefficients
    draws = replace(setup.central(), lifetime_mean_years=life)
    n = life.shape[1]
    stock = np.repeat(setup.projection.stock[:, :, None], n, axis=2)
    flows = run_stock_driven(stock, survival(setup, draws, shift), keep_cohorts=True)
    shares = variant_shares(inp.shares, setup.projection.years, share_draws)  # (years, variants, n)
    eol = split_outflow(flows, shares).sum(axis=1)  # (years, variants, n)
    metals = coef.metals
    content = np.einsum("yvn,vm->ymn", eol, coef.content_t) * metals["metal_per_t"].to_numpy()[None, :, None]
    recovered = content * recovery[None]
    net_hidden = coef.hidden_per_t - coef.route_hidden_per_t
    net_co2 = coef.co2_per_t - np.nan_to_num(metals["co2_secondary_t_per_t"].to_numpy(float))
    return {"eol": eol, "eol_mass_t": np.einsum("yvn,v->yn", eol, coef.mass_t), "recovered_t": recovered,
            "hidden_avoided_t": recovered * net_hidden[None, :, None],
            "co2_avoided_t": recovered * net_co2[None, :, None]}


def _central(inp: CarInputs, shift: float = 0.0) -> dict[str, np.ndarray]:
    life = np.array([[c.lifetime_mean_years] for c in inp.setup.classes])
    rate = inp.coefficients.metals["recovery_rate"].to_numpy()[:, None]
    return _account(inp, life, None, rate, shift)


def _by_metal(arr: np.ndarray, metals: pd.DataFrame) -> dict[str, np.ndarray]:
    """Sum the node axis (1) into the six metals."""
    return {m: arr[:, (metals["metal"] == m).to_numpy()].sum(axis=1) for m in METALS}


def _headline(acc: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Yearly totals (years, n) of the headline variables."""
    return {"eol_cars": acc["eol"].sum(axis=1), "eol_mass_t": acc["eol_mass_t"],
            "hidden_avoided_t": acc["hidden_avoided_t"].sum(axis=1), "co2_avoided_t": acc["co2_avoided_t"].sum(axis=1)}


def monte_carlo(inp: CarInputs, n: int, seed: int = 0, chunk: int = 250,
                progress: Callable[[int], None] | None = None) -> dict[str, np.ndarray]:
    """Quantiles (QUANTILES) of the headline totals and the recovered metals: name -> (3, years)."""
    rng = np.random.default_rng(seed)
    classes, metals = inp.setup.classes, inp.coefficients.metals
    life = np.array([[c.lifetime_mean_years] for c in classes]) * rng.uniform(
        1 - LIFETIME_SPREAD, 1 + LIFETIME_SPREAD, size=(len(classes), n))
    u_share = {v: rng.uniform(size=n) for v in VARIABLES}
    names = list(dict.fromkeys(metals["metal"]))
    u_metal = {m: rng.uniform(size=n) for m in names}
    low, high = metals["recovery_low"].to_numpy()[:, None], metals["recovery_high"].to_numpy()[:, None]
    u_rows = np.stack([u_metal[m] for m in metals["metal"]])
    recovery = low + (high - low) * u_rows
    parts: dict[str, list[np.ndarray]] = {}
    for start in range(0, n, chunk):
        cut = slice(start, min(start + chunk, n))
        acc = _account(inp, life[:, cut], {k: v[cut] for k, v in u_share.items()}, recovery[:, cut])
        for name, arr in {**_headline(acc), **{f"recovered_t_{m}": a for m, a in
                                                _by_metal(acc["recovered_t"], metals).items()}}.items():
            parts.setdefault(name, []).append(arr)
        if progress is not None:
            progress(cut.stop - cut.start)
    return {k: np.quantile(np.concatenate(v, axis=1), QUANTILES, axis=1) for k, v in parts.items()}


def car_eol_table(inp: CarInputs, from_year: int = 2000, mc: int = 0, seed: int = 0,
                  progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """Tidy table: year, variable, unit, value, lifetime_minus_1, lifetime_plus_1, q05, q50, q95."""
    years = inp.setup.projection.years
    keep = years >= from_year
    metals = inp.coefficients.metals
    runs = {shift: _central(inp, shift) for shift in (0.0, -1.0, 1.0)}

    def variables(acc: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        out = {f"eol_cars_{v}": acc["eol"][:, j, 0] for j, v in enumerate(VARIANTS)}
        out.update({k: a[:, 0] for k, a in _headline(acc).items()})
        for key in ("recovered_t", "hidden_avoided_t", "co2_avoided_t"):
            out.update({f"{key}_{m}": a[:, 0] for m, a in _by_metal(acc[key], metals).items()})
        return out

    central, minus, plus = (variables(runs[s]) for s in (0.0, -1.0, 1.0))
    band = monte_carlo(inp, mc, seed, progress=progress) if mc >= 2 else {}
    frames = []
    for name, values in central.items():
        q = band.get(name, np.full((3, years.size), np.nan))
        unit = "vehicles" if name.startswith("eol_cars") else "t CO2" if name.startswith("co2") else "t"
        frames.append(pd.DataFrame({
            "year": years[keep], "variable": name, "unit": unit, "value": values[keep],
            "lifetime_minus_1": minus[name][keep], "lifetime_plus_1": plus[name][keep],
            "q05": q[0][keep], "q50": q[1][keep], "q95": q[2][keep]}))
    return pd.concat(frames, ignore_index=True)


def per_vehicle_table(inp: CarInputs) -> pd.DataFrame:
    """The six metals in one car of each variant (kg), as the network gives them."""
    coef = inp.coefficients
    kg = coef.content_t * coef.metals["metal_per_t"].to_numpy()[None, :] * 1000
    table = pd.DataFrame({m: kg[:, (coef.metals["metal"] == m).to_numpy()].sum(axis=1) for m in METALS})
    table.insert(0, "variant", VARIANTS)
    table["mass_kg"] = coef.mass_t * 1000
    return table


def car_eol_report(table: pd.DataFrame, inp: CarInputs, mc: int, seed: int) -> dict[str, object]:
    """The JSON report: central totals by year, ranges of the headline variables, per-car metals."""
    wide = table.pivot(index="year", columns="variable", values="value")
    wide = wide[list(dict.fromkeys(table["variable"]))].reset_index()
    ranges = table[table["variable"].isin(HEADLINE) | table["variable"].str.startswith("recovered_t_")]
    return {
        "study": "China passenger cars at end of life, by powertrain and battery chemistry",
        "stock_model": str(CONFIG.name),
        "years": [int(table["year"].min()), int(table["year"].max())],
        "units": {"eol_cars*": "vehicles", "*_t*": "t", "co2_avoided_t*": "t CO2"},
        "per_vehicle_kg": per_vehicle_table(inp).to_dict(orient="records"),
        "totals_by_year": wide.to_dict(orient="records"),
        "ranges_by_year": ranges.drop(columns="unit").to_dict(orient="records"),
        "monte_carlo": {"draws": mc, "seed": seed} if mc >= 2 else None,
        "data": [SHARES.name, METALS_FILE.name],
        "assumptions": f"{ASSUMPTIONS_TABLE} (A06, A11, A12, A16-A20)",
    }
