"""`tracer fleet`: the stock model (tracer.stock): end-of-life vehicles to 2050 and what recycling them is worth.

Everything is computed before anything is written; files go only under --out, through
hfcommon.output's atomic writers; with --json only JSON reaches stdout (progress: stderr).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from hfcommon.display import quantity, sig
from hfcommon.output import to_json
from tracer.commands.options import TableFormat
from tracer.commands.options import stdout as _out
from tracer.commands.progress import bars
from tracer.commands.render import Col, show
from tracer.stock.report import stock_report


class LifetimeKind(str, Enum):
    weibull = "weibull"
    normal = "normal"
    lognormal = "lognormal"
    fixed = "fixed"


def _millions(vehicles: float) -> str:
    return f"{sig(vehicles / 1e6)} M"


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
    """The stock model (tracer.stock): stock, inflow, outflow, end-of-life materials, value, energy and CO2 avoided."""
    run = stock_report(config, to, from_year, mc, seed, with_trailer, None if lifetime is None else lifetime.value,
                       out, fmt.value, progress=bars(False))  # fmt: skip
    cfg, result, report, fit = run.config, run.result, run.report, run.fit
    if json_:
        typer.echo(to_json(report))
        return
    s = result.summary
    show(f"{cfg.name}: end of life to {to}",
         [Col("year", True), Col("stock (vehicles)", True), Col("outflow (vehicles)", True), Col("EoL mass", True),
          Col("value (USD)", True, drop=1), Col("energy avoided", True, drop=2),
          Col("CO2 avoided (fixed / declining grid)", True)],
         [(str(r.year), _millions(r.stock_vehicles), _millions(r.outflow_vehicles), quantity(r.eol_mass_t),
           f"{sig(r.value_usd / 1e9)} bn", quantity(r.energy_avoided_gj / 1e6, "PJ"),
           f"{quantity(r.co2_avoided_fixed_t)} / {quantity(r.co2_avoided_declining_t)}")
          for r in s[(s["year"] % 5 == 0) | (s["year"] == to)].itertuples()])
    _out.print(f"logistic fit: a = {fit.a / 1e6:.1f} M ({'fixed' if cfg.saturation_units else 'fitted'}), "
               f"k = {fit.k:.3f}/yr, t_c = {fit.t_c:.1f}, rmse = {fit.rmse / 1e6:.2f} M on {fit.n_points} points")
    if out is not None:
        _out.print(f"wrote {len(report['files'])} files and fleet.json to {out}")


def register(app: typer.Typer) -> None:
    """Attach `tracer fleet` to the root app."""
    app.command("fleet")(fleet)
