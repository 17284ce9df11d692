"""Static maps (matplotlib + geopandas) for papers and reports: PNG and SVG.

Figures are built with `matplotlib.figure.Figure`, never pyplot, so no GUI backend
or global figure registry is involved. Each figure carries its title, legend, unit and a source line, because a map copied
into a slide loses its caption. Hidden flows span five orders of magnitude between
countries, so colour scales are logarithmic; differences use a symmetric log scale
centred on zero.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
from matplotlib import colors, ticker
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from hfcommon.boundaries import SOURCE as BOUNDARY_SOURCE
from hfcommon.boundaries import load_countries
from hfcommon.display import scaled_unit
from hfcommon.output import atomic_path
from hfcommon.vocabulary import DEFAULT_HOME, HIDDEN_STRESSORS, UNKNOWN_ORIGIN
from tracer.maps.aggregate import (
    FLOW_LABELS,
    by_mine,
    difference,
    domestic_abroad,
    mine_flow_column,
    select_flow,
)
from tracer.maps.palette import POINT_EDGE, STRESSOR_COLOURS, commodity_colour

#: Equal Earth: an equal-area world projection, so waste areas are not inflated near the poles.
PROJECTION = "EPSG:8857"
IMAGE_FORMATS = ("png", "svg")
NO_DATA_COLOUR = "#e6e6e6"
HOME_COLOUR = "#b2182b"


def _world() -> gpd.GeoDataFrame:
    """Countries in the map projection, without Antarctica (no mining, much paper)."""
    countries = load_countries()
    return countries[countries["iso3"] != "ATA"].to_crs(PROJECTION)


def _source_line(fig: Figure, source: str | None, boundaries: bool = True) -> None:
    parts = [f"Source: {source}." if source else "", f"Boundaries: {BOUNDARY_SOURCE}." if boundaries else ""]
    text = " ".join(p for p in parts if p)
    if text:
        fig.text(0.01, 0.005, text, fontsize=6.5, color="#555555", ha="left", va="top")  # below everything else


def _unit_formatter(divisor: float) -> ticker.FuncFormatter:
    return ticker.FuncFormatter(lambda value, _pos: f"{value / divisor:,.3g}")


def _new_map(title: str, with_side_panel: bool = False) -> tuple[Figure, Axes, Axes | None]:
    if with_side_panel:
        fig = Figure(figsize=(13, 4.8))
        ax, side = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3.2, 1]})
    else:
        fig = Figure(figsize=(10, 5.6))
        ax = fig.subplots()
        side = None
    # The world without Antarctica is ~2.3 times wider than tall: fill the width, keep the map under its title.
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.11)
    ax.set_axis_off()
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    return fig, ax, side


def _colorbar(
    fig: Figure, ax: Axes, mappable: ScalarMappable, label: str, divisor: float, ticks: list[float] | None = None
) -> None:
    bar = fig.colorbar(mappable, ax=ax, orientation="horizontal", fraction=0.045, pad=0.02, shrink=0.6, ticks=ticks)
    bar.set_label(label, fontsize=9)
    bar.ax.xaxis.set_major_formatter(_unit_formatter(divisor))
    bar.ax.xaxis.set_minor_formatter(ticker.NullFormatter())


def _choropleth(
    ax: Axes, values: pd.Series, norm: colors.Normalize, cmap: str, world: gpd.GeoDataFrame
) -> ScalarMappable:
    """Draw every country grey, then those in `values` (iso3 -> number) coloured."""
    world.plot(ax=ax, color=NO_DATA_COLOUR, edgecolor="white", linewidth=0.3)
    shown = world.merge(values.rename("value"), left_on="iso3", right_index=True, how="inner")
    shown = shown[shown["value"] != 0]
    mappable = ScalarMappable(norm=norm, cmap=cmap)
    if not shown.empty:
        shown.plot(ax=ax, column="value", cmap=cmap, norm=norm, edgecolor="white", linewidth=0.3)
    return mappable


def _log_norm(values: pd.Series) -> colors.Normalize:
    positive = values[values > 0]
    if positive.empty:
        return colors.Normalize(0, 1)
    high = float(positive.max())
    low = max(float(positive.min()), high * 1e-5)
    return colors.LogNorm(low, high) if high > low else colors.Normalize(0, high)


def country_map(
    flows: pd.DataFrame,
    flow: str = "hidden",
    vehicles: Sequence[str] | None = None,
    source: str | None = None,
) -> Figure:
    """World choropleth of `flow` by the country where it happens (optionally for some vehicles)."""
    rows, unit = select_flow(flows, flow, vehicles)
    values = rows.groupby("country")["value"].sum()
    divisor, label = scaled_unit(float(values.abs().max() if len(values) else 0.0), unit)
    who = ", ".join(vehicles) if vehicles else "all vehicles"
    fig, ax, _ = _new_map(f"{FLOW_LABELS[flow]} by producing country, {who}")
    mappable = _choropleth(ax, values, _log_norm(values), "YlOrBr", _world())
    _colorbar(fig, ax, mappable, f"{FLOW_LABELS[flow]} ({label}, log scale)", divisor)
    _source_line(fig, source)
    return fig


def difference_map(
    flows: pd.DataFrame,
    baseline: pd.DataFrame,
    flow: str = "hidden",
    source: str | None = None,
    names: tuple[str, str] = ("scenario", "baseline"),
) -> Figure:
    """Choropleth of the change in `flow` from `baseline` to `flows` (red: more, blue: less); `names` label the two."""
    change = difference(flows, baseline, flow).set_index("country")["change"]
    _, unit = select_flow(flows, flow)
    largest = float(change.abs().max()) if len(change) else 0.0
    divisor, label = scaled_unit(largest, unit)
    limit = largest or 1.0
    norm = colors.SymLogNorm(linthresh=limit * 1e-3, vmin=-limit, vmax=limit, base=10)
    net = change.sum() / divisor
    fig, ax, _ = _new_map(f"Change in {FLOW_LABELS[flow].lower()}: {names[0]} minus {names[1]} (net {net:+,.3g} {label})")
    mappable = _choropleth(ax, change, norm, "RdBu_r", _world())
    step = _nice(limit)
    ticks = [-step, -step / 100, 0.0, step / 100, step]
    _colorbar(fig, ax, mappable, f"Change ({label}, symmetric log scale)", divisor, ticks)
    _source_line(fig, source)
    return fig


def _nice(value: float) -> float:
    """Round down to 1, 2 or 5 times a power of ten, for legend sizes."""
    if value <= 0:
        return 0.0
    exponent = np.floor(np.log10(value))
    mantissa = value / 10**exponent
    return float(max(m for m in (1, 2, 5) if m <= mantissa) * 10**exponent)


def mine_map(
    flows: pd.DataFrame,
    mines: pd.DataFrame,
    vehicles: Sequence[str] | None = None,
    source: str | None = None,
    flow: str = "hidden",
    max_marker_area: float = 900.0,
) -> Figure:
    """Mine sites as points whose area is proportional to `flow` (hidden flows or one part), coloured by commodity.

    Rest-of-country rows (national production not assigned to a named mine) are
    drawn hollow, so they are not mistaken for single pits.
    """
    column = mine_flow_column(flow)
    table = by_mine(flows, mines, vehicles)
    table = table[table[column] > 0]
    points = gpd.GeoDataFrame(
        table, geometry=gpd.points_from_xy(table["longitude"], table["latitude"]), crs="EPSG:4326"
    ).to_crs(PROJECTION)
    who = ", ".join(vehicles) if vehicles else "all vehicles"
    fig, ax, _ = _new_map(f"{FLOW_LABELS[flow]} at mine sites, {who}")
    _world().plot(ax=ax, color=NO_DATA_COLOUR, edgecolor="white", linewidth=0.3)
    largest = float(points[column].max()) if len(points) else 0.0
    divisor, label = scaled_unit(largest, "t")

    def area(values: object) -> np.ndarray:
        return max_marker_area * np.asarray(values, dtype=float) / (largest or 1.0)

    commodities = sorted(points["commodity"].dropna().unique()) if "commodity" in points else []
    palette = {c: commodity_colour(c) for c in commodities}
    order = points.sort_values(column, ascending=False)  # big circles first, small ones on top
    rgba = np.array([colors.to_rgba(commodity_colour(c)) for c in order.get("commodity", [None] * len(order))])
    hollow = order.get("resolution", pd.Series("mine", index=order.index)).eq("rest_of_country").to_numpy()
    face = rgba.copy()
    face[:, 3] = np.where(hollow, 0.0, 0.85)
    edge = np.where(hollow[:, None], rgba, colors.to_rgba(POINT_EDGE))  # a white rim keeps points visible on dark land
    ax.scatter(order.geometry.x, order.geometry.y, s=area(order[column]), c=face, edgecolors=edge,
               linewidths=np.where(hollow, 1.4, 0.7))
    handles = [Line2D([], [], marker="o", ls="", color=palette[c], label=c.replace("_", " ")) for c in commodities]
    legend_style = {"fontsize": 7, "title_fontsize": 8, "frameon": False, "alignment": "left"}
    fig.subplots_adjust(right=0.86, bottom=0.03)  # room for the commodity legend; no colour bar below
    fig.legend(handles=handles, title="Commodity", loc="upper left", bbox_to_anchor=(0.87, 0.85), **legend_style)
    references = sorted({_nice(largest), _nice(largest / 10), _nice(largest / 100)} - {0.0}, reverse=True)
    ring = {"marker": "o", "ls": "", "markerfacecolor": "none"}
    size_handles = [
        Line2D([], [], **ring, markeredgecolor="#333333", markersize=np.sqrt(area(v)), label=f"{v / divisor:,.3g} {label}")
        for v in references
    ]
    size_handles.append(Line2D([], [], **ring, markeredgecolor="#333333", label="hollow: rest of country"))
    ax.legend(  # over the south-east Pacific, where there is nothing to hide
        handles=size_handles, title=FLOW_LABELS[flow].split(" (")[0], loc="lower left", bbox_to_anchor=(0.0, 0.0),
        labelspacing=2.0, handletextpad=1.5, borderpad=1.2, **legend_style,
    )
    _source_line(fig, source)
    return fig


def domestic_abroad_map(
    flows: pd.DataFrame, home: str = DEFAULT_HOME, vehicles: Sequence[str] | None = None, source: str | None = None
) -> Figure:
    """Where the hidden flows lie: the home country highlighted, abroad by country, and a split bar per flow."""
    rows, _ = select_flow(flows, "hidden", vehicles)
    values = rows.groupby("country")["value"].sum()
    abroad = values.drop([home, UNKNOWN_ORIGIN], errors="ignore")
    split = domestic_abroad(flows, home, vehicles)
    total = float(split.loc["hidden"].sum())
    share = float(split.loc["hidden", "abroad"]) / total if total > 0 else 0.0
    fig, ax, side = _new_map(f"Hidden flows at home ({home}) and abroad: {share:.0%} abroad", with_side_panel=True)
    world = _world()
    mappable = _choropleth(ax, abroad, _log_norm(abroad), "Blues", world)
    world[world["iso3"] == home].plot(ax=ax, color=HOME_COLOUR, edgecolor="white", linewidth=0.3)
    divisor, label = scaled_unit(float(abroad.max()) if len(abroad) else 0.0, "t")
    _colorbar(fig, ax, mappable, f"Hidden flows abroad ({label}, log scale)", divisor)
    parts = split.loc[list(HIDDEN_STRESSORS)]
    bar_divisor, bar_label = scaled_unit(float(parts.sum(axis=1).max()), "t")
    labels = [FLOW_LABELS[s] for s in parts.index]
    left = np.zeros(len(parts))
    segments = (("domestic", HOME_COLOUR, f"domestic ({home})"), ("abroad", "#4292c6", "abroad"),
                ("unknown", "#bdbdbd", "unknown origin"))
    for column, colour, name in segments:
        side.barh(labels, parts[column] / bar_divisor, left=left, color=colour, label=name)
        left += parts[column].to_numpy() / bar_divisor
    side.invert_yaxis()
    side.set_box_aspect(0.9)
    side.set_xlabel(bar_label)
    side.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=3, frameon=False)
    side.spines[["top", "right"]].set_visible(False)
    _source_line(fig, source)
    return fig


def vehicle_bars(flows: pd.DataFrame, fleet: pd.Series | None = None, source: str | None = None) -> Figure:
    """Hidden flows per vehicle type, stacked by flow type; per vehicle when `fleet` (counts) is given."""
    rows, unit = select_flow(flows, "hidden")
    table = rows.pivot_table(index="vehicle", columns="stressor", values="value", aggfunc="sum", fill_value=0.0)
    table = table.reindex(columns=list(HIDDEN_STRESSORS), fill_value=0.0)
    per = "fleet total"
    if fleet is not None:
        counts = fleet.reindex(table.index)
        table = table.div(counts.where(counts > 0), axis=0).dropna()  # types not produced have no per-vehicle value
        per = "per vehicle"
    table = table.loc[table.sum(axis=1).sort_values().index]
    divisor, label = scaled_unit(float(table.sum(axis=1).max()) if len(table) else 0.0, unit)
    fig = Figure(figsize=(8, 0.45 * len(table) + 1.6))
    ax = fig.subplots()
    left = np.zeros(len(table))
    for stressor, colour in ((s, STRESSOR_COLOURS[s]) for s in HIDDEN_STRESSORS):
        ax.barh(table.index, table[stressor] / divisor, left=left, color=colour, label=FLOW_LABELS[stressor])
        left += table[stressor].to_numpy() / divisor
    ax.set_xlabel(f"Hidden flows ({label}, {per})")
    fig.suptitle(f"Hidden flows by vehicle type ({per})", x=0.01, ha="left", fontsize=11)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    _source_line(fig, source, boundaries=False)
    return fig


def save_figure(fig: Figure, stem: str | os.PathLike[str], formats: Iterable[str] = IMAGE_FORMATS) -> list[Path]:
    """Write `fig` atomically as `<stem>.png` / `<stem>.svg`; returns the paths written."""
    written = []
    for fmt in formats:
        if fmt not in IMAGE_FORMATS:
            raise ValueError(f"unknown image format {fmt!r}; use one of {IMAGE_FORMATS}")
        target = Path(stem).with_suffix(f".{fmt}")
        # A fixed SVG id salt and no creation date: the same inputs give byte-identical files.
        reproducible = {"Date": None} if fmt == "svg" else {}
        with atomic_path(target) as tmp, matplotlib.rc_context({"svg.hashsalt": "hidden-flow-tracer"}):
            fig.savefig(tmp, format=fmt, dpi=150, bbox_inches="tight", metadata=reproducible)
        written.append(target)
    return written

