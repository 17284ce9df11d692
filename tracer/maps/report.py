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
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from hfcommon.boundaries import SOURCE as BOUNDARY_SOURCE
from hfcommon.display import count, country_name, scaled_unit
from hfcommon.vocabulary import (
    DEFAULT_HOME,
    HIDDEN_STRESSORS,
    MASS_STRESSORS,
)
from tracer import __version__
from tracer.indicators import RANGE_KEYS, VEHICLE_RANGE_KEYS
from tracer.maps.aggregate import (
    FLOW_LABELS,
    check_flows,
    domestic_abroad,
)
from tracer.maps.bibliography import bibliography_html
from tracer.maps.interactive import add_mines, country_figure, figure_div, html_page
from tracer.maps.palette import STRESSOR_COLOURS
from tracer.maps.report_tables import (
    carbon_table,
    country_table,
    format_value,
    material_table,
    mine_table,
    stressor_table,
    unit_mismatch,
    vehicle_table,
)
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
.scroll{overflow-x:auto;max-width:100%} .note{color:#444;font-size:0.85rem;max-width:62rem}
ol.bib{padding-left:2.2rem} ol.bib>li{margin:0.35rem 0} details{margin:0.15rem 0 0.4rem;font-size:0.85rem}
summary{cursor:pointer;color:#1f5f99} ol.bib,.note,.subtitle{overflow-wrap:anywhere} .where{color:#555;margin:0.3rem 0} details li{margin:0.2rem 0}
.js-plotly-plot,.plotly-graph-div{max-width:100%}
"""


NOMINAL_NOTE = (
    "The large figure is the nominal value: the deterministic run with every input at its best estimate. "
    "The interval (5th-95th percentile) and the median come from the Monte Carlo draws. Many inputs are "
    "skewed (lognormal: a strip ratio can be three times its estimate but not below zero), so the median "
    "and the interval's centre differ from the nominal, which may even lie outside a skewed interval."
)


BUNDLED_DATA = "bundled data: default mine database and supply-chain network, base year 2019"


def report_title(fleet: Path | None, scenario: str | None, flows: Path | None = None) -> str:
    """A title naming what was traced: the bundled fleet (China, 2019, passenger cars) or the user's files."""
    if flows is not None:
        what = f"the run in {flows.parent}"
    elif fleet is not None:
        what = f"the fleet in {fleet.name} (China's 2019 supply chain)"
    else:
        what = "China's 2019 passenger-car production"
    return f"Hidden material flows of {what}" + (f", scenario {scenario}" if scenario else "")


def ranges_from_montecarlo(result: Mapping[str, Any]) -> tuple[dict[str, Any], str]:
    """Ranges and their label from `tracer mc`'s montecarlo.json (p5-p95 of the `total` split)."""
    ranges: dict[str, Any] = {}
    for row in result.get("headline") or []:
        stressor, vehicle = row.get("stressor"), row.get("vehicle")
        if row.get("split") != "total" or stressor not in VEHICLE_RANGE_KEYS or row.get("p5") is None or row.get("p95") is None:
            continue  # the indicators with both a fleet and a per-vehicle key (tmr, hidden)
        interval = [float(row["p5"]), float(row["p95"])]
        if row.get("p50") is not None:
            interval.append(float(row["p50"]))  # the median of the draws, shown beside the nominal
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


def _cards(values: Mapping[str, float | None], ranges: Mapping[str, Sequence[float]], range_label: str) -> str:
    cards = []
    for key, label, kind in HEADLINES:
        value = values.get(key)
        if value is None and key == "vehicles":
            continue
        unit = scaled_unit(value, "t") if kind == "mass" and value else None
        extra = ""
        if key in ranges:
            low, high, *median = ranges[key]
            mid = f", median {format_value(median[0], kind, unit)}" if median else ""
            extra = (f'<div class="range">{html.escape(range_label)}: '
                     f"{format_value(low, kind, unit)} – {format_value(high, kind, unit)}{mid}</div>")
            if unit_mismatch(value, (low, high)):
                extra += ('<div class="range warn">The nominal value is more than ten times off the interval: '
                          "the ranges file was probably made in another unit or for another run.</div>")

        cards.append(
            f'<div class="card"><div class="label">{html.escape(label)}</div>'
            f'<div class="value">{format_value(value, kind, unit)}</div>{extra}</div>'
        )
    note = f'<p class="note">{NOMINAL_NOTE}</p>' if ranges else ""
    return f'<div class="cards">{"".join(cards)}</div>{note}'


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


def _list(items: Sequence[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"


def _subtitle(summary: Mapping[str, Any], fleet: pd.Series | None, home: str, data_note: str) -> str:
    vehicles = f"{count(float(fleet.sum()))} vehicles; " if fleet is not None else ""
    return (f'<p class="subtitle">{vehicles}home country {html.escape(country_name(home))} ({html.escape(home)}); '
            f"{html.escape(data_note)}; hidden-flow tracer {__version__}.</p>")


def build_report(
    flows: pd.DataFrame,
    summary: Mapping[str, Any],
    mines: pd.DataFrame | None = None,
    fleet: pd.Series | None = None,
    ranges: Mapping[str, Sequence[float]] | None = None,
    range_label: str = "90 % interval",
    title: str = "Hidden material flows of the traced fleet",
    data_note: str = "data as supplied",
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
        _subtitle(summary, fleet, home, data_note),
        "<h2>Headline numbers</h2>",
        _cards(values, all_ranges, range_label),
        "<h2>Per vehicle</h2>",
        figure_div(vehicle_figure(flows, fleet)),
        vehicle_table(flows, fleet, all_ranges, range_label),
        carbon_table(summary),
        "<h2>Where the hidden flows lie</h2>",
        figure_div(mapped),
        country_table(flows, top),
    ]
    if mines is not None:
        sections.append(mine_table(flows, mines, top))
    sections += [
        "<h2>From mine to vehicle</h2>",
        figure_div(sankey_figure(sankey_links(flows, "hidden"))),
        "<h2>Main tables</h2>",
        material_table(flows),
        stressor_table(flows, home),
        "<h2>Assumptions</h2>",
        _list([*DEFINITIONS, *(summary.get("assumptions") or []), *assumptions]),
        "<h2>Data sources</h2>",
        bibliography_html(flows, mines, [*sources, *(summary.get("sources") or []),
                                         f"Country boundaries: {BOUNDARY_SOURCE}.",
                                         f"Computed with hidden-flow tracer {__version__}."]),
    ]
    page = html_page(title, "\n".join(sections))
    return page.replace("</style>", CSS + "</style>", 1)
