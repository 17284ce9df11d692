"""Interactive map, Sankey and report HTML: self-contained, offline-seeded, numbers equal the input sums."""

from __future__ import annotations

import base64
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread
from test_maps_synthetic import (
    FLEET,
    synthetic_mines,
    synthetic_summary,
)

from tracer.maps import interactive, report, sankey, static

HIDDEN = ["overburden", "waste_rock", "tailings"]


class _Resources(HTMLParser):
    """Collect every external resource reference (src/href) and the scripts' text."""

    def __init__(self) -> None:
        super().__init__()
        self.external: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name in {"src", "href"} and value and not value.startswith(("#", "data:")):
                self.external.append(value)


def _resources(page: str) -> _Resources:
    parser = _Resources()
    parser.feed(page)
    return parser


def _array(value: object) -> np.ndarray:
    """A plotly JSON array, plain or typed (`{"dtype": "f8", "bdata": base64}`)."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
    return np.asarray(value)


def _plotly_figures(page: str) -> list[list[dict]]:
    """The `data` array of every Plotly.newPlot call in the page."""
    calls = re.findall(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*\{', page, flags=re.S)
    return [json.loads(call) for call in calls]


def test_map_page_is_self_contained_and_seeds_plotly_geo_assets(flows: pd.DataFrame) -> None:
    page = interactive.map_page(flows, synthetic_mines(), source="synthetic")
    resources = _resources(page)
    assert resources.external == []
    assert page.count("window.PlotlyGeoAssets = ") == 1
    assert page.index("window.PlotlyGeoAssets = ") < page.index("plotly.js v")  # seeded before plotly.js runs
    assert page.count("plotly.js v") == 1  # plotly.js inlined exactly once
    assert "cdn.plot.ly" not in page.split("<body>")[1]


def test_map_page_values_and_hover_equal_the_input(flows: pd.DataFrame) -> None:
    fig = interactive.country_figure(flows, "hidden")
    interactive.add_mines(fig, flows, synthetic_mines())
    background, countries, *mine_traces = fig.data
    assert len(background.locations) == 174  # every country but Antarctica as the base map
    sums = flows[flows["stressor"].isin(HIDDEN)].groupby("country")["value"].sum().drop("WLD")
    shown = pd.Series(10 ** np.asarray(countries.z), index=list(countries.locations))
    assert shown.sort_index().to_numpy() == pytest.approx(sums.sort_index().to_numpy())
    assert {t.name for t in mine_traces} == {"copper", "iron ore", "bauxite", "lithium", "cobalt", "nickel"}
    hover = "".join(text for t in mine_traces for text in t.text)
    assert "Escondida" in hover and "Waste rock" in hover
    features = {f["properties"]["iso3"] for f in interactive.countries_geojson()["features"]}
    assert set(countries.locations) <= features


def test_sankey_levels_balance_and_pool_small_nodes(flows: pd.DataFrame) -> None:
    links = sankey.sankey_links(flows, "hidden", top_countries=3, top_components=2)
    total = flows[flows["stressor"].isin(HIDDEN)]["value"].sum()
    assert sankey.check_balance(links) == pytest.approx([total] * 4)
    countries = set(links.loc[links["source_level"] == "country", "source"])
    assert "Other countries" in countries and len(countries) == 4
    assert "Other components" in set(links.loc[links["target_level"] == "component", "target"])
    assert links.attrs["unit"] == "t"
    lfp = sankey.sankey_links(flows, "hidden", vehicles=["BEV-LFP"])
    assert set(lfp.loc[lfp["target_level"] == "vehicle", "target"]) == {"BEV-LFP"}
    assert "cobalt" not in set(lfp["source"])


def test_sankey_figure_links_match_the_table(flows: pd.DataFrame) -> None:
    links = sankey.sankey_links(flows)
    fig = sankey.sankey_figure(links)
    trace = fig.data[0]
    divisor = 1e6  # synthetic totals are in the Mt range
    assert sum(trace.link.value) * divisor == pytest.approx(links["value"].sum())
    assert len(trace.link.source) == len(links)
    labels = list(trace.node.label)
    assert any(name.startswith("Chile  ") and name.endswith(" Mt") for name in labels)  # value and unit on the node
    assert any(name.startswith("BEV-LFP  ") for name in labels)
    countries = [name for name, x in zip(labels, trace.node.x, strict=True) if x < 0.1]
    sizes = [float(name.split("  ")[1].split()[0].replace(",", "")) for name in countries]
    others = [name.startswith("Other") for name in countries]
    assert sorted(others) == others  # "Other countries" (if any) last
    kept = [size for size, other in zip(sizes, others, strict=True) if not other]
    assert kept == sorted(kept, reverse=True)  # largest first, kept in place by fixed positions
    assert trace.arrangement == "fixed" and list(trace.node.y) == sorted(trace.node.y[: len(countries)]) + list(
        trace.node.y[len(countries):])


def test_static_sankey_png_and_svg(tmp_path: Path, flows: pd.DataFrame) -> None:
    paths = static.save_figure(sankey.sankey_static(sankey.sankey_links(flows), source="synthetic"), tmp_path / "sankey")
    image = imread(paths[0])
    assert image.shape[0] > 500 and image[..., :3].std() > 0.05
    svg = paths[1].read_text(encoding="utf-8")
    for text in ("Producing country", "Material", "Component", "Vehicle", "Chile", "BEV-NMC811", "Source: synthetic"):
        assert text in svg


def test_report_has_headlines_tables_figures_and_sources(flows: pd.DataFrame) -> None:
    summary = synthetic_summary(flows) | {"assumptions": ["Mines supply China in their 2019 export shares."],
                                          "sources": ["USGS Mineral Commodity Summaries 2020."]}
    page = report.build_report(flows, summary, mines=synthetic_mines(), ranges={"hidden_t": (1.2e8, 1.6e8)},
                               range_label="90 % interval (Monte Carlo)", title="Synthetic <run>")
    resources = _resources(page)
    assert resources.external == []
    assert page.count("plotly.js v") == 1
    assert "<h1>Synthetic &lt;run&gt;</h1>" in page  # user text is escaped
    hidden = flows[flows["stressor"].isin(HIDDEN)]["value"].sum()
    assert f"{hidden / 1e6:.3g} Mt" in page
    assert "90 % interval (Monte Carlo): 120 Mt – 160 Mt" in page
    for heading in ("Headline numbers", "Per vehicle", "Where the hidden flows lie", "From mine to vehicle",
                    "Main tables", "Assumptions", "Data sources"):
        assert f"<h2>{heading}</h2>" in page
    assert "Mines supply China in their 2019 export shares." in page
    assert "USGS Mineral Commodity Summaries 2020." in page
    assert "Natural Earth" in page and "Escondida" in page
    figures = _plotly_figures(page)
    assert [fig[0]["type"] for fig in figures] == ["bar", "choropleth", "sankey"]
    bars = figures[0]
    per_vehicle = {trace["name"]: dict(zip(trace["y"], _array(trace["x"]), strict=True)) for trace in bars}
    lfp_tmr = flows[(flows["vehicle"] == "BEV-LFP") & (flows["unit"] == "t")]["value"].sum() / FLEET["BEV-LFP"]
    assert sum(v["BEV-LFP"] for v in per_vehicle.values()) * 1e3 == pytest.approx(lfp_tmr)  # kt per vehicle


def test_report_without_mines_or_fleet_still_complete(flows: pd.DataFrame) -> None:
    page = report.build_report(flows, {"home": "AUS"})
    assert "home country Australia (AUS)" in page
    assert "fleet total" in page
    assert "mine sites by hidden flows" not in page


def test_ranges_from_montecarlo_json(flows: pd.DataFrame) -> None:
    """`tracer mc`'s montecarlo.json feeds the headline card and the per-vehicle table."""
    hidden = float(flows[flows["stressor"].isin(HIDDEN)]["value"].sum())
    result = {
        "iterations": 2048,
        "headline": [
            {"vehicle": "fleet", "split": "total", "stressor": "hidden", "p5": 0.9 * hidden, "p95": 1.2 * hidden},
            {"vehicle": "fleet", "split": "total", "stressor": "tmr", "p5": 1.0, "p95": 2.0},
            {"vehicle": "BEV-LFP", "split": "total", "stressor": "hidden", "p5": 6.0e5, "p95": 7.0e5},
            {"vehicle": "fleet", "split": "material", "stressor": "hidden", "p5": 5.0, "p95": 6.0},
        ],
    }
    ranges, label = report.ranges_from_montecarlo(result)
    assert ranges == {
        "hidden_t": [0.9 * hidden, 1.2 * hidden],
        "total_tmr_t": [1.0, 2.0],
        "per_vehicle_hidden_t": {"BEV-LFP": [6.0e5, 7.0e5]},
    }
    assert label == "90 % interval (2,048 Monte Carlo draws)"
    page = report.build_report(flows, synthetic_summary(flows), ranges=ranges, range_label=label)
    assert f"{label}: {0.9 * hidden / 1e6:.3g} Mt – {1.2 * hidden / 1e6:.3g} Mt" in page
    assert f"Per vehicle type (range: {label})" in page and "<th>Hidden flows, range (t per vehicle)</th>" in page
    assert "<td>600,000 – 700,000</td>" in page
    # A TMR interval of 1-2 t is orders of magnitude off the run's TMR: a unit error, and the page says so once.
    assert page.count("more than ten times off the interval") == 1
    assert "The large figure is the nominal value" in page


def test_nominal_outside_a_skewed_interval_is_not_flagged(flows: pd.DataFrame) -> None:
    """A deterministic value may lie outside a skewed Monte Carlo interval; only a unit error is flagged."""
    hidden = float(flows[flows["stressor"].isin(HIDDEN)]["value"].sum())
    ranges = {"hidden_t": [1.05 * hidden, 1.9 * hidden, 1.3 * hidden], "per_vehicle_hidden_t": {"BEV-LFP": [1.0, 2.0]}}
    page = report.build_report(flows, synthetic_summary(flows), ranges=ranges, range_label="MC p5-p95")
    assert "more than ten times off" not in page and "unit error?" not in page.split("Per vehicle type")[0]
    assert f"median {1.3 * hidden / 1e6:.3g} Mt" in page
    assert report.unit_mismatch(100.0, (1.0, 5.0)) and report.unit_mismatch(0.01, (1.0, 5.0))
    assert not report.unit_mismatch(9.0, (1.0, 5.0)) and not report.unit_mismatch(0.5, (1.0, 5.0))
