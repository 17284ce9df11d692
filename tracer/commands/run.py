"""`tracer run`, `tracer vehicle`, `tracer coefficients`, `tracer paths`: trace hidden flows.

Everything is computed before anything is written, and every file goes through
hfcommon.output's atomic writers, so a failed run leaves no file behind. With --json only
JSON reaches stdout; progress goes to stderr.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hfcommon.output import to_json, write_json, write_set, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api, carbon
from tracer.commands.graph import MinesOption
from tracer.commands.options import (
    FleetOption,
    HomeOption,
    JsonOption,
    OutOption,
    TableFormat,
)
from tracer.commands.options import stdout as _out
from tracer.commands.progress import progress_bar
from tracer.suppliers import compare_with_national, read_suppliers


class View(str, Enum):
    """How structural paths aggregate nodes."""

    country = "country"
    metal = "metal"


def _mt(value: float | None) -> str:
    """Fleet-scale tonnes in Mt."""
    return "n/a" if value is None else f"{value / 1e6:,.3f} Mt"


def _mass(value: float) -> str:
    """Tonnes in the largest unit that keeps the figure readable (one car or a fleet)."""
    for factor, unit in ((1e6, "Mt"), (1e3, "kt")):
        if abs(value) >= factor:
            return f"{value / factor:,.3f} {unit}"
    return f"{value:,.3f} t"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _share_table(title: str, rows: list[dict[str, Any]], label: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(label)
    table.add_column("hidden flows", justify="right")
    table.add_column("share of hidden", justify="right")
    for row in rows:
        table.add_row(str(row[label]), _mt(row["hidden_t"]), _pct(row["share_of_hidden"]))
    return table


def _print_summary(summary: dict[str, Any]) -> None:
    totals = Table(title="Total material requirement (TMR) of the fleet", title_justify="left", show_header=False)
    totals.add_column("")
    totals.add_column("", justify="right")
    totals.add_row("TMR (all material extracted)", _mt(summary["total_tmr_t"]))
    for stressor, value in summary["by_stressor_t"].items():
        totals.add_row(f"  {stressor}", _mt(value))
    totals.add_row("hidden flows (overburden + waste rock + tailings)", _mt(summary["hidden_t"]))
    ratio = summary["hidden_to_used"]
    totals.add_row("hidden-to-used ratio", "n/a" if ratio is None else f"{ratio:,.1f}")
    totals.add_row("share of extraction entering the cars", _pct(summary["car_sector_share"]))
    totals.add_row(f"hidden flows at home ({summary['home']})", _mt(summary["domestic_hidden_t"]))
    totals.add_row("hidden flows abroad", _mt(summary["abroad_hidden_t"]))
    if summary["unknown_origin_hidden_t"]:
        totals.add_row("hidden flows of unknown origin (WLD)", _mt(summary["unknown_origin_hidden_t"]))
    totals.add_row(f"share of hidden flows abroad (home {summary['home']})", _pct(summary["abroad_share"]))
    nev = summary["nev_to_conventional_hidden"]
    totals.add_row("hidden flows per NEV / per conventional car", "n/a" if nev is None else f"{nev:.2f}x")
    totals.add_row("CO2e of production (cradle to gate)", _mt(summary["co2_t"]))
    _out.print(totals)

    per_vehicle = Table(title="Per vehicle", title_justify="left")
    for column in ("vehicle", "produced", "TMR t/vehicle", "hidden t/vehicle"):
        per_vehicle.add_column(column, justify="left" if column == "vehicle" else "right")
    for vehicle, tmr in summary["per_vehicle_tmr_t"].items():
        per_vehicle.add_row(
            vehicle,
            f"{summary['vehicles_produced'][vehicle]:,.0f}",
            f"{tmr:,.2f}",
            f"{summary['per_vehicle_hidden_t'][vehicle]:,.2f}",
        )
    _out.print(per_vehicle)
    _out.print(_co2_table(summary))
    _out.print(_share_table("Top countries", summary["top_countries"], "country"))
    _out.print(_share_table("Top materials", summary["top_materials"], "material"))


def _co2_table(summary: dict[str, Any]) -> Table:
    """CO2e per vehicle beside TMR, with the shares of steel, aluminium, battery and the rest."""
    table = Table(title="CO2e per vehicle (t), beside TMR", title_justify="left")
    for column in ("vehicle", "TMR t", "CO2e t", *(f"{g} %" for g in carbon.GROUPS)):
        table.add_column(column, justify="left" if column == "vehicle" else "right")
    for vehicle in summary["per_vehicle_co2_t"]:
        shares = summary["per_vehicle_co2_shares"][vehicle]
        table.add_row(vehicle, f"{summary['per_vehicle_tmr_t'][vehicle]:,.2f}",
                      f"{summary['per_vehicle_co2_t'][vehicle]:,.2f}",
                      *("n/a" if shares[g] is None else f"{100 * shares[g]:.1f}" for g in carbon.GROUPS))
    return table


def _write_outputs(result: api.RunResult, summary: dict[str, Any], out: Path, fmt: TableFormat) -> list[Path]:
    return [
        write_table(result.flows, out / "flows", fmt.value),
        write_table(result.coefficients, out / "coefficients", fmt.value),
        write_json(summary, out / "summary.json"),
    ]


SuppliersOption = Annotated[
    Path | None,
    typer.Option("--suppliers", help="CSV of material, country, supplier (route or mine), share: the carmaker's "
                                     "own sourcing, compared with the national average."),
]


def run_command(
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    mines: MinesOption = None,
    suppliers: SuppliersOption = None,
    out: OutOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")] = TableFormat.parquet,
    as_json: JsonOption = False,
) -> None:
    """Trace the fleet's hidden flows and CO2e: TMR, per-vehicle, domestic vs abroad, top countries."""
    own = read_suppliers(suppliers) if suppliers is not None else None  # a bad file fails before any tracing
    with progress_bar("starting", None, as_json) as bar:
        result = api.trace(fleet, home=home, on_step=bar.stage, mines=mines)
        national = None
        if own is not None:
            national = result
            result = api.run(fleet=national.fleet, home=home, network=own.apply(national.network), on_step=bar.stage)
    summary = dict(result.summary)
    if national is not None:
        summary["suppliers"] = {"file": str(suppliers), **compare_with_national(national, result)}
    written = write_set(out, lambda stage: _write_outputs(result, summary, stage, fmt)) if out is not None else []
    if as_json:
        typer.echo(to_json(summary))
        return
    _print_summary(summary)
    if national is not None:
        _print_suppliers(summary["suppliers"])
    for path in written:
        _out.print(f"wrote {path}")


