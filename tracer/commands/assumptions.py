"""`tracer assumptions`: which modelling assumptions move the results, each moved on its own.

Thin: the runs are `tracer.assumption_ranking.rank_assumptions`. `--out` receives the
full table (one row per run) and the JSON as one set; with --json only JSON reaches stdout.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from hfcommon.display import quantity, sig
from hfcommon.output import output_set, to_json, write_json, write_table
from tracer.commands.options import JsonOption, OutOption, TableFormat
from tracer.commands.options import stdout as _out
from tracer.commands.progress import progress_bar
from tracer.commands.render import Col, show

TopOption = Annotated[int, typer.Option("--top", min=1, help="How many assumptions each ranking lists.")]


def assumptions_command(
    top: TopOption = 15,
    out: OutOption = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="Table format for --out.")] = TableFormat.parquet,
    as_json: JsonOption = False,
) -> None:
    """Move every network assumption alone (+-20 % and to its range ends) and rank what it changes."""
    from tracer.assumption_ranking import (
        RANGE_MOVES,
        STEP_MOVES,
        planned_moves,
        rank_assumptions,
        ranking,
    )

    moves = planned_moves()
    with progress_bar("moving assumptions one at a time", len(moves) + 1, quiet=as_json) as bar:
        reference, runs = rank_assumptions(moves=moves, progress=bar.advance)
    stepped, ranged = ranking(runs, STEP_MOVES), ranking(runs, RANGE_MOVES)
    report = {"reference": reference, "runs": len(runs),
              "ranking_20_percent": stepped.head(top).to_dict("records"),
              "ranking_range_ends": ranged.head(top).to_dict("records")}
    written: list[Path] = []
    if out is not None:
        with output_set(out) as stage:
            write_table(runs, stage / "assumption_runs", fmt.value)
            write_json({**report, "runs_table": runs.to_dict("records")}, stage / "assumptions.json")
            written = sorted(out / p.name for p in stage.iterdir())
    if as_json:
        typer.echo(to_json(report))
        return
    _out.print(f"Reference run: TMR {quantity(reference['total_tmr_t'])}, hidden flows "
               f"{quantity(reference['hidden_t'])}, CO2e {quantity(reference['co2e_t'])}; {len(runs)} runs.")
    _show(f"Moved by -20 % / +20 % (top {top} of {len(stepped)})", stepped.head(top))
    _show(f"Set to the ends of their own range (top {top} of {len(ranged)})", ranged.head(top))
    for path in written:
        _out.print(f"wrote {path}")


def _show(title: str, table: pd.DataFrame) -> None:
    show(title,
         [Col("#", True), Col("assumption"), Col("value", True, 3), Col("tried", True, 2),
          Col("Δ hidden", True), Col("|Δ| %", True, 1), Col("vehicle TMR", True, 4), Col("Δ CO2e", True, 5)],
         [(str(i + 1), r.assumption, sig(r.value), _pair(r.low, r.high, sig),
           _pair(r.delta_hidden_low_t, r.delta_hidden_high_t, _signed), f"{r.abs_delta_hidden_pct:.2f}",
           _vehicle(r.abs_delta_vehicle_tmr_pct, r.vehicle), _pair(r.delta_co2e_low_t, r.delta_co2e_high_t, _signed))
          for i, r in enumerate(table.itertuples())])


def _vehicle(pct: float, vehicle: Any) -> str:
    """The largest change of a vehicle type's TMR and that type; 0 where none moved."""
    return f"{pct:.2f} % {vehicle}" if isinstance(vehicle, str) else "0"


def _pair(low: float, high: float, text: Any) -> str:
    """`low / high`, a dash for a move not made (a share of 1 only moves down)."""
    return " / ".join("–" if math.isnan(v) else text(v) for v in (low, high))


def _signed(value: float) -> str:
    """A change with its sign; below half a tonne it is rounding noise of the solve, shown as 0."""
    return "0 t" if abs(value) < 0.5 else ("+" if value > 0 else "") + quantity(value)


def register(app: typer.Typer) -> None:
    """Attach this module's command to the root app."""
    app.command("assumptions")(assumptions_command)
