"""`tracer map`, `tracer sankey`, `tracer report`: pictures, GIS files and the run report.

Each command either traces the default (or a given) fleet with `tracer.api.run`, or
reads the tables a previous `tracer run --out DIR` wrote (`--flows`, `--summary`), so
maps of a long run need not recompute it. Files go under `--out` through atomic
writers; with `--json` only JSON reaches stdout.
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from hfcommon.countries import to_iso3
from hfcommon.errors import InputError
from hfcommon.output import to_json, write_table
from hfcommon.vocabulary import DEFAULT_HOME
from tracer.commands.options import FleetOption, HomeOption, JsonOption
from tracer.commands.options import stdout as _out
from tracer.maps import aggregate, geodata, interactive, report, sankey, static

IMAGE = set(static.IMAGE_FORMATS)
GEO = set(geodata.GEO_FORMATS)
MAP_FORMATS = (*static.IMAGE_FORMATS, *geodata.GEO_FORMATS, "html")
SANKEY_FORMATS = ("html", *static.IMAGE_FORMATS)
SOURCE = "hidden-flow tracer"


class By(str, Enum):
    """What a map shows: producing countries (choropleth) or mine sites (points)."""

    country = "country"
    mine = "mine"


class View(str, Enum):
    """Which country map: plain, home vs abroad, or the change from a baseline run."""

    standard = "standard"
    domestic = "domestic"
    difference = "difference"


FlowsOption = Annotated[
    Path | None,
    typer.Option("--flows", help="flows.parquet (or .csv) written by `tracer run --out`; default: trace now."),
]
MinesOption = Annotated[
    Path | None, typer.Option("--mines", help="Mine table (any mine_db format); default: the bundled database.")
]
FlowOption = Annotated[str, typer.Option("--flow", help=f"One of {', '.join(aggregate.FLOW_GROUPS)}.")]
ScenarioOption = Annotated[
    str | None, typer.Option("--scenario", help="Trace under this scenario (bundled name or TOML file).")
]
VehicleOption = Annotated[
    list[str] | None, typer.Option("--vehicle", help="Only this vehicle type (repeatable); default: all.")
]


def _formats(text: str, allowed: tuple[str, ...]) -> list[str]:
    chosen = [f.strip().lower() for f in text.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in allowed]
    if unknown or not chosen:
        raise InputError(f"unknown format(s) {unknown or [text]}; choose from {', '.join(allowed)}", column="--format")
    return list(dict.fromkeys(chosen))


def read_flows(path: Path) -> pd.DataFrame:
    """Read a flows table written by `tracer run` (Parquet or CSV) and check its columns."""
    if not path.is_file():
        raise InputError("flows file not found", file=str(path))
    try:
        flows = pd.read_csv(path) if path.suffix.lower() == ".csv" else pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the flows table: {exc}", file=str(path)) from None
    try:
        return aggregate.check_flows(flows)
    except InputError as exc:
        raise InputError(exc.message, file=str(path), row=exc.row, column=exc.column) from None


def _read_json(path: Path, what: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the {what} as JSON: {exc}", file=str(path)) from None
    if not isinstance(data, dict):
        raise InputError(f"the {what} must be a JSON object", file=str(path))
    return data


def _trace(fleet: Path | None, home: str, scenario: str | None = None) -> Any:
    """Run the engine on the default network and fleet, or on what `scenario` makes of them."""
    from tracer import api

    vehicles = api.load_fleet(fleet) if fleet else None
    if scenario is None:
        return api.run(fleet=vehicles, home=home)
    from tracer.scenarios import load_scenario
    from tracer.scenarios.compare import scenario_inputs

    spec = load_scenario(scenario)
    network, fleet_series = scenario_inputs(spec, api.default_network(), api.normalise_fleet(
        api.default_fleet() if vehicles is None else vehicles))
    return api.run(fleet=fleet_series, home=home, network=network)


def _flows_and_summary(
    flows_path: Path | None, summary_path: Path | None, fleet: Path | None, home: str, scenario: str | None = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Flows and summary from files when given, else from a fresh run (under `scenario` if named)."""
    if flows_path is None:
        result = _trace(fleet, home, scenario)
        summary = dict(result.summary)
        if scenario is not None:
            summary.setdefault("assumptions", [f"Scenario: {scenario}."])
        return result.flows, summary
    if scenario is not None:
        raise InputError("--scenario traces anew; it cannot be combined with --flows", column="--scenario")
    summary = _read_json(summary_path, "summary") if summary_path else {}
    summary.setdefault("home", to_iso3(home, column="home"))
    return read_flows(flows_path), summary


