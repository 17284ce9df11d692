"""`tracer db info|validate|import fineprint`: inspect, validate and import mine-site databases.

Each command parses its options, calls one function of `tracer.sites` and prints. With
--json only JSON reaches stdout; the import's progress goes to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from hfcommon.display import count, country_name, node_name, percent, quantity
from hfcommon.output import to_json
from mine_db.schema import FILL_ORDER
from tracer import sites
from tracer.commands import coverage
from tracer.commands.options import JsonOption, out_file_option
from tracer.commands.options import stdout as _out
from tracer.commands.progress import progress_bar
from tracer.commands.render import Col, show


def _pct(value: float | None) -> str:
    return "-" if value is None else percent(value)


def _print_info(summary: dict[str, object], title: str) -> None:
    by_commodity: dict[str, dict[str, Any]] = summary["by_commodity"]  # type: ignore[assignment]
    show(title, [Col("commodity"), Col("sites", True), Col("named mines", True), Col("production", True),
                 Col("hidden flows", True), Col("named source", True, drop=3), Col("own grade", True, drop=2),
                 Col("own strip ratio", True, drop=1)],
         [(node_name(code), count(row["sites"]), count(row["mine_sites"]),
           f"{quantity(row['production'], 't')}{str(row['unit']).removeprefix('t')}",
           quantity(row["hidden_t"]), _pct(row["named_source_share"]),
           _pct(row["fill_share"]["grade"]["mine"]), _pct(row["fill_share"]["strip_ratio"]["mine"]))
          for code, row in by_commodity.items()],
         caption="production in each commodity's basis (t Fe, t gross bauxite, t metal, t Pt+Pd, t REO ...); "
                 "own: share of production on the site's own value")
    levels: dict[str, dict[str, float | None]] = summary["fill_share_of_hidden_t"]  # type: ignore[assignment]
    show("Share of hidden tonnes resting on each gap-fill level", [Col("variable"), *(Col(lv, True) for lv in FILL_ORDER)],
         [(var.replace("_", " "), *(_pct(shares[lv]) for lv in FILL_ORDER)) for var, shares in levels.items()])
    countries: dict[str, int] = summary["by_country"]  # type: ignore[assignment]
    top = sorted(countries.items(), key=lambda item: (-item[1], item[0]))[:10]
    _out.print("Most sites: " + ", ".join(f"{country_name(iso3)} {n}" for iso3, n in top))
    resolution = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary["by_resolution"].items())  # type: ignore[attr-defined]
    _out.print(f"{summary['sites']} sites in {len(countries)} countries ({resolution}); "
               f"hidden flows {quantity(summary['hidden_t'])}, "  # type: ignore[arg-type]
               f"{_pct(summary['named_source_share_of_hidden_t'])} of them on rows with a named source.")  # type: ignore[arg-type]


def info_command(
    db: Annotated[Path | None, typer.Option("--db", help="A site file instead of the bundled database.")] = None,
    json_: JsonOption = False,
) -> None:
    """Sites by commodity, country and resolution; sourced share; gap-filled share."""
    summary = sites.site_summary(db)
    if json_:
        typer.echo(to_json(summary))
        return
    _print_info(summary, f"Mine database: {db if db is not None else 'bundled default'}")


def validate_command(
    file: Annotated[Path, typer.Argument(help="CSV, Excel, GeoPackage, GeoJSON or GeoParquet site file.")],
    json_: JsonOption = False,
) -> None:
    """Check a site file against the schema (errors name file, row and column; exit code 2)."""
    result = sites.check_site_file(file)
    if json_:
        typer.echo(to_json(result))
        return
    _out.print(f"[green]valid:[/] {file}: {result['sites']} sites")


def import_fineprint_command(
    path: Annotated[Path, typer.Argument(help="FINEPRINT folder (facilities, minerals, commodities, waste CSVs).")],
    out: Annotated[Path, out_file_option("Site file to write (.parquet = GeoParquet, .gpkg, .csv ...).")],
    json_: JsonOption = False,
) -> None:
    """Import FINEPRINT (Jasansky et al. 2023) at mine resolution; print per-commodity coverage."""
    with progress_bar(f"Importing FINEPRINT from {path} ...", None):
        summary = sites.import_fineprint(path, out)
    if json_:
        typer.echo(to_json(summary))
        return
    keys = ("sites", "with_grade", "with_ore_t", "with_waste", "year_2019")
    show(f"FINEPRINT import -> {summary['out']}", [Col("commodity"), *(Col(k.replace("_", " "), True) for k in keys)],
         [(node_name(code), *(count(row[k]) for k in keys)) for code, row in summary["by_commodity"].items()])  # type: ignore[union-attr]
    for label, key in (("rows skipped", "skipped"), ("values blanked", "values_dropped")):
        counts: dict[str, int] = summary[key]  # type: ignore[assignment]
        _out.print(f"{label}: " + ("; ".join(f"{reason} {count(n)}" for reason, n in counts.items()) or "none"))


def register(app: typer.Typer) -> None:
    """Attach `tracer db` (info, validate, coverage, import fineprint) to the root app."""
    db_app = typer.Typer(help="The mine-site database: info, validate, import.", no_args_is_help=True)
    import_app = typer.Typer(help="Import an open mine database into the tracer's site table.", no_args_is_help=True)
    db_app.command("info")(info_command)
    db_app.command("validate")(validate_command)
    import_app.command("fineprint")(import_fineprint_command)
    coverage.register(db_app)
    db_app.add_typer(import_app, name="import")
    app.add_typer(db_app, name="db")
