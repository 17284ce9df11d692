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

from hfcommon.display import count, country_name, percent, quantity, ratio, sig
from hfcommon.output import to_json, write_json, write_set, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api, carbon
from tracer.commands import render
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
from tracer.commands.render import Col, IdsOption, show
from tracer.suppliers import compare_with_national, read_suppliers


class View(str, Enum):
    """How structural paths aggregate nodes."""

    country = "country"
    metal = "metal"


def _shares(title: str, rows: list[dict[str, Any]], label: str, ids: bool) -> None:
    named = render.country if label == "country" else render.name
    show(title, [Col(label), Col("hidden flows", True), Col("share of hidden", True)],
         [(named(row[label], ids), quantity(row["hidden_t"]), percent(row["share_of_hidden"]))
          for row in rows])


def _header(summary: dict[str, Any], fleet: Path | None) -> None:
    """The first lines say what was traced, so a pasted screen stands on its own."""
    vehicles = sum(summary["vehicles_produced"].values())
    what = ("China's 2019 passenger-car production (bundled fleet)" if fleet is None else f"the fleet in {fleet}")
    _out.print(f"[bold]Traced:[/] {what}, {count(vehicles)} vehicles; bundled mine database and supply "
               f"network; home country {country_name(summary['home'])}.")


def _totals(summary: dict[str, Any]) -> None:
    tmr, home = summary["total_tmr_t"], country_name(summary["home"])
    rows = [("TMR (all material extracted)", quantity(tmr))]
    rows += [(f"  {stressor.replace('_', ' ')}", quantity(value))
             for stressor, value in summary["by_stressor_t"].items()]
    rows += [
        ("hidden flows (overburden + waste rock + tailings)", quantity(summary["hidden_t"])),
        ("hidden-to-used ratio", ratio(summary["hidden_to_used"])),
        ("share of extraction entering the cars", percent(summary["car_sector_share"])),
        (f"hidden flows at home ({home})", quantity(summary["domestic_hidden_t"])),
        ("hidden flows abroad", quantity(summary["abroad_hidden_t"])),
    ]
    if summary["unknown_origin_hidden_t"]:
        rows.append(("hidden flows of unknown origin", quantity(summary["unknown_origin_hidden_t"])))
    rows += [(f"share of hidden flows abroad (home {home})", percent(summary["abroad_share"])),
             ("hidden flows per NEV / per conventional car", ratio(summary["nev_to_conventional_hidden"], "x")),
             ("CO2e of production (cradle to gate)", quantity(summary["co2_t"], "t CO2-eq"))]
    show("Total material requirement (TMR) of the fleet", [Col("indicator"), Col("value", True)], rows)


def _per_vehicle(summary: dict[str, Any]) -> None:
    produced = summary["vehicles_produced"]
    built = [v for v in summary["per_vehicle_tmr_t"] if produced.get(v, 0) > 0]
    unbuilt = [v for v in summary["per_vehicle_tmr_t"] if produced.get(v, 0) <= 0]
    rows = [(v, count(produced[v]) if v in built else "not in fleet", quantity(summary["per_vehicle_tmr_t"][v]),
             quantity(summary["per_vehicle_hidden_t"][v])) for v in built + unbuilt]
    note = (f"{len(unbuilt)} vehicle types are not in this fleet; their per-vehicle values are shown for comparison."
            if unbuilt else None)
    show("Per vehicle", [Col("vehicle"), Col("produced", True), Col("TMR per vehicle", True),
                         Col("hidden per vehicle", True)], rows, caption=note)


def _print_summary(summary: dict[str, Any], fleet: Path | None, ids: bool) -> None:
    _header(summary, fleet)
    _totals(summary)
    _per_vehicle(summary)
    _co2_table(summary)
    _shares("Top countries", summary["top_countries"], "country", ids)
    _shares("Top materials", summary["top_materials"], "material", ids)


def _co2_table(summary: dict[str, Any]) -> None:
    """CO2e per vehicle beside TMR, with the shares of steel, aluminium, battery and the rest."""
    show("CO2e per vehicle, beside TMR",
         [Col("vehicle"), Col("TMR per vehicle", True), Col("CO2e per vehicle", True),
          *(Col(f"{g} share", True, drop=1 if g == "rest" else 0) for g in carbon.GROUPS)],
         [(v, quantity(summary["per_vehicle_tmr_t"][v]), quantity(co2, "t CO2-eq"),
           *(percent(summary["per_vehicle_co2_shares"][v][g]) for g in carbon.GROUPS))
          for v, co2 in summary["per_vehicle_co2_t"].items()])


def _write_outputs(result: api.RunResult, summary: dict[str, Any], out: Path, fmt: TableFormat) -> list[Path]:
    return [
        write_table(result.flows, out / "flows", fmt.value),
        write_table(result.coefficients, out / "coefficients", fmt.value),
        write_json(summary, out / "summary.json"),
    ]