def _print_suppliers(comparison: dict[str, Any]) -> None:
    table = Table(title=f"Your suppliers ({comparison['file']}) against the national average, per vehicle",
                  title_justify="left")
    for column in ("vehicle", "hidden t national", "hidden t yours", "CO2e t national", "CO2e t yours"):
        table.add_column(column, justify="left" if column == "vehicle" else "right")
    for row in comparison["per_vehicle"]:
        table.add_row(row["vehicle"], f"{row['national_hidden_t']:,.2f}", f"{row['suppliers_hidden_t']:,.2f}",
                      f"{row['national_co2_t']:,.2f}", f"{row['suppliers_co2_t']:,.2f}")
    _out.print(table)


def vehicle_command(
    vehicle_id: Annotated[str, typer.Argument(help="Vehicle id, e.g. BEV-NMC811 or ICEV.")],
    home: HomeOption = DEFAULT_HOME,
    mines: MinesOption = None,
    as_json: JsonOption = False,
) -> None:
    """One vehicle's TMR and CO2e: by flow type, group, material, first-tier component and country."""
    with progress_bar("starting", None, as_json) as bar:
        report = api.vehicle_report(vehicle_id, home, on_step=bar.stage, mines=mines)
    if as_json:
        typer.echo(to_json(report))
        return
    _out.print(f"[bold]{vehicle_id}[/]: TMR {report['tmr_t']:,.2f} t per vehicle, hidden {report['hidden_t']:,.2f} t, "
               f"used {report['used_t']:,.3f} t, {_pct(report['abroad_share'])} of hidden flows abroad; "
               f"CO2e {report['co2_t']:,.2f} t")
    shares = Table(title="CO2e by group", title_justify="left")
    for column in ("group", "CO2e t", "share"):
        shares.add_column(column, justify="left" if column == "group" else "right")
    for group in carbon.GROUPS:
        share = report["co2_shares"][group]
        shares.add_row(group, f"{report['co2_by_group_t'][group]:,.3f}", _pct(share))
    _out.print(shares)
    for key in ("material", "component", "country"):
        table = Table(title=f"by {key}", title_justify="left")
        table.add_column(key)
        table.add_column("TMR t", justify="right")
        table.add_column("hidden t", justify="right")
        for row in report[f"by_{key}"][:12]:
            table.add_row(str(row[key]), f"{row['tmr_t']:,.3f}", f"{row['hidden_t']:,.3f}")
        _out.print(table)


