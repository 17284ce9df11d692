"""Indicators derived from the flow table and the multipliers B L.

Each indicator is a small pure function so that scenarios and uncertainty runs can
recompute exactly the same figure the headline summary shows.

Definitions (docs/CONTRACTS.md): TMR = overburden + waste_rock + tailings + process_residue +
used; hidden = overburden + waste_rock + tailings; hidden-to-used = hidden / used; the
car sector's share of extraction = used / TMR; material efficiency = used / TMR; a
node's TMR coefficient = TMR behind one unit of its output (column sums of the mass
rows of B L).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from hfcommon.vocabulary import (
    CO2,
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
    STRESSOR_UNITS,
    UNKNOWN_ORIGIN,
)
from tracer.engine import CompiledNetwork

NEV_PREFIXES: tuple[str, ...] = ("BEV", "PHEV", "FCV")
"""China's new-energy vehicles (HEV counts as conventional, as in Chinese statistics)."""

CONVENTIONAL: tuple[str, ...] = ("ICEV", "HEV")

# Monte Carlo indicators (tracer.uncertainty) -> the summary keys (see `summarise`) they give a
# range to: the fleet column, and the per-vehicle columns of the two indicators that have one.
RANGE_KEYS = {
    "tmr": "total_tmr_t",
    "hidden": "hidden_t",
    "used": "used_t",
    "hidden_to_used": "hidden_to_used",
    "hidden_abroad_share": "abroad_share",
}
VEHICLE_RANGE_KEYS = {"hidden": "per_vehicle_hidden_t", "tmr": "per_vehicle_tmr_t"}


def _ratio(numerator: float, denominator: float) -> float | None:
    """A ratio, or None (null in JSON) when the denominator is zero."""
    return float(numerator) / float(denominator) if denominator else None


def coefficients_table(compiled: CompiledNetwork, BL: np.ndarray) -> pd.DataFrame:
    """One row per node: TMR, hidden flows and used mass behind one unit of its output."""
    rows = {s: i for i, s in enumerate(compiled.stressors)}

    def total(names: tuple[str, ...]) -> np.ndarray:
        idx = [rows[s] for s in names if s in rows]
        return BL[idx].sum(axis=0) if idx else np.zeros(compiled.n)

    tmr = total(MASS_STRESSORS)
    used = total(("used",))
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = np.where(tmr > 0, used / np.where(tmr > 0, tmr, 1.0), np.nan)
    return pd.DataFrame(
        {
            "node": list(compiled.nodes),
            "name": compiled.name,
            "kind": compiled.kind,
            "country": compiled.country,
            "tmr_per_unit": tmr,
            "unit": [f"t/{u}" for u in compiled.unit],
            "hidden_per_unit": total(HIDDEN_STRESSORS),
            "used_per_unit": used,
            "material_efficiency": efficiency,
        }
    )


def mass(flows: pd.DataFrame) -> pd.DataFrame:
    """Only the rows that count towards TMR."""
    return flows[flows["stressor"].isin(MASS_STRESSORS)]


def hidden(flows: pd.DataFrame) -> pd.DataFrame:
    """Only the hidden-flow rows (overburden, waste rock, tailings)."""
    return flows[flows["stressor"].isin(HIDDEN_STRESSORS)]


def by_stressor(flows: pd.DataFrame) -> dict[str, float]:
    """Total of every stressor, in canonical order (units in the flow table)."""
    sums = flows.groupby("stressor", sort=False, observed=True)["value"].sum()
    present = [s for s in STRESSOR_UNITS if s in MASS_STRESSORS or s in sums.index]
    return {s: float(sums.get(s, 0.0)) for s in present}


def share_table(flows: pd.DataFrame, by: str | list[str], n: int | None = None, total_hidden: float | None = None) -> pd.DataFrame:
    """Hidden flows and TMR grouped by one column, largest hidden flows first.

    Shares are of `total_hidden` (default: the table's hidden flows), so a top-n list
    or a filtered table shows its share of the whole.
    """
    if total_hidden is None:
        total_hidden = float(hidden(flows)["value"].sum())
    grouped = pd.DataFrame(
        {
            "hidden_t": hidden(flows).groupby(by, observed=True)["value"].sum(),
            "tmr_t": mass(flows).groupby(by, observed=True)["value"].sum(),
        }
    ).fillna(0.0)
    grouped["share_of_hidden"] = grouped["hidden_t"] / total_hidden if total_hidden else np.nan
    grouped = grouped.sort_values(["hidden_t", "tmr_t"], ascending=False).reset_index(names=by)
    return grouped if n is None else grouped.head(n)


def domestic_abroad(flows: pd.DataFrame, home: str) -> dict[str, Any]:
    """Hidden flows at home, abroad and of unknown origin (WLD); abroad share of hidden flows."""
    h = hidden(flows)
    domestic = float(h.loc[h["country"] == home, "value"].sum())
    unknown = float(h.loc[h["country"] == UNKNOWN_ORIGIN, "value"].sum()) if home != UNKNOWN_ORIGIN else 0.0
    total = float(h["value"].sum())
    abroad = total - domestic - unknown
    return {
        "home": home,
        "domestic_hidden_t": domestic,
        "abroad_hidden_t": abroad,
        "unknown_origin_hidden_t": unknown,
        "abroad_share": _ratio(abroad, total),
    }


