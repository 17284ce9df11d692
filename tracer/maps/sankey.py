"""Sankey diagram of hidden flows: producing country -> material -> component -> vehicle.

The links come straight from the long flows table, so every column of the diagram
carries the same total (the mass balance is visible). Small countries and components
are pooled into "Other ..." nodes to keep the picture readable; the pooling is in the
labels, never silent. The interactive version is plotly; the static PNG/SVG is drawn
with matplotlib (plotly's static export needs kaleido and a browser, which we avoid).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import matplotlib
import numpy as np
import pandas as pd
import plotly.graph_objects as go
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath

from hfcommon.display import country_name, scaled_unit, sig
from hfcommon.vocabulary import UNKNOWN_ORIGIN
from tracer.maps.aggregate import FLOW_LABELS, select_flow

LEVELS = ("country", "material", "component", "vehicle")
LEVEL_TITLES = {"country": "Producing country", "material": "Material", "component": "Component", "vehicle": "Vehicle"}
NO_VALUE = {"material": "(no material)", "component": "(direct to vehicle)"}
#: The engine's placeholder for "no such node on this path".
NONE_LABELS = {"", "(none)"}
#: Components are per vehicle type in the network (`body_chassis_BEV`, `traction_battery_BEV_LFP`); the
#: diagram pools them by part, because the vehicle column already tells the types apart.
_VEHICLE_SUFFIX = re.compile(r"_(ICEV|HEV|PHEV|BEV|FCV)(_(NMC\d{3}|NCA|LFP))?$")


def _country_names(codes: pd.Series) -> pd.Series:
    """Countries by the names the terminal and the report use (hfcommon.display)."""
    return codes.map(country_name)


def _pool(labels: pd.Series, values: pd.Series, keep: int, other: str) -> pd.Series:
    """Keep the `keep` largest labels by value; the rest become `other`."""
    totals = values.groupby(labels).sum().sort_values(ascending=False)
    if len(totals) <= keep + 1:
        return labels
    return labels.where(labels.isin(totals.index[:keep]), other)


def sankey_links(
    flows: pd.DataFrame,
    flow: str = "hidden",
    vehicles: Sequence[str] | None = None,
    top_countries: int = 8,
    top_components: int = 8,
    top_materials: int = 10,
) -> pd.DataFrame:
    """Links between adjacent levels: columns source_level, source, target_level, target, value; and the unit.

    Each level's nodes sum to the selected flow's total.
    """
    rows, unit = select_flow(flows, flow, vehicles)
    rows = rows[rows["value"] != 0]
    material = rows["material"].astype("string").str.removeprefix("material:")
    component = rows["component"].astype("string").str.removeprefix("component:").str.replace(_VEHICLE_SUFFIX, "", regex=True)
    labels = pd.DataFrame(
        {
            "country": _country_names(rows["country"].astype("string").fillna(UNKNOWN_ORIGIN)),
            "material": material.str.replace("_", " "),
            "component": component.str.replace("_", " "),
            "vehicle": rows["vehicle"].astype("string"),
        }
    )
    for level, missing in NO_VALUE.items():
        labels[level] = labels[level].where(~labels[level].isin(NONE_LABELS), pd.NA).fillna(missing)
    value = rows["value"].astype(float)
    labels["country"] = _pool(labels["country"], value, top_countries, "Other countries")
    labels["material"] = _pool(labels["material"], value, top_materials, "Other materials")
    labels["component"] = _pool(labels["component"], value, top_components, "Other components")
    labels["value"] = value
    links = []
    for source_level, target_level in zip(LEVELS[:-1], LEVELS[1:], strict=True):
        pairs = labels.groupby([source_level, target_level], as_index=False)["value"].sum()
        pairs.columns = ["source", "target", "value"]
        pairs.insert(0, "source_level", source_level)
        pairs.insert(2, "target_level", target_level)
        links.append(pairs)
    table = pd.concat(links, ignore_index=True)
    table.attrs["unit"] = unit
    return table


def _node_totals(links: pd.DataFrame) -> dict[str, pd.Series]:
    """Each level's node totals, largest first with pooled 'Other ...' nodes last."""
    totals = {}
    for level in LEVELS:
        outgoing = links[links["source_level"] == level].groupby("source")["value"].sum()
        incoming = links[links["target_level"] == level].groupby("target")["value"].sum()
        ranked = (outgoing if level == LEVELS[0] else incoming).sort_values(ascending=False)
        other = ranked.index.str.startswith("Other")
        totals[level] = pd.concat([ranked[~other], ranked[other]])
    return totals