def coefficients_command(
    kind: Annotated[str | None, typer.Option("--kind", help="Only nodes of this kind (mine, material, vehicle, ...).")] = None,
    out: OutOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")] = TableFormat.parquet,
    as_json: JsonOption = False,
) -> None:
    """TMR coefficient (t per unit of output) of every node: ore, metal, battery, vehicle."""
    with progress_bar("starting", None, as_json) as bar:
        table = api.coefficients(kind, on_step=bar.stage)
    written = write_set(out, lambda stage: [write_table(table, stage / "coefficients", fmt.value)]) if out else []
    if as_json:
        typer.echo(to_json(table.to_dict("records")))
        return
    shown = Table(title=f"TMR coefficients ({len(table)} nodes, largest first)", title_justify="left")
    for column in ("node", "kind", "country", "tmr_per_unit", "unit", "material_efficiency"):
        shown.add_column(column, justify="right" if column in ("tmr_per_unit", "material_efficiency") else "left")
    for row in table.sort_values("tmr_per_unit", ascending=False).head(40).itertuples():
        shown.add_row(row.node, row.kind, row.country, f"{row.tmr_per_unit:,.4g}", row.unit, f"{row.material_efficiency:.4g}")
    _out.print(shown)
    for path in written:
        _out.print(f"wrote {path}")


def paths_command(
    vehicle_id: Annotated[str | None, typer.Option("--vehicle", help="Only this vehicle (default: the whole fleet).")] = None,
    view: Annotated[View, typer.Option("--view", help="Merge nodes by stage, country and metal (country) or by stage and metal (metal).")] = View.country,
    top: Annotated[int, typer.Option("--top", min=1, help="Number of paths to list.")] = 15,
    cutoff: Annotated[float, typer.Option("--cutoff", min=0.0, help="Ignore paths below this share of the total.")] = 1e-4,
    as_json: JsonOption = False,
) -> None:
    """The largest supply paths of hidden flows (for explanation; totals come from the solve)."""
    with progress_bar("starting", None, as_json) as bar:
        found = api.supply_paths(vehicle_id, view.value, top, cutoff, on_step=bar.stage)
    if as_json:
        typer.echo(to_json(found.as_dict()))
        return
    table = Table(
        title=f"Top {len(found.paths)} paths of hidden flows ({view.value} view): "
        f"{_pct(found.coverage)} of {_mass(found.total)} covered",
        title_justify="left",
    )
    table.add_column("path (supplier <- ... <- vehicle)")
    table.add_column("hidden flows", justify="right")
    table.add_column("share", justify="right")
    for path in found.paths:
        table.add_row(" <- ".join(reversed(path.labels)), _mass(path.value), _pct(path.value / found.total))
    _out.print(table)


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("run")(run_command)
    app.command("vehicle")(vehicle_command)
    app.command("coefficients")(coefficients_command)
    app.command("paths")(paths_command)