def _mines(path: Path | None) -> pd.DataFrame:
    import mine_db

    return mine_db.load(path) if path else mine_db.load_default()


def _stem(*parts: str | None) -> str:
    return "_".join(p.replace(",", "+") for p in parts if p)


def _report_files(files: list[Path], as_json: bool, extra: dict[str, Any]) -> None:
    if as_json:
        typer.echo(to_json({"files": [str(f) for f in files], **extra}))
        return
    for path in files:
        _out.print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    for key, value in extra.items():
        if value or value == 0:
            _out.print(f"{key}: {value}")


def map_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files.")],
    by: Annotated[By, typer.Option("--by", help="country (choropleth) or mine (points).")] = By.country,
    flow: FlowOption = "hidden",
    vehicle: VehicleOption = None,
    fmt: Annotated[str, typer.Option("--format", help=f"Comma-separated: {','.join(MAP_FORMATS)}.")] = "png,svg",
    view: Annotated[View, typer.Option("--view", help="Country maps: standard, domestic (home vs abroad), difference.")] = View.standard,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Baseline flows file for --view difference (default with --scenario: no scenario)."),
    ] = None,
    scenario: ScenarioOption = None,
    flows_path: FlowsOption = None,
    mines_path: MinesOption = None,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    as_json: JsonOption = False,
) -> None:
    """World map of hidden flows by producing country or mine: PNG, SVG, GeoJSON, GeoPackage, GeoParquet, HTML."""
    formats = _formats(fmt, MAP_FORMATS)
    if view is View.difference and baseline is None and scenario is None:
        raise InputError("--view difference needs --baseline FLOWS_FILE or --scenario NAME", column="--baseline")
    if view is not View.standard and by is By.mine:
        raise InputError(f"--view {view.value} is a country map; use --by country", column="--view")
    if view is not View.standard and "html" in formats:
        raise InputError(f"--view {view.value} is drawn as png/svg (and exported as geodata), not html", column="--format")
    if by is By.mine:
        aggregate.mine_flow_column(flow)
    flows, summary = _flows_and_summary(flows_path, None, fleet, home, scenario)
    home = str(summary.get("home", home))
    aggregate.select_flow(flows, flow, vehicle)  # fail on a bad flow or vehicle before drawing anything
    if view is View.difference:
        base = read_flows(baseline) if baseline is not None else _trace(fleet, home).flows
    mines = _mines(mines_path) if by is By.mine else None
    stem = out / _stem(flow, "by", by.value, ",".join(vehicle or []) or None,
                       Path(scenario).stem if scenario else None, None if view is View.standard else view.value)
    files: list[Path] = []
    images = [f for f in formats if f in IMAGE]
    if images:
        if by is By.mine:
            figure = static.mine_map(flows, mines, vehicle, SOURCE, flow)
        elif view is View.domestic:
            figure = static.domestic_abroad_map(flows, home, vehicle, SOURCE)
        elif view is View.difference:
            names = (Path(scenario).stem if scenario else flows_path.name if flows_path else "this run",
                     baseline.name if baseline is not None else "no scenario")
            figure = static.difference_map(flows, base, flow, SOURCE, names)
        else:
            figure = static.country_map(flows, flow, vehicle, SOURCE)
        files += static.save_figure(figure, stem, images)
    geo_formats = [f for f in formats if f in GEO]
    if geo_formats:
        if by is By.mine:
            layer, name = geodata.mine_layer(flows, mines, vehicle), "mines"
        elif view is View.difference:
            layer, name = geodata.difference_layer(flows, base, flow), "difference"
        else:
            layer, name = geodata.country_layer(flows, vehicle, home), "countries"
        files += [geodata.write_layer(layer, stem, geo_format, name) for geo_format in geo_formats]
    if "html" in formats:
        page = interactive.map_page(flows, mines if by is By.mine else None, flow, vehicle, SOURCE)
        files.append(interactive.write_html(page, stem.with_suffix(".html")))
    extra: dict[str, Any] = {}
    if by is By.country:
        unmapped = geodata.unmapped_countries(flows, vehicle)
        extra["unmapped_countries_hidden_t"] = dict(zip(unmapped["country"], unmapped["hidden_t"], strict=True))
    else:
        extra["unmapped_mines"] = aggregate.unmapped_mines(flows, mines)
    _report_files(files, as_json, extra)


