"""Select and sum the long flows table into the shapes maps and diagrams need.

The engine's table has one row per (vehicle, country, mine, material, component,
stage, stressor) with `value` and `unit`. A map wants one number per country or mine
for one *flow* (a stressor or a named group of them), so the grouping and the
unit checks live here, once, for every picture and export.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from hfcommon.errors import InputError
from hfcommon.vocabulary import (
    DEFAULT_HOME,
    FLOW_COLUMNS,
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
    UNKNOWN_ORIGIN,
)

#: Flow names a user may ask for, and the stressors each one sums.
FLOW_GROUPS: dict[str, tuple[str, ...]] = {
    "hidden": HIDDEN_STRESSORS,
    "tmr": MASS_STRESSORS,
    **{name: (name,) for name in (*MASS_STRESSORS, "energy", "co2")},
}

FLOW_LABELS: dict[str, str] = {
    "hidden": "Hidden flows (overburden + waste rock + tailings)",
    "tmr": "Total material requirement",
    "overburden": "Overburden",
    "waste_rock": "Waste rock",
    "tailings": "Tailings",
    "process_residue": "Process residues",
    "used": "Used material",
    "energy": "Energy",
    "co2": "CO2",
}



def check_flows(flows: pd.DataFrame) -> pd.DataFrame:
    """Raise `InputError` unless `flows` has the engine's columns and finite values."""
    missing = [c for c in FLOW_COLUMNS if c not in flows.columns]
    if missing:
        raise InputError(f"flows table lacks columns {missing}", column=missing[0])
    values = pd.to_numeric(flows["value"], errors="coerce")
    bad = ~np.isfinite(values.to_numpy(dtype=float))
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 2
        raise InputError("value is not a finite number", row=row, column="value")
    return flows


def select_flow(
    flows: pd.DataFrame,
    flow: str = "hidden",
    vehicles: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, str]:
    """Return the rows of `flow` (optionally for some vehicles only) and their single unit.

    Summing tonnes with GJ would be meaningless, so mixed units are an error.
    """
    check_flows(flows)
    if flow not in FLOW_GROUPS:
        raise InputError(f"unknown flow {flow!r}; choose one of {sorted(FLOW_GROUPS)}", column="--flow")
    rows = flows[flows["stressor"].isin(FLOW_GROUPS[flow])]
    if vehicles:
        unknown = sorted(set(vehicles) - set(flows["vehicle"]))
        if unknown:
            raise InputError(
                f"unknown vehicle(s) {unknown}; the table has {sorted(flows['vehicle'].unique())}", column="--vehicle"
            )
        rows = rows[rows["vehicle"].isin(list(vehicles))]
    units = rows["unit"].dropna().unique()
    if len(units) > 1:
        raise InputError(f"flow {flow!r} mixes units {sorted(units)}", column="unit")
    unit = str(units[0]) if len(units) else "t"
    return rows, unit


