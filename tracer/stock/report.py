"""What `tracer fleet` computes and writes: the stock model's run, sensitivity, Monte Carlo and report.

`stock_report` loads the study, applies the command's overrides, runs the stock model,
the lifespan sensitivity and (optionally) the Monte Carlo, assembles the JSON report
(fleet.json) and, given `out`, writes the tables, plots and fleet.json there through
hfcommon.output's atomic writers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from hfcommon.assumptions import TABLE as ASSUMPTIONS_TABLE
from hfcommon.output import write_json, write_set, write_table
from tracer.stock.config import FleetConfig, load_config
from tracer.stock.logistic import LogisticFit
from tracer.stock.model import FleetResult, prepare, run_fleet
from tracer.stock.plots import write_all
from tracer.stock.uncertainty import lifespan_sensitivity, monte_carlo

Progress = Callable[[str, int], contextlib.AbstractContextManager[Callable[[int], None]]]

@contextlib.contextmanager
def _silent(_label: str, _total: int) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


@dataclass(frozen=True)
class StockReport:
    """The stock model's run, its uncertainty tables and the JSON report."""

    config: FleetConfig
    result: FleetResult
    sensitivity: pd.DataFrame
    band: pd.DataFrame | None
    fit: LogisticFit
    report: dict[str, Any]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (int(v) if k == "year" else v) for k, v in row.items()} for row in df.to_dict(orient="records")]


def stock_report(
    config: Path | None = None,
    to: int = 2050,
    from_year: int = 2000,
    mc: int = 1000,
    seed: int = 0,
    with_trailer: bool = False,
    lifetime: str | None = None,
    out: Path | None = None,
    fmt: str = "parquet",
    progress: Progress = _silent,
    iamc: Callable[[FleetResult, FleetConfig], pd.DataFrame] | None = None,
) -> StockReport:
    """Run the study `config` (default: China's trucks) to `to`; write under `out` if given
    (with `iamc`, e.g. `tracer.exchange.iamc.fleet_iamc`: that one long table instead of the tables)."""
    cfg = load_config(config)
    changes: dict[str, Any] = {}
    if with_trailer:
        changes["weight_basis"] = "with_trailer"
    if lifetime is not None:
        changes["lifetime_kind"] = lifetime
    cfg = cfg.with_changes(**changes) if changes else cfg
    setup = prepare(cfg, to)
    result = run_fleet(cfg, to_year=to, from_year=from_year, setup=setup)
    sensitivity = lifespan_sensitivity(setup, from_year=from_year)
    band = None
    if mc:
        with progress("Monte Carlo", mc) as advance:
            band = monte_carlo(setup, mc, seed=seed, from_year=from_year, progress=advance)
    fit = setup.projection.fit
    report: dict[str, Any] = {
        "study": cfg.name,
        "config": str(config) if config else "bundled china_trucks.toml",
        "years": [from_year, to],
        "weight_basis": cfg.weight_basis,
        "lifetime_kind": cfg.lifetime_kind,
        "logistic_fit": {**fit.as_dict(), "saturation_fixed": cfg.saturation_units is not None},
        "class_fits": {c: f.as_dict() for c, f in setup.projection.class_fits.items()} or None,
        "units": {"stock_vehicles": "vehicles", "eol_mass_t": "t", "recovered_t": "t",
                  "value_usd": f"USD ({cfg.price_year} prices, inflation {cfg.inflation_rate:g}/yr)",
                  **({"value_usd_alt_inflation": f"USD ({cfg.price_year} prices, inflation "
                      f"{cfg.alt_inflation_rate:g}/yr)"} if cfg.alt_inflation_rate is not None else {}),
                  "energy_avoided_gj": "GJ", "co2_avoided_fixed_t": "t CO2-eq",
                  "co2_avoided_declining_t": "t CO2-eq"},
        "totals_by_year": _records(result.summary),
        "lifespan_sensitivity": _records(sensitivity[sensitivity["year"] == to]),
        "monte_carlo": None if band is None else {
            "draws": mc, "seed": seed, "final_year": _records(band[band["year"] == to])},
        "assumptions": ASSUMPTIONS_TABLE,
    }
    if out is not None:
        table = None if iamc is None else iamc(result, cfg)

        def write(stage: Path) -> list[Path]:
            files = _write(result, sensitivity, band, stage, fmt, table)
            report["files"] = [str(out / p.relative_to(stage)) for p in files]
            return [*files, write_json(report, stage / "fleet.json")]

        write_set(out, write)
    return StockReport(config=cfg, result=result, sensitivity=sensitivity, band=band, fit=fit, report=report)


def _write(result: FleetResult, sensitivity: pd.DataFrame, band: pd.DataFrame | None, out: Path, fmt: str,
           iamc: pd.DataFrame | None) -> list[Path]:
    if iamc is not None:  # one IAMC long table instead of the model's own tables
        return [write_table(iamc, out / "fleet_iamc", "csv"), *write_all(result, out, band)]
    written = [write_table(result.flows, out / "flows", fmt),
               write_table(result.materials, out / "materials", fmt),
               write_table(result.summary, out / "totals", fmt),
               write_table(sensitivity, out / "lifespan_sensitivity", fmt)]
    if band is not None:
        written.append(write_table(band, out / "monte_carlo", fmt))
    return written + write_all(result, out, band)
