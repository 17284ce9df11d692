"""`tracer db info|validate|import fineprint`: inspect, validate and import mine-site databases.

Each command parses its options, calls one function of `tracer.sites` and prints. With
--json only JSON reaches stdout; the import's progress goes to stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hfcommon.output import to_json
from tracer import sites
from tracer.commands import coverage
from tracer.commands.options import JsonOption, out_file_option
from tracer.commands.options import stdout as _out
from tracer.commands.progress import progress_bar


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _print_info(summary: dict[str, object], title: str) -> None:
    by_commodity: dict[str, dict[str, object]] = summary["by_commodity"]  # type: ignore[assignment]
    table = Table(title=title)
    headers = ("commodity", "sites", "mines", "production", "unit", "hidden Mt", "named", "own grade", "own SR")
    for column in headers:
        table.add_column(column, justify="left" if column in {"commodity", "unit"} else "right", no_wrap=True)
    for code, row in by_commodity.items():
        fill = row["fill_share"]
        table.add_row(code, str(row["sites"]), str(row["mine_sites"]), f"{row['production']:,.0f}", str(row["unit"]),
                      f"{row['hidden_t'] / 1e6:,.1f}", _pct(row["named_source_share"]),  # type: ignore[operator,arg-type]
                      _pct(fill["grade"]["mine"]), _pct(fill["strip_ratio"]["mine"]))  # type: ignore[index]
    _out.print(table)
    levels: dict[str, dict[str, float | None]] = summary["fill_share_of_hidden_t"]  # type: ignore[assignment]
    fills = Table(title="Share of hidden tonnes resting on each gap-fill level")
    fills.add_column("variable")
    for level in ("mine", "country", "global", "default"):
        fills.add_column(level, justify="right")
    for var, shares in levels.items():
        fills.add_row(var, *(_pct(shares[level]) for level in ("mine", "country", "global", "default")))
    _out.print(fills)
    countries: dict[str, int] = summary["by_country"]  # type: ignore[assignment]
    top = sorted(countries.items(), key=lambda item: (-item[1], item[0]))[:10]
    _out.print("Most sites: " + ", ".join(f"{iso3} {n}" for iso3, n in top))
    _out.print(
        f"{summary['sites']} sites in {len(countries)} countries "  # type: ignore[arg-type]
        f"({', '.join(f'{k}: {v}' for k, v in summary['by_resolution'].items())}); "  # type: ignore[attr-defined]
        f"hidden flows {summary['hidden_t']:,.0f} t, "
        f"{_pct(summary['named_source_share_of_hidden_t'])} of them on rows with a named source."  # type: ignore[arg-type]
    )


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
    table = Table(title=f"FINEPRINT import -> {summary['out']}")
    for column in ("commodity", "sites", "with grade", "with ore t", "with waste", "year 2019"):
        table.add_column(column, justify="left" if column == "commodity" else "right")
    for code, row in summary["by_commodity"].items():  # type: ignore[union-attr]
        table.add_row(code, *(str(row[k]) for k in ("sites", "with_grade", "with_ore_t", "with_waste", "year_2019")))
    _out.print(table)
    _out.print(f"skipped: {summary['skipped']}; values blanked: {summary['values_dropped']}")


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
