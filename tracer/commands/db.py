"""`tracer db`: inspect, validate and import mine-site databases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from hfcommon.output import to_json
from mine_db.summary import summarize
from tracer.commands import coverage
from tracer.commands.options import JsonOption

db_app = typer.Typer(help="The mine-site database: info, validate, import.", no_args_is_help=True)
import_app = typer.Typer(help="Import an open mine database into the tracer's site table.", no_args_is_help=True)
db_app.add_typer(import_app, name="import")


def _load(db: Path | None) -> pd.DataFrame:
    import mine_db

    return mine_db.load(db) if db is not None else mine_db.load_default()


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _print_info(summary: dict[str, object], title: str) -> None:
    console = Console()
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
    console.print(table)
    levels: dict[str, dict[str, float | None]] = summary["fill_share_of_hidden_t"]  # type: ignore[assignment]
    fills = Table(title="Share of hidden tonnes resting on each gap-fill level")
    fills.add_column("variable")
    for level in ("mine", "country", "global", "default"):
        fills.add_column(level, justify="right")
    for var, shares in levels.items():
        fills.add_row(var, *(_pct(shares[level]) for level in ("mine", "country", "global", "default")))
    console.print(fills)
    countries: dict[str, int] = summary["by_country"]  # type: ignore[assignment]
    top = sorted(countries.items(), key=lambda item: (-item[1], item[0]))[:10]
    console.print("Most sites: " + ", ".join(f"{iso3} {n}" for iso3, n in top))
    console.print(
        f"{summary['sites']} sites in {len(countries)} countries "  # type: ignore[arg-type]
        f"({', '.join(f'{k}: {v}' for k, v in summary['by_resolution'].items())}); "  # type: ignore[attr-defined]
        f"hidden flows {summary['hidden_t']:,.0f} t, "
        f"{_pct(summary['named_source_share_of_hidden_t'])} of them on rows with a named source."  # type: ignore[arg-type]
    )


@db_app.command("info")
def info(
    db: Annotated[Path | None, typer.Option("--db", help="A site file instead of the bundled database.")] = None,
    json_: JsonOption = False,
) -> None:
    """Sites by commodity, country and resolution; sourced share; gap-filled share."""
    summary = summarize(_load(db))
    if json_:
        typer.echo(to_json(summary))
    else:
        _print_info(summary, f"Mine database: {db if db is not None else 'bundled default'}")


@db_app.command("validate")
def validate_file(
    file: Annotated[Path, typer.Argument(help="CSV, Excel, GeoPackage, GeoJSON or GeoParquet site file.")],
    json_: JsonOption = False,
) -> None:
    """Check a site file against the schema (errors name file, row and column; exit code 2)."""
    import mine_db

    sites = mine_db.load(file)
    result = {"file": str(file), "valid": True, "sites": len(sites),
              "commodities": {str(k): int(v) for k, v in sites["commodity"].value_counts().sort_index().items()}}
    if json_:
        typer.echo(to_json(result))
    else:
        Console().print(f"[green]valid:[/] {file}: {len(sites)} sites")


@import_app.command("fineprint")
def import_fineprint(
    path: Annotated[Path, typer.Argument(help="FINEPRINT folder (facilities, minerals, commodities, waste CSVs).")],
    out: Annotated[Path, typer.Option("--out", help="Site file to write (.parquet = GeoParquet, .gpkg, .csv ...).")],
    json_: JsonOption = False,
) -> None:
    """Import FINEPRINT (Jasansky et al. 2023) at mine resolution; print per-commodity coverage."""
    from mine_db.fineprint import read_fineprint
    from mine_db.loaders import write_sites

    with Console(stderr=True).status(f"Importing FINEPRINT from {path} ..."):
        result = read_fineprint(path)
        written = write_sites(result.sites, out)
    summary = {"out": str(written), **result.summary()}
    if json_:
        typer.echo(to_json(summary))
        return
    table = Table(title=f"FINEPRINT import -> {written}")
    for column in ("commodity", "sites", "with grade", "with ore t", "with waste", "year 2019"):
        table.add_column(column, justify="left" if column == "commodity" else "right")
    for code, row in summary["by_commodity"].items():  # type: ignore[union-attr]
        table.add_row(code, *(str(row[k]) for k in ("sites", "with_grade", "with_ore_t", "with_waste", "year_2019")))
    console = Console()
    console.print(table)
    console.print(f"skipped: {summary['skipped']}; values blanked: {summary['values_dropped']}")


def register(app: typer.Typer) -> None:
    """Attach `tracer db` to the root app."""
    coverage.register(db_app)
    app.add_typer(db_app, name="db")
