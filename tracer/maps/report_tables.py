"""The report's HTML tables: per vehicle, country, mine, material and flow type, in the shared number format.

Split from `tracer.maps.report` (which lays out the page) so each module stays one job:
these functions turn the flows table into `<table>` fragments; `unit_mismatch` decides
when a range is so far from the nominal value that a unit error is likely.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hfcommon.display import count, country_name, percent, scaled_unit, sig
from hfcommon.vocabulary import HIDDEN_STRESSORS, MASS_STRESSORS
from tracer.indicators import VEHICLE_RANGE_KEYS
from tracer.maps.aggregate import FLOW_LABELS, by_country, by_mine, domestic_abroad

#: How far (a factor) beyond its interval a nominal value must lie before the page calls it a unit error.
UNIT_MISMATCH_FACTOR = 10.0


def format_value(value: float | None, kind: str, unit: tuple[float, str] | None = None) -> str:
    """A value of `kind` (mass, share, count, ratio) in the shared number format."""
    if value is None or not np.isfinite(value):
        return "n/a"
    if kind == "mass":
        divisor, label = unit or scaled_unit(value, "t")
        return f"{sig(value / divisor)} {label}"
    if kind == "share":
        return percent(value)
    if kind == "count":
        return count(value)
    return sig(value)


def unit_mismatch(value: float | None, interval: Sequence[float]) -> bool:
    """True when `value` lies an order of magnitude or more beyond the interval: a unit error, not skew.

    A deterministic (nominal) value may fall outside a skewed Monte Carlo interval; that
    is expected and not flagged.
    """
    low, high = float(interval[0]), float(interval[1])
    if value is None or not np.isfinite(value) or value <= 0 or low <= 0:
        return False
    return value > UNIT_MISMATCH_FACTOR * high or value < low / UNIT_MISMATCH_FACTOR


def html_table(frame: pd.DataFrame, caption: str, formats: Mapping[str, str] | None = None) -> str:
    """An HTML table; numbers formatted per column (`mass:<divisor>`, `share`, `ratio`, `count`)."""
    formats = formats or {}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, row, strict=True):
            style = formats.get(column)
            if style is None or isinstance(value, str):
                text = html.escape(str(value))
            elif style.startswith("mass:"):
                text = sig(float(value) / float(style.split(":")[1]))
            else:
                text = format_value(float(value), style)
            cells.append(f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="scroll"><table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def _mass_columns(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str], str]:
    """Rename `<x>_t` columns to '<label> (<unit>)' with one shared readable unit."""
    divisor, label = scaled_unit(float(frame[list(columns)].abs().to_numpy().max()) if len(frame) else 0.0, "t")
    names = {c: f"{FLOW_LABELS.get(c.removesuffix('_t'), c)} ({label})" for c in columns}
    return frame.rename(columns=names), {names[c]: f"mass:{divisor}" for c in columns}, label


def _range_column(values: Mapping[str, Sequence[float]], vehicles: pd.Index, central: np.ndarray) -> list[str]:
    """'low – high' per vehicle; marked only when the nominal is a unit error away (see `unit_mismatch`)."""
    cells = []
    for vehicle, value in zip(vehicles, central, strict=True):
        if vehicle not in values:
            cells.append("")
            continue
        low, high, *_ = values[vehicle]
        miss = " (nominal over ten times off: unit error?)" if unit_mismatch(value, (low, high)) else ""
        cells.append(f"{sig(low)} – {sig(high)}{miss}")
    return cells


def vehicle_table(flows: pd.DataFrame, fleet: pd.Series | None, ranges: Mapping[str, Any], range_label: str) -> str:
    mass = flows[flows["stressor"].isin(MASS_STRESSORS)]
    wide = mass.pivot_table(index="vehicle", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=list(MASS_STRESSORS), fill_value=0.0)
    frame = pd.DataFrame({"Vehicle": wide.index})
    hidden = wide[list(HIDDEN_STRESSORS)].sum(axis=1).to_numpy()
    tmr = wide.sum(axis=1).to_numpy()
    used = wide["used"].to_numpy()
    formats: dict[str, str] = {}
    if fleet is not None:
        counts = fleet.reindex(wide.index).to_numpy(dtype=float)
        frame["Vehicles produced"] = counts
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["TMR (t per vehicle)"] = tmr / counts
            frame["Hidden flows (t per vehicle)"] = hidden / counts
        formats |= {"Vehicles produced": "count", "TMR (t per vehicle)": "ratio", "Hidden flows (t per vehicle)": "ratio"}
        for key, name, central in (("per_vehicle_tmr_t", "TMR", tmr / counts), ("per_vehicle_hidden_t", "Hidden flows", hidden / counts)):
            if isinstance(ranges.get(key), Mapping):
                frame[f"{name}, range (t per vehicle)"] = _range_column(ranges[key], wide.index, central)
    divisor, label = scaled_unit(float(tmr.max()) if len(tmr) else 0.0, "t")
    frame[f"Fleet TMR ({label})"] = tmr
    frame[f"Fleet hidden flows ({label})"] = hidden
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["Hidden-to-used ratio"] = np.where(used > 0, hidden / np.where(used > 0, used, 1), np.nan)
    formats |= {f"Fleet TMR ({label})": f"mass:{divisor}", f"Fleet hidden flows ({label})": f"mass:{divisor}",
                "Hidden-to-used ratio": "ratio"}
    frame = frame.sort_values(f"Fleet TMR ({label})", ascending=False)
    ranged = any(isinstance(ranges.get(k), Mapping) for k in VEHICLE_RANGE_KEYS.values())
    return html_table(frame, f"Per vehicle type (range: {range_label})" if ranged else "Per vehicle type", formats)


def carbon_table(summary: Mapping[str, Any]) -> str:
    """CO2e per vehicle beside TMR, with the shares of steel, aluminium, the battery and the rest
    (the `per_vehicle_co2_*` keys of a run's summary; empty when the summary has none)."""
    co2, shares = summary.get("per_vehicle_co2_t"), summary.get("per_vehicle_co2_shares")
    if not isinstance(co2, Mapping) or not isinstance(shares, Mapping):
        return ""
    tmr = summary.get("per_vehicle_tmr_t") or {}
    groups = ("steel", "aluminium", "battery", "rest")
    frame = pd.DataFrame({
        "Vehicle": list(co2),
        "TMR (t per vehicle)": [float(tmr.get(v, np.nan)) for v in co2],
        "CO2e (t per vehicle)": [float(t) for t in co2.values()],
        **{f"{g.capitalize()} share": [np.nan if shares[v].get(g) is None else float(shares[v][g]) for v in co2]
           for g in groups},
    })
    formats = {"TMR (t per vehicle)": "ratio", "CO2e (t per vehicle)": "ratio",
               **{f"{g.capitalize()} share": "share" for g in groups}}
    return html_table(frame, "CO2e of production per vehicle (cradle to gate)", formats)


def country_table(flows: pd.DataFrame, top: int) -> str:
    table = by_country(flows).sort_values("hidden_t", ascending=False)
    total = table["hidden_t"].sum()
    frame = pd.DataFrame({"Country": [f"{country_name(c)} ({c})" for c in table["country"]]})
    for column in ("hidden_t", *(f"{s}_t" for s in HIDDEN_STRESSORS)):
        frame[column] = table[column].to_numpy()
    frame["Share of hidden flows"] = table["hidden_t"].to_numpy() / total if total else np.nan
    frame, formats, _ = _mass_columns(frame, ["hidden_t", *(f"{s}_t" for s in HIDDEN_STRESSORS)])
    formats["Share of hidden flows"] = "share"
    return html_table(frame.head(top), f"Top {min(top, len(frame))} of {len(frame)} producing countries by hidden flows", formats)


def mine_table(flows: pd.DataFrame, mines: pd.DataFrame, top: int) -> str:
    table = by_mine(flows, mines)
    total = float(flows[flows["stressor"].isin(HIDDEN_STRESSORS)]["value"].sum())
    frame = pd.DataFrame(
        {
            "Mine": table.get("name", table["mine_id"]).astype(str).to_numpy(),
            "Country": table.get("country", pd.Series("", index=table.index)).astype(str).map(country_name).to_numpy(),
            "Commodity": table.get("commodity", pd.Series("", index=table.index)).astype(str).str.replace("_", " ").to_numpy(),
            "Site": table.get("resolution", pd.Series("mine", index=table.index)).astype(str).str.replace("_", " ").to_numpy(),
            "hidden_t": table["hidden_t"].to_numpy(),
            "Share of hidden flows": table["hidden_t"].to_numpy() / total if total else np.nan,
        }
    )
    frame, formats, _ = _mass_columns(frame, ["hidden_t"])
    formats["Share of hidden flows"] = "share"
    return html_table(frame.head(top), f"Top {min(top, len(frame))} of {len(frame)} mine sites by hidden flows", formats)


def material_table(flows: pd.DataFrame) -> str:
    mass = flows[flows["stressor"].isin(MASS_STRESSORS)]
    wide = mass.pivot_table(index="material", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=list(MASS_STRESSORS), fill_value=0.0)
    frame = pd.DataFrame({"Material": wide.index.astype(str).str.removeprefix("material:").str.replace("_", " ")})
    frame["hidden_t"] = wide[list(HIDDEN_STRESSORS)].sum(axis=1).to_numpy()
    frame["tmr_t"] = wide.sum(axis=1).to_numpy()
    frame["used_t"] = wide["used"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["Hidden-to-used ratio"] = np.where(frame["used_t"] > 0, frame["hidden_t"] / frame["used_t"].where(frame["used_t"] > 0, 1), np.nan)
    frame = frame.sort_values("hidden_t", ascending=False)
    frame, formats, _ = _mass_columns(frame, ["hidden_t", "tmr_t", "used_t"])
    formats["Hidden-to-used ratio"] = "ratio"
    return html_table(frame, "By material", formats)


def stressor_table(flows: pd.DataFrame, home: str) -> str:
    split = domestic_abroad(flows, home)
    frame = pd.DataFrame({"Flow": [FLOW_LABELS.get(s, s) for s in split.index]})
    for column in split.columns:
        frame[f"{column}_t"] = split[column].to_numpy()
    frame["total_t"] = split.sum(axis=1).to_numpy()
    divisor, label = scaled_unit(float(frame["total_t"].max()), "t")
    names = {"domestic_t": f"Domestic, {home} ({label})", "abroad_t": f"Abroad ({label})",
             "unknown_t": f"Unknown origin ({label})", "total_t": f"Total ({label})"}
    frame = frame.rename(columns=names)
    mass_table = html_table(frame, "Material flows at home and abroad", {n: f"mass:{divisor}" for n in names.values()})
    other = flows[~flows["stressor"].isin(MASS_STRESSORS)].groupby(["stressor", "unit"])["value"].sum().reset_index()
    if other.empty:
        return mass_table
    other["stressor"] = other["stressor"].map(lambda s: FLOW_LABELS.get(s, s))
    other.columns = ["Quantity", "Unit", "Total"]
    return mass_table + html_table(other[["Quantity", "Total", "Unit"]], "Energy and emissions", {"Total": "ratio"})