def _node_order(links: pd.DataFrame) -> dict[str, list[str]]:
    """Nodes per level, largest first (pooled 'Other' nodes last)."""
    return {level: totals.index.tolist() for level, totals in _node_totals(links).items()}


def _positions(totals: dict[str, pd.Series], gap: float = 0.025) -> tuple[list[float], list[float]]:
    """Fixed node centres (x, y in 0-1) so plotly keeps our order instead of re-sorting the nodes."""
    xs, ys = [], []
    for i, level in enumerate(LEVELS):
        values = totals[level].to_numpy(dtype=float)
        scale = (1.0 - gap * max(len(values) - 1, 0)) / (values.sum() or 1.0)
        tops = np.concatenate([[0.0], np.cumsum(values * scale + gap)[:-1]])
        ys += (np.clip(tops + values * scale / 2, 0.001, 0.999)).tolist()
        xs += [min(max(i / (len(LEVELS) - 1), 0.001), 0.999)] * len(values)
    return xs, ys


def _palette(n: int) -> list[str]:
    colours = matplotlib.colormaps["tab20"].colors
    return [matplotlib.colors.to_hex(colours[i % len(colours)]) for i in range(n)]


def sankey_figure(links: pd.DataFrame, title: str | None = None) -> go.Figure:
    """Interactive plotly Sankey of `links` (from `sankey_links`); links coloured by producing country."""
    unit = links.attrs.get("unit", "t")
    totals = _node_totals(links)
    order = {level: t.index.tolist() for level, t in totals.items()}
    keys = [(level, name) for level in LEVELS for name in order[level]]
    index = {key: i for i, key in enumerate(keys)}
    total = links.loc[links["source_level"] == LEVELS[0], "value"].sum()
    divisor, label = scaled_unit(float(total), unit)
    country_colour = dict(zip(order["country"], _palette(len(order["country"])), strict=True))
    level_colour = {"material": "#7f7f7f", "component": "#a6761d", "vehicle": "#1b9e77"}
    node_colours = [country_colour.get(name, "#999999") if level == "country" else level_colour[level] for level, name in keys]
    # A link takes the colour of the country it starts from where it can; later links are neutral.
    link_colours = [
        _rgba(country_colour[s], 0.45) if sl == "country" else "rgba(160,160,160,0.35)"
        for sl, s in zip(links["source_level"], links["source"], strict=True)
    ]
    x, y = _positions(totals)
    fig = go.Figure(
        go.Sankey(
            arrangement="fixed",
            valueformat=",.3g",
            valuesuffix=f" {label}",
            node={
                "label": [f"{name}  {sig(totals[level][name] / divisor)} {label}" for level, name in keys],
                "x": x,
                "y": y,
                "color": node_colours,
                "pad": 12,
                "thickness": 16,
                "customdata": [LEVEL_TITLES[level] for level, _ in keys],
                "hovertemplate": "%{customdata}: %{label}<extra></extra>",
            },
            link={
                "source": [index[(sl, s)] for sl, s in zip(links["source_level"], links["source"], strict=True)],
                "target": [index[(tl, t)] for tl, t in zip(links["target_level"], links["target"], strict=True)],
                "value": (links["value"] / divisor).tolist(),
                "color": link_colours,
            },
        )
    )
    heading = f"{title or 'Hidden flows from producing country to vehicle'} (total {sig(total / divisor)} {label})"
    fig.update_layout(title={"text": heading, "x": 0.01}, height=620, margin={"l": 10, "r": 10, "t": 60, "b": 30},
                      font={"size": 11})
    for i, level in enumerate(LEVELS):
        fig.add_annotation(x=i / (len(LEVELS) - 1), y=-0.04, xref="paper", yref="paper", showarrow=False,
                           text=f"<b>{LEVEL_TITLES[level]}</b>", xanchor=["left", "center", "center", "right"][i])
    return fig


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(255 * c) for c in matplotlib.colors.to_rgb(hex_colour))
    return f"rgba({r},{g},{b},{alpha})"


