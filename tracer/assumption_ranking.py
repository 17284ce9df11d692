"""Which modelling assumptions matter: each `network` assumption moved on its own.

Why a function, not a hand-made table: the README's ranking went stale as the data
grew. Every `network` row of the one assumptions table (hfcommon/data/assumptions.csv)
is moved alone, the default network rebuilt with that override and traced; the deltas
against the reference run rank the assumptions. The mine table is read once and handed
to every build, so a run costs one network build and one solve.

How each value is moved (`planned_moves`):
- by -20 % and +20 %; a value in [0.75, 1) is a yield, recovery or content whose loss
  1 - x is moved instead (1.2 x 0.975 is not a recovery); a value of exactly 1 (a routing
  share) is only moved down, to 0.8; a value of 0 and a rule (unit `rule ...`) do not move;
- to the ends of its own range (`uniform(low, high)`, `triangular(low, mode, high)`);
- `*_factor` rows (ratios of 1 with a range) only to the ends of their range.
Shares of one split (the NCM shares) are moved one at a time without renormalising.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from graphs.build import build_default_network, load_mines
from graphs.parameters import Parameter, load_parameters
from hfcommon.assumptions import load_assumptions
from hfcommon.vocabulary import DEFAULT_HOME
from tracer import api

STEP = 0.2
LOSS_SPACE_FROM = 0.75
MINUS, PLUS, LOW, HIGH = "-20 %", "+20 %", "range low", "range high"
STEP_MOVES = (MINUS, PLUS)
RANGE_MOVES = (LOW, HIGH)
NOISE_PCT = 1e-9
"""Changes of a vehicle's TMR below this (in %) are rounding of the solve, not a move."""
COLUMNS = ("assumption", "unit", "value", "move", "tried", "hidden_t", "delta_hidden_t", "delta_hidden_pct",
           "delta_tmr_t", "vehicle", "delta_vehicle_tmr_pct", "delta_co2e_t")


@dataclass(frozen=True)
class Move:
    """One run: `assumption` set to `tried` instead of its nominal `value`."""

    assumption: str
    unit: str
    value: float
    move: str
    tried: float


def stepped(value: float) -> dict[str, float]:
    """The +-20 % moves of one value (loss space in [0.75, 1), only down at 1, none at 0)."""
    if value == 0:
        return {}
    if value == 1:
        return {MINUS: 1 - STEP}
    if LOSS_SPACE_FROM <= value < 1:
        loss = 1 - value
        return {MINUS: 1 - loss * (1 + STEP), PLUS: 1 - loss * (1 - STEP)}
    return {MINUS: value * (1 - STEP), PLUS: value * (1 + STEP)}


def range_ends(param: Parameter) -> dict[str, float]:
    """The ends of a parameter's own uniform or triangular range that differ from its value."""
    dist = param.uncertainty
    if dist is None or dist.kind not in ("uniform", "triangular"):
        return {}
    ends = {LOW: dist.params[0], HIGH: dist.params[-1]}
    return {move: end for move, end in ends.items() if end != param.value}


def planned_moves(params: Mapping[str, Parameter] | None = None) -> list[Move]:
    """Every run of the ranking, in the order of the assumptions table."""
    params = params if params is not None else load_parameters()
    moves: list[Move] = []
    for name, row in load_assumptions().items():
        if row.scope != "network":
            continue
        param = params[name]
        tried: dict[str, float] = {}
        if not name.endswith("_factor") and not param.unit.startswith("rule"):
            tried.update(stepped(param.value))
        tried.update(range_ends(param))
        moves.extend(Move(name, param.unit, param.value, move, value) for move, value in tried.items())
    return moves