def sankey_command(
    out: Annotated[Path, typer.Option("--out", help="Directory for the files.")],
    flow: FlowOption = "hidden",
    vehicle: VehicleOption = None,
    fmt: Annotated[str, typer.Option("--format", help=f"Comma-separated: {','.join(SANKEY_FORMATS)}.")] = "html,png,svg",
    top_countries: Annotated[int, typer.Option("--top-countries", min=1, help="Countries shown; the rest pooled.")] = 8,
    top_components: Annotated[int, typer.Option("--top-components", min=1, help="Components shown; the rest pooled.")] = 8,
    top_materials: Annotated[int, typer.Option("--top-materials", min=1, help="Materials shown; the rest pooled.")] = 10,
    scenario: ScenarioOption = None,
    flows_path: FlowsOption = None,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    as_json: JsonOption = False,
) -> None:
    """Sankey diagram producing country -> material -> component -> vehicle (HTML, PNG, SVG, links CSV)."""
    formats = _formats(fmt, SANKEY_FORMATS)
    flows, _ = _flows_and_summary(flows_path, None, fleet, home, scenario)
    links = sankey.sankey_links(flows, flow, vehicle, top_countries, top_components, top_materials)
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
    _report_files(files, as_json, {"total": total, "unit": links.attrs["unit"]})


def report_command(
    out: Annotated[Path, typer.Option("--out", help="The HTML file to write.")] = Path("report.html"),
    flows_path: FlowsOption = None,
    summary_path: Annotated[
        Path | None, typer.Option("--summary", help="summary.json written by `tracer run --out` (with --flows).")
    ] = None,
    ranges_path: Annotated[
        Path | None,
        typer.Option(
            "--ranges",
            help='montecarlo.json of `tracer mc --out`, or JSON {"ranges": {"hidden_t": [low, high], ...}, "label": ...}.',
        ),
    ] = None,
    scenario: ScenarioOption = None,
    mines_path: MinesOption = None,
    fleet: FleetOption = None,
    home: HomeOption = DEFAULT_HOME,
    title: Annotated[str, typer.Option("--title", help="Page title.")] = "Hidden material flows of the traced fleet",
    as_json: JsonOption = False,
) -> None:
    """One self-contained HTML report: headline numbers, per-vehicle bars, map, Sankey, tables, sources."""
    if summary_path is not None and flows_path is None:
        raise InputError("--summary needs --flows (the two files of one run)", column="--summary")
    flows, summary = _flows_and_summary(flows_path, summary_path, fleet, home, scenario)
    ranges: dict[str, Any] = {}
    label = "90 % interval"
    if ranges_path is not None:
        data = _read_json(ranges_path, "ranges file")
        if "headline" in data:  # montecarlo.json of `tracer mc --out`
            ranges, label = report.ranges_from_montecarlo(data)
        elif isinstance(data.get("ranges"), dict):
            ranges, label = data["ranges"], str(data.get("label", label))
        else:
            raise InputError("expected tracer mc's montecarlo.json or {\"ranges\": {...}}", file=str(ranges_path))
    page = report.build_report(flows, summary, mines=_mines(mines_path), ranges=ranges, range_label=label, title=title)
    path = interactive.write_html(page, out)
    values = report.headline_values(flows, str(summary.get("home", home)), None)
    _report_files([path], as_json, {k: v for k, v in values.items() if v is not None})


def register(app: typer.Typer) -> None:
    """Attach this module's commands to the root app."""
    app.command("map")(map_command)
    app.command("sankey")(sankey_command)
    app.command("report")(report_command)
