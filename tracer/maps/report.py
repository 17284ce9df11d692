"""`tracer report`: one self-contained HTML page for a run, readable offline and citable.

The page shows the headline numbers (with ranges when an uncertainty run supplies
them), hidden flows per vehicle, the world map, the Sankey, the main tables, and the
assumptions and data sources. Every number is computed here from the flows table, so
the page balances with the maps and exports; the engine's summary supplies the fleet,
the home country and any text it carries (`assumptions`, `sources`, `ranges`).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from hfcommon.boundaries import SOURCE as BOUNDARY_SOURCE
from hfcommon.boundaries import load_countries
from hfcommon.vocabulary import (
    DEFAULT_HOME,
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
    UNKNOWN_ORIGIN,
)
from tracer import __version__
from tracer.indicators import RANGE_KEYS, VEHICLE_RANGE_KEYS
from tracer.maps.aggregate import (
    FLOW_LABELS,
    by_country,
    by_mine,
    check_flows,
    domestic_abroad,
    format_number,
    scaled_unit,
)
from tracer.maps.interactive import add_mines, country_figure, figure_div, html_page
from tracer.maps.sankey import sankey_figure, sankey_links

#: Headline figures: key (as in summary.json and in `ranges`), label, kind.
HEADLINES = (
    ("total_tmr_t", "Total material requirement", "mass"),
    ("hidden_t", "Hidden flows", "mass"),
    ("used_t", "Used material (in the vehicles)", "mass"),
    ("hidden_to_used", "Hidden-to-used ratio", "ratio"),
    ("abroad_share", "Share of hidden flows abroad", "share"),
    ("vehicles", "Vehicles produced", "count"),
)
STRESSOR_COLOURS = {
    "overburden": "#8c510a",
    "waste_rock": "#d8b365",
    "tailings": "#5ab4ac",
    "process_residue": "#9e9ac8",
    "used": "#636363",
}
DEFINITIONS = (
    "Hidden flows = overburden + waste rock + tailings moved at mines (and for the coal burnt in smelting).",
    "Total material requirement (TMR) = hidden flows + process residues (slag, red mud, processing and "
    "manufacturing losses) + used material (the mass that ends up in the vehicles).",
    "Hidden-to-used ratio = hidden flows / used material.",
    "Flows are attributed to the country and mine where they happen; WLD marks flows of unknown origin, "
    "counted neither as domestic nor abroad.",
    "Values are totals for the traced fleet unless marked 'per vehicle'; masses in tonnes (t, kt, Mt, Gt).",
)

CSS = """
h1{font-size:1.7rem;margin-bottom:0.2rem} h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:0.2rem}
.subtitle{color:#555;margin-top:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:0.8rem;margin:1rem 0}
.card{border:1px solid #ddd;border-radius:6px;padding:0.7rem 0.9rem;background:#fafafa}
.card .label{font-size:0.85rem;color:#555}.card .value{font-size:1.6rem;font-weight:600}
.card .range{font-size:0.8rem;color:#666}.card .warn{color:#b2182b}
table{border-collapse:collapse;margin:0.6rem 0 1.2rem;font-size:0.88rem}
th,td{padding:0.25rem 0.6rem;border-bottom:1px solid #eee;text-align:right}
th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}
caption{caption-side:top;text-align:left;font-weight:600;padding:0.3rem 0}
"""


#: Monte Carlo indicator names (tracer mc) -> our headline and per-vehicle keys.


def ranges_from_montecarlo(result: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """Ranges and their label from `tracer mc`'s montecarlo.json (p5-p95 of the `total` split)."""
    ranges: dict[str, Any] = {}
    for row in result.get("headline") or []:
        stressor, vehicle = row.get("stressor"), row.get("vehicle")
        if row.get("split") != "total" or stressor not in VEHICLE_RANGE_KEYS or row.get("p5") is None or row.get("p95") is None:
            continue  # the indicators with both a fleet and a per-vehicle key (tmr, hidden)
        interval = [float(row["p5"]), float(row["p95"])]
        if vehicle == "fleet":
            ranges[RANGE_KEYS[stressor]] = interval
        else:
            ranges.setdefault(VEHICLE_RANGE_KEYS[stressor], {})[str(vehicle)] = interval
    draws = result.get("iterations")
    label = f"90 % interval ({draws:,} Monte Carlo draws)" if isinstance(draws, int) else "90 % interval"
    return ranges, label


def headline_values(flows: pd.DataFrame, home: str, fleet: pd.Series | None) -> dict[str, float | None]:
    """The headline figures computed from the flows table (keys as in `HEADLINES`)."""
    mass = flows[flows["stressor"].isin(MASS_STRESSORS)]
    totals = mass.groupby("stressor")["value"].sum()
    hidden = float(totals.reindex(list(HIDDEN_STRESSORS)).fillna(0.0).sum())
    used = float(totals.get("used", 0.0))
    split = domestic_abroad(flows, home).loc["hidden"]
    return {
        "total_tmr_t": float(totals.sum()),
        "hidden_t": hidden,
        "used_t": used,
        "hidden_to_used": hidden / used if used else None,
        "abroad_share": float(split["abroad"] / split.sum()) if split.sum() else None,
        "vehicles": float(fleet.sum()) if fleet is not None else None,
    }


def _format(value: float | None, kind: str, unit: tuple[float, str] | None = None) -> str:
    if value is None or not np.isfinite(value):
        return "n/a"
    if kind == "mass":
        divisor, label = unit or scaled_unit(value, "t")
        return f"{format_number(value / divisor)} {label}"
    if kind == "share":
        return f"{value:.1%}"
    if kind == "count":
        return f"{value:,.0f}"
    return format_number(value)


def _cards(values: Mapping[str, float | None], ranges: Mapping[str, Sequence[float]], range_label: str) -> str:
    cards = []
    for key, label, kind in HEADLINES:
        value = values.get(key)
        if value is None and key == "vehicles":
            continue
        unit = scaled_unit(value, "t") if kind == "mass" and value else None
        extra = ""
        if key in ranges:
            low, high = ranges[key]
            extra = (f'<div class="range">{html.escape(range_label)}: '
                     f"{_format(low, kind, unit)} – {_format(high, kind, unit)}</div>")
            if value is not None and not low <= value <= high:
                extra += ('<div class="range warn">This run\'s value lies outside the interval: inputs are '
                          "drawn around the data as medians, so skewed (lognormal) inputs shift sums "
                          "upward; a gap of orders of magnitude would point to a unit error.</div>")

        cards.append(
            f'<div class="card"><div class="label">{html.escape(label)}</div>'
            f'<div class="value">{_format(value, kind, unit)}</div>{extra}</div>'
        )
    return f'<div class="cards">{"".join(cards)}</div>'


def _table(frame: pd.DataFrame, caption: str, formats: Mapping[str, str] | None = None) -> str:
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
                text = format_number(float(value) / float(style.split(":")[1]))
            else:
                text = _format(float(value), style)
            cells.append(f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _mass_columns(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[pd.DataFrame, dict[str, str], str]:
    """Rename `<x>_t` columns to '<label> (<unit>)' with one shared readable unit."""
    divisor, label = scaled_unit(float(frame[list(columns)].abs().to_numpy().max()) if len(frame) else 0.0, "t")
    names = {c: f"{FLOW_LABELS.get(c.removesuffix('_t'), c)} ({label})" for c in columns}
    return frame.rename(columns=names), {names[c]: f"mass:{divisor}" for c in columns}, label


def vehicle_figure(flows: pd.DataFrame, fleet: pd.Series | None) -> go.Figure:
    """Stacked bars of TMR parts per vehicle type; per vehicle when the fleet is known."""
    mass = flows[flows["stressor"].isin(MASS_STRESSORS)]
    table = mass.pivot_table(index="vehicle", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=list(MASS_STRESSORS), fill_value=0.0)
    per = "fleet total"
    if fleet is not None and fleet.reindex(table.index).gt(0).all():
        table = table.div(fleet.reindex(table.index), axis=0)
        per = "per vehicle"
    table = table.loc[table.sum(axis=1).sort_values().index]
    divisor, label = scaled_unit(float(table.sum(axis=1).max()) if len(table) else 0.0, "t")
    fig = go.Figure(
        [
            go.Bar(y=table.index, x=table[s] / divisor, name=FLOW_LABELS[s], orientation="h",
                   marker_color=STRESSOR_COLOURS[s], hovertemplate=f"%{{y}}: %{{x:,.3g}} {label}<extra>{FLOW_LABELS[s]}</extra>")
            for s in MASS_STRESSORS
        ]
    )
    fig.update_layout(
        barmode="stack",
        title={"text": f"Total material requirement by vehicle type ({label}, {per})", "x": 0.01},
        xaxis_title=f"{label} {per}",
        height=max(300, 60 + 36 * len(table)),
        margin={"l": 10, "r": 10, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def _range_column(values: Mapping[str, Sequence[float]], vehicles: pd.Index, central: np.ndarray) -> list[str]:
    """'low – high' per vehicle; marked when the interval misses this run's value."""
    cells = []
    for vehicle, value in zip(vehicles, central, strict=True):
        if vehicle not in values:
            cells.append("")
            continue
        low, high = values[vehicle]
        miss = "" if low <= value <= high else " (misses this run's value)"
        cells.append(f"{format_number(low)} – {format_number(high)}{miss}")
    return cells


def _vehicle_table(flows: pd.DataFrame, fleet: pd.Series | None, ranges: Mapping[str, Any], range_label: str) -> str:
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
                frame[f"{name}, {range_label} (t per vehicle)"] = _range_column(ranges[key], wide.index, central)
    divisor, label = scaled_unit(float(tmr.max()) if len(tmr) else 0.0, "t")
    frame[f"Fleet TMR ({label})"] = tmr
    frame[f"Fleet hidden flows ({label})"] = hidden
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["Hidden-to-used ratio"] = np.where(used > 0, hidden / np.where(used > 0, used, 1), np.nan)
    formats |= {f"Fleet TMR ({label})": f"mass:{divisor}", f"Fleet hidden flows ({label})": f"mass:{divisor}",
                "Hidden-to-used ratio": "ratio"}
    frame = frame.sort_values(f"Fleet TMR ({label})", ascending=False)
    return _table(frame, "Per vehicle type", formats)


def _carbon_table(summary: Mapping[str, Any]) -> str:
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
    return _table(frame, "CO2e of production per vehicle (cradle to gate)", formats)


def _country_table(flows: pd.DataFrame, top: int) -> str:
    table = by_country(flows).sort_values("hidden_t", ascending=False)
    total = table["hidden_t"].sum()
    names = load_countries().set_index("iso3")["name"].to_dict() | {UNKNOWN_ORIGIN: "World / unknown origin"}
    frame = pd.DataFrame({"Country": [f"{names.get(c, c)} ({c})" for c in table["country"]]})
    for column in ("hidden_t", *(f"{s}_t" for s in HIDDEN_STRESSORS)):
        frame[column] = table[column].to_numpy()
    frame["Share of hidden flows"] = table["hidden_t"].to_numpy() / total if total else np.nan
    frame, formats, _ = _mass_columns(frame, ["hidden_t", *(f"{s}_t" for s in HIDDEN_STRESSORS)])
    formats["Share of hidden flows"] = "share"
    return _table(frame.head(top), f"Top {min(top, len(frame))} of {len(frame)} producing countries by hidden flows", formats)


def _mine_table(flows: pd.DataFrame, mines: pd.DataFrame, top: int) -> str:
    table = by_mine(flows, mines)
    total = float(flows[flows["stressor"].isin(HIDDEN_STRESSORS)]["value"].sum())
    frame = pd.DataFrame(
        {
            "Mine": table.get("name", table["mine_id"]).astype(str).to_numpy(),
            "Country": table.get("country", pd.Series("", index=table.index)).astype(str).to_numpy(),
            "Commodity": table.get("commodity", pd.Series("", index=table.index)).astype(str).str.replace("_", " ").to_numpy(),
            "Site": table.get("resolution", pd.Series("mine", index=table.index)).astype(str).str.replace("_", " ").to_numpy(),
            "hidden_t": table["hidden_t"].to_numpy(),
            "Share of hidden flows": table["hidden_t"].to_numpy() / total if total else np.nan,
        }
    )
    frame, formats, _ = _mass_columns(frame, ["hidden_t"])
    formats["Share of hidden flows"] = "share"
    return _table(frame.head(top), f"Top {min(top, len(frame))} of {len(frame)} mine sites by hidden flows", formats)


def _material_table(flows: pd.DataFrame) -> str:
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
    return _table(frame, "By material", formats)


def _stressor_table(flows: pd.DataFrame, home: str) -> str:
    split = domestic_abroad(flows, home)
    frame = pd.DataFrame({"Flow": [FLOW_LABELS.get(s, s) for s in split.index]})
    for column in split.columns:
        frame[f"{column}_t"] = split[column].to_numpy()
    frame["total_t"] = split.sum(axis=1).to_numpy()
    divisor, label = scaled_unit(float(frame["total_t"].max()), "t")
    names = {"domestic_t": f"Domestic, {home} ({label})", "abroad_t": f"Abroad ({label})",
             "unknown_t": f"Unknown origin ({label})", "total_t": f"Total ({label})"}
    frame = frame.rename(columns=names)
    mass_table = _table(frame, "Material flows at home and abroad", {n: f"mass:{divisor}" for n in names.values()})
    other = flows[~flows["stressor"].isin(MASS_STRESSORS)].groupby(["stressor", "unit"])["value"].sum().reset_index()
    if other.empty:
        return mass_table
    other["stressor"] = other["stressor"].map(lambda s: FLOW_LABELS.get(s, s))
    other.columns = ["Quantity", "Unit", "Total"]
    return mass_table + _table(other[["Quantity", "Total", "Unit"]], "Energy and emissions", {"Total": "ratio"})


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"


def _source_items(summary: Mapping[str, Any], mines: pd.DataFrame | None, sources: Sequence[str], cap: int = 40) -> list[str]:
    items = [*sources, *(summary.get("sources") or [])]
    if mines is not None and "source" in mines:
        unique = sorted({str(s) for s in mines["source"].dropna() if str(s).strip()})
        items += unique[:cap]
        if len(unique) > cap:
            items.append(f"... and {len(unique) - cap} more mine-data sources (see the mine database's metadata).")
    items.append(f"Country boundaries: {BOUNDARY_SOURCE}.")
    items.append(f"Computed with hidden-flow tracer {__version__}.")
    return list(dict.fromkeys(items))


def build_report(
    flows: pd.DataFrame,
    summary: Mapping[str, Any],
    mines: pd.DataFrame | None = None,
    fleet: pd.Series | None = None,
    ranges: Mapping[str, Sequence[float]] | None = None,
    range_label: str = "90 % interval",
    title: str = "Hidden material flows of the traced fleet",
    assumptions: Sequence[str] = (),
    sources: Sequence[str] = (),
    top: int = 15,
) -> str:
    """Return the report as one self-contained HTML document (plotly inlined, no network use).

    `summary` is the engine's summary dict: `home`, `vehicles_produced` (used when
    `fleet` is None), and optionally `assumptions`, `sources` (lists of text) and
    `ranges` ({headline key: [low, high]}), which `ranges` overrides key by key.
    """
    check_flows(flows)
    home = str(summary.get("home", DEFAULT_HOME))
    if fleet is None and isinstance(summary.get("vehicles_produced"), Mapping):
        fleet = pd.Series(summary["vehicles_produced"], dtype=float)
    all_ranges = {**(summary.get("ranges") or {}), **(ranges or {})}
    values = headline_values(flows, home, fleet)
    mapped = country_figure(flows, "hidden")
    if mines is not None:
        add_mines(mapped, flows, mines)
    sections = [
        f"<h1>{html.escape(title)}</h1>",
        f'<p class="subtitle">Home country {html.escape(home)}; hidden-flow tracer {__version__}.</p>',
        "<h2>Headline numbers</h2>",
        _cards(values, all_ranges, range_label),
        "<h2>Per vehicle</h2>",
        figure_div(vehicle_figure(flows, fleet)),
        _vehicle_table(flows, fleet, all_ranges, range_label),
        _carbon_table(summary),
        "<h2>Where the hidden flows lie</h2>",
        figure_div(mapped),
        _country_table(flows, top),
    ]
    if mines is not None:
        sections.append(_mine_table(flows, mines, top))
    sections += [
        "<h2>From mine to vehicle</h2>",
        figure_div(sankey_figure(sankey_links(flows, "hidden"))),
        "<h2>Main tables</h2>",
        _material_table(flows),
        _stressor_table(flows, home),
        "<h2>Assumptions</h2>",
        _list([*DEFINITIONS, *(summary.get("assumptions") or []), *assumptions]),
        "<h2>Data sources</h2>",
        _list(_source_items(summary, mines, sources)),
    ]
    page = html_page(title, "\n".join(sections))
    return page.replace("</style>", CSS + "</style>", 1)
