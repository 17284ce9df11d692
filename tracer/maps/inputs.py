"""What the maps, the Sankey and the report draw: a run's flows and summary, mines, ranges.

Either traced now (`tracer.api.trace`, under a scenario if named) or read from the
files a previous `tracer run --out DIR` and `tracer mc --out DIR` wrote, so maps of a
long run need not recompute it. Bad files raise `InputError` naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from tracer.maps import aggregate, report


def read_flows(path: Path) -> pd.DataFrame:
    """Read a flows table written by `tracer run` (Parquet or CSV) and check its columns."""
    if not path.is_file():
        raise InputError("flows file not found", file=str(path))
    try:
        flows = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the flows table: {exc}", file=str(path)) from None
    try:
        return aggregate.check_flows(flows)
    except InputError as exc:
        raise InputError(exc.message, file=str(path), row=exc.row, column=exc.column) from None


def read_json_object(path: Path, what: str) -> dict[str, Any]:
    """A JSON file holding one object (`what` names it in errors)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the {what} as JSON: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError(f"the {what} must be a JSON object", file=str(path))
    return data


def read_ranges(path: Path, label: str = "90 % interval") -> tuple[dict[str, Any], str]:
    """Ranges and their label from montecarlo.json of `tracer mc --out`, or {"ranges": {...}, "label": ...}."""
    data = read_json_object(path, "ranges file")
    if "headline" in data:  # montecarlo.json of `tracer mc --out`
        return report.ranges_from_montecarlo(data)
    if isinstance(data.get("ranges"), dict):
        return data["ranges"], str(data.get("label", label))
    raise InputError("expected tracer mc's montecarlo.json or {\"ranges\": {...}}", file=str(path))


def trace(fleet: Path | None, home: str, scenario: str | None = None, mines: Path | None = None) -> Any:
    """Run the engine on the default network (on a user's `mines` table if given) and fleet,
    or on what `scenario` makes of them."""
    from tracer import api

    if scenario is None:
        return api.trace(fleet, home=home, mines=mines)
    from tracer.scenarios.compare import trace_scenario

    return trace_scenario(scenario, api.load_fleet(fleet) if fleet else None, home, mines=mines)


def flows_and_summary(
    flows_path: Path | None, summary_path: Path | None, fleet: Path | None, home: str, scenario: str | None = None,
    mines: Path | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Flows and summary from files when given, else from a fresh run (under `scenario`, on `mines`, if named)."""
    if flows_path is None:
        result = trace(fleet, home, scenario, mines)
        summary = dict(result.summary)
        if scenario is not None:
            summary.setdefault("assumptions", [f"Scenario: {scenario}."])
        return result.flows, summary
    if scenario is not None:
        raise InputError("--scenario traces anew; it cannot be combined with --flows", column="--scenario")
    summary = read_json_object(summary_path, "summary") if summary_path else {}
    summary.setdefault("home", to_iso3(home, column="--home"))
    return read_flows(flows_path), summary


def mines(path: Path | None) -> pd.DataFrame:
    """The mine table: a user's file, else mine_db's bundled database."""
    from graphs.build import load_mines

    return load_mines(path)[0]