def rank_assumptions(
    fleet: Mapping[str, float] | pd.Series | None = None,
    home: str = DEFAULT_HOME,
    moves: list[Move] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The reference run's headline and one row per move (`COLUMNS`), deltas against the reference.

    `progress(n)` is told after each run (len(moves) + 1 runs in all).
    """
    advance = progress or (lambda _n: None)
    moves = planned_moves() if moves is None else moves
    mines, _label = load_mines(None)
    reference = _headline(api.run(fleet, home, build_default_network(mines)))
    advance(1)
    rows = []
    for move in moves:
        moved = _headline(api.run(fleet, home, build_default_network(mines, overrides={move.assumption: move.tried})))
        rows.append(_row(move, reference, moved))
        advance(1)
    return reference, pd.DataFrame(rows, columns=list(COLUMNS))


def _headline(result: api.RunResult) -> dict[str, Any]:
    summary = result.summary
    return {"total_tmr_t": summary["total_tmr_t"], "hidden_t": summary["hidden_t"], "co2e_t": summary["co2_t"],
            "per_vehicle_tmr_t": dict(summary["per_vehicle_tmr_t"])}


def _row(move: Move, reference: dict[str, Any], moved: dict[str, Any]) -> dict[str, Any]:
    per_vehicle = {v: 100 * (moved["per_vehicle_tmr_t"][v] / t - 1)
                   for v, t in reference["per_vehicle_tmr_t"].items() if t > 0}
    vehicle: str | None = max(per_vehicle, key=lambda v: abs(per_vehicle[v]))
    change = per_vehicle[vehicle]
    if abs(change) < NOISE_PCT:  # no vehicle's TMR moved (a share that splits TMR into used and hidden)
        vehicle, change = None, 0.0
    delta_hidden = moved["hidden_t"] - reference["hidden_t"]
    return {"assumption": move.assumption, "unit": move.unit, "value": move.value, "move": move.move,
            "tried": move.tried, "hidden_t": moved["hidden_t"], "delta_hidden_t": delta_hidden,
            "delta_hidden_pct": 100 * delta_hidden / reference["hidden_t"],
            "delta_tmr_t": moved["total_tmr_t"] - reference["total_tmr_t"], "vehicle": vehicle,
            "delta_vehicle_tmr_pct": change, "delta_co2e_t": moved["co2e_t"] - reference["co2e_t"]}


def ranking(runs: pd.DataFrame, moves: tuple[str, ...] = STEP_MOVES) -> pd.DataFrame:
    """One row per assumption moved by `moves`, largest |delta hidden| first.

    Columns: assumption, value, low, high (the values tried; NaN where not moved that way),
    delta_hidden_low_t, delta_hidden_high_t, abs_delta_hidden_t, abs_delta_hidden_pct,
    vehicle, abs_delta_vehicle_tmr_pct (the largest of either move; no vehicle where none
    moved), delta_co2e_low_t, delta_co2e_high_t.
    """
    picked = runs[runs["move"].isin(moves)]
    rows = []
    for name, group in picked.groupby("assumption", sort=False):
        by_move = group.set_index("move")
        low, high = (by_move.loc[m] if m in by_move.index else None for m in moves)
        worst_vehicle = group.loc[group["delta_vehicle_tmr_pct"].abs().idxmax()]
        rows.append({
            "assumption": name, "value": group["value"].iloc[0],
            "low": _get(low, "tried"), "high": _get(high, "tried"),
            "delta_hidden_low_t": _get(low, "delta_hidden_t"), "delta_hidden_high_t": _get(high, "delta_hidden_t"),
            "abs_delta_hidden_t": group["delta_hidden_t"].abs().max(),
            "abs_delta_hidden_pct": group["delta_hidden_pct"].abs().max(),
            "vehicle": worst_vehicle["vehicle"],
            "abs_delta_vehicle_tmr_pct": abs(worst_vehicle["delta_vehicle_tmr_pct"]),
            "delta_co2e_low_t": _get(low, "delta_co2e_t"), "delta_co2e_high_t": _get(high, "delta_co2e_t"),
        })
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    return table.sort_values("abs_delta_hidden_t", ascending=False, kind="stable").reset_index(drop=True)


def _get(row: pd.Series | None, column: str) -> float:
    return float("nan") if row is None else float(row[column])
