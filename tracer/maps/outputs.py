"""The files of `tracer map`, `tracer sankey` and `tracer report`, from a run or its files.

Each writer checks its options first, reads or traces the run (`tracer.maps.inputs`),
draws, and writes through the atomic writers; it returns the files written and the
extra figures the command reports (`Written`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from hfcommon.errors import InputError
from hfcommon.output import safe_name, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer.maps import aggregate, geodata, inputs, interactive, report, sankey, static

IMAGE = set(static.IMAGE_FORMATS)
GEO = set(geodata.GEO_FORMATS)
MAP_FORMATS = (*static.IMAGE_FORMATS, *geodata.GEO_FORMATS, "html")
SANKEY_FORMATS = ("html", *static.IMAGE_FORMATS)
SOURCE = "hidden-flow tracer"


@dataclass(frozen=True)
class Written:
    """Files written, and the figures worth reporting with them."""

    files: list[Path]
    extra: dict[str, Any] = field(default_factory=dict)


def parse_formats(text: str, allowed: tuple[str, ...]) -> list[str]:
    """A comma-separated list of formats, each one of `allowed` (no repeats)."""
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise InputError(f"unknown format(s) {unknown or [text]}; choose from {', '.join(allowed)}", column="--format")
    return list(dict.fromkeys(chosen))


def _stem(*parts: str | None) -> str:
    """A file name from labels (vehicles, scenario): sanitised, so it cannot leave --out."""
    return "_".join(safe_name(p.replace(",", "+")) for p in parts if p)


def _check_map_options(by: str, view: str, formats: list[str], baseline: Path | None, scenario: str | None,
                       flow: str) -> None:  # fmt: skip
    if view == "difference" and baseline is None and scenario is None:
        raise InputError("--view difference needs --baseline FLOWS_FILE or --scenario NAME", column="--baseline")
    if view != "standard" and by == "mine":
        raise InputError(f"--view {view} is a country map; use --by country", column="--view")
    if view != "standard" and "html" in formats:
        raise InputError(f"--view {view} is drawn as png/svg (and exported as geodata), not html", column="--format")
    if by == "mine":
        aggregate.mine_flow_column(flow)


def write_map(
    out: Path,
    by: str = "country",
    flow: str = "hidden",
    vehicle: list[str] | None = None,
    fmt: str = "png,svg",
    view: str = "standard",
    baseline: Path | None = None,
    scenario: str | None = None,
    flows_path: Path | None = None,
    mines_path: Path | None = None,
    fleet: Path | None = None,
    home: str = DEFAULT_HOME,
) -> Written:
    """World map of `flow` by producing country or mine: images, geodata and/or HTML."""
    formats = parse_formats(fmt, MAP_FORMATS)
    _check_map_options(by, view, formats, baseline, scenario, flow)
    flows, summary = inputs.flows_and_summary(flows_path, None, fleet, home, scenario, mines_path)
    home = str(summary.get("home", home))
    aggregate.select_flow(flows, flow, vehicle)  # fail on a bad flow or vehicle before drawing anything
    base = None
    if view == "difference":
        base = (inputs.read_flows(baseline) if baseline is not None
                else inputs.trace(fleet, home, None, mines_path).flows)
    mines = inputs.mines(mines_path) if by == "mine" else None
    stem = out / _stem(flow, "by", by, ",".join(vehicle or []) or None,
                       Path(scenario).stem if scenario else None, None if view == "standard" else view)
    files: list[Path] = []
    images = [f for f in formats if f in IMAGE]
    if images:
        names = (Path(scenario).stem if scenario else flows_path.name if flows_path else "this run",
                 baseline.name if baseline is not None else "no scenario")
        files += static.save_figure(_map_figure(flows, mines, base, by, view, flow, vehicle, home, names), stem, images)
    geo_formats = [f for f in formats if f in GEO]
    if geo_formats:
        if by == "mine":
            layer, name = geodata.mine_layer(flows, mines, vehicle), "mines"
        elif view == "difference":
            layer, name = geodata.difference_layer(flows, base, flow), "difference"
        else:
            layer, name = geodata.country_layer(flows, vehicle, home), "countries"
        files += [geodata.write_layer(layer, stem, geo_format, name) for geo_format in geo_formats]
    if "html" in formats:
        page = interactive.map_page(flows, mines if by == "mine" else None, flow, vehicle, SOURCE)
        files.append(interactive.write_html(page, stem.with_suffix(".html")))
    extra: dict[str, Any] = {}
    if by == "country":
        unmapped = geodata.unmapped_countries(flows, vehicle)
        extra["unmapped_countries_hidden_t"] = dict(zip(unmapped["country"], unmapped["hidden_t"], strict=True))
    else:
        extra["unmapped_mines"] = aggregate.unmapped_mines(flows, mines)
    return Written(files, extra)


def _map_figure(
    flows: pd.DataFrame, mines: pd.DataFrame | None, base: pd.DataFrame | None, by: str, view: str, flow: str,
    vehicle: list[str] | None, home: str, names: tuple[str, str],
) -> Any:  # fmt: skip
    if by == "mine":
        return static.mine_map(flows, mines, vehicle, SOURCE, flow)
    if view == "domestic":
        return static.domestic_abroad_map(flows, home, vehicle, SOURCE)
    if view == "difference":
        return static.difference_map(flows, base, flow, SOURCE, names)
    return static.country_map(flows, flow, vehicle, SOURCE)


def write_sankey(
    out: Path,
    flow: str = "hidden",
    vehicle: list[str] | None = None,
    fmt: str = "html,png,svg",
    top: tuple[int, int, int] = (8, 8, 10),
    scenario: str | None = None,
    flows_path: Path | None = None,
    fleet: Path | None = None,
    home: str = DEFAULT_HOME,
) -> Written:
    """Sankey producing country -> material -> component -> vehicle; `top` = countries, components, materials shown."""
    formats = parse_formats(fmt, SANKEY_FORMATS)
    flows, _ = inputs.flows_and_summary(flows_path, None, fleet, home, scenario)
    links = sankey.sankey_links(flows, flow, vehicle, *top)
    stem = out / _stem("sankey", flow, ",".join(vehicle or []) or None, Path(scenario).stem if scenario else None)
    title = f"{aggregate.FLOW_LABELS[flow]} from producing country to vehicle"
    files: list[Path] = [write_table(links, stem.with_name(stem.name + "_links"), "csv")]
    if "html" in formats:
        body = interactive.figure_div(sankey.sankey_figure(links, title))
        files.append(interactive.write_html(interactive.html_page(title, body), stem.with_suffix(".html")))
    images = [f for f in formats if f in IMAGE]
    if images:
        files += static.save_figure(sankey.sankey_static(links, title, SOURCE), stem, images)
    total = float(sankey.check_balance(links)[0])
    return Written(files, {"total": total, "unit": links.attrs["unit"]})


def write_report(
    out: Path,
    flows_path: Path | None = None,
    summary_path: Path | None = None,
    ranges_path: Path | None = None,
    scenario: str | None = None,
    mines_path: Path | None = None,
    fleet: Path | None = None,
    home: str = DEFAULT_HOME,
    title: str = "Hidden material flows of the traced fleet",
) -> Written:
    """One self-contained HTML report; the extra figures are its headline values."""
    if summary_path is not None and flows_path is None:
        raise InputError("--summary needs --flows (the two files of one run)", column="--summary")
    flows, summary = inputs.flows_and_summary(flows_path, summary_path, fleet, home, scenario, mines_path)
    ranges, label = inputs.read_ranges(ranges_path) if ranges_path is not None else ({}, "90 % interval")
    page = report.build_report(flows, summary, mines=inputs.mines(mines_path), ranges=ranges, range_label=label,
                               title=title)  # fmt: skip
    path = interactive.write_html(page, out)
    values = report.headline_values(flows, str(summary.get("home", home)), None)
    return Written([path], {k: v for k, v in values.items() if v is not None})
