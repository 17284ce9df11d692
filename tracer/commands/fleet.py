"""`tracer fleet`: the stock model (tracer.stock): end-of-life vehicles to 2050 and what recycling them is worth.

Everything is computed before anything is written; files go only under --out, through
hfcommon.output's atomic writers; with --json only JSON reaches stdout (progress: stderr).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hfcommon.output import to_json
from tracer.commands.options import ResultFormat
from tracer.commands.options import stdout as _out
from tracer.commands.progress import bars
from tracer.exchange.iamc import fleet_iamc
from tracer.stock.report import stock_report


class LifetimeKind(str, Enum):
    weibull = "weibull"
    normal = "normal"
    lognormal = "lognormal"
    fixed = "fixed"


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
    fmt: Annotated[ResultFormat, typer.Option("--format", help="Table file format; iamc: the IAMC long table (CSV).")] = ResultFormat.parquet,
) -> None:
    """The stock model (tracer.stock): stock, inflow, outflow, end-of-life materials, value, energy and CO2 avoided."""
    run = stock_report(config, to, from_year, mc, seed, with_trailer, None if lifetime is None else lifetime.value,
                       out, fmt.value, progress=bars(False),
                       iamc=fleet_iamc if fmt is ResultFormat.iamc else None)  # fmt: skip
    cfg, result, report, fit = run.config, run.result, run.report, run.fit
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
