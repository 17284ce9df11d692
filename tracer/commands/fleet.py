"""`tracer fleet`: the stock model (tracer.stock): end-of-life vehicles to 2050 and what recycling them is worth.

Everything is computed before anything is written; files go only under --out, through
hfcommon.output's atomic writers; with --json only JSON reaches stdout (progress: stderr).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from hfcommon.display import count, percent, quantity, sig
from hfcommon.output import to_json
from tracer.commands.options import ResultFormat, out_dir_option
from tracer.commands.options import stdout as _out
from tracer.commands.progress import bars
from tracer.commands.render import Col, fit, show
from tracer.exchange.iamc import fleet_iamc
from tracer.stock.report import stock_report


class LifetimeKind(str, Enum):
    weibull = "weibull"
    normal = "normal"
    lognormal = "lognormal"
    fixed = "fixed"


def _millions(vehicles: float) -> str:
    """Vehicles in millions from one million up, else counted (no '0.000122 M')."""
    return f"{sig(vehicles / 1e6)} M" if vehicles >= 1e6 else count(vehicles)


def fleet(
    config: Annotated[Path | None, typer.Option("--config", help="A TOML study file, or a bundled study: china_trucks (default), china_cars, xu2025.")] = None,
    to: Annotated[int, typer.Option("--to", help="Last year of the projection.")] = 2050,
    from_year: Annotated[int, typer.Option("--from", help="First year reported.")] = 2000,
    out: Annotated[Path | None, out_dir_option("Directory for tables, plots and fleet.json.")] = None,
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
    s = result.summary
    show(f"{cfg.name}: end of life to {to}",
         [Col("year", True), Col("stock (vehicles)", True), Col("outflow (vehicles)", True), Col("EoL mass", True),
          Col("value (USD)", True, drop=1), Col("energy avoided", True, drop=2),
          Col("CO2 avoided (fixed / declining grid)", True)],
         [(str(r.year), _millions(r.stock_vehicles), _millions(r.outflow_vehicles), quantity(r.eol_mass_t),
           f"{sig(r.value_usd / 1e9)} bn", quantity(r.energy_avoided_gj / 1e6, "PJ"),
           f"{quantity(r.co2_avoided_fixed_t)} / {quantity(r.co2_avoided_declining_t)}")
          for r in s[(s["year"] % 5 == 0) | (s["year"] == to)].itertuples()])
    class_fits = result.setup.projection.class_fits
    for label, f in (class_fits.items() if class_fits else [("logistic fit", fit)]):
        kind = "fixed" if cfg.saturation_units and not class_fits else "fitted"
        _out.print(f"{label}: a = {f.a / 1e6:.2f} M ({kind}), k = {f.k:+.3f}/yr, t_c = {f.t_c:.1f}, "
                   f"rmse = {f.rmse / 1e6:.2f} M on {f.n_points} points")
    if out is not None:
        _out.print(f"wrote {len(report['files'])} files and fleet.json to {out}")


def fleet_cars(
    to: Annotated[int, typer.Option("--to", help="Last year of the projection.")] = 2050,
    from_year: Annotated[int, typer.Option("--from", help="First year reported.")] = 2000,
    out: Annotated[Path | None, out_dir_option("Directory for cars_eol.csv, per_vehicle.csv, cars_eol.png and cars_eol.json.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON only.")] = False,
    mc: Annotated[int, typer.Option("--mc", help="Monte Carlo draws (0: none).", min=0)] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the Monte Carlo.")] = 0,
) -> None:
    """China's end-of-life passenger cars by powertrain and battery chemistry: metal returned, hidden flows and CO2 avoided."""
    from hfcommon.output import output_set, write_json, write_table
    from tracer.stock import car_eol, plots

    if mc == 1:
        raise typer.BadParameter("a Monte Carlo needs 0 (none) or at least 2 draws", param_hint="--mc")
    with bars(json_)("network coefficients", 1) as advance:
        inputs = car_eol.load_inputs(to)
        advance(1)
    with bars(json_)("Monte Carlo", mc) as advance:
        table = car_eol.car_eol_table(inputs, from_year, mc, seed, progress=advance)
    report = car_eol.car_eol_report(table, inputs, mc, seed)
    if out is not None:
        with output_set(out) as stage:
            files = [write_table(table, stage / "cars_eol", "csv"),
                     write_table(car_eol.per_vehicle_table(inputs), stage / "per_vehicle", "csv"),
                     plots.car_eol(table, stage / "cars_eol.png")]
            report["files"] = [str(out / f.name) for f in files]
            write_json(report, stage / "cars_eol.json")
    if json_:
        typer.echo(to_json(report))
        return
    for part in _cars_tables(table, to):
        _out.print(part)
    if out is not None:
        _out.print(f"wrote {len(report['files'])} files and cars_eol.json to {out}")


def _cars_tables(table: pd.DataFrame, to: int) -> tuple[Table, Table]:
    """Every fifth year: cars and metal returned; hidden flows and CO2 avoided with their ranges."""
    wide = table.pivot(index="year", columns="variable", values="value")
    by = table.set_index(["variable", "year"])

    def band(variable: str, year: int) -> str:
        q = by.loc[(variable, year)]
        return "-" if pd.isna(q["q05"]) else f"{quantity(q['q05'])} – {quantity(q['q95'])}"

    years = [y for y in wide.index if y % 5 == 0 or y == to]
    metals = ("lithium", "cobalt", "nickel", "copper", "aluminium", "steel")
    car_rows, avoided_rows = [], []
    for year in years:
        row = wide.loc[year]
        plugin = sum(row[f"eol_cars_{v}"] for v in ("BEV-LFP", "BEV-NMC/NCA", "PHEV-LFP", "PHEV-NMC/NCA"))
        lfp = row["eol_cars_BEV-LFP"] + row["eol_cars_PHEV-LFP"]
        car_rows.append((str(year), _millions(row["eol_cars"]), _millions(plugin),
                         percent(lfp / plugin) if plugin > 0 else "-",
                         *(quantity(row[f"recovered_t_{m}"]) for m in metals)))
        life = by.loc[("hidden_avoided_t", year)]
        avoided_rows.append((str(year), quantity(row["hidden_avoided_t"]), band("hidden_avoided_t", year),
                             f"{quantity(life['lifetime_minus_1'])} / {quantity(life['lifetime_plus_1'])}",
                             quantity(row["co2_avoided_t"]), band("co2_avoided_t", year)))
    cars = fit(f"China's passenger cars at end of life to {to}: metal returned",
               [Col("year", True), Col("cars", True), Col("plug-in", True), Col("LFP share", True, drop=1),
                *(Col(m, True, drop=2 if m in ("aluminium", "steel") else 0) for m in metals)], car_rows)
    avoided = fit("Hidden flows and CO2 avoided (Monte Carlo 5-95 %; mean life -1 / +1 year)",
                  [Col("year", True), Col("hidden", True), Col("hidden 5-95 %", True), Col("life -1 / +1", True, drop=1),
                   Col("CO2", True), Col("CO2 5-95 %", True)], avoided_rows)
    return cars, avoided


def register(app: typer.Typer) -> None:
    """Attach `tracer fleet` and `tracer fleet-cars` to the root app."""
    app.command("fleet")(fleet)
    app.command("fleet-cars")(fleet_cars)
