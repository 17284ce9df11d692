"""`tracer db coverage`: how much of the fleet's hidden flows rests on mines' own values."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from hfcommon.output import to_json
from mine_db.gapfill import FILLED
from mine_db.schema import FILL_ORDER
from tracer.commands.options import JsonOption, stdout


def coverage_command(
    top: Annotated[int, typer.Option("--top", min=1, help="How many of the largest sites to list.")] = 25,
    json_: JsonOption = False,
) -> None:
    """Share of the default fleet's hidden flows on each site's own strip ratio, grade and recovery vs fills."""
    from mine_db import load_default
    from tracer import api
    from tracer.coverage import coverage

    report = coverage(api.run().flows, load_default(), top=top)
    if json_:
        typer.echo(to_json(report))
        return
    levels = Table(title=f"Fleet hidden flows ({report['hidden_t'] / 1e6:,.1f} Mt) by fill level", expand=False)
    levels.add_column("variable")
    for level in FILL_ORDER:
        levels.add_column(level, justify="right")
    for var in FILLED:
        levels.add_row(var, *(f"{100 * report['share_by_fill'][var][level]:.1f}%" for level in FILL_ORDER))
    stdout.print(levels)
    stdout.print(f"ore reported by the site (grade and recovery then do not set the ore): "
                 f"{100 * report['ore_reported_share']:.1f}%; {report['sites_carrying_80_percent']} sites carry 80 %;"
                 f" country and global fills need {report['min_sample']} mines; "
                 f"{report['hidden_outside_sites_t'] / 1e6:,.1f} Mt lie outside mine sites (coal behind power).")
    sites = Table(title="Largest sites", expand=False)
    for column in ("site", "country", "share", "strip", "grade", "recovery", "document that would hold it"):
        sites.add_column(column, overflow="fold")
    for s in report["largest_sites"]:
        sites.add_row(s["name"], s["country"], f"{100 * s['share']:.1f}%", s["strip_ratio_fill"], s["grade_fill"],
                      s["recovery_fill"], _short(s["document_that_would_hold_it"]))
    stdout.print(sites)


def _short(document: str | None, width: int = 48) -> str:
    """The document's first clause, cut to fit a terminal column (--json has it whole)."""
    text = (document or "").split(";")[0].split(" (")[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def register(db_app: typer.Typer) -> None:
    """Attach `coverage` to `tracer db`."""
    db_app.command("coverage")(coverage_command)