def by_country(flows: pd.DataFrame, vehicles: Sequence[str] | None = None) -> pd.DataFrame:
    """Mass-flow stressors per producing country, wide: `country` plus one `<stressor>_t` column each.

    Adds `hidden_t` and `tmr_t`. Only tonnage stressors are kept, so every column
    shares the unit its name carries.
    """
    rows = select_flow(flows, "tmr", vehicles)[0]
    wide = (
        rows.pivot_table(index="country", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
        .reindex(columns=list(MASS_STRESSORS), fill_value=0.0)
        .astype(float)
    )
    wide["hidden"] = wide[list(HIDDEN_STRESSORS)].sum(axis=1)
    wide["tmr"] = wide[list(MASS_STRESSORS)].sum(axis=1)
    wide.columns = [f"{c}_t" for c in wide.columns]
    return wide.reset_index().rename_axis(columns=None).sort_values("tmr_t", ascending=False, ignore_index=True)


def mine_ids(column: pd.Series) -> pd.Series:
    """Normalise the flows' `mine` column to mine_db ids (drop a `mine:` node prefix; blanks -> NA)."""
    ids = column.astype("string").str.removeprefix("mine:").str.strip()
    return ids.mask(ids.eq(""))


def by_mine(flows: pd.DataFrame, mines: pd.DataFrame, vehicles: Sequence[str] | None = None) -> pd.DataFrame:
    """Hidden-flow stressors per mine site joined to the mine table's name, commodity and coordinates.

    Flows outside mines (smelting, refining, manufacturing) have no `mine` and are
    not part of this table; `unmapped_mines` reports mine ids missing from `mines`.
    """
    rows = select_flow(flows, "tmr", vehicles)[0]
    rows = rows.assign(mine_id=mine_ids(rows["mine"])).dropna(subset=["mine_id"])
    wide = (
        rows.pivot_table(index="mine_id", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
        .reindex(columns=list(HIDDEN_STRESSORS), fill_value=0.0)
        .astype(float)
    )
    wide["hidden"] = wide.sum(axis=1)
    wide.columns = [f"{c}_t" for c in wide.columns]
    keep = [c for c in ("mine_id", "name", "country", "commodity", "resolution", "latitude", "longitude") if c in mines]
    table = place_mines(mines[keep].drop_duplicates("mine_id")).merge(wide.reset_index(), on="mine_id", how="inner")
    return table.sort_values("hidden_t", ascending=False, ignore_index=True)


#: Flows a mine map can size its circles by: what happens at the mine site.
MINE_FLOWS = ("hidden", *HIDDEN_STRESSORS)


def mine_flow_column(flow: str) -> str:
    """The `by_mine` column for `flow`; residues and used mass arise off site, so they are refused."""
    if flow not in MINE_FLOWS:
        raise InputError(f"mine maps show {', '.join(MINE_FLOWS)}, not {flow!r}", column="--flow")
    return f"{flow}_t"


def place_mines(mines: pd.DataFrame) -> pd.DataFrame:
    """Give sites without coordinates (rest-of-country rows may have none) their country's representative point."""
    from hfcommon.boundaries import representative_points

    missing = mines["latitude"].isna() | mines["longitude"].isna()
    if not missing.any():
        return mines
    points = representative_points().set_index("iso3")
    placed = mines.copy()
    placed.loc[missing, "longitude"] = placed.loc[missing, "country"].map(points["longitude"])
    placed.loc[missing, "latitude"] = placed.loc[missing, "country"].map(points["latitude"])
    return placed.dropna(subset=["latitude", "longitude"])


def unmapped_mines(flows: pd.DataFrame, mines: pd.DataFrame) -> list[str]:
    """Mine ids that carry flows but cannot be placed (absent from the mine table, or no coordinates at all)."""
    ids = set(mine_ids(flows["mine"]).dropna())
    placed = place_mines(mines[["mine_id", "country", "latitude", "longitude"]])
    return sorted(ids - set(placed["mine_id"].astype(str)))


def domestic_abroad(flows: pd.DataFrame, home: str = DEFAULT_HOME, vehicles: Sequence[str] | None = None) -> pd.DataFrame:
    """Tonnage stressors split into `domestic` (home), `abroad` and `unknown` (WLD: origin not known).

    Flows of unknown origin are neither domestic nor abroad, as in the engine's summary.
    """
    wide = by_country(flows, vehicles).set_index("country")
    where = np.select([wide.index == home, wide.index == UNKNOWN_ORIGIN], ["domestic", "unknown"], "abroad")
    split = wide.groupby(where).sum().reindex(["domestic", "abroad", "unknown"], fill_value=0.0)
    split.columns = [c.removesuffix("_t") for c in split.columns]
    return split.T.rename_axis(index="stressor", columns=None)


def difference(flows: pd.DataFrame, baseline: pd.DataFrame, flow: str = "hidden") -> pd.DataFrame:
    """Per-country change of `flow` from `baseline` to `flows`: columns country, baseline, scenario, change."""
    base, base_unit = select_flow(baseline, flow)
    alt, alt_unit = select_flow(flows, flow)
    if base_unit != alt_unit:
        raise InputError(f"baseline is in {base_unit} but the scenario in {alt_unit}", column="unit")
    table = pd.concat(
        {"baseline": base.groupby("country")["value"].sum(), "scenario": alt.groupby("country")["value"].sum()},
        axis=1,
    ).fillna(0.0)
    table["change"] = table["scenario"] - table["baseline"]
    return table.rename_axis("country").reset_index().sort_values("change", key=np.abs, ascending=False, ignore_index=True)


def scaled_unit(max_value: float, unit: str) -> tuple[float, str]:
    """Pick a readable prefix for tonnes (t, kt, Mt, Gt): returns (divisor, label)."""
    if unit != "t":
        return 1.0, unit
    for divisor, label in ((1e9, "Gt"), (1e6, "Mt"), (1e3, "kt")):
        if abs(max_value) >= divisor:
            return divisor, label
    return 1.0, "t"


def format_number(value: float) -> str:
    """Three significant figures without scientific notation: 4.32, 49.3, 1,230."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
