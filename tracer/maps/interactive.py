"""Interactive, self-contained, offline HTML maps with plotly.

plotly.js draws geo plots on a world topojson it fetches from a CDN, which leaves a
blank map offline and leaks a request. We avoid that in two steps: countries are
drawn as a choropleth from *our* GeoJSON (hfcommon.boundaries), and the topojson
plotly would fetch is pre-seeded in `window.PlotlyGeoAssets` as an empty topology, so
plotly never asks the network for it. plotly.js itself is inlined once per page.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from hfcommon.boundaries import SOURCE as BOUNDARY_SOURCE
from hfcommon.boundaries import load_countries
from hfcommon.display import scaled_unit, sig
from hfcommon.output import atomic_path
from hfcommon.vocabulary import HIDDEN_STRESSORS
from tracer.maps.aggregate import (
    FLOW_LABELS,
    by_mine,
    mine_flow_column,
    select_flow,
)
from tracer.maps.palette import POINT_EDGE, commodity_colour

#: Base layers plotly may draw from its topojson; seeded empty so that drawing them is a no-op.
_TOPOJSON_LAYERS = ("land", "ocean", "lakes", "rivers", "coastlines", "countries", "subunits")
#: Grid for the GeoJSON we embed: 0.01 degrees (about 1 km) is far finer than 1:110m boundaries.
_PRECISION_DEG = 0.01
NO_DATA_COLOUR = "#e6e6e6"
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True}


def offline_plotly_script() -> str:
    """`<script>` tags that seed plotly's geo assets and inline plotly.js (call once per page)."""
    empty = {
        "type": "Topology",
        "objects": {name: {"type": "GeometryCollection", "geometries": []} for name in _TOPOJSON_LAYERS},
        "arcs": [],
    }
    seed = json.dumps({"topojson": {"world_110m": empty, "world_50m": empty}})
    return f"<script>window.PlotlyGeoAssets = {seed};</script>\n<script>{get_plotlyjs()}</script>"


@lru_cache(maxsize=1)
def countries_geojson() -> dict[str, Any]:
    """The shipped country layer (no Antarctica) as GeoJSON keyed by `properties.iso3`, rounded to keep pages small."""
    countries = load_countries()
    countries = countries[countries["iso3"] != "ATA"]
    countries["geometry"] = countries.geometry.set_precision(_PRECISION_DEG)
    countries = countries[~countries.is_empty]
    return json.loads(countries[["iso3", "name", "geometry"]].to_json(drop_id=True))


def _subset(geojson: dict[str, Any], iso3: set[str]) -> dict[str, Any]:
    """Only the features of `iso3`, so a page does not carry the world's outlines twice."""
    return {**geojson, "features": [f for f in geojson["features"] if f["properties"]["iso3"] in iso3]}


def _geo_layout() -> dict[str, Any]:
    """A world geo subplot with plotly's own base layers switched off (our GeoJSON is the base map)."""
    return {
        "projection": {"type": "equal earth", "rotation": {"lon": 0}},
        "center": {"lon": 0, "lat": 0},
        "lonaxis": {"range": [-180, 180]},
        "lataxis": {"range": [-90, 90]},
        "showframe": False,
        "showcoastlines": False,
        "showland": False,
        "showocean": False,
        "showlakes": False,
        "showrivers": False,
        "showcountries": False,
        "bgcolor": "rgba(0,0,0,0)",
    }


def _base_trace() -> go.Choropleth:
    geojson = countries_geojson()
    iso3 = [feature["properties"]["iso3"] for feature in geojson["features"]]
    names = [feature["properties"]["name"] for feature in geojson["features"]]
    return go.Choropleth(
        geojson=geojson,
        featureidkey="properties.iso3",
        locations=iso3,
        z=np.zeros(len(iso3)),
        text=names,
        colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
        showscale=False,
        marker_line_color="white",
        marker_line_width=0.4,
        hovertemplate="%{text}: no flows<extra></extra>",
        name="countries",
    )


def _log_ticks(low: float, high: float, divisor: float) -> tuple[list[float], list[str]]:
    """Colour-bar ticks at the powers of ten between log10 bounds (no odd end tick), labelled in the scaled unit."""
    decades = np.arange(np.ceil(low), np.floor(high) + 1).tolist() or [low, high]  # powers of ten only
    return decades, [sig(10**d / divisor, 1) for d in decades]