def sankey_static(links: pd.DataFrame, title: str | None = None, source: str | None = None) -> Figure:
    """The same Sankey drawn with matplotlib (bands are cubic Bézier ribbons), for PNG/SVG."""
    unit = links.attrs.get("unit", "t")
    order = _node_order(links)
    total = float(links.loc[links["source_level"] == LEVELS[0], "value"].sum())
    divisor, label = scaled_unit(total, unit)
    gap = 0.03 * total
    node_width = 0.06
    xs = {level: i for i, level in enumerate(LEVELS)}
    height = 1.15 * total + gap * max(len(v) for v in order.values())
    fig = Figure(figsize=(12, 7.5))
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(-0.9, len(LEVELS) - 1 + 0.95)
    ax.set_ylim(-0.03 * height, height * 1.02)
    country_colour = dict(zip(order["country"], _palette(len(order["country"])), strict=True))
    level_colour = {"material": "#7f7f7f", "component": "#a6761d", "vehicle": "#1b9e77"}

    # Node boxes, stacked top-down and centred in each column.
    top: dict[tuple[str, str], float] = {}
    size: dict[tuple[str, str], float] = {}
    for level in LEVELS:
        side = "source" if level == LEVELS[0] else "target"
        totals = links[links[f"{side}_level"] == level].groupby(side)["value"].sum()
        column = sum(totals[n] for n in order[level]) + gap * (len(order[level]) - 1)
        y = height - (height - column) / 2
        for name in order[level]:
            top[(level, name)], size[(level, name)] = y, float(totals[name])
            colour = country_colour.get(name, "#999999") if level == "country" else level_colour[level]
            ax.add_patch(Rectangle((xs[level] - node_width / 2, y - totals[name]), node_width, totals[name],
                                   color=colour, lw=0))
            text = f"{name}  {sig(totals[name] / divisor)} {label}"
            if level == LEVELS[0]:
                ax.text(xs[level] - node_width, y - totals[name] / 2, text, ha="right", va="center", fontsize=7.5)
            else:
                ax.text(xs[level] + node_width, y - totals[name] / 2, text, ha="left", va="center", fontsize=7.5)
            y -= totals[name] + gap

    # Ribbons: leave each source in target order, enter each target in source order.
    rank = {(level, name): i for level in LEVELS for i, name in enumerate(order[level])}
    out_used = dict.fromkeys(top, 0.0)
    ordered = links.assign(
        s_rank=[rank[(lvl, n)] for lvl, n in zip(links["source_level"], links["source"], strict=True)],
        t_rank=[rank[(lvl, n)] for lvl, n in zip(links["target_level"], links["target"], strict=True)],
    )
    for row in ordered.sort_values(["source_level", "s_rank", "t_rank"]).itertuples():
        src, dst = (row.source_level, row.source), (row.target_level, row.target)
        y0 = top[src] - out_used[src]
        out_used[src] += row.value
        incoming = ordered[(ordered["target_level"] == row.target_level) & (ordered["target"] == row.target)]
        before = incoming[incoming["s_rank"] < row.s_rank]["value"].sum()
        y1 = top[dst] - before
        x0, x1 = xs[row.source_level] + node_width / 2, xs[row.target_level] - node_width / 2
        xm = (x0 + x1) / 2
        path = MplPath(
            [(x0, y0), (xm, y0), (xm, y1), (x1, y1), (x1, y1 - row.value), (xm, y1 - row.value),
             (xm, y0 - row.value), (x0, y0 - row.value), (x0, y0)],
            [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.LINETO,
             MplPath.CURVE4, MplPath.CURVE4, MplPath.CURVE4, MplPath.CLOSEPOLY],
        )
        colour = country_colour.get(row.source, "#a0a0a0") if row.source_level == "country" else "#a0a0a0"
        ax.add_patch(PathPatch(path, facecolor=colour, edgecolor="none", alpha=0.45 if row.source_level == "country" else 0.35))
    for level in LEVELS:
        ax.text(xs[level], height * 1.01, LEVEL_TITLES[level], ha="center", va="bottom", fontsize=9, weight="bold")
    heading = title or f"{FLOW_LABELS['hidden']} from producing country to vehicle"
    fig.suptitle(f"{heading} ({label}; total {sig(total / divisor)} {label})", x=0.01, ha="left", fontsize=11)
    if source:
        fig.text(0.01, 0.01, f"Source: {source}.", fontsize=6.5, color="#555555")
    return fig


def check_balance(links: pd.DataFrame) -> np.ndarray:
    """Total flow through each level (equal for a consistent diagram); for tests and sanity checks."""
    first = links[links["source_level"] == LEVELS[0]]["value"].sum()
    return np.array([first] + [links[links["target_level"] == level]["value"].sum() for level in LEVELS[1:]])