SuppliersOption = Annotated[
    Path | None,
    typer.Option("--suppliers", help="CSV of material or component, country, supplier (route, mine or plant), share: the carmaker's "
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
    ids: IdsOption = False,
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
    _print_summary(summary, fleet, ids)
    if national is not None:
        _print_suppliers(summary["suppliers"])
    for path in written:
        _out.print(f"wrote {path}")


def _print_suppliers(comparison: dict[str, Any]) -> None:
    show(f"Your suppliers ({comparison['file']}) against the national average, per vehicle",
         [Col("vehicle"), Col("hidden, national", True), Col("hidden, yours", True), Col("CO2e, national", True),
          Col("CO2e, yours", True)],
         [(r["vehicle"], quantity(r["national_hidden_t"]), quantity(r["suppliers_hidden_t"]),
           quantity(r["national_co2_t"], "t CO2-eq"), quantity(r["suppliers_co2_t"], "t CO2-eq"))
          for r in comparison["per_vehicle"]])


def vehicle_command(
    vehicle_id: Annotated[str, typer.Argument(help="Vehicle id, e.g. BEV-NMC811 or ICEV.")],
    home: HomeOption = DEFAULT_HOME,
    mines: MinesOption = None,
    as_json: JsonOption = False,
    ids: IdsOption = False,
) -> None:
    """One vehicle's TMR and CO2e: by flow type, group, material, first-tier component and country."""
    with progress_bar("starting", None, as_json) as bar:
        report = api.vehicle_report(vehicle_id, home, on_step=bar.stage, mines=mines)
    if as_json:
        typer.echo(to_json(report))
        return
    tmr = report["tmr_t"]
    _out.print(f"[bold]{vehicle_id}[/]: TMR {quantity(tmr)} per vehicle, hidden {quantity(report['hidden_t'])}, "
               f"used {quantity(report['used_t'])}, {percent(report['abroad_share'])} of hidden flows abroad "
               f"(home {country_name(home) if len(home) == 3 else home}); CO2e {quantity(report['co2_t'], 't CO2-eq')}.")
    show("by flow type", [Col("flow type"), Col("t per vehicle", True), Col("share of TMR", True)],
         [(stressor.replace("_", " "), quantity(value), percent(value / tmr if tmr else None))
          for stressor, value in report["by_stressor_t"].items()])
    show("CO2e by group", [Col("group"), Col("CO2e per vehicle", True), Col("share", True)],
         [(group, quantity(report["co2_by_group_t"][group], "t CO2-eq"), percent(report["co2_shares"][group]))
          for group in carbon.GROUPS])
    for key in ("material", "component", "country"):
        named = render.country if key == "country" else render.name
        show(f"by {key}, per vehicle (largest 12 by TMR)",
             [Col(key), Col("TMR", True), Col("hidden", True), Col("CO2e", True)],
             [(named(row[key], ids), quantity(row["tmr_t"]), quantity(row["hidden_t"]), quantity(row["co2_t"]))
              for row in report[f"by_{key}"][:12]])


def coefficients_command(
    kind: Annotated[str | None, typer.Option("--kind", help="Only nodes of this kind (mine, material, vehicle, ...).")] = None,
    out: OutOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")] = TableFormat.parquet,
    as_json: JsonOption = False,
    ids: IdsOption = False,
) -> None:
    """TMR coefficient (t per unit of output) of every node: ore, metal, battery, vehicle."""
    with progress_bar("starting", None, as_json) as bar:
        table = api.coefficients(kind, on_step=bar.stage)
    written = write_set(out, lambda stage: [write_table(table, stage / "coefficients", fmt.value)]) if out else []
    if as_json:
        typer.echo(to_json(table.to_dict("records")))
        return
    top = table.sort_values("tmr_per_unit", ascending=False).head(40)
    show(f"TMR coefficients ({len(table)} nodes, largest 40)",
         [Col("node"), Col("kind", drop=2), Col("country", drop=1), Col("TMR per unit of output", True),
          Col("material efficiency", True, drop=3)],
         [(r.node if ids else r.name, r.kind, render.country(r.country, ids) if r.country else "",
           f"{sig(r.tmr_per_unit)} {r.unit}", sig(r.material_efficiency)) for r in top.itertuples()])
    for path in written:
        _out.print(f"wrote {path}")


def _step(label: str, ids: bool) -> str:
    """A path node as words: 'smelting:CHN:copper' -> 'copper smelting (China)'; materials and components by name."""
    kind, _, rest = label.partition(":")
    if ids or not rest or kind in ("material", "component"):
        return render.name(label, ids)
    parts = rest.split(":")
    where = [country_name(p) for p in parts if len(p) == 3 and p.isupper()]
    what = " ".join(p.replace("_", " ") for p in parts if not (len(p) == 3 and p.isupper()))
    return f"{what} {kind}" + (f" ({', '.join(where)})" if where else "")


def paths_command(
    vehicle_id: Annotated[str | None, typer.Option("--vehicle", help="Only this vehicle (default: the whole fleet).")] = None,
    view: Annotated[View, typer.Option("--view", help="Merge nodes by stage, country and metal (country) or by stage and metal (metal).")] = View.country,
    top: Annotated[int, typer.Option("--top", min=1, help="Number of paths to list.")] = 15,
    cutoff: Annotated[float, typer.Option("--cutoff", min=0.0, help="Ignore paths below this share of the total.")] = 1e-4,
    as_json: JsonOption = False,
    ids: IdsOption = False,
) -> None:
    """The largest supply paths of hidden flows (for explanation; totals come from the solve)."""
    with progress_bar("starting", None, as_json) as bar:
        found = api.supply_paths(vehicle_id, view.value, top, cutoff, on_step=bar.stage)
    if as_json:
        typer.echo(to_json(found.as_dict()))
        return
    show(f"Top {len(found.paths)} paths of hidden flows ({view.value} view): "
         f"{percent(found.coverage)} of {quantity(found.total)} covered",
         [Col("path (supplier <- ... <- vehicle)"), Col("hidden flows", True), Col("share", True)],
         [(" <- ".join(_step(label, ids) for label in reversed(path.labels)), quantity(path.value),
           percent(path.value / found.total)) for path in found.paths])


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("run")(run_command)
    app.command("vehicle")(vehicle_command)
    app.command("coefficients")(coefficients_command)
    app.command("paths")(paths_command)