def country_figure(flows: pd.DataFrame, flow: str = "hidden", vehicles: Sequence[str] | None = None) -> go.Figure:
    """Choropleth of `flow` by producing country on a log colour scale, hover in readable units."""
    rows, unit = select_flow(flows, flow, vehicles)
    table = rows.pivot_table(index="country", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
    total = table.sum(axis=1)
    mapped = set(load_countries()["iso3"])
    total = total[(total > 0) & total.index.isin(mapped)].sort_values(ascending=False)
    divisor, label = scaled_unit(float(total.max()) if len(total) else 0.0, unit)
    names = load_countries().set_index("iso3")["name"]
    share = total / rows["value"].sum() if rows["value"].sum() else total * 0
    detail = [
        "<br>".join(f"{FLOW_LABELS.get(s, s)}: {table.loc[c, s] / divisor:,.3g} {label}" for s in table.columns)
        for c in total.index
    ]
    logz = np.log10(total.to_numpy()) if len(total) else np.array([])
    low, high = (float(logz.min()), float(logz.max())) if len(logz) else (0.0, 1.0)
    low = max(low, high - 5)  # five decades are enough; smaller values take the lightest colour
    tickvals, ticktext = _log_ticks(low, high, divisor)
    who = ", ".join(vehicles) if vehicles else "all vehicles"
    fig = go.Figure([_base_trace()])
    fig.add_trace(
        go.Choropleth(
            geojson=_subset(countries_geojson(), set(total.index)),  # the base trace already holds the rest
            featureidkey="properties.iso3",
            locations=total.index.tolist(),
            z=logz,
            zmin=low,
            zmax=high if high > low else low + 1,
            customdata=np.column_stack([names.reindex(total.index).fillna(total.index.to_series()).to_numpy(),
                                        total.to_numpy() / divisor, share.to_numpy() * 100, detail]),
            colorscale="YlOrBr",
            marker_line_color="white",
            marker_line_width=0.4,
            colorbar={"title": {"text": f"{label}<br>(log)"}, "tickvals": tickvals, "ticktext": ticktext},
            hovertemplate=(
                "<b>%{customdata[0]}</b> (%{location})<br>"
                f"{FLOW_LABELS[flow]}: %{{customdata[1]:,.3g}} {label} (%{{customdata[2]:.1f}} %)<br>"
                "%{customdata[3]}<extra></extra>"
            ),
            name=FLOW_LABELS[flow],
        )
    )
    fig.update_layout(
        title={"text": f"{FLOW_LABELS[flow]} by producing country, {who}", "x": 0.01},
        geo=_geo_layout(),
        margin={"l": 0, "r": 0, "t": 50, "b": 0},
        height=600,
    )
    return fig


def add_mines(
    fig: go.Figure,
    flows: pd.DataFrame,
    mines: pd.DataFrame,
    vehicles: Sequence[str] | None = None,
    flow: str = "hidden",
) -> go.Figure:
    """Overlay mine sites as circles (area proportional to `flow`), one legend entry per commodity."""
    column = mine_flow_column(flow)
    table = by_mine(flows, mines, vehicles)
    table = table[table[column] > 0]
    if table.empty:
        return fig
    divisor, label = scaled_unit(float(table[column].max()), "t")
    sizeref = 2.0 * float(table[column].max()) / 40.0**2  # the largest site is 40 px across
    for commodity, group in table.groupby(table.get("commodity", pd.Series("mine", index=table.index)).fillna("other")):
        hollow = group.get("resolution", pd.Series("mine", index=group.index)).eq("rest_of_country")
        order = np.argsort(hollow.to_numpy(), kind="stable")  # a named mine first: plotly's legend shows it
        group, hollow = group.iloc[order], hollow.iloc[order]
        lines = [
            "<br>".join(
                [f"<b>{html.escape(str(row.get('name', row['mine_id'])))}</b> ({row.get('country', '')})",
                 f"{str(commodity).replace('_', ' ')}; {str(row.get('resolution', 'mine')).replace('_', ' ')}",
                 *(f"{FLOW_LABELS[s]}: {row[f'{s}_t'] / divisor:,.3g} {label}" for s in HIDDEN_STRESSORS),
                 f"Hidden flows: {row['hidden_t'] / divisor:,.3g} {label}"]
            )
            for _, row in group.iterrows()
        ]
        fig.add_trace(
            go.Scattergeo(
                lon=group["longitude"],
                lat=group["latitude"],
                text=lines,
                hovertemplate="%{text}<extra></extra>",
                mode="markers",
                name=str(commodity).replace("_", " "),
                marker={
                    "size": group[column],
                    "sizemode": "area",
                    "sizeref": sizeref,
                    "sizemin": 4,
                    "opacity": 0.85,
                    "color": commodity_colour(commodity),
                    "symbol": np.where(hollow, "circle-open", "circle"),
                    "line": {"width": np.where(hollow, 2.0, 1.0), "color": np.where(hollow, commodity_colour(commodity),
                                                                                    POINT_EDGE)},
                },
            )
        )
    legend_title = f"Mines (area ∝ {FLOW_LABELS[flow].split(' (')[0].lower()})"
    fig.update_layout(legend={"title": {"text": legend_title}, "x": 0.0, "y": 0.05})
    return fig


def figure_div(fig: go.Figure) -> str:
    """A figure as an HTML fragment that relies on the page's single inlined plotly.js."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config=PLOTLY_CONFIG)


def html_page(title: str, body: str) -> str:
    """A complete offline HTML document: plotly seeded and inlined, then `body`."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem auto;max-width:1200px;color:#222;padding:0 1rem}}
.source{{color:#666;font-size:0.8rem}}</style>
{offline_plotly_script()}
</head>
<body>
{body}
</body>
</html>
"""


def map_page(
    flows: pd.DataFrame,
    mines: pd.DataFrame | None = None,
    flow: str = "hidden",
    vehicles: Sequence[str] | None = None,
    source: str | None = None,
) -> str:
    """A self-contained HTML page with the country choropleth (and mine sites when `mines` is given)."""
    fig = country_figure(flows, flow, vehicles)
    if mines is not None:
        add_mines(fig, flows, mines, vehicles, flow)
    credits = f"Source: {html.escape(source)}. " if source else ""
    body = f'{figure_div(fig)}\n<p class="source">{credits}Boundaries: {html.escape(BOUNDARY_SOURCE)}.</p>'
    return html_page(f"{FLOW_LABELS[flow]} by producing country", body)


def write_html(page: str, path: str | os.PathLike[str]) -> Path:
    """Write an HTML page atomically (UTF-8); returns the path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target