def material_efficiency(flows: pd.DataFrame, by: str) -> pd.Series:
    """Used mass / TMR per group (material or vehicle): how much of what is moved is kept."""
    m = mass(flows)
    used = m[m["stressor"] == "used"].groupby(by, observed=True)["value"].sum()
    tmr = m.groupby(by, observed=True)["value"].sum()
    return (used.reindex(tmr.index).fillna(0.0) / tmr).rename("material_efficiency")


def per_vehicle(coefficients: pd.DataFrame, vehicles: list[str], column: str) -> dict[str, float]:
    """One coefficient column for each vehicle id (t per vehicle)."""
    table = coefficients.set_index("node")
    return {v: float(table.at[v, column]) for v in vehicles}


def nev_to_conventional(hidden_per_vehicle: Mapping[str, float], fleet: Mapping[str, float]) -> float | None:
    """Fleet-weighted hidden flows per new-energy vehicle over those per conventional one."""

    def weighted_mean(ids: list[str]) -> float | None:
        count = sum(fleet.get(v, 0.0) for v in ids)
        return _ratio(sum(hidden_per_vehicle[v] * fleet.get(v, 0.0) for v in ids), count)

    nev = weighted_mean([v for v in hidden_per_vehicle if v.startswith(NEV_PREFIXES)])
    conventional = weighted_mean([v for v in hidden_per_vehicle if v in CONVENTIONAL])
    return _ratio(nev, conventional) if nev is not None and conventional is not None else None


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{k: (float(v) if isinstance(v, (float, np.floating)) else v) for k, v in row.items()} for row in table.to_dict("records")]


def summarise(
    flows: pd.DataFrame,
    coefficients: pd.DataFrame,
    fleet: Mapping[str, float],
    home: str,
    top_n: int = 10,
) -> dict[str, Any]:
    """The headline figures written as summary.json (units in the key names)."""
    totals = by_stressor(flows)
    hidden_t = sum(totals.get(s, 0.0) for s in HIDDEN_STRESSORS)
    used_t = totals.get("used", 0.0)
    tmr_t = sum(totals.get(s, 0.0) for s in MASS_STRESSORS)
    vehicles = [v for v in fleet if fleet[v] > 0] or list(fleet)
    hidden_per_vehicle = per_vehicle(coefficients, list(fleet), "hidden_per_unit")
    tmr_per_vehicle = per_vehicle(coefficients, list(fleet), "tmr_per_unit")
    split = domestic_abroad(flows, home)
    return {
        "home": home,
        "vehicles_produced": {v: float(fleet[v]) for v in fleet},
        "total_tmr_t": tmr_t,
        "hidden_t": hidden_t,
        "process_residue_t": totals.get("process_residue", 0.0),
        "used_t": used_t,
        "hidden_to_used": _ratio(hidden_t, used_t),
        "car_sector_share": _ratio(used_t, tmr_t),
        "abroad_share": split["abroad_share"],
        "domestic_hidden_t": split["domestic_hidden_t"],
        "abroad_hidden_t": split["abroad_hidden_t"],
        "unknown_origin_hidden_t": split["unknown_origin_hidden_t"],
        "by_stressor_t": {s: v for s, v in totals.items() if s in MASS_STRESSORS},
        "energy_GJ": totals.get("energy"),
        "co2_t": totals.get("co2"),
        "per_vehicle_tmr_t": tmr_per_vehicle,
        "per_vehicle_hidden_t": hidden_per_vehicle,
        "per_vehicle_material_efficiency": per_vehicle(coefficients, list(fleet), "material_efficiency"),
        "nev_to_conventional_hidden": nev_to_conventional(hidden_per_vehicle, fleet),
        "fleet_tmr_by_vehicle_t": {
            v: float(mass(flows).loc[flows["vehicle"] == v, "value"].sum()) for v in vehicles
        },
        "top_countries": _records(share_table(flows, "country", top_n)),
        "top_mines": _records(share_table(flows[flows["mine"] != ""], ["mine", "country"], top_n, hidden_t)),
        "top_materials": _records(share_table(flows, "material", top_n)),
    }


def breakdown(flows: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """TMR, hidden flows and CO2e grouped by one column of the flows table, largest TMR first,
    so rock and carbon of one material, component or country sit side by side."""
    grouped = flows.assign(
        hidden=flows["value"].where(flows["stressor"].isin(HIDDEN_STRESSORS), 0.0),
        tmr=flows["value"].where(flows["stressor"].isin(MASS_STRESSORS), 0.0),
        co2=flows["value"].where(flows["stressor"] == CO2, 0.0),
    ).groupby(by, observed=True)[["tmr", "hidden", "co2"]].sum()
    grouped = grouped.sort_values("tmr", ascending=False)
    return [{by: k, "tmr_t": float(r.tmr), "hidden_t": float(r.hidden), "co2_t": float(r.co2)}
            for k, r in grouped.iterrows()]
