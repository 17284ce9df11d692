"""The default demand (China's 2019 passenger-car output by powertrain) and user fleets.

Why a table with a status column: HEV output is derived from a rounded sales share,
ICEV is a residual and FCV an estimate, so the default fleet mixes sourced, derived and
estimated counts; the status says which is which wherever the fleet is shown.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from graphs.parameters import Parameters
from graphs.tables import bundled, read_rows
from hfcommon.errors import InputError, did_you_mean
from hfcommon.vocabulary import VEHICLE_IDS

FLEET_STATUSES = ("sourced", "derived", "estimate")


def fleet_table(path: str | Path | None = None) -> pd.DataFrame:
    """The default fleet with its status and source per vehicle (columns vehicle, count, status, source)."""
    params = Parameters({})
    records = []
    for row in read_rows(path or bundled("fleet.csv"), ("vehicle", "count", "status")):
        vehicle = row.text("vehicle")
        if vehicle not in VEHICLE_IDS:
            raise row.error("vehicle", f"unknown vehicle {vehicle!r}; expected one of {', '.join(VEHICLE_IDS)}")
        status = row.text("status")
        if status not in FLEET_STATUSES:
            raise row.error("status", f"{status!r} must be one of {', '.join(FLEET_STATUSES)}")
        count = params.evaluate(row.text("count"), row, "count").value
        if count < 0:
            raise row.error("count", f"{count} is negative")
        records.append({"vehicle": vehicle, "count": count, "status": status, "source": row.text("source")})
    table = pd.DataFrame.from_records(records, columns=["vehicle", "count", "status", "source"])
    _check_complete(table, str(path or "graphs/data/fleet.csv"))
    return table


def default_fleet() -> pd.Series:
    """China's 2019 passenger-car output by vehicle id (vehicles); BEV-<chemistry> ids are 0."""
    table = fleet_table()
    return pd.Series(table["count"].to_numpy(dtype=float), index=pd.Index(table["vehicle"], name="vehicle"),
                     name="vehicles")


def load_fleet(path: str | Path) -> pd.Series:
    """A user's fleet CSV (columns vehicle, count); ids not listed get 0 vehicles."""
    counts = dict.fromkeys(VEHICLE_IDS, 0.0)
    seen: set[str] = set()
    rows = read_rows(path, ("vehicle", "count"), require_source=False)
    if not rows:
        raise InputError("the fleet file has a header but no vehicles", file=str(path), row=2)
    for row in rows:
        vehicle = row.text("vehicle")
        if vehicle not in VEHICLE_IDS:
            raise row.error("vehicle", f"unknown vehicle {vehicle!r}{did_you_mean(vehicle, VEHICLE_IDS, 0.6)}; "
                                       f"expected one of {', '.join(VEHICLE_IDS)}")
        if vehicle in seen:
            raise row.error("vehicle", f"{vehicle} is listed twice")
        seen.add(vehicle)
        counts[vehicle] = row.number("count")
    return pd.Series(counts, name="vehicles", dtype=float).rename_axis("vehicle")


def _check_complete(table: pd.DataFrame, label: str) -> None:
    missing = [v for v in VEHICLE_IDS if v not in set(table["vehicle"])]
    if missing:
        raise InputError(f"fleet lacks vehicle(s) {', '.join(missing)}", file=label)
    duplicated = table["vehicle"][table["vehicle"].duplicated()].tolist()
    if duplicated:
        raise InputError(f"fleet lists {', '.join(duplicated)} twice", file=label)

