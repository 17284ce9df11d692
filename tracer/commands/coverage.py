"""`tracer db coverage`: how much of the fleet's hidden flows rests on mines' own values."""

from __future__ import annotations

from typing import Annotated

import typer

from hfcommon.display import country_name, percent, quantity
from hfcommon.output import to_json
from mine_db.gapfill import FILLED
from mine_db.schema import FILL_ORDER
from tracer.commands.options import JsonOption, stdout
from tracer.commands.render import Col, show


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
    show(f"Fleet hidden flows ({quantity(report['hidden_t'])}) by fill level",
         [Col("variable"), *(Col(level, True, drop=2 if level == "definition" else 0) for level in FILL_ORDER),
          Col(f"fill of < {report['min_sample']} mines", True, drop=1)],
         [(var.replace("_", " "), *(percent(report["share_by_fill"][var][level]) for level in FILL_ORDER),
           percent(report["thin_fill_share"][var])) for var in FILLED])
    stdout.print(f"ore reported by the site (grade and recovery then do not set the ore): "
                 f"{percent(report['ore_reported_share'])}; {report['sites_carrying_80_percent']} sites carry 80 %;"
                 f" country and global fills need {report['min_sample']} mines; "
                 f"{quantity(report['hidden_outside_sites_t'])} lie outside mine sites (coal behind power).")
    by_basis = report["own_strip_ratio_by_basis"]
    stdout.print(f"own strip ratios: reported {percent(by_basis['reported'])}, from a mine plan "
                 f"{percent(by_basis['plan'])}, read only as an upper bound {percent(by_basis['upper_bound'])}, "
                 f"only as a lower bound {percent(by_basis['lower_bound'])}.")
    show("Largest sites (fill level of each value; 'mine' = the site's own)",
         [Col("site"), Col("country", drop=2), Col("share", True), Col("strip", drop=3), Col("grade", drop=3),
          Col("recovery", drop=3), Col("document that would hold it", drop=1)],
         [(s["name"], country_name(s["country"]), percent(s["share"]), s["strip_ratio_fill"], s["grade_fill"],
           s["recovery_fill"], _first_clause(s["document_that_would_hold_it"])) for s in report["largest_sites"]])


def _first_clause(document: str | None) -> str:
    """The document's first clause (--json has it whole)."""
    return (document or "").split(";")[0].split(" (")[0]


def register(db_app: typer.Typer) -> None:
    """Attach `coverage` to `tracer db`."""
    db_app.command("coverage")(coverage_command)
