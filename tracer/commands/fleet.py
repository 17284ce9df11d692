"""`tracer fleet`: end-of-life vehicles to 2050 and what recycling them is worth.

Everything is computed before anything is written; files go only under --out, through
hfcommon.output's atomic writers; with --json only JSON reaches stdout (progress: stderr).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from hfcommon.output import to_json, write_json, write_table
from tracer.commands.options import TableFormat
from tracer.commands.options import stderr as _err
from tracer.commands.options import stdout as _out
from tracer.stock.config import load_config
from tracer.stock.model import prepare, run_fleet
from tracer.stock.plots import write_all
from tracer.stock.uncertainty import lifespan_sensitivity, monte_carlo


class LifetimeKind(str, Enum):
    weibull = "weibull"
    normal = "normal"
    lognormal = "lognormal"
    fixed = "fixed"


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (int(v) if k == "year" else v) for k, v in row.items()}
            for row in df.to_dict(orient="records")]


def fleet(
    config: Annotated[Path | None, typer.Option("--config", help="TOML study (default: China's trucks).")] = None,
    to: Annotated[int, typer.Option("--to", help="Last year of the projection.")] = 2050,
    from_year: Annotated[int, typer.Option("--from", help="First year reported.")] = 2000,
    out: Annotated[Path | None, typer.Option("--out", help="Directory for tables, plots and fleet.json.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON only (per-year totals).")] = False,
    mc: Annotated[int, typer.Option("--mc", help="Monte Carlo draws (0: none).", min=0)] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo.")] = 0,
    with_trailer: Annotated[bool, typer.Option("--with-trailer", help="Weigh heavy trucks with their trailer.")] = False,
    lifetime: Annotated[LifetimeKind | None, typer.Option("--lifetime", help="Override the lifetime distribution.")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Table file format.")] = TableFormat.parquet,
) -> None:
    """Stock-driven fleet model: stock, inflow, outflow, end-of-life materials, value, energy and CO2 avoided."""
    cfg = load_config(config)
    changes: dict[str, Any] = {}
    if with_trailer:
        changes["weight_basis"] = "with_trailer"
    if lifetime is not None:
        changes["lifetime_kind"] = lifetime.value
    cfg = cfg.with_changes(**changes) if changes else cfg
    setup = prepare(cfg, to)
    result = run_fleet(cfg, to_year=to, from_year=from_year, setup=setup)
    sensitivity = lifespan_sensitivity(setup, from_year=from_year)
    band = None
    if mc:
        with Progress(TextColumn("Monte Carlo"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=_err, transient=True, disable=not _err.is_terminal) as progress:
            task = progress.add_task("mc", total=mc)
            band = monte_carlo(setup, mc, seed=seed, from_year=from_year,
                               progress=lambda k: progress.advance(task, k))

    fit = setup.projection.fit
    report: dict[str, Any] = {
        "study": cfg.name,
        "config": str(config) if config else "bundled china_trucks.toml",
        "years": [from_year, to],
        "weight_basis": cfg.weight_basis,
        "lifetime_kind": cfg.lifetime_kind,
        "logistic_fit": {**fit.as_dict(), "saturation_fixed": cfg.saturation_units is not None},
        "units": {"stock_vehicles": "vehicles", "eol_mass_t": "t", "recovered_t": "t",
                  "value_usd": f"USD ({cfg.price_year} prices, inflation {cfg.inflation_rate:g}/yr)",
                  "energy_avoided_gj": "GJ", "co2_avoided_fixed_t": "t CO2-eq",
                  "co2_avoided_declining_t": "t CO2-eq"},
        "totals_by_year": _records(result.summary),
        "lifespan_sensitivity": _records(sensitivity[sensitivity["year"] == to]),
        "monte_carlo": None if band is None else {
            "draws": mc, "seed": seed, "final_year": _records(band[band["year"] == to])},
        "assumptions": "tracer/data/fleet/assumptions.csv",
    }
    if out is not None:
        written = [write_table(result.flows, out / "flows", fmt.value),
                   write_table(result.materials, out / "materials", fmt.value),
                   write_table(result.summary, out / "totals", fmt.value),
                   write_table(sensitivity, out / "lifespan_sensitivity", fmt.value)]
        if band is not None:
            written.append(write_table(band, out / "monte_carlo", fmt.value))
        written += write_all(result, out, band)
        report["files"] = [str(p) for p in written]
        write_json(report, out / "fleet.json")
    if json_:
        typer.echo(to_json(report))
        return
    table = Table(title=f"{cfg.name}: end of life to {to}", title_justify="left")
    for name in ("year", "stock (M)", "outflow (M)", "EoL mass (Mt)", "value (bn USD)",
                 "energy avoided (PJ)", "CO2 avoided (Mt, fixed / declining)"):
        table.add_column(name, justify="right")
    s = result.summary
    for row in s[(s["year"] % 5 == 0) | (s["year"] == to)].itertuples():
        table.add_row(str(row.year), f"{row.stock_vehicles / 1e6:.1f}", f"{row.outflow_vehicles / 1e6:.2f}",
                      f"{row.eol_mass_t / 1e6:.1f}", f"{row.value_usd / 1e9:.1f}",
                      f"{row.energy_avoided_gj / 1e6:.0f}",
                      f"{row.co2_avoided_fixed_t / 1e6:.1f} / {row.co2_avoided_declining_t / 1e6:.1f}")
    _out.print(table)
    _out.print(f"logistic fit: a = {fit.a / 1e6:.1f} M ({'fixed' if cfg.saturation_units else 'fitted'}), "
               f"k = {fit.k:.3f}/yr, t_c = {fit.t_c:.1f}, rmse = {fit.rmse / 1e6:.2f} M on {fit.n_points} points")
    if out is not None:
        _out.print(f"wrote {len(report['files'])} files and fleet.json to {out}")


def register(app: typer.Typer) -> None:
    """Attach `tracer fleet` to the root app."""
    app.command("fleet")(fleet)
